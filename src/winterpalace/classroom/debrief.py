"""The debrief: what the class did with the night, beside what happened in 1917.

Built from a room (live, or replayed from a session's journal): a self-contained HTML page
to project and print, and the same as Markdown. First the short debrief, for the lesson: the
night as a picture (`timeline`) with its events as a numbered list; each decision point the
class decided, in the order it reached them, what the class chose beside what happened in
1917; the secret goals revealed; a few questions per stage (feelings, facts, what we learned,
then and now). Then an appendix, for the teacher: each student's night and key decisions, the
votes counted, the decision points nobody decided (or reached), every question, and the
sources, each cited once, as the scenario's authors wrote them. Transcripts per student
(handles only) go beside it for annotation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import Decision, PlayerState, Scene, Tally, World, historical
from ..handouts import SANS, esc, md_escape, page, slug
from ..session import quantity
from .class_folder import make_private_dir, write_private
from .room import Player, Room
from .timeline import Timeline, from_room, moves_of, played, result_text, students
from .timeline import svg as svg_of_timeline

STAGES = (("feelings", "Feelings"), ("facts", "Facts"), ("learned", "What we learned"),
          ("then_and_now", "Then and now"))
SHORT_PROMPTS = 2          # questions per stage in the short debrief; the rest in the appendix


@dataclass
class Point:
    """One marked decision point and what the class did there."""

    scene: Scene
    decision: Decision
    chose: list[tuple[str, str]] = field(default_factory=list)   # (handle, choice label)
    tally: Tally | None = None
    history_tally: Tally | None = None
    reached: int | None = None        # when the first student came to it (None: nobody did)
    carried: set[str] = field(default_factory=set)   # handles the class clock chose for


@dataclass
class Debrief:
    """Everything the pages show, as data (tests and the console read it too)."""

    world: World
    title: str
    players: list[Player]
    points: list[Point]               # in the order the class reached them (never: last)
    secret_ballots: bool
    tallies: dict[str, Tally]
    fired: list[tuple[str, int]] = field(default_factory=list)   # world events: (id, time)
    factions: dict[str, str] = field(default_factory=dict)       # student -> faction
    began: int | None = None       # the class clock when the class's night started
    timeline: Timeline | None = None
    joined: list[Player] = field(default_factory=list)   # in the class, night not begun
    span: tuple[int, int] | None = None   # the night as the class played it, to the minute

    @property
    def size(self) -> str:
        """`3 students`, or `2 students played, 1 more joined` when some had not begun."""
        if not self.joined:
            return quantity(len(self.players), "student")
        return (f"{quantity(len(self.players), 'student')} played, "
                f"{len(self.joined)} more joined")

    def vote_time(self, vid: str) -> int:
        """When a vote happened, as the picture shows it (its last ballot, or its count)."""
        marks = {v.id: v.time for v in self.timeline.votes} if self.timeline else {}
        return marks.get(vid, self.tallies[vid].at)

    @property
    def decided(self) -> list[Point]:
        """The points where a student chose (not the clock for them): the short debrief's,
        in time order."""
        return [pt for pt in self.points if _decided(pt)]

    @property
    def undecided(self) -> list[Point]:
        """The rest, for the appendix: reached by nobody, left before anyone chose, or passed
        while the class clock carried the students (before the night began, say)."""
        return [pt for pt in self.points if not _decided(pt)]


def _decided(pt: Point) -> bool:
    return any(name not in pt.carried for name, _ in pt.chose)


def build(room: Room, title: str = "") -> Debrief:
    world = room.world
    players = students(room)
    roles = {p.role for p in players}
    tallies: dict[str, Tally] = dict(sorted(room.votes.counted.items(),
                                               key=lambda kv: kv[1].at))
    secret = room.votes.secret
    lesson = world.lesson
    by_decision = {v.decision: v for v in (lesson.votes.values() if lesson else [])}
    points = []
    for scene in world.scenes.values():
        d = scene.decision
        if d is None or not any(scene.id.startswith(r + "_") or _reached(p.ps, scene.id)
                                for r in roles for p in players):
            continue
        pt = Point(scene, d)
        for p in players:
            label = _choice_at(p, scene.id)
            if label is not None:
                pt.chose.append((p.name, label[0]))
                if label[1]:
                    pt.carried.add(p.name)
        times = [t for p in players if p.ps for t, s in p.ps.trail if s == scene.id]
        pt.reached = min(times) if times else None
        v = by_decision.get(d.id)
        if v is not None:
            pt.tally = tallies.get(v.id)
            pt.history_tally = historical(world, v)
        points.append(pt)
    points.sort(key=lambda pt: (pt.reached is None, pt.reached or 0, pt.scene.id))
    joined = sorted((p for p in room.players.values() if p.ps is None and not p.removed),
                    key=lambda p: p.key)
    factions = {p.name: f for p in players + joined if (f := room.faction_of(p)) is not None}
    title = title or f"{world.title}: the class's night"
    picture = from_room(room, title)
    # The votes in the order, and at the time, the picture shows them.
    when = {v.id: v.time for v in picture.votes}
    tallies = dict(sorted(tallies.items(), key=lambda kv: when.get(kv[0], kv[1].at)))
    span = played(room, players, room.now if room.started else None) if players else None
    return Debrief(world, title, players, points, secret, tallies, list(room.ws.fired),
                   factions, room.started_at, picture, joined, span)


def _reached(ps: PlayerState | None, scene: str) -> bool:
    return ps is not None and any(s == scene for _, s in ps.trail)


def _choice_at(p: Player, scene: str) -> tuple[str, bool] | None:
    """The label of the student's last choice in `scene`, and whether the clock made it."""
    if p.ps is None:
        return None
    steps = [(i, s) for i, s in enumerate(p.ps.history) if s.scene == scene and s.kind == "choice"]
    if not steps:
        return None
    i, step = steps[-1]
    return step.label, i in p.auto


