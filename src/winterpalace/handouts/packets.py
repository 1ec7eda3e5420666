"""Role packets: the sheets a teacher prints and hands out, one per student.

Every sheet is two pages, by design:

1. the front, the role, which anyone may see: who you are, what you want tonight, what you
   know at the start, a few passages from the historical record with their sources, and the
   words you will meet;
2. the back, for the student's eyes only: the secret goal, how to join the night, a box for
   the PIN the game gives them, and what they can type.

Printed on both sides, a student gets one sheet of paper with the secret on the back (face
down on the desk); printed on one side, the second page is handed out face down.

A delegate's sheet is their faction's: the delegate's role and the faction's own texts on one
front, the faction's secret on the back. Every sheet also comes in an easier-reading version
(`*-easy.*`): short sentences, larger type, the glossary in plain words.

`write_packets` writes each sheet as Markdown and as a page of its own, and the class packet:
one document to print for the whole class, the plan (how many of each sheet, and where they
are in the packet) then every student's sheet, for A4 and for US Letter paper, in both reading
levels. The pages are laid out for the part of the page A4 and Letter share, so a sheet takes
the same pages on either (the tests print them in Chromium and count).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..engine import Packet, World
from ..errors import WinterPalaceError
from . import fit
from .balance import Seat, plan
from .page import esc, md_escape, page
from .sheetstyle import BOX_HEIGHT_MM, PAPERS, sheet_style

PAGES_PER_SHEET = 2        # the front (the role) and the back (the secret)
PLAN_PAGES = 2             # the plan, and the secret goals for the teacher


@dataclass(frozen=True, slots=True)
class Sheet:
    """One role sheet, ready to write: a file stem, its title and its renderings (`body` is
    the two pages, as they go into a page of their own or the class packet)."""

    stem: str
    title: str
    markdown: str
    html: str
    body: str = ""
    secret: str = ""
    role: str = ""
    faction: str | None = None
    easy: bool = False
    pages: int = PAGES_PER_SHEET
    density: str = "standard"       # the type it is set in: `standard`, or `compact`
    estimate_mm: float = 0.0        # the taller page's estimated height, in that type


class PacketError(WinterPalaceError):
    """The scenario has no role sheets to print."""


def slug(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-") or "sheet"


def stem_of(role: str, faction: str | None = None) -> str:
    """The file stem of a role's sheet, or of a faction's: `sinegub`, `delegate-left-sr`."""
    return slug(role) + (f"-{slug(faction)}" if faction else "")


@dataclass
class _Text:
    """What one sheet says, whatever it is printed as."""

    title: str
    kind: str                   # the line above the title: "Role sheet", "Faction sheet ..."
    night: str
    who: list[str]
    pick: str
    goals: list[str]
    secret: str
    knows: list[str]
    excerpts: list[tuple[str, str]]
    terms: list[tuple[str, str]]
    role_name: str              # as the game's role menu says it
    faction: str | None
    easy: bool
    density: str = "standard"


def sheets(world: World) -> list[Sheet]:
    """Every sheet of the scenario: each role, each faction, each in two reading levels."""
    lesson = world.lesson
    if lesson is None or not lesson.packets:
        raise PacketError("this scenario has no `lesson: roles:` section, so there are no role "
                          "sheets to print (see docs/scene-format.md, The lesson)")
    out = []
    for rid in lesson.packets:
        for easy in (False, True):
            out.append(_sheet(world, rid, None, easy))
    for fid, f in lesson.factions.items():
        for easy in (False, True):
            out.append(_sheet(world, f.role, fid, easy))
    return out


def _fields(pk: Packet, easy: bool) -> tuple[str, str, str, list[str]]:
    e = pk.easy if easy else {}
    return (e.get("who") or pk.who, e.get("goal") or pk.goal,
            e.get("secret_goal") or pk.secret_goal, list(e.get("knows") or pk.knows))


def _text(world: World, rid: str, fid: str | None, easy: bool) -> _Text:
    lesson = world.lesson
    assert lesson is not None
    role = world.roles[rid]
    night = f"{world.title}: {world.subtitle}" if world.subtitle else world.title
    parts: list[Packet] = []
    role_pk = lesson.packets.get(rid)
    if role_pk is not None:
        parts.append(role_pk)
    kind = "Role sheet"
    title = role_pk.name if role_pk else role.name
    pick = ""
    secret = ""
    if fid is not None:
        f = lesson.factions[fid]
        parts.append(f.packet)
        total = sum(x.seats for x in lesson.factions.values() if x.role == f.role)
        kind = f"{role_pk.name if role_pk else role.name}: {f.seats} of {total} seats"
        title = f.packet.name
        pick = f"When the game asks for your fraction, choose: {fid}."
        secret = _fields(f.packet, easy)[2]
    elif role_pk is not None:
        secret = _fields(role_pk, easy)[2]
    # The role's words set the scene, the faction's come after; its goal leads, though.
    fields = [_fields(pk, easy) for pk in parts]
    who = [w for w, _, _, _ in fields]
    goals = [g for _, g, _, _ in reversed(fields)]
    knows = [k for _, _, _, ks in fields for k in ks]
    # From the record: the sheet's own passages (a faction's, on a faction's sheet).
    excerpts = [] if easy else [(x.text, x.source) for x in parts[-1].excerpts]
    seen: list[str] = []
    for pk in parts:
        seen += [t for t in pk.glossary if t not in seen]
    terms = [(t, _first_sentence(world.glossary[t]) if easy else world.glossary[t])
             for t in seen]
    return _Text(title + (" (easier reading)" if easy else ""), kind, night, who, pick, goals,
                 secret, knows, excerpts, terms, role.name, fid, easy)


def _sheet(world: World, rid: str, fid: str | None, easy: bool) -> Sheet:
    t = _text(world, rid, fid, easy)
    stem = stem_of(rid, fid) + ("-easy" if easy else "")
    sizes = {d: max(fit.front_mm(t.title, t.who, t.pick, t.goals, t.knows, t.excerpts,
                                 t.terms, easy, d), fit.back_mm(t.secret, easy, d))
             for d in ("standard", "compact")}
    t.density = fit.density(sizes["standard"])
    body = sheet_html(t)
    return Sheet(stem, t.title, sheet_markdown(t),
                 page(t.title, body, "sheets" + (" easy" if easy else ""),
                      style=sheet_style(None)),
                 body, t.secret, rid, fid, easy, density=t.density,
                 estimate_mm=sizes[t.density])


def too_long(world: World) -> list[Sheet]:
    """The sheets whose pages will not hold them even in compact type (by the estimate)."""
    return [sh for sh in sheets(world) if sh.estimate_mm > BOX_HEIGHT_MM]


def _first_sentence(text: str) -> str:
    """The glossary entry's first sentence: enough for an easier-reading sheet."""
    cut = text.find(". ")
    return text if cut < 0 else text[:cut + 1]


