# gunicorn reads this file from the folder it is started in (the README runs it from the source
# folder): access-log lines show attendees' private links and door links without their tokens.
logger_class = "summit.gunicorn.RedactingLogger"
