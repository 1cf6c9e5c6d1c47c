"""Finding people by name as volunteers and planners type them: on a phone or a USB keyboard,
often without accents. Case and accents are ignored: "ramir", "RAMIR" and "Ramír" all find
Ramírez, and "nunez" finds Núñez.

Registration.search_name holds a registration's names folded (see `fold`); the same folding of
what was typed, matched with a plain `contains` on that one column, works alike on SQLite and
PostgreSQL. Every name search goes through here: the door, the admin, the badges page and the
assignment page."""

import unicodedata

from django.db.models import Q
from django.utils.translation import gettext as _

from summit.errors import DomainError

MIN_LETTERS = 3
MAX_WORDS = 4  # more words than a name has only slow the query down


def fold(text):
    """`text` in lower case without accents or other marks ("Núñez" -> "nunez"), as stored in
    Registration.search_name and as what is typed is compared with it."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def folded_names(*names):
    """The value of Registration.search_name for these names."""
    return fold(" ".join(name for name in names if name))


def names_matching(query):
    """A condition on registrations: their names hold every word of `query` (its first four),
    case and accents ignored. An empty query matches everyone."""
    condition = Q()
    for word in fold(query).split()[:MAX_WORDS]:
        condition &= Q(search_name__contains=word)
    return condition


def search_by_name(registrations, query):
    """The registrations of the queryset `registrations` whose names hold every word of `query`.
    Raises DomainError("query_too_short", field "q", 400) with fewer than three letters: such a
    search would list nearly everyone."""
    if sum(char.isalpha() for char in query or "") < MIN_LETTERS:
        raise DomainError(
            "query_too_short", _("Type at least three letters of the name."), field="q", status_code=400
        )
    return registrations.filter(names_matching(query))