def _vote_scenes(world: World) -> set[str]:
    return {v.scene for v in world.lesson.votes.values()} if world.lesson else set()


def key_decisions(deb: Debrief, p: Player) -> list[str]:
    """A student's `remember:` phrases, in order (ballots hidden when the ballot was secret)."""
    assert p.ps is not None
    hide = _vote_scenes(deb.world) if deb.secret_ballots else set()
    out = []
    for i, s in enumerate(p.ps.history):
        said = s.remember + (" (chosen for them as the class clock carried them)"
                             if i in p.auto else "") if s.remember else None
        if said and s.scene not in hide and said not in out:
            out.append(said)
    if p.ps.ending:
        end = deb.world.scenes[p.ps.ending].ending
        if end is not None:
            out.append(f"ending: {end.title}")
    return out


def secret_goals(deb: Debrief, p: Player) -> list[tuple[str, str]]:
    """(sheet name, secret goal) for the student's role and faction."""
    lesson = deb.world.lesson
    if lesson is None:
        return []
    out = []
    pk = lesson.packets.get(p.role)
    fac = deb.factions.get(p.name)
    if pk and pk.secret_goal and not (fac and "faction sheet" in pk.secret_goal.lower()):
        out.append((pk.name, pk.secret_goal))
    if fac:
        f = lesson.factions[fac]
        if f.packet.secret_goal:
            out.append((f.packet.name, f.packet.secret_goal))
    return out


def prompts(deb: Debrief) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(stage, heading, [(decision question, prompt)]) in the order the debrief asks them:
    every prompt of the points the class decided (of all points, if it decided none)."""
    reached = deb.decided or deb.points
    out = []
    for stage, heading in STAGES:
        items = [(pt.decision.question, q) for pt in reached
                 for st, q in pt.decision.prompts if st == stage]
        if items:
            out.append((stage, heading, items))
    return out


def short_prompts(deb: Debrief) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The questions for the lesson's debrief: per stage, those of the moments most of the
    class shared (the class's votes first, then the points most students decided at)."""
    order = sorted(deb.decided or deb.points,
                   key=lambda pt: (pt.tally is None, -len(pt.chose), pt.reached or 0))
    rank = {id(pt): i for i, pt in enumerate(order)}
    out = []
    for stage, heading, items in prompts(deb):
        by_q = {pt.decision.question: rank[id(pt)] for pt in order}
        best = sorted(items, key=lambda it: by_q.get(it[0], 10**6))[:SHORT_PROMPTS]
        out.append((stage, heading, [it for it in items if it in best]))
    return out