# ---------------------------------------------------------------------------- the two pages

KEEP = "Keep this page face down: it is for your eyes only."
REVEAL = ("Nobody else may read it before the end. In the debrief, after the night, your "
          "teacher shows every secret goal to the whole class.")


def sheet_html(t: _Text) -> str:
    """The sheet's two pages, as HTML sections (one per page)."""
    cls = "sheet" + (" easy" if t.easy else "") + \
        (" compact" if t.density == "compact" else "")
    return "\n".join(_sheet_front(t, cls) + _sheet_back(t, cls))


def _sheet_front(t: _Text, cls: str) -> list[str]:
    """The front page: who the student is, what they want, what they know, the words."""
    strip = (f'<header class="strip"><span>{esc(t.night)}</span>'
             '<span class="name">Name: <span class="blank"></span></span></header>')
    f = [f'<section class="page front {cls}">', strip,
         f'<p class="kind">{esc(t.kind)}</p>', f"<h1>{esc(t.title)}</h1>",
         '<div class="block"><h2>Who you are</h2>']
    f += [f"<p>{esc(w)}</p>" for w in t.who]
    f.append("</div>")
    if t.pick:
        f.append(f'<p class="pick">{esc(t.pick)}</p>')
    f.append('<div class="block"><h2>What you want tonight</h2><div class="box goal">')
    f += [f"<p>{esc(g)}</p>" for g in t.goals]
    f.append("</div></div>")
    if t.knows:
        f.append('<div class="block"><h2>What you know at the start</h2><ul>')
        f += [f"<li>{esc(k)}</li>" for k in t.knows]
        f.append("</ul></div>")
    if t.excerpts:
        f.append('<div class="block"><h2>From the historical record</h2>')
        f += [f'<blockquote><p>{esc(x)}</p><p class="src">&mdash; {esc(s)}</p></blockquote>'
              for x, s in t.excerpts]
        f.append("</div>")
    if t.terms:
        f.append('<div class="block"><h2>Words you will meet</h2><dl class="words">')
        f += [f'<div class="term"><dt>{esc(term)}</dt><dd>{esc(d)}</dd></div>'
              for term, d in t.terms]
        f.append("</dl></div>")
    f.append('<p class="turn">Your secret goal is on the back of this sheet. Keep it face '
             "down.</p>")
    f.append("</section>")
    return f


