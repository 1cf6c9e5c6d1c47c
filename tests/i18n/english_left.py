"""Find English left on a page meant to be Spanish."""

import html
import re
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES" / "django.po"

# Words that are the same in both languages, or names and codes, are not evidence of English.
MIN_LENGTH = 12


@lru_cache(maxsize=1)
def english_phrases():
    """English catalogue strings whose Spanish differs, without placeholders, long enough to be
    unmistakable as English."""
    with open(PO, "rb") as handle:
        catalog = read_po(handle, locale="es")
    phrases = set()
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        spanish = message.string if isinstance(message.string, str) else message.string[0]
        for piece in re.split(r"%\([a-z_]+\)s|\{[^}]*\}", english):
            piece = piece.strip(" .,:;!?\"'()")
            if len(piece) >= MIN_LENGTH and piece not in spanish:
                phrases.add(piece)
    return phrases


def visible_text(page_html):
    page_html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page_html, flags=re.S | re.I)
    page_html = re.sub(r'<input type="hidden"[^>]*>', " ", page_html)
    attributes = " ".join(re.findall(r'(?:aria-label|placeholder|title|alt)="([^"]*)"', page_html))
    text = re.sub(r"<[^>]+>", " ", page_html) + " " + attributes
    return re.sub(r"\s+", " ", html.unescape(text))


def english_left(page_html):
    text = visible_text(page_html)
    return sorted(phrase for phrase in english_phrases() if phrase in text)