def sources(deb: Debrief) -> list[str]:
    """Every work the debrief cites, each once, numbered by first citation (the short part's
    points first, then the appendix's), as the scenario's authors wrote them."""
    out: list[str] = []
    for pt in deb.decided + deb.undecided:
        for s in split_sources(pt.decision.source):
            if s not in out:
                out.append(s)
    return out


def split_sources(source: str) -> list[str]:
    """`A; B` -> [A, B]: a decision may cite several works."""
    return [s.strip().rstrip(".") for s in source.split(";") if s.strip()]


def _cite(deb: Debrief, source: str, numbers: list[str]) -> list[int]:
    return [numbers.index(s) + 1 for s in split_sources(source) if s in numbers]


def _role_name(deb: Debrief, p: Player) -> str:
    name = deb.world.roles[p.role].name
    fac = deb.factions.get(p.name)
    return f"{name}, {fac}" if fac else name


def _tally_text(t: Tally) -> str:
    return f"{t.vote.flag} = {_show(t.value)} ({t.line()})"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _verdict(pt: Point) -> str:
    """`the same result` / `a different result` / "" for a vote the class did not cast."""
    if pt.tally is None or pt.history_tally is None or not pt.tally.ballots:
        return ""
    return "the same result" if pt.tally.value == pt.history_tally.value else \
        "a different result"


def choice_groups(deb: Debrief, pt: Point) -> list[tuple[str, list[str]]]:
    """What the class chose at a point, as (choice, the students who chose it), in the order
    the choices were first taken; at a secret ballot, one group of who voted."""
    groups: dict[str, list[str]] = {}
    for name, label in pt.chose:
        groups.setdefault(_shown_choice(deb, pt, label), []).append(name)
    return list(groups.items())


def _vote_lead(t: Tally) -> str:
    """How the count came about: the class's ballots, or the clock passing the vote first."""
    return "The class voted:" if t.ballots else \
        "Counted before anyone in the class had voted (the clock passed it), as in 1917:"


def _why_undecided(deb: Debrief, pt: Point) -> str:
    """`Nobody reached it.` / `Misha reached it at 02:20; the night moved on before a choice.`
    / `At 14:40 the class clock chose for Anna, Boris: Cheer with the hall.`"""
    if pt.reached is None:
        return "Nobody reached it."
    if pt.chose:
        return f"At {deb.world.clock.hhmm(pt.reached)} the class clock chose for " + \
            "; ".join(f"{', '.join(names)}: {label}"
                      for label, names in choice_groups(deb, pt)) + "."
    names = [p.name for p in deb.players if _reached(p.ps, pt.scene.id)]
    return (f"{', '.join(names)} reached it at {deb.world.clock.hhmm(pt.reached)}; the night "
            "moved on before a choice.")


def _shown_choice(deb: Debrief, pt: Point, label: str) -> str:
    return "(secret ballot)" if deb.secret_ballots and pt.tally is not None else label


def _span(deb: Debrief) -> str:
    """`09:30\u201313:05`: from when the class's night started to the last student's time."""
    if deb.span is None:
        return "the night had not begun"
    start, end = deb.span
    hhmm = deb.world.clock.hhmm
    return hhmm(start) if end <= start else f"{hhmm(start)}\u2013{hhmm(end)}"


# ---------------------------------------------------------------------------- Markdown


def markdown(deb: Debrief) -> str:
    """The debrief as Markdown: the night, the class against 1917, the secret goals, the
    questions to talk over, and an appendix with each student's night and the sources."""
    refs = sources(deb)
    lines = [*_md_head(deb), *_md_decided(deb, refs), *_md_secret_goals(deb), *_md_talk(deb),
             *_md_appendix(deb, refs)]
    return "\n".join(lines).rstrip() + "\n"


def _md_head(deb: Debrief) -> list[str]:
    """The title, the class and the night's events."""
    w = deb.world
    hhmm = w.clock.hhmm
    lines = [f"# {md_escape(deb.title)}", "",
             f"{deb.size}, {_span(deb)}. Ballots were "
             f"{'secret' if deb.secret_ballots else 'open'}. {md_escape(w.title)}: "
             f"{md_escape(w.subtitle)}.", ""]
    if deb.timeline and deb.timeline.events:
        lines += ["## The night's events", ""]
        lines += [f"{e.number}. {hhmm(e.time)} {md_escape(e.title)}"
                  for e in deb.timeline.events]
        lines.append("")
    return lines