def _sheet_back(t: _Text, cls: str) -> list[str]:
    """The back page: the secret goal, how to join, the commands of the night."""
    return [f'<section class="page back {cls}">',
         '<header class="strip secret-strip"><span>SECRET &middot; for your eyes only</span>'
         '<span class="name">Name: <span class="blank"></span></span></header>',
         f'<p class="kind">{esc(t.title)}</p>', "<h1>Your secret goal</h1>",
         f'<div class="box secret"><p>{esc(t.secret or "You have no secret goal tonight.")}'
         "</p></div>", f'<p class="keep"><strong>{esc(KEEP)}</strong> {esc(REVEAL)}</p>',
         '<div class="block"><h2>Joining the night</h2><ol class="join">',
         "<li>Your teacher writes the join line and the class code on the board. Type the "
         'join line in a terminal, with your name:<br><code class="fill">ssh -p '
         '<span class="blank short"></span> <em>your-name</em>@'
         '<span class="blank"></span></code></li>',
         '<li>At <code>password:</code> type the class code: <span class="blank long"></span>'
         "<br>(<em>Permission denied</em> means a mistyped code: run the line again.)</li>",
         f"<li>Choose your role: <strong>{esc(t.role_name)}</strong>"
         + (f"; when asked for your faction, type <strong>{esc(t.faction)}</strong>"
            if t.faction else "") + ".</li>",
         '<li>The game gives you a PIN. Write it here: <span class="pin">'
         + "".join('<span class="digit"></span>' for _ in range(4)) + "</span><br>"
         "If your connection drops, run the join line again with the same name and type "
         "your PIN.</li>", "</ol></div>",
         '<div class="block"><h2>In the night</h2><table class="commands">',
         "<tr><td><code>1</code>, <code>2</code> ...</td><td>take a choice</td></tr>",
         "<tr><td><code>say</code> <em>words</em></td><td>speak to everyone in the same "
         "place (your teacher hears it too)</td></tr>",
         "<tr><td><code>who</code></td><td>who from the class is here with you</td></tr>",
         "<tr><td><code>alert</code> <em>words</em></td><td>tell your teacher privately, if "
         "something upsets you or goes wrong</td></tr>",
         "<tr><td><code>help</code></td><td>everything else you can type</td></tr>",
         '</table><p class="wait">If the game says <em>Waiting for the clock</em>, you are '
         "ahead of the class: look around, talk, or choose something quicker. Your teacher "
         "moves the night on.</p></div>",
         "</section>"]


def sheet_markdown(t: _Text) -> str:
    md = [f"# {md_escape(t.title)}", "", f"*{md_escape(t.kind)}* - {md_escape(t.night)}", "",
          "## Who you are", ""]
    for w in t.who:
        md += [md_escape(w), ""]
    if t.pick:
        md += [f"**{md_escape(t.pick)}**", ""]
    md += ["## What you want tonight", ""]
    for g in t.goals:
        md += [md_escape(g), ""]
    if t.knows:
        md += ["## What you know at the start", ""] + [f"- {md_escape(k)}" for k in t.knows]
        md.append("")
    if t.excerpts:
        md += ["## From the historical record", ""]
        for x, s in t.excerpts:
            md += [f"> {md_escape(x)}", ">", f"> - {md_escape(s)}", ""]
    if t.terms:
        md += ["## Words you will meet", ""]
        md += [f"- **{md_escape(term)}**: {md_escape(d)}" for term, d in t.terms] + [""]
    md += ["---", "", "## Your secret goal (the back of the sheet)", "",
           md_escape(t.secret or "You have no secret goal tonight."), "",
           f"*{md_escape(KEEP)} {md_escape(REVEAL)}*", ""]
    md += ["## Joining the night", "",
           "1. Type the join line your teacher writes on the board, with your name: "
           "`ssh -p PORT your-name@ADDRESS`.",
           "2. At `password:` type the class code (*Permission denied* means a mistyped code: "
           "run the line again).",
           f"3. Choose your role: **{md_escape(t.role_name)}**"
           + (f"; when asked for your faction, type **{md_escape(t.faction)}**"
              if t.faction else "") + ".",
           "4. Write down the PIN the game gives you: ____ (to take your seat again if your "
           "connection drops).", ""]
    return "\n".join(md).rstrip() + "\n"


