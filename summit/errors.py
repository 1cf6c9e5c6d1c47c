"""Domain errors with stable codes, and the API's single error format.

Every API error is JSON: {"code": "...", "detail": "...", "errors": {field: [messages]}}.
Clients and tests branch on `code`; `detail` and field messages are translated.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A use case refused. `code` is stable; `message` is for people; `field` names the input."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, code, message=None, *, field=None, status_code=None, extra=None):
        super().__init__(code)
        self.code = code
        self.message = message or code
        self.field = field
        self.extra = extra or {}
        if status_code:
            self.status_code = status_code

    def as_dict(self):
        body = {"code": self.code, "detail": str(self.message), **self.extra}
        if self.field:
            body["errors"] = {self.field: [str(self.message)]}
        return body


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return [str(detail)]


def api_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"code": "body_too_large", "detail": _("The request body is too large.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            errors = _flatten(detail)
            body = {"code": "invalid", "detail": _("Some fields need attention."), "errors": errors}
            # DRF's own field errors stay at the top level too, keyed by field name, as the contract says.
            body.update({key: value for key, value in errors.items() if key not in body})
        else:
            body = {"code": "invalid", "detail": " ".join(_flatten(detail)), "errors": {}}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is not None:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.APIException) and hasattr(exc, "get_codes"):
            codes = exc.get_codes()
            if isinstance(codes, str):
                code = codes
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"code": code, "detail": str(detail)}
    return response