def _md_decided(deb: Debrief, refs: list[str]) -> list[str]:
    """Each decision point the class reached: what it chose, and 1917."""
    hhmm = deb.world.clock.hhmm
    lines: list[str] = []
    lines += ["## Your class and 25-26 October 1917", ""]
    if not deb.decided:
        lines += ["Nobody decided at a marked decision point.", ""]
    for pt in deb.decided:
        assert pt.reached is not None
        d = pt.decision
        lines += [f"### {hhmm(pt.reached)} - {md_escape(d.question)}", ""]
        lines.append("**Your class:**")
        for label, names in choice_groups(deb, pt):
            carried = [n for n in names if n in pt.carried]
            lines.append(f"- {md_escape(', '.join(names))}: {md_escape(label)}"
                         + (f" (chosen by the clock for {md_escape(', '.join(carried))})"
                            if carried else ""))
        lines.append("")
        if pt.tally is not None:
            lines += [f"{_vote_lead(pt.tally)} {md_escape(_tally_text(pt.tally))}.", ""]
        cite = "".join(f" [{n}]" for n in _cite(deb, d.source, refs))
        lines.append(f"**In 1917:** {md_escape(d.history)}{cite}")
        if pt.history_tally is not None:
            verdict = _verdict(pt)
            lines.append(f"Counted the 1917 way: {md_escape(_tally_text(pt.history_tally))}"
                         + (f"; your class: {verdict}." if verdict else "."))
        lines.append("")
    return lines


def _md_secret_goals(deb: Debrief) -> list[str]:
    """Each student's secret goal, if the roles have any."""
    lines: list[str] = []
    goals = [(p, g) for p in deb.players for g in secret_goals(deb, p)]
    if goals:
        lines += ["## The secret goals", ""]
        lines += [f"- **{md_escape(p.name)}** ({md_escape(_role_name(deb, p))}): "
                  f"{md_escape(goal)}" for p, (_, goal) in goals]
        lines.append("")
    return lines


def _md_talk(deb: Debrief) -> list[str]:
    """The short list of questions to talk over."""
    lines: list[str] = []
    lines += ["## Talking it over", ""]
    for _, heading, items in short_prompts(deb):
        lines += [f"### {heading}", ""] + [f"- {md_escape(q)}" for _, q in items] + [""]
    return lines


def _md_appendix(deb: Debrief, refs: list[str]) -> list[str]:
    """Each student's night, the votes, what nobody decided, every question, the sources."""
    w = deb.world
    hhmm = w.clock.hhmm
    lines: list[str] = []
    lines += ["## Appendix", "", "### Each student's night", ""]
    for p in deb.players:
        assert p.ps is not None
        trail = ", ".join(f"{hhmm(t)} {md_escape(w.places[w.scenes[s].place].name)}"
                          for t, s in moves_of(w, p.ps, deb.began))
        lines += [f"#### {md_escape(p.name)} - {md_escape(_role_name(deb, p))}", "",
                  f"Where: {trail}", ""]
        lines += [f"- {md_escape(k)}" for k in key_decisions(deb, p)] or \
            ["- (no marked decisions)"]
        lines.append("")
    if deb.tallies:
        lines += ["### The class's votes", ""]
        for vid, t in deb.tallies.items():
            lines.append(f"- **{md_escape(vid)}** at {hhmm(deb.vote_time(vid))}: "
                         f"{md_escape(_tally_text(t))}")
        lines.append("")
    if deb.undecided:
        lines += ["### Decision points nobody decided", ""]
        for pt in deb.undecided:
            d = pt.decision
            cite = "".join(f" [{n}]" for n in _cite(deb, d.source, refs))
            lines += [f"#### {md_escape(d.question)}", "", f"*{_why_undecided(deb, pt)}*", "",
                      f"**In 1917:** {md_escape(d.history)}{cite}", ""]
    lines += ["### All the questions", ""]
    for _, heading, items in prompts(deb):
        lines += [f"#### {heading}", ""] + [f"- {md_escape(q)}" for _, q in items] + [""]
    if refs:
        lines += ["### Sources", ""] + [f"{i}. {md_escape(s)}" for i, s in enumerate(refs, 1)]
    return lines


# ---------------------------------------------------------------------------- HTML


def timeline_svg(deb: Debrief) -> str:
    """The night as a picture (see `timeline`)."""
    assert deb.timeline is not None
    return svg_of_timeline(deb.timeline)


