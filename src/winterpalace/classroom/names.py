"""Students' names and the lines they type: what is a name, when two names are the same, and
what of a typed line reaches other people.

PURE: text in, text out.
"""

from __future__ import annotations

import unicodedata

from ..sanitise import printable

MAX_NAME = 20
MAX_SAY = 200
MAX_MARKS = 2           # combining marks kept on one letter (Vietnamese needs two)

# Letters (and digits) that look like others in the fonts a classroom's terminals use. A name
# is compared by its *skeleton*: NFKC, case folded, accents dropped, then these folded, so
# "Аnna" (Cyrillic А) or "Anna" with a combining accent is the same seat as "Anna", and
# "Ivan" with a capital I is the same as "lvan". (After Unicode's confusables list, UTS #39,
# cut to the characters that occur in names.)
_LOOKALIKE = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "l", "ї": "l", "ј": "j", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ү": "y", "ʏ": "y", "ѵ": "v", "ɑ": "a",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y", "μ": "u",
    # Latin and digits that stand in for each other
    "i": "l", "1": "l", "ı": "l", "0": "o", "ß": "ss", "ſ": "s",
    "-": "-", "_": "-", ".": "-",
})


def name_key(name: str) -> str:
    """The skeleton two names are compared by: equal keys are one seat in the class."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LOOKALIKE)
    return " ".join(text.split())


def clean_name(text: str) -> str | None:
    """A first name or nickname as typed, or None if it is not one.

    Letters, digits, `-`, `_`, `.` and single spaces; at most 20 characters; at least one
    letter. Anything else (markup, control characters, e-mail addresses, combining marks that
    do not make one letter) is refused rather than silently mangled, so the student sees why.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    text = " ".join(text.split())
    if not 1 <= len(text) <= MAX_NAME:
        return None
    if not all(ch.isalnum() or ch in "-_. " for ch in text):
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return text


def clean_text(text: str, limit: int = MAX_SAY) -> str:
    """A line a player says: printable characters only, spaces collapsed, length-limited, and
    no letter buried under a stack of combining marks ("Zalgo" text)."""
    text = printable(unicodedata.normalize("NFC", text), strip=False)
    out: list[str] = []
    marks = 0
    for ch in text:
        if unicodedata.combining(ch):
            if not out or marks >= MAX_MARKS or out[-1] == " ":
                continue
            marks += 1
        else:
            marks = 0
        out.append(ch)
    return " ".join("".join(out).split())[:limit]


def role_phrase(role_name: str) -> str:
    """`A delegate` -> `a delegate` in the middle of a sentence; `Lieutenant Sinegub` stays."""
    first, _, rest = role_name.partition(" ")
    if rest and first in ("A", "An", "The"):
        return first.lower() + " " + rest
    return role_name


__all__ = ["MAX_NAME", "MAX_SAY", "clean_name", "clean_text", "name_key", "role_phrase"]
