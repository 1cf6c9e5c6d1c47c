"""Which language an attendee's page speaks."""

from django.utils import translation

OFFERED = ("en", "es")


def activate_attendee_language(request, registration=None):
    """A choice made on this page (?lang=, sent by the switcher), then the attendee's saved
    language on their own pages; otherwise LocaleMiddleware has already applied the switcher's
    cookie, then Accept-Language."""
    language = request.GET.get("lang")
    if language not in OFFERED:
        language = registration.language if registration is not None else None
    if language in OFFERED:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    return translation.get_language()