# ---------------------------------------------------------------------------- the class packet


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One line of the plan: a sheet, how many students get it, and its pages in the packet."""

    sheet: Sheet
    students: int
    first_page: int
    last_page: int


def class_plan(world: World, students: int | None, easy: bool = False) -> list[PlanRow]:
    """The class packet's sheets in order: for `students`, each seat of the balanced plan;
    without, one of every role's and faction's sheet (a delegate's is their faction's)."""
    lesson = world.lesson
    if lesson is None or not lesson.packets:
        sheets(world)                   # raises PacketError
    assert lesson is not None
    if students is None:
        with_factions = {f.role for f in lesson.factions.values()}
        seats = [Seat(r) for r in lesson.packets if r not in with_factions] + \
            [Seat(f.role, fid) for fid, f in lesson.factions.items()]
    else:
        seats = plan(world, students)
    by_stem = {s.stem: s for s in sheets(world)}
    counts: dict[str, int] = {}
    for s in seats:
        stem = stem_of(s.role, s.faction) + ("-easy" if easy else "")
        counts[stem] = counts.get(stem, 0) + 1
    rows, nxt = [], PLAN_PAGES + 1
    for stem, n in counts.items():
        sh = by_stem[stem]
        rows.append(PlanRow(sh, n, nxt, nxt + n * sh.pages - 1))
        nxt += n * sh.pages
    return rows


def class_packet(world: World, students: int | None, paper: str, easy: bool = False) -> str:
    """The whole class's packet as one page to print on `paper` ("a4" or "letter")."""
    rows = class_plan(world, students, easy)
    title = (f"Role sheets for a class of {sum(r.students for r in rows)}" if students else
             "One of every role sheet")
    h = _plan_page(world, rows, title, students, paper, easy) + _secrets_page(rows)
    for r in rows:
        h += [r.sheet.body] * r.students
    return page(f"{title}: {world.title}", "\n".join(h), "packet" + (" easy" if easy else ""),
                style=sheet_style(paper))


def _plan_page(world: World, rows: list[PlanRow], title: str, students: int | None,
               paper: str, easy: bool) -> list[str]:
    """The teacher's first page: which sheets, how many, on which pages; how to print."""
    total = sum(r.students for r in rows)
    level = "easier reading" if easy else "standard"
    paper_name = PAPERS[paper][0]
    h = ['<section class="page plan">',
         f'<header class="strip"><span>{esc(world.title)}: {esc(world.subtitle)}</span>'
         f"<span>For the teacher</span></header>",
         f'<p class="kind">The class packet &middot; {esc(paper_name)} &middot; {level}</p>',
         f"<h1>{esc(title)}</h1>",
         f'<table class="plan-table"><thead><tr><th>Sheet</th>'
         f"<th>{'Students' if students else 'Copies'}</th><th>Pages</th></tr></thead>"
         "<tbody>"]
    for r in rows:
        h.append(f"<tr><td>{esc(r.sheet.title)}</td><td>{r.students}</td>"
                 f"<td>{r.first_page}&ndash;{r.last_page}</td></tr>")
    h.append(f'</tbody><tfoot><tr><td>In all</td><td>{total}</td><td>1&ndash;'
             f"{rows[-1].last_page if rows else PLAN_PAGES}</td></tr></tfoot></table>")
    h += ['<div class="block"><h2>Printing and handing out</h2><ul>',
          f"<li>Each student's sheet is {PAGES_PER_SHEET} pages: the front is their role, "
          "which others may see; the back is their secret goal, how to join and a box for "
          "their PIN, for their eyes only.</li>",
          "<li>Print double-sided (flip on the long edge): one sheet of paper per student, "
          "the secret on the back. Single-sided: staple each pair and hand it out with the "
          "secret page face down.</li>",
          "<li>These two pages are yours: the second holds every secret goal.</li>",
          "<li>A student who needs " + ("the standard sheets" if easy else
                                        "shorter sentences and larger type") + ": the same "
          "sheet is in this folder as " + ("<code>NAME.html</code>" if easy else
                                           "<code>NAME-easy.html</code>")
          + " (and the whole packet as <code>class-" + ("" if easy else "easy-")
          + f"{paper}.html</code>).</li></ul></div>"]
    if students:
        h += ['<div class="block"><h2>Who gets which sheet</h2>',
              "<p>Give each sheet to whoever you like, or let the plan share them out by "
              "name: <code>winterpalace classroom balance Anna Boris ... --seed 1</code> "
              "prints each student's sheet and the console command (<code>assign</code>) "
              "that keeps their role for them.</p></div>"]
    else:
        h += ['<div class="block"><h2>A sheet for every student</h2>',
              "<p>This packet holds one of each sheet. For a sheet per student, in the "
              "right numbers: <code>winterpalace packets --out FOLDER --students N</code>."
              "</p></div>"]
    h += ['<div class="block"><h2>On the day</h2>',
          "<p>Start the class with <code>winterpalace classroom</code> and write its join line "
          "and class code on the board: each sheet's back has blanks for them.</p></div>",
          "</section>"]
    return h


