"""Template helpers for the language switcher."""

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switch_next(context, language):
    """The current page's address with ?lang=<language>, where the switcher returns to.

    The explicit choice must win on pages that otherwise speak the attendee's saved language
    (their private pages), so it travels in the address as well as in the cookie."""
    request = context.get("request")
    if request is None:
        return "/"
    query = request.GET.copy()
    query["lang"] = language
    return f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"
