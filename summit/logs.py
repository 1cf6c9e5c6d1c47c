"""Logs without secrets: an attendee's private link (/r/<token>/...) and a door link
(/door/<token>/) are bearer keys, so every log line shows them as /r/…/ and /door/…/."""

import logging
import re

# The token is the path segment right after /r/ or /door/ at the start of a path: after the
# start of the text, a space or quote (a request line), "=" (a query parameter) or a host
# ("https://host/r/..."). /summits/<slug>/door/links/ is not a door link and stays whole.
_TOKEN_IN_PATH = re.compile(r"""(^|[\s"'=]|//[^/\s"']*)(/(?:r|door)/)[^/?#\s"']+""")


def redact_tokens(text):
    """`text` with every private-link and door-link token replaced by "…"."""
    return _TOKEN_IN_PATH.sub(r"\1\2…", text)


class RedactTokensFilter(logging.Filter):
    """A logging filter (settings.LOGGING) that takes link tokens out of every record's message,
    e.g. django.request's "Internal Server Error: /r/<token>/"."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
