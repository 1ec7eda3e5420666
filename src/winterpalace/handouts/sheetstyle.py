"""The role sheets' stylesheet: pages for paper, and the same pages as paper on a screen.

Every page is laid out in a box 175 mm wide and at most 250 mm tall: the part of the page A4
(210 x 297 mm) and US Letter (216 x 279 mm) share, with margins of at least 14 mm. So a sheet
breaks into the same pages on either paper, and the class packet, which names its paper
(`@page { size: ... }`), only centres that box on it. A single sheet's page names no paper:
it prints on whatever the printer holds.

The fonts are named in the order that keeps the layout the same everywhere: Times New Roman
and Arial, or their metric twins Liberation Serif and Sans (Linux) and Tinos and Arimo.
"""

from __future__ import annotations

from .metrics import SANS

BOX_WIDTH_MM, BOX_HEIGHT_MM = 175, 250     # 1 mm to spare across
# paper -> (its name for people, its CSS size, the margins that centre the box on it)
PAPERS = {
    "a4": ("A4", "A4", "23.5mm 17mm"),
    "letter": ("US Letter", "letter", "14.7mm 19.9mm"),
}
SERIF = "'Times New Roman', 'Liberation Serif', Tinos, Times, serif"
MONO = "'Courier New', 'Liberation Mono', Cousine, monospace"

# Type sizes: a page's own size (the `.page` rules), everything else in `em` of it, so one
# class (`compact`) sets a whole page smaller. SIZES are the page sizes in points; `fit`
# estimates with the same numbers.
SIZES = {("standard", False): 10.0, ("compact", False): 9.2, ("standard", True): 12.5,
         ("compact", True): 11.5}

