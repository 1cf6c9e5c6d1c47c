"""DRF's content negotiation, answered at once in the common case."""

from rest_framework.negotiation import DefaultContentNegotiation

_JSON = "application/json"


class JSONFirstNegotiation(DefaultContentNegotiation):
    """DefaultContentNegotiation, with its answer to the usual API request given without parsing
    the Accept header: a request that accepts anything or JSON, with no format override, gets the
    view's first renderer when that renderer is JSON (and its own media type, as DRF answers).
    Every other request, and every other view, goes DRF's way (406 when nothing fits)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            not format_suffix
            and renderers
            and renderers[0].media_type == _JSON
            and request.META.get("HTTP_ACCEPT", "*/*") in ("*/*", _JSON)
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
