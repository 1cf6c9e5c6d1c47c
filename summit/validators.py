"""Input checks shared by every form and API: text that prints safely everywhere."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bidirectional embedding/override/isolate controls: they can make a name display as
# something else on badges, rosters and the door screen.
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


def _bad_characters(value, *, allow_newlines):
    for char in value:
        if char in BIDI_CONTROLS:
            return True
        if unicodedata.category(char) == "Cc" and not (allow_newlines and char in "\n\r\t"):
            return True
    return False


def validate_single_line(value):
    if value and _bad_characters(value, allow_newlines=False):
        raise ValidationError(
            _("Please remove control or text-direction characters."), code="invalid_characters"
        )


def validate_multi_line(value):
    if value and _bad_characters(value, allow_newlines=True):
        raise ValidationError(
            _("Please remove control or text-direction characters."), code="invalid_characters"
        )
