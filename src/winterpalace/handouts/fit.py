"""How much of a page a role sheet's front takes, worked out from the fonts' metrics: so that
each sheet is set in the type that fits it on its page, and an author hears which sheet is
too long for any.

An estimate, not a layout: it wraps the text the way the browser does (at spaces, in the
fonts the page names) and adds the stylesheet's spacing (`sheetstyle`). It errs long; the
tests print every shipped sheet in Chromium and hold it to its pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from .metrics import line_count
from .sheetstyle import BOX_HEIGHT_MM, BOX_WIDTH_MM, SIZES

PT = 25.4 / 72                  # millimetres in a point
AIM_MM = BOX_HEIGHT_MM * 0.95   # what a page may fill: 5% kept for other fonts and rounding


def front_mm(title: str, who: Sequence[str], pick: str, goals: Sequence[str],
             knows: Sequence[str], excerpts: Sequence[tuple[str, str]],
             terms: Sequence[tuple[str, str]], easy: bool, density: str) -> float:
    """The height, in millimetres, of a sheet's front set in `density` type."""
    size = SIZES[density, easy]
    serif = not easy
    lh = (1.45 if easy else 1.32) * size * PT           # one line of body text

    def lines(text: str, pt: float, room_mm: float = BOX_WIDTH_MM, bold: bool = False,
              sans: bool = False) -> int:
        return line_count(text, pt, room_mm / PT, bold, serif=serif and not sans)

    h = 8.5 * 1.32 * PT + 1.2 + 4 + 0.3                  # the strip
    h += 8.5 * 1.32 * PT                                 # the kind line
    h1 = size * (1.68 if easy else 1.8)
    h += lines(title, h1, bold=True, sans=True) * h1 * 1.15 * PT + 2.5
    h2 = size * (1.0 if easy else 1.05) * (1.45 if easy else 1.32) * PT + \
        (4.8 if easy else 4.0)

    def paras(texts: Sequence[str], room: float = BOX_WIDTH_MM, bold_first: bool = False) \
            -> float:
        return sum(lines(t, size, room, bold=bold_first and i == 0) * lh + 1.4
                   for i, t in enumerate(texts))

    h += h2 + paras(who)
    if pick:
        h += 2 + lines(pick, size, BOX_WIDTH_MM - 4, bold=True, sans=True) * lh + 1.4
    h += h2 + 2 + 0.8 + 0.6 + paras(goals, BOX_WIDTH_MM - 7, bold_first=True) + 1.4
    if knows:
        h += h2 + sum(lines(k, size, BOX_WIDTH_MM - 5) * lh + 0.6 for k in knows)
    if excerpts:
        h += h2
        for text, src in excerpts:
            h += 2.8 + lines(text, size, BOX_WIDTH_MM - 5.7) * lh + \
                lines("- " + src, size * 0.85, BOX_WIDTH_MM - 5.7) * lh * 0.85
    if terms:
        # Two columns, balanced: about half the terms' height, and some rounding.
        wsize = size * (0.88 if easy else 0.9)
        wlh = wsize * (1.35 if easy else 1.25) * PT
        col = (BOX_WIDTH_MM - 7) / 2
        each = [lines(f"{t} - {d}", wsize, col) * wlh + 1.3 for t, d in terms]
        h += h2 + sum(each) / 2 + max(each) / 2
    h += 3 + 8.5 * 1.32 * PT                             # "your secret goal is on the back"
    return h


def back_mm(secret: str, easy: bool, density: str) -> float:
    """The height of a sheet's back: the secret goal (the only part whose length varies) and
    the rest of the page as it is set."""
    size = SIZES[density, easy]
    box = size * (1.2 if easy else 1.35)
    secret_h = line_count(secret, box, (BOX_WIDTH_MM - 11) / PT, serif=not easy) * \
        box * 1.4 * PT + 8
    fixed = {False: 141.0, True: 187.0}[easy] * size / SIZES["standard", easy]
    return secret_h + fixed


def density(standard_mm: float) -> str:
    """`standard` type where the sheet's taller page fits in it (with room to spare), else
    `compact`."""
    return "standard" if standard_mm <= AIM_MM else "compact"


__all__ = ["AIM_MM", "back_mm", "density", "front_mm"]