STYLE = f"""
/* On a projector: large type, the page as wide as the picture. */
html {{ font-size: 20px; }}
body {{ font-family: {SANS}; font-size: 1rem; line-height: 1.4; color: #1b1b1b;
       max-width: 1200px; margin: 1.2rem auto; padding: 0 40px; }}
h1 {{ font-size: 2rem; margin: 0 0 .2rem; border-bottom: 3px double #7a1d1d; }}
h2 {{ font-size: 1.45rem; color: #7a1d1d; margin: 1.4rem 0 .4rem; break-after: avoid; }}
h3 {{ font-size: 1.1rem; margin: .9rem 0 .2rem; break-after: avoid; }}
h4 {{ font-size: 1rem; margin: .7rem 0 .1rem; break-after: avoid; }}
p, li {{ orphans: 2; widows: 2; }}
.sub {{ color: #555; margin: .2rem 0 .6rem; }}
.figure {{ overflow-x: auto; }}
svg.timeline {{ display: block; width: 100%; max-width: 1200px; height: auto; }}
ol.events {{ columns: 3; column-gap: 2rem; margin: .5rem 0 0; padding-left: 2.2rem; }}
ol.events li {{ break-inside: avoid; }}
.t {{ font-variant-numeric: tabular-nums; color: #555; }}
.point {{ display: grid; grid-template-columns: 5.2rem 1fr 1.35fr; column-gap: 1rem;
          border-top: 1px solid #d8d0bd; padding: .5rem 0 .6rem; break-inside: avoid; }}
.point .when {{ grid-row: 1 / span 2; font-weight: bold; color: #7a1d1d; }}
.point.head {{ border-top: none; padding: 0 0 .2rem; color: #555; font-size: .85em;
               font-weight: bold; text-transform: uppercase; letter-spacing: .04em; }}
.point h3 {{ grid-column: 2 / span 2; margin: 0 0 .3rem; font-size: 1.05rem; }}
.point .ours ul {{ margin: 0; padding-left: 0; list-style: none; }}
.point .ours li {{ margin: 0 0 .15rem; }}
.choice {{ font-style: italic; }}
.point p {{ margin: 0 0 .25rem; }}
.label {{ font-weight: bold; }}
.note, .cite {{ color: #555; font-size: .85em; }}
.same {{ color: #235d23; font-weight: bold; }} .diff {{ color: #8a2b00; font-weight: bold; }}
table {{ border-collapse: collapse; margin: .4rem 0; width: 100%; }}
td, th {{ border-top: 1px solid #d8d0bd; padding: .25rem .5rem .25rem 0; text-align: left;
          vertical-align: top; }}
tr {{ break-inside: avoid; }}
.stages {{ display: grid; grid-template-columns: 1fr 1fr; column-gap: 2rem; }}
.stages section {{ break-inside: avoid; }}
.stages ul, .appendix ul {{ margin: .1rem 0 .4rem; padding-left: 1.2rem; }}
.appendix {{ border-top: 3px double #7a1d1d; margin-top: 2rem; }}
.appendix .student, .appendix .undecided {{ break-inside: avoid; }}
.where {{ color: #555; font-size: .85em; margin: 0; }}
ol.sources {{ padding-left: 1.6rem; }}
.secrets th {{ width: 11rem; font-weight: normal; }}

/* On paper: the same page, set small enough that the short debrief of a small class takes
   two pages; the appendix starts on a page of its own. */
@page {{ margin: 12mm 13mm; }}
@media print {{
  html {{ font-size: 9pt; }}
  body {{ max-width: none; margin: 0; padding: 0; line-height: 1.3; }}
  h1 {{ font-size: 17pt; }} h2 {{ font-size: 12.5pt; margin: .8rem 0 .25rem; }}
  h3 {{ font-size: 9.5pt; }} h4 {{ font-size: 9pt; }}
  .figure {{ overflow: visible; }}
  svg.timeline {{ max-width: none; }}
  ol.events {{ columns: 3; font-size: 8pt; }}
  .point {{ grid-template-columns: 3.6rem 1fr 1.5fr; padding: .3rem 0 .35rem; }}
  .point h3 {{ font-size: 9pt; }}
  .stages {{ grid-template-columns: repeat(4, 1fr); column-gap: 1rem; }}
  .stages ul {{ padding-left: 1rem; }}
  .appendix {{ break-before: page; border-top: none; margin-top: 0; }}
  a {{ color: inherit; text-decoration: none; }}
}}
"""


