"""The API's JSON parser: orjson's, with the body's size and depth capped and its errors coded.

orjson refuses a lone UTF-16 surrogate escape such as \\ud800 (not text, and PostgreSQL cannot
store it) as malformed JSON. Its nesting limit (1024) is above what Python's own json can write
back (about 1000 less the stack: the Idempotency-Key fingerprint and JSONFields would answer 500),
so bodies deeper than MAX_DEPTH are refused here; no API input is deeper than a few levels.
"""

import orjson
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

MAX_DEPTH = 20


def _deeper_than(value, limit):
    """True when something in `value` sits inside more than `limit` nested arrays or objects."""
    level = [value]
    for _depth in range(limit):
        level = [
            child
            for item in level
            if isinstance(item, (dict, list))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return True


class JSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
        if len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise ParseError(_("The request body is too large."), code="body_too_large")
        try:
            # UTF-8 whatever the charset says, as JSON is (RFC 8259); orjson refuses invalid UTF-8.
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise ParseError(_("The request body is not valid JSON."), code="malformed_json") from None
        if _deeper_than(data, MAX_DEPTH):
            raise ParseError(_("The JSON body is nested too deeply."), code="malformed_json")
        return data