_STYLE = """
html { font-size: 10pt; }
body { font-family: %(serif)s; color: #1b1b1b; line-height: 1.32; margin: 0; }
section.page { width: %(w)smm; box-sizing: border-box; font-size: 10pt; }
section.page.compact { font-size: %(compact)spt; }
section.page.easy { font-family: %(sans)s; font-size: %(easy)spt; line-height: 1.45; }
section.page.easy.compact { font-size: %(easy_compact)spt; }
.strip { display: flex; justify-content: space-between; gap: 4mm; font-family: %(sans)s;
         font-size: 8.5pt; line-height: 1.32; color: #555; border-bottom: 1px solid #bbb;
         padding-bottom: 1.2mm; margin-bottom: 4mm; }
.secret-strip { color: #7a1d1d; font-weight: bold; border-bottom: 2px solid #7a1d1d; }
.blank { display: inline-block; width: 42mm; border-bottom: 1px solid #333; height: .9em; }
.blank.short { width: 14mm; } .blank.long { width: 60mm; }
.kind { font-family: %(sans)s; font-size: 8.5pt; line-height: 1.32; text-transform: uppercase;
        letter-spacing: .06em; color: #7a1d1d; margin: 0; }
h1 { font-family: %(sans)s; font-size: 1.8em; line-height: 1.15; margin: .5mm 0 2mm; }
h2 { font-family: %(sans)s; font-size: 1.05em; color: #7a1d1d; margin: 3.2mm 0 .8mm;
     break-after: avoid; }
p { margin: 0 0 1.4mm; orphans: 2; widows: 2; }
ul, ol { margin: 0; padding-left: 5mm; }
li { margin-bottom: .6mm; break-inside: avoid; }
.box { border: 1px solid #aaa; border-radius: 2mm; padding: 2mm 3mm .8mm; break-inside: avoid; }
.goal p:first-child { font-weight: bold; }
.pick { font-family: %(sans)s; font-weight: bold; border-left: 3px solid #7a1d1d;
        padding-left: 3mm; margin-top: 2mm; break-before: avoid; }
blockquote { margin: 1.2mm 0 1.6mm 2mm; padding-left: 3mm; border-left: 2px solid #c9b38a;
             break-inside: avoid; }
blockquote p { margin: 0; }
.src { font-size: .85em; color: #555; }
dl.words { columns: 2; column-gap: 7mm; margin: 0; font-size: .9em; line-height: 1.25; }
dl.words .term, dl.goals .term { break-inside: avoid; margin-bottom: 1.3mm; }
dt { font-family: %(sans)s; font-weight: bold; font-size: .95em; }
dd { margin: 0; }
/* The words run in, as in a dictionary: the term, then what it means. */
dl.words dt, dl.words dd { display: inline; }
dl.words dt::after { content: " \u2013 "; font-weight: normal; }
.turn { font-family: %(sans)s; font-size: 8.5pt; line-height: 1.32; color: #555;
        text-align: right; margin: 3mm 0 0; break-before: avoid; }
.back h1 { margin-bottom: 3mm; }
.box.secret { border: 2px dashed #7a1d1d; font-size: 1.35em; line-height: 1.4;
              padding: 4mm 5mm 3mm; }
.keep { margin: 2.5mm 0 1mm; }
ol.join li { margin-bottom: 2mm; }
code { font-family: %(mono)s; font-size: .95em; }
code.fill { font-size: 1.05em; }
.pin { display: inline-flex; gap: 1.6mm; vertical-align: middle; margin-left: 2mm; }
.pin .digit { display: inline-block; width: 8mm; height: 9mm; border: 1px solid #333; }
table.commands { border-collapse: collapse; margin-top: .5mm; font-size: 1em; }
table.commands td { padding: .5mm 4mm .5mm 0; vertical-align: top; }
table.commands td:first-child { white-space: nowrap; }
.wait { margin-top: 2mm; }
.plan-table { width: 100%%; border-collapse: collapse; margin: 2mm 0 3mm; }
.plan-table th, .plan-table td { border-bottom: 1px solid #ccc; padding: 1mm 2mm 1mm 0;
                                 text-align: left; vertical-align: top; }
.plan-table th { font-family: %(sans)s; font-size: .9em; }
.plan-table tfoot td { font-weight: bold; border-bottom: none; }
.plan ul li { margin-bottom: 1mm; }
dl.goals .term { margin-bottom: 2.5mm; }

/* Easier reading: a plain sans-serif, larger, with more room between lines. */
.easy h1 { font-size: 1.68em; }
.easy h2 { font-size: 1em; margin-top: 4mm; }
.easy dl.words { font-size: .88em; line-height: 1.35; }
.easy dt { font-size: 1em; }
.easy .src { font-size: .8em; }
.easy .strip, .easy .kind, .easy .turn { font-size: 10pt; }
.easy .box.secret { font-size: 1.2em; }

/* On a screen: each page as a sheet of paper. */
@media screen {
  body { background: #e8e4da; padding: 6mm 0; }
  section.page { background: #fff; padding: 14mm 17mm; margin: 0 auto 6mm;
                 width: calc(%(w)smm + 34mm); min-height: calc(%(h)smm + 28mm);
                 box-shadow: 0 1px 4px rgba(0,0,0,.25); }
  body.index { background: #fff; max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; }
}
@media print {
  section.page { break-after: page; }
  section.page:last-of-type { break-after: auto; }
  a { color: inherit; text-decoration: none; }
}
"""


def sheet_style(paper: str | None) -> str:
    """The stylesheet for a page of sheets on `paper` ("a4", "letter"), or on any paper."""
    css = _STYLE % {"serif": SERIF, "sans": SANS, "mono": MONO, "w": BOX_WIDTH_MM,
                    "h": BOX_HEIGHT_MM, "compact": SIZES["compact", False],
                    "easy": SIZES["standard", True], "easy_compact": SIZES["compact", True]}
    if paper is None:
        # No size: the printer's own paper; margins that leave the box on A4 and Letter.
        return css + "@page { margin: 14mm 17mm; }\n"
    _, size, margins = PAPERS[paper]
    return css + f"@page {{ size: {size}; margin: {margins}; }}\n"


__all__ = ["BOX_HEIGHT_MM", "BOX_WIDTH_MM", "PAPERS", "SIZES", "sheet_style"]