def html_page(deb: Debrief) -> str:
    """The debrief as one HTML page to project and print: the night as a picture, the class
    against 1917, the secret goals, the questions, and the appendix (for the teacher)."""
    refs = sources(deb)
    h = [*_html_night(deb), *_html_decided(deb, refs), *_html_secret_goals(deb),
         *_html_talk(deb), *_html_appendix(deb, refs)]
    return page(deb.title, "\n".join(h), style=STYLE)


def _html_cite(deb: Debrief, source: str, refs: list[str]) -> str:
    """` [1, 3]`: links to the sources a decision cites ("" for none)."""
    nums = _cite(deb, source, refs)
    if not nums:
        return ""
    links = ", ".join(f'<a href="#source-{n}">{n}</a>' for n in nums)
    return f' <span class="cite">[{links}]</span>'


def _html_night(deb: Debrief) -> list[str]:
    """The title, and the night as a picture with its numbered events."""
    w = deb.world
    hhmm = w.clock.hhmm
    h = ['<header class="top">', f"<h1>{esc(deb.title)}</h1>",
         f'<p class="sub">{esc(deb.size)} &middot; {esc(_span(deb))} &middot; '
         f'ballots were {"secret" if deb.secret_ballots else "open"} &middot; '
         f"{esc(w.title)}: {esc(w.subtitle)}</p>", "</header>",
         '<section class="night">', "<h2>The night</h2>",
         f'<div class="figure">{timeline_svg(deb)}</div>']
    if deb.timeline and deb.timeline.events:
        h.append('<ol class="events" aria-label="The night\'s events, as numbered in the '
                 'picture">')
        h += [f'<li value="{e.number}"><span class="t">{esc(hhmm(e.time))}</span> '
              f"{esc(e.title)}</li>" for e in deb.timeline.events]
        h.append("</ol>")
    h.append("</section>")
    return h


def _html_decided(deb: Debrief, refs: list[str]) -> list[str]:
    """Each decision point the class reached: what it chose, beside 1917."""
    hhmm = deb.world.clock.hhmm
    h: list[str] = []
    h += ['<section class="vs">', "<h2>Your class and 25&ndash;26 October 1917</h2>"]
    if not deb.decided:
        h.append("<p>Nobody decided at a marked decision point.</p>")
    else:
        h.append('<div class="point head" aria-hidden="true"><span>When</span>'
                 "<span>What your class chose</span><span>What happened in 1917</span></div>")
    for pt in deb.decided:
        assert pt.reached is not None
        d = pt.decision
        h.append(f'<article class="point vs1917" data-decision="{esc(d.id)}">')
        h.append(f'<div class="when">{esc(hhmm(pt.reached))}</div>')
        h.append(f"<h3>{esc(d.question)}</h3>")
        h.append('<div class="ours"><ul class="chose">')
        for label, names in choice_groups(deb, pt):
            carried = [n for n in names if n in pt.carried]
            note = (f' <span class="note">(chosen by the clock for '
                    f'{esc(", ".join(carried))})</span>') if carried else ""
            h.append(f"<li><strong>{esc(', '.join(names))}</strong>: "
                     f'<span class="choice">{esc(label)}</span>{note}</li>')
        h.append("</ul>")
        if pt.tally is not None:
            h.append(f'<p class="vote">{esc(_vote_lead(pt.tally))} <strong>'
                     f"{esc(result_text(pt.tally))}</strong></p>")
        h.append("</div>")
        h.append(f'<div class="then"><p><span class="label">In 1917:</span> '
                 f"{esc(d.history)}{_html_cite(deb, d.source, refs)}</p>")
        if pt.history_tally is not None:
            verdict = _verdict(pt)
            mark = "" if not verdict else (
                f' <span class="{"same" if verdict.startswith("the same") else "diff"}">'
                f"Your class: {verdict}.</span>")
            h.append(f'<p class="note">Counted the 1917 way: '
                     f"{esc(result_text(pt.history_tally))}.{mark}</p>")
        h.append("</div></article>")
    h.append("</section>")
    return h


