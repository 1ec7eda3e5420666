"""The one sanitiser: what text from outside (a player's line, a file name, a save's fields, an
author's YAML) may look like before it is shown on a terminal or a page.

Two ways, one rule about what is unsafe (`unsafe`: control characters and terminal escapes,
format characters such as bidi marks and overrides, zero-width characters and the byte-order
mark, lone surrogates, line and paragraph separators):

- `printable(text)` drops them: for what people type and what is shown back to them;
- `escaped(text)` shows them as `\\x1b`-style escapes: for quoting an author's file in an
  error, where the reader needs to see that something invisible is there.

This module is the bottom layer: standard library only.
"""

from __future__ import annotations

import unicodedata

__all__ = ["escaped", "first_unsafe", "printable", "unsafe"]

# Control characters (terminal escapes among them), format characters (bidi marks, overrides
# and isolates, zero-width characters, the byte-order mark), lone surrogates (which cannot even
# be written out) and the line and paragraph separators: what an escape sequence, a reordering
# or an invisible difference hides in. Every one of them is also not `isprintable()`, which is
# the fast test for the common case of a string with none.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def unsafe(ch: str) -> bool:
    """Whether the character `ch` is unsafe to show as it is (tab and newline included: each
    caller says whether it keeps them)."""
    return not ch.isprintable() and unicodedata.category(ch) in _UNSAFE_CATEGORIES


def first_unsafe(text: str, keep: str = "") -> int:
    """Where the first unsafe character of `text` not in `keep` is, or -1."""
    if text.isprintable():
        return -1
    for i, ch in enumerate(text):
        if ch not in keep and unsafe(ch):
            return i
    return -1


def printable(text: str, limit: int | None = None, *, strip: bool = True) -> str:
    """`text` (its first `limit` characters, if given) with every unsafe character dropped
    (tabs and newlines too), and outer spaces stripped unless `strip` is False."""
    if limit is not None:
        text = text[:limit]
    if not text.isprintable():
        text = "".join(ch for ch in text if not unsafe(ch))
    return text.strip() if strip else text


def escaped(text: str) -> str:
    """`text` with every unsafe character shown as its escape (`\\x1b`, `\\u202e`); tabs and
    newlines kept as they are."""
    if first_unsafe(text, "\t\n") < 0:
        return text
    return "".join(ascii(ch)[1:-1] if ch not in "\t\n" and unsafe(ch) else ch for ch in text)
