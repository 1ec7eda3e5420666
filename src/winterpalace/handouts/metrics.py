"""How wide a line of text will be, without a browser: for laying out SVG labels so that they
never overlap, and for knowing how much of a page a role sheet will take.

The pages set text in Arial and Times New Roman, or in Liberation Sans and Serif (or Arimo and
Tinos), which have those fonts' metrics on purpose; so these advance widths (per 1000 units of
the font size) hold on Windows, macOS and Linux alike. Characters outside the tables are
counted wide, so an estimate errs on the side of more room.
"""

from __future__ import annotations

import unicodedata

SANS = "Arial, 'Liberation Sans', Arimo, Helvetica, sans-serif"

# Advance widths of the printable ASCII characters (32-126), regular and bold.
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
    722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
    556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
    500, 334, 260, 334, 584)
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
    722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
    611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
    500, 389, 280, 389, 584)
_SERIF_REGULAR = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667,
    722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722,
    722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500,
    500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500,
    444, 480, 200, 480, 541)
_SERIF_BOLD = (
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722,
    722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722,
    722, 1000, 722, 722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500,
    556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500,
    444, 394, 220, 394, 520)
_OTHER = 1000       # a letter outside the table (the widest Cyrillic ones are about 950)
_WIDE = 1000        # East Asian wide characters, dashes, the ellipsis


def _advance(ch: str, table: tuple[int, ...]) -> int:
    code = ord(ch)
    if 32 <= code < 127:
        return table[code - 32]
    if unicodedata.east_asian_width(ch) in ("W", "F") or ch in "\u2014\u2026":
        return _WIDE
    if unicodedata.combining(ch):
        return 0
    base = unicodedata.normalize("NFD", ch)[0]
    if base != ch and 32 <= ord(base) < 127:
        return table[ord(base) - 32]     # é is as wide as e
    return _OTHER


def text_width(text: str, size: float, bold: bool = False, serif: bool = False) -> float:
    """The width of `text` set in Arial (or Times New Roman) at `size`, in `size`'s units."""
    table = (_SERIF_BOLD if bold else _SERIF_REGULAR) if serif else \
        (_BOLD if bold else _REGULAR)
    return sum(_advance(ch, table) for ch in text) * size / 1000


def clip(text: str, size: float, room: float, bold: bool = False) -> str:
    """`text`, shortened with an ellipsis until it fits in `room` ("" if not even one letter
    does)."""
    if text_width(text, size, bold) <= room:
        return text
    out = text
    while out and text_width(out + "\u2026", size, bold) > room:
        out = out[:-1]
    return out.rstrip() + "\u2026" if out else ""


def line_count(text: str, size: float, width: float, bold: bool = False,
               serif: bool = False, first: float = 0.0) -> int:
    """How many lines `text` takes when wrapped at spaces into `width` (both in the units of
    `size`); `first`: room the first line has already lost to something before the text."""
    space = text_width(" ", size, bold, serif)
    lines, used = 1, first
    for word in text.split():
        w = text_width(word, size, bold, serif)
        if used and used + space + w > width:
            lines, used = lines + 1, w
        else:
            used += (space if used else 0) + w
    return lines


__all__ = ["SANS", "clip", "line_count", "text_width"]
