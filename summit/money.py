"""Money shown to people: in their language's conventions, as used in the United States."""

from babel.numbers import format_currency
from django.utils import translation

# Our summits are in the United States: Spanish readers there write $40.00, not 40,00 US$.
BABEL_LOCALES = {"en": "en_US", "es": "es_US"}


def format_money(amount, currency, *, language=None):
    """'$40.00' for (Decimal('40'), 'usd'), in the active language unless one is given."""
    language = (language or translation.get_language() or "en")[:2]
    return format_currency(amount, currency.upper(), locale=BABEL_LOCALES.get(language, "en_US"))
