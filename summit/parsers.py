"""A JSON parser that answers hostile bodies with a 400 instead of a 500."""

import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(text):
    return _SURROGATE.search(text) is not None


def _plainly_fine(raw, limit):
    """True when the raw body cannot hold what _check looks for, so the parsed value need not
    be walked: a lone surrogate can only come from a \\u escape (UTF-8 cannot encode one, and
    the strict decoder refused it), and a value deeper than `limit` (a value inside `limit`
    nested arrays or objects) needs at least `limit` opening brackets."""
    return b"\\u" not in raw and raw.count(b"[") + raw.count(b"{") < limit


def _check(value, limit):
    """None if the parsed body is fine, else the problem: "depth" (nested deeper than `limit`) or
    "surrogate" (a lone UTF-16 surrogate escape such as \\ud800: not text, and it cannot be stored,
    logged or echoed back in an error)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return "depth"
        if isinstance(item, str):
            if _has_surrogate(item):
                return "surrogate"
        elif isinstance(item, dict):
            if any(isinstance(key, str) and _has_surrogate(key) for key in item):
                return "surrogate"
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return None


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
        problem = None if _plainly_fine(raw, MAX_DEPTH) else _check(data, MAX_DEPTH)
        if problem == "depth":
            raise ParseError(_("The JSON body is nested too deeply."), code="malformed_json")
        if problem == "surrogate":
            raise ParseError(_("The request body is not valid JSON."), code="malformed_json")
        return data
