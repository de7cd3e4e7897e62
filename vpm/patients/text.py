"""Text typed by people, made safe to store and to show.

Control characters (NUL, escapes, bidi overrides) have no place in a name; in
a free-text note, the bidi controls are dropped, because a right-to-left
override reverses everything after it on the page (someone could make "not
allergic" read as something else).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM ALM.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Zero-width (non-)joiners are formatting characters that real names and
# emoji need (Persian names use ZWNJ), so they stay.
JOINERS = "\u200c\u200d"


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf") and ch not in JOINERS


def has_control_characters(value: str, *, allow_newlines=False) -> bool:
    allowed = "\n\r\t" if allow_newlines else ""
    return any(_is_control(ch) and ch not in allowed for ch in value)


def validate_plain_text(value: str) -> None:
    """Refuse control and formatting characters (a model/form field validator)."""
    if value and has_control_characters(value):
        raise ValidationError("Remove the hidden control characters from this text "
                              "(they often come from copying and pasting).")


def validate_multiline_text(value: str) -> None:
    """As validate_plain_text, but line breaks and tabs are fine (an address)."""
    if value and has_control_characters(value, allow_newlines=True):
        raise ValidationError("Remove the hidden control characters from this text "
                              "(they often come from copying and pasting).")


def note_clean(value: str) -> str:
    """A note with bidi controls and other control characters (except line breaks) removed."""
    value = BIDI_CONTROLS.sub("", value or "")
    return "".join(ch for ch in value if ch in "\n\t" or not _is_control(ch))
