"""The one sanitiser: what text from outside (a player's line, a file name, a save's fields, an
author's YAML) may look like before it is shown on a terminal or a page.

Two ways, one rule about what is unsafe (control characters, terminal escapes, bidirectional
overrides, line and paragraph separators):

- `printable(text)` drops them: for what people type and what is shown back to them;
- `escaped(text)` shows them as `\\x1b`-style escapes: for quoting an author's file in an
  error, where the reader needs to see that something invisible is there.

This module is the bottom layer: standard library only.
"""

from __future__ import annotations

import re

__all__ = ["escaped", "printable"]

# isprintable() is False for every control, format (bidi overrides included) and separator
# character but the space; these are the ones an escape sequence or a reordering hides in.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str, limit: int | None = None, *, strip: bool = True) -> str:
    """`text` (its first `limit` characters, if given) with everything not printable dropped
    (a tab counts as unprintable), and outer spaces stripped unless `strip` is False."""
    if limit is not None:
        text = text[:limit]
    if not text.isprintable():
        text = "".join(ch for ch in text if ch.isprintable())
    return text.strip() if strip else text


def escaped(text: str) -> str:
    """`text` with control characters and bidi overrides shown as escapes (`\\x1b`); tabs and
    newlines kept as they are."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: ascii(m.group())[1:-1], text)
