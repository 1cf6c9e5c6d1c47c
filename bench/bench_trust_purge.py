"""The purge canary (tests/workshops/test_purge.py): a canary in every personal field of an
attendee, who checks in, is searched for at the door, has a badge printed and is in a stored
report; after purge_personal_data, the canary values found in the whole database, the media
files, the rebuilt report's text and the emails sent. Target 0 found."""

import sys

from trust_pytest import run, table

figures, code, tail = run("tests/workshops/test_purge.py")
purge = figures.get("purge", {})
found = sum(
    purge.get(key, 0) for key in ("found_in_database", "found_in_files", "found_in_report", "found_in_emails")
)
print(
    table(
        [
            ("canary values planted (one per personal field)", purge.get("canaries", "?")),
            ("database tables read", purge.get("tables", "?")),
            ("media files read", purge.get("files", "?")),
            ("found in the database", purge.get("found_in_database", "?")),
            ("found in files", purge.get("found_in_files", "?")),
            ("found in the rebuilt report", purge.get("found_in_report", "?")),
            ("found in emails", purge.get("found_in_emails", "?")),
            ("canary values found", found if purge else "?"),
            ("pytest", " ".join(tail)),
        ]
    )
)
sys.exit(code)
