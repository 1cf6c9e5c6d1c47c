"""gunicorn's logs without link tokens (gunicorn.conf.py sets logger_class to this).

gunicorn writes its access log (and errors such as "Error handling request /r/<token>/") itself,
from the raw request, before Django sees anything; its `logger_class` setting is the supported
way to change what those lines show."""

from gunicorn.glogging import Logger

from summit.logs import RedactTokensFilter

# One instance: logging.Logger.addFilter skips a filter already there, so a reload (SIGHUP runs
# setup again) does not stack copies.
_REDACT = RedactTokensFilter()


class RedactingLogger(Logger):
    """gunicorn's logger, with /r/<token>/ and /door/<token>/ shown as /r/…/ and /door/…/ in
    every access-log line (request line, referer, any atom a custom format uses) and error line."""

    def setup(self, cfg):
        super().setup(cfg)
        self.access_log.addFilter(_REDACT)
        self.error_log.addFilter(_REDACT)
