"""Self-contained printable HTML pages: one stylesheet, no scripts, no outside files."""

from __future__ import annotations

import html

STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 52rem; margin: 1.5rem auto;
       padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; border-bottom: 3px double #7a1d1d; }
h2 { font-size: 1.2rem; color: #7a1d1d; margin-top: 1.4rem; margin-bottom: .3rem; }
h3 { font-size: 1.02rem; margin-bottom: .2rem; }
.sub { color: #555; margin-top: 0; }
.box { border: 1px solid #bbb; border-radius: 4px; padding: .5rem .8rem; margin: .6rem 0; }
.secret { border: 2px dashed #7a1d1d; }
blockquote { margin: .4rem 0 .4rem 1rem; padding-left: .6rem; border-left: 3px solid #c9b38a; }
.src { color: #555; font-size: .85rem; }
dt { font-weight: bold; } dd { margin: 0 0 .3rem 1rem; }
table { border-collapse: collapse; margin: .4rem 0; }
td, th { border: 1px solid #ccc; padding: .2rem .5rem; text-align: left; vertical-align: top; }
.easy { font-family: Verdana, Arial, sans-serif; font-size: 1.2rem; line-height: 1.8;
        letter-spacing: .02em; }
.easy li { margin-bottom: .5rem; }
.same { color: #235d23; font-weight: bold; } .diff { color: #8a2b00; font-weight: bold; }
svg text { font-family: Verdana, Arial, sans-serif; }
@media print { body { margin: 0; max-width: none; } .box { break-inside: avoid; }
               section { break-inside: avoid; } }
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def page(title: str, body: str, css_class: str = "", style: str = STYLE) -> str:
    """A whole HTML document with the stylesheet inline."""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{style}</style>\n</head>\n"
            f"<body{cls}>\n{body}\n</body>\n</html>\n")


def paras(text: str) -> str:
    return "".join(f"<p>{esc(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def md_escape(text: str) -> str:
    """Text safe to put in Markdown: a student's handle cannot make emphasis, a link, a table
    cell break or HTML; ordinary words like `martov_motion` stay readable."""
    text = str(text)
    out = []
    for i, ch in enumerate(text):
        if ch in "\\`*[]<>|":
            out.append("\\" + ch)
        elif ch == "_" and not (0 < i < len(text) - 1 and text[i - 1].isalnum()
                                and text[i + 1].isalnum()):
            out.append("\\_")
        elif ch == "#" and (i == 0 or text[i - 1] == "\n"):
            out.append("\\#")
        else:
            out.append(ch)
    return "".join(out)