def _html_secret_goals(deb: Debrief) -> list[str]:
    """Each student's secret goal, if the roles have any."""
    h: list[str] = []
    goals = [(p, g) for p in deb.players for g in secret_goals(deb, p)]
    if goals:
        h += ['<section class="secrets">', "<h2>The secret goals</h2>", "<table>"]
        for p, (_, goal) in goals:
            h.append(f'<tr><th scope="row">{esc(p.name)}<br><span class="note">'
                     f"{esc(_role_name(deb, p))}</span></th><td>{esc(goal)}</td></tr>")
        h += ["</table>", "</section>"]
    return h


def _html_talk(deb: Debrief) -> list[str]:
    """The short list of questions to talk over, by stage."""
    h: list[str] = []
    h += ['<section class="talk">', "<h2>Talking it over</h2>", '<div class="stages">']
    for stage, heading, items in short_prompts(deb):
        h.append(f'<section><h3 class="stage" data-stage="{stage}">{esc(heading)}</h3><ul>')
        h += [f"<li>{esc(q)}</li>" for _, q in items]
        h.append("</ul></section>")
    h += ["</div>", "</section>"]
    return h


def _html_appendix(deb: Debrief, refs: list[str]) -> list[str]:
    """For the teacher's reading, not the projector: each student's night, the votes, what nobody decided, every question, the sources."""
    w = deb.world
    hhmm = w.clock.hhmm
    h: list[str] = []
    # The appendix: for the teacher's reading, not the projector.
    h += ['<section class="appendix">', "<h2>Appendix</h2>", "<h3>Each student's night</h3>"]
    for p in deb.players:
        assert p.ps is not None
        trail = ", ".join(f"{hhmm(t)} {w.places[w.scenes[s].place].name}"
                          for t, s in moves_of(w, p.ps, deb.began))
        h.append(f'<div class="student"><h4>{esc(p.name)} &mdash; '
                 f"{esc(_role_name(deb, p))}</h4>"
                 f'<p class="where">{esc(trail)}</p><ul>')
        h += [f"<li>{esc(k)}</li>" for k in key_decisions(deb, p)] or \
            ["<li>(no marked decisions)</li>"]
        h.append("</ul></div>")
    if deb.tallies:
        h += ["<h3>The class's votes</h3>", "<table><tr><th>vote</th><th>when</th>"
              "<th>result</th><th>seats</th></tr>"]
        for vid, t in deb.tallies.items():
            h.append(f"<tr><td>{esc(vid)}</td><td>{esc(hhmm(deb.vote_time(vid)))}</td>"
                     f"<td>{esc(t.vote.flag)} = {esc(_show(t.value))}</td>"
                     f"<td>{esc(t.line())}</td></tr>")
        h.append("</table>")
    if deb.undecided:
        h.append("<h3>Decision points nobody decided</h3>")
        for pt in deb.undecided:
            d = pt.decision
            h.append(f'<div class="undecided" data-decision="{esc(d.id)}">'
                     f'<h4>{esc(d.question)}</h4><p class="note">{esc(_why_undecided(deb, pt))}'
                     f'</p><p><span class="label">In 1917:</span> '
                     f"{esc(d.history)}{_html_cite(deb, d.source, refs)}</p></div>")
    h.append("<h3>All the questions</h3>")
    for _, heading, items in prompts(deb):
        h.append(f"<h4>{esc(heading)}</h4><ul>")
        h += [f"<li>{esc(q)}</li>" for _, q in items]
        h.append("</ul>")
    if refs:
        h += ["<h3>Sources</h3>", '<ol class="sources">']
        h += [f'<li id="source-{i}">{esc(s)}</li>' for i, s in enumerate(refs, 1)]
        h.append("</ol>")
    h.append("</section>")
    return h


# ---------------------------------------------------------------------------- outputs