def _secrets_page(rows: list[PlanRow]) -> list[str]:
    """The teacher's second page (the back of the plan): every sheet's secret goal."""
    h = ['<section class="page plan secrets">',
          '<header class="strip secret-strip"><span>For the teacher only</span>'
          "<span>The secret goals</span></header>", "<h1>The secret goals</h1>",
          "<p>What each sheet's back says. The debrief shows them to the class after the "
          "night.</p>", '<dl class="goals">']
    seen: set[str] = set()
    for r in rows:
        if r.sheet.stem in seen:
            continue
        seen.add(r.sheet.stem)
        h.append(f'<div class="term"><dt>{esc(r.sheet.title)}</dt>'
                 f"<dd>{esc(r.sheet.secret or '(none)')}</dd></div>")
    h += ["</dl>", "</section>"]
    return h


def write_packets(world: World, out: Path, students: int | None = None) -> list[Path]:
    """Write every sheet as `STEM.md` and `STEM.html`, the class packet for each paper and
    reading level (`class-a4.html`, `class-easy-letter.html` ...), and an index; returns the
    paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []

    def put(name: str, text: str) -> None:
        path = out / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        written.append(path)

    all_sheets = sheets(world)
    for sh in all_sheets:
        put(f"{sh.stem}.md", sh.markdown)
        put(f"{sh.stem}.html", sh.html)
    for easy in (False, True):
        for paper in PAPERS:
            put(packet_name(paper, easy), class_packet(world, students, paper, easy))
    index_md, index_h = index(world, all_sheets, students)
    put("index.md", index_md)
    put("index.html", index_h)
    return written


def packet_name(paper: str, easy: bool = False) -> str:
    return f"class-{'easy-' if easy else ''}{paper}.html"


def index(world: World, all_sheets: list[Sheet], students: int | None) -> tuple[str, str]:
    """The folder's front page: the class packets first, then every single sheet."""
    who = f"a class of {students}" if students else "one of every sheet"
    md = [f"# Role sheets: {md_escape(world.title)}", "",
          f"Print the class packet ({who}):", ""]
    h = [f"<h1>Role sheets: {esc(world.title)}</h1>",
         f"<p>Print the class packet ({esc(who)}): the plan, then every student's sheet, each "
         "two pages (the role, then the secret goal on the back).</p>",
         '<table class="plan-table"><tr><th></th><th>A4</th><th>US Letter</th></tr>']
    for easy, label in ((False, "Standard"), (True, "Easier reading")):
        h.append(f"<tr><td>{label}</td>" + "".join(
            f'<td><a href="{packet_name(p, easy)}">{packet_name(p, easy)}</a></td>'
            for p in PAPERS) + "</tr>")
        md.append(f"- {label}: " + ", ".join(f"[{PAPERS[p][0]}]({packet_name(p, easy)})"
                                            for p in PAPERS))
    h += ["</table>", "<h2>Single sheets</h2>",
          '<table class="plan-table"><tr><th>Sheet</th><th>Standard</th><th>Easier reading'
          "</th></tr>"]
    md += ["", "Single sheets:", ""]
    for sh in all_sheets:
        if sh.easy:
            continue
        easy_stem = sh.stem + "-easy"
        h.append(f"<tr><td>{esc(sh.title)}</td><td><a href=\"{esc(sh.stem)}.html\">"
                 f"{esc(sh.stem)}.html</a></td><td><a href=\"{esc(easy_stem)}.html\">"
                 f"{esc(easy_stem)}.html</a></td></tr>")
        md.append(f"- [{md_escape(sh.title)}]({sh.stem}.md) "
                  f"([easier reading]({easy_stem}.md))")
    h.append("</table>")
    return ("\n".join(md) + "\n",
            page(f"Role sheets: {world.title}", "\n".join(h), "index", style=sheet_style(None)))


__all__ = ["PAGES_PER_SHEET", "PLAN_PAGES", "PacketError", "PlanRow", "Sheet", "class_packet",
           "class_plan", "packet_name", "sheets", "slug", "stem_of", "too_long", "write_packets"]
