"""A JSON parser that answers hostile bodies with a 400 instead of a 500."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20


def _depth(value, limit):
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return depth
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return 0


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) if stream is not None else b""
        if len(raw) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise ParseError(_("The request body is too large."), code="body_too_large")
        try:
            data = json.loads(raw.decode("utf-8") if raw else "null")
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply."), code="malformed_json") from None
        except (ValueError, UnicodeDecodeError):
            raise ParseError(_("The request body is not valid JSON."), code="malformed_json") from None
        if _depth(data, MAX_DEPTH):
            raise ParseError(_("The JSON body is nested too deeply."), code="malformed_json")
        return data