def summary_lines(deb: Debrief) -> list[str]:
    """The same summary for the facilitator's terminal."""
    w = deb.world
    out = [f"Debrief: {deb.title} ({deb.size}, {_span(deb)})"]
    for vid, t in deb.tallies.items():
        out.append(f"  vote {vid}: {_tally_text(t)}")
    for pt in deb.decided:
        n = len(pt.chose)
        out.append(f"  {w.clock.hhmm(pt.reached or 0)} {pt.decision.id}: {n} "
                   f"student{'s' if n != 1 else ''} decided"
                   + (f"; class {_show(pt.tally.value)} vs 1917 {_show(pt.history_tally.value)}"
                      if pt.tally and pt.history_tally else ""))
    if deb.undecided:
        n = len(deb.undecided)
        out.append(f"  ({n} more decision point{'s' if n != 1 else ''} nobody decided: in the "
                   "appendix)")
    for p in deb.players:
        assert p.ps is not None
        ending = w.scenes[p.ps.ending].ending if p.ps.ending else None
        end = ending.title if ending is not None else f"at {w.clock.hhmm(p.ps.time)}"
        out.append(f"  {p.name} ({_role_name(deb, p)}): {end}")
    for p in deb.joined:
        out.append(f"  {p.name} ({_role_name(deb, p)}): joined, had not begun")
    return out


def transcript(deb: Debrief, p: Player) -> str:
    """One student's night as Markdown, by handle only, with room for notes.

    Each line is one thing they did, at the time they did it. Time the class clock carried
    them on is one line with its span ("09:55-12:55 the class clock moved on"), and a choice
    made for them while it carried them is marked so.
    """
    w = deb.world
    assert p.ps is not None
    lines = [f"# {md_escape(p.name)} - {md_escape(_role_name(deb, p))}", "",
             "| time | where | what | notes |", "|---|---|---|---|"]
    steps = p.ps.history
    rows: list[list[Any]] = []             # [start, end, scene, what]
    for i, s in enumerate(steps):
        end = steps[i + 1].time if i + 1 < len(steps) else p.ps.time
        if s.kind == "wait" and s.label.startswith("the clock moved on"):
            last = rows[-1] if rows else None
            if last is not None and last[3] == CLOCK and last[2] == s.scene \
                    and last[1] == s.time:
                last[1] = end               # one line for one stretch of waiting
                continue
            rows.append([s.time, end, s.scene, CLOCK])
        else:
            what = s.label + (" (chosen for you as the class clock carried you)"
                              if i in p.auto else "")
            rows.append([s.time, end if s.kind == "wait" else s.time, s.scene, what])
    for start, end, sid, what in rows:
        scene = w.scenes.get(sid)
        where = md_escape(scene.title) if scene else sid
        when = w.clock.hhmm(start) + (f"-{w.clock.hhmm(end)}" if end > start else "")
        lines.append(f"| {when} | {where} | {md_escape(what)} |  |")
    if p.ps.ending and w.scenes[p.ps.ending].ending:
        lines.append(f"| {w.clock.hhmm(p.ps.time)} | {md_escape(w.scenes[p.ps.ending].title)} | "
                     f"ending: {md_escape(w.scenes[p.ps.ending].ending.title)} |  |")  # type: ignore[union-attr]
    return "\n".join(lines) + "\n"


CLOCK = "the class clock moved on"


def make(room: Room, title: str = "") -> Debrief:
    """Build the debrief of a room (an alias of `build`)."""
    return build(room, title)


def debrief_files(deb: Debrief) -> list[tuple[str, str]]:
    """The debrief's files as (path inside the session folder, text): pure, no I/O."""
    files = [("debrief.md", markdown(deb)), ("debrief.html", html_page(deb))]
    used: set[str] = set()
    for p in deb.players:
        stem = slug(p.name)
        while stem in used:
            stem += "-x"
        used.add(stem)
        files.append((f"transcripts/{stem}.md", transcript(deb, p)))
    return files


def write_files(folder: Path, files: list[tuple[str, str]]) -> list[Path]:
    """Write `debrief_files` output into `folder`, each file replaced whole and readable by
    its owner only (blocking I/O)."""
    make_private_dir(folder)
    paths = []
    for name, text in files:
        path = folder / name
        make_private_dir(path.parent)
        write_private(path, text)
        paths.append(path)
    return paths


def write_debrief(room: Room, folder: Path, title: str = "") -> list[Path]:
    """Write debrief.md, debrief.html and transcripts/HANDLE.md into the session folder."""
    return write_files(folder, debrief_files(make(room, title)))


__all__ = [
    "Debrief",
    "Point",
    "build",
    "choice_groups",
    "debrief_files",
    "html_page",
    "key_decisions",
    "make",
    "markdown",
    "prompts",
    "secret_goals",
    "short_prompts",
    "sources",
    "summary_lines",
    "timeline_svg",
    "transcript",
    "write_debrief",
    "write_files",
]
