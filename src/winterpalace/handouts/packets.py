"""Role packets: one printable sheet per role and per delegate faction, Markdown and HTML.

Each sheet says who you are, what you want tonight (and a secret goal), what you know at the
start, two or three short passages from the record with their source, and the glossary terms
the role will meet. Every sheet also comes in an easier-reading version (`*-easy.*`): short
sentences, larger type, and the glossary in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..engine.model import Packet, World
from .page import esc, md_escape, page


@dataclass(frozen=True, slots=True)
class Sheet:
    """One role sheet, ready to write: a file stem and its two renderings."""

    stem: str
    title: str
    markdown: str
    html: str


class PacketError(Exception):
    """The scenario has no role sheets to print."""


def slug(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-") or "sheet"


def sheets(world: World) -> list[Sheet]:
    """Every sheet of the scenario: each role, each faction, each in two reading levels."""
    lesson = world.lesson
    if lesson is None or not lesson.packets:
        raise PacketError("this scenario has no `lesson: roles:` section, so there are no role "
                          "sheets to print (see docs/scene-format.md, The lesson)")
    out = []
    for rid, pk in lesson.packets.items():
        role = world.roles[rid]
        subtitle = f"Role sheet - {role.name}"
        out.append(_sheet(world, slug(rid), pk, subtitle, easy=False))
        out.append(_sheet(world, slug(rid) + "-easy", pk, subtitle, easy=True))
    for fid, f in lesson.factions.items():
        role = world.roles[f.role]
        subtitle = f"Faction sheet - {role.name}: {f.packet.name} ({f.seats} of " \
                   f"{sum(x.seats for x in lesson.factions.values() if x.role == f.role)} seats)"
        stem = f"{slug(f.role)}-{slug(fid)}"
        out.append(_sheet(world, stem, f.packet, subtitle, easy=False, faction=fid))
        out.append(_sheet(world, stem + "-easy", f.packet, subtitle, easy=True, faction=fid))
    return out


def _fields(pk: Packet, easy: bool) -> tuple[str, str, str, tuple[str, ...]]:
    e = pk.easy if easy else {}
    return (e.get("who") or pk.who, e.get("goal") or pk.goal,
            e.get("secret_goal") or pk.secret_goal, tuple(e.get("knows") or pk.knows))


def _sheet(world: World, stem: str, pk: Packet, subtitle: str, easy: bool,
           faction: str | None = None) -> Sheet:
    who, goal, secret, knows = _fields(pk, easy)
    title = pk.name + (" (easier reading)" if easy else "")
    terms = [(t, world.glossary[t]) for t in pk.glossary]
    night = f"{world.title}: {world.subtitle}" if world.subtitle else world.title
    pick = (f"When the game asks for your fraction, choose: {faction}." if faction else "")

    md = [f"# {md_escape(title)}", "", f"*{md_escape(subtitle)}* - {md_escape(night)}", ""]
    md += ["## Who you are", "", md_escape(who), ""]
    if pick:
        md += [md_escape(pick), ""]
    md += ["## What you want tonight", "", md_escape(goal), ""]
    if secret:
        md += ["## Your secret goal (do not show other factions)", "", md_escape(secret), ""]
    if knows:
        md += ["## What you know at the start", ""] + [f"- {md_escape(k)}" for k in knows] + [""]
    if pk.excerpts and not easy:
        md += ["## From the historical record", ""]
        for x in pk.excerpts:
            md += [f"> {md_escape(x.text)}", ">", f"> - {md_escape(x.source)}", ""]
    if terms:
        md += ["## Words you will meet", ""]
        for t, d in terms:
            md += [f"- **{md_escape(t)}**: {md_escape(_first_sentence(d) if easy else d)}"]
        md.append("")

    h = [f"<h1>{esc(title)}</h1>", f'<p class="sub">{esc(subtitle)} &middot; {esc(night)}</p>',
         "<h2>Who you are</h2>", f"<p>{esc(who)}</p>"]
    if pick:
        h.append(f"<p><strong>{esc(pick)}</strong></p>")
    h += ["<h2>What you want tonight</h2>", f'<div class="box"><p>{esc(goal)}</p></div>']
    if secret:
        h += ["<h2>Your secret goal</h2>",
              f'<div class="box secret"><p>{esc(secret)}</p>'
              '<p class="src">Do not show this to other factions.</p></div>']
    if knows:
        h += ["<h2>What you know at the start</h2>", "<ul>"]
        h += [f"<li>{esc(k)}</li>" for k in knows] + ["</ul>"]
    if pk.excerpts and not easy:
        h.append("<h2>From the historical record</h2>")
        for x in pk.excerpts:
            h.append(f'<blockquote><p>{esc(x.text)}</p><p class="src">&mdash; {esc(x.source)}'
                     "</p></blockquote>")
    if terms:
        h += ["<h2>Words you will meet</h2>", "<dl>"]
        for t, d in terms:
            h.append(f"<dt>{esc(t)}</dt><dd>{esc(_first_sentence(d) if easy else d)}</dd>")
        h.append("</dl>")
    return Sheet(stem, title, "\n".join(md).rstrip() + "\n",
                 page(title, "\n".join(h), "easy" if easy else ""))


def _first_sentence(text: str) -> str:
    """The glossary entry's first sentence: enough for an easier-reading sheet."""
    cut = text.find(". ")
    return text if cut < 0 else text[:cut + 1]


def write_packets(world: World, out: Path) -> list[Path]:
    """Write every sheet as `STEM.md` and `STEM.html` into `out`, plus an index; returns paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    index_md = [f"# Role sheets: {md_escape(world.title)}", ""]
    index_h = [f"<h1>Role sheets: {esc(world.title)}</h1>", "<ul>"]
    for sh in sheets(world):
        for ext, text in (("md", sh.markdown), ("html", sh.html)):
            path = out / f"{sh.stem}.{ext}"
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
            written.append(path)
        index_md.append(f"- [{md_escape(sh.title)}]({sh.stem}.md)")
        index_h.append(f'<li><a href="{esc(sh.stem)}.html">{esc(sh.title)}</a></li>')
    index_h.append("</ul>")
    (out / "index.md").write_text("\n".join(index_md) + "\n", encoding="utf-8")
    (out / "index.html").write_text(page(f"Role sheets: {world.title}", "\n".join(index_h)),
                                    encoding="utf-8")
    return written + [out / "index.md", out / "index.html"]


__all__ = ["PacketError", "Sheet", "sheets", "slug", "write_packets"]
