"""Input checks shared by every form and API: text that prints safely everywhere."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bidirectional embedding/override/isolate controls: they can make a name display as
# something else on badges, rosters and the door screen.
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}

# Unicode's control characters (category Cc: U+0000-U+001F and U+007F-U+009F) and the bidi
# controls; in multi-line text, newlines and tabs are allowed.
_BIDI = "".join(sorted(BIDI_CONTROLS))
_BAD_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_BAD_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")


def _bad_characters(value, *, allow_newlines):
    return (_BAD_IN_TEXT if allow_newlines else _BAD_IN_LINE).search(value) is not None


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
