"""The debrief: what the class did with the night, beside what happened in 1917.

Built from a room (live, or replayed from a session's journal): a Markdown page, a
self-contained HTML page with an SVG timeline (hours across, one track per student, world
events as vertical marks, the class's votes and their results), every marked decision point
compared with 1917 with its source, each student's key decisions by handle, the secret goals
revealed, and the authors' reflection prompts in the order feelings, facts, learned, then and
now. Transcripts per student (handles only) go beside it for annotation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import votes as vt
from ..engine.model import Decision, Scene, World
from ..engine.state import PlayerState
from ..handouts.packets import slug
from ..handouts.page import esc, md_escape, page
from .room import Player, Room
from .sessions import make_private_dir, write_private

STAGES = (("feelings", "Feelings"), ("facts", "Facts"), ("learned", "What we learned"),
          ("then_and_now", "Then and now"))
AREA_COLOURS = {"palace": "#b03a2e", "smolny": "#2e6fb0", "city": "#7d7d7d", "river": "#2a9d8f",
                "fortress": "#6c4f9c", "fleet": "#1f4e79"}
OTHER_COLOUR = "#b59b5b"


@dataclass
class Point:
    """One marked decision point and what the class did there."""

    scene: Scene
    decision: Decision
    chose: list[tuple[str, str]] = field(default_factory=list)   # (handle, choice label)
    tally: vt.Tally | None = None
    history_tally: vt.Tally | None = None


@dataclass
class Debrief:
    """Everything the pages show, as data (tests and the console read it too)."""

    world: World
    title: str
    players: list[Player]
    points: list[Point]
    secret_ballots: bool
    tallies: dict[str, vt.Tally]
    fired: list[tuple[str, int]] = field(default_factory=list)   # world events: (id, time)
    factions: dict[str, str] = field(default_factory=dict)       # student -> faction
    began: int | None = None       # the class clock when the class's night started


def build(room: Room, title: str = "") -> Debrief:
    world = room.world
    players = sorted((p for p in room.players.values() if p.ps is not None and not p.removed),
                     key=lambda p: p.key)
    roles = {p.role for p in players}
    tallies: dict[str, vt.Tally] = dict(room.votes.counted)
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
            label = _choice_at(p.ps, scene.id)
            if label is not None:
                pt.chose.append((p.name, label))
        v = by_decision.get(d.id)
        if v is not None:
            pt.tally = tallies.get(v.id)
            pt.history_tally = vt.historical(world, v)
        points.append(pt)
    points.sort(key=lambda pt: _first_time(pt, players))
    factions = {p.name: f for p in players if (f := room.faction_of(p)) is not None}
    return Debrief(world, title or f"{world.title}: the class's night", players, points,
                   secret, tallies, list(room.ws.fired), factions, room.started_at)


def _reached(ps: PlayerState | None, scene: str) -> bool:
    return ps is not None and any(s == scene for _, s in ps.trail)


def _choice_at(ps: PlayerState | None, scene: str) -> str | None:
    if ps is None:
        return None
    steps = [s for s in ps.history if s.scene == scene and s.kind == "choice"]
    return steps[-1].label if steps else None


def _first_time(pt: Point, players: list[Player]) -> tuple[int, str]:
    times = [t for p in players if p.ps for t, s in p.ps.trail if s == pt.scene.id]
    return (min(times) if times else 10**6, pt.scene.id)


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
    """(stage, heading, [(decision question, prompt)]) in the order the debrief asks them."""
    reached = [pt for pt in deb.points if pt.chose] or deb.points
    out = []
    for stage, heading in STAGES:
        items = [(pt.decision.question, q) for pt in reached
                 for st, q in pt.decision.prompts if st == stage]
        if items:
            out.append((stage, heading, items))
    return out


def _role_name(deb: Debrief, p: Player) -> str:
    name = deb.world.roles[p.role].name
    fac = deb.factions.get(p.name)
    return f"{name}, {fac}" if fac else name


def _tally_text(t: vt.Tally) -> str:
    return f"{t.vote.flag} = {_show(t.value)} ({t.line()})"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# ---------------------------------------------------------------------------- Markdown


def markdown(deb: Debrief) -> str:
    w = deb.world
    lines = [f"# {md_escape(deb.title)}", "",
             f"{len(deb.players)} students. Ballots were {'secret' if deb.secret_ballots else 'open'}.",
             ""]
    lines += ["## The night, student by student", ""]
    for p in deb.players:
        assert p.ps is not None
        trail = ", ".join(f"{w.clock.hhmm(t)} {md_escape(w.places[w.scenes[s].place].name)}"
                          for t, s in _moves(w, p.ps, deb.began))
        lines.append(f"- **{md_escape(p.name)}** ({md_escape(_role_name(deb, p))}): {trail}")
    lines.append("")
    if deb.tallies:
        lines += ["## The class's votes", ""]
        for vid, t in deb.tallies.items():
            lines.append(f"- **{md_escape(vid)}** at {w.clock.hhmm(t.at)}: "
                         f"{md_escape(_tally_text(t))}")
        lines.append("")
    lines += ["## Your class vs. 25-26 October 1917", ""]
    for pt in deb.points:
        d = pt.decision
        lines += [f"### {md_escape(d.question)}", ""]
        if pt.chose:
            lines.append("**Your class:**")
            for name, label in pt.chose:
                shown = "(secret ballot)" if deb.secret_ballots and pt.tally is not None \
                    else md_escape(label)
                lines.append(f"- {md_escape(name)}: {shown}")
        else:
            lines.append("**Your class:** nobody reached this point.")
        if pt.tally is not None:
            lines.append(f"- The class's vote: {md_escape(_tally_text(pt.tally))}")
        lines += ["", f"**In 1917:** {md_escape(d.history)}"]
        if pt.history_tally is not None:
            same = pt.tally is not None and pt.tally.value == pt.history_tally.value
            lines.append(f"(Counted the 1917 way: {md_escape(_tally_text(pt.history_tally))}"
                         + (". Your class's result was the same." if same else
                            ". Your class's result was different." if pt.tally else ".") + ")")
        if d.source:
            lines.append(f"*Source: {md_escape(d.source)}*")
        lines.append("")
    lines += ["## Key decisions, by student", ""]
    for p in deb.players:
        lines.append(f"### {md_escape(p.name)} - {md_escape(_role_name(deb, p))}")
        lines += [f"- {md_escape(k)}" for k in key_decisions(deb, p)] or ["- (no marked decisions)"]
        for sheet, goal in secret_goals(deb, p):
            lines.append(f"- *Secret goal ({md_escape(sheet)}):* {md_escape(goal)}")
        lines.append("")
    lines += ["## Reflection", ""]
    for _, heading, items in prompts(deb):
        lines += [f"### {heading}", ""]
        lines += [f"- {md_escape(q)}" for _, q in items]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _moves(world: World, ps: PlayerState, since: int | None = None) -> list[tuple[int, str]]:
    """(time, scene) each time the player came to a new place; with `since`, only from that
    time on (where they stood at `since` counts as arriving then)."""
    out: list[tuple[int, str]] = []
    last = None
    for t, s in ps.trail:
        place = world.scenes[s].place
        if place != last:
            out.append((t, s))
            last = place
    if since is None:
        return out
    before = [m for m in out if m[0] <= since]
    after = [m for m in out if m[0] > since]
    return ([(since, before[-1][1])] if before else []) + after


# ---------------------------------------------------------------------------- SVG


def timeline_svg(deb: Debrief) -> str:
    """Hours across, one track per student; world events and votes as vertical marks."""
    w = deb.world
    players = deb.players
    t0, t1 = _window(deb)
    left, right, top, track = 150, 20, 80, 34
    plot = 900
    width = left + plot + right
    n = max(1, len(players))
    votes_y = top + n * track + 10
    height = votes_y + 60
    def x(t: int) -> float:
        return left + (t - t0) * plot / (t1 - t0)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
           f'viewBox="0 0 {width} {height}" width="100%" '
           f'aria-label="Timeline of the night, one track per student">',
           f'<title>{esc(deb.title)}: where each student was, hour by hour</title>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fffdf7"/>']
    for h in range(t0, t1 + 1, 60):
        out.append(f'<line x1="{x(h):.1f}" y1="{top - 8}" x2="{x(h):.1f}" '
                   f'y2="{votes_y - 6}" stroke="#e2dccb"/>')
        out.append(f'<text x="{x(h):.1f}" y="{top - 12}" font-size="11" text-anchor="middle" '
                   f'fill="#555">{esc(w.clock.hhmm(h))}</text>')
    fired = _fired(deb)
    titles = {ev.id: ev.title for ev in w.events}
    for i, (eid, t) in enumerate(fired, 1):
        out.append(f'<g class="event"><title>{esc(w.clock.hhmm(t))} {esc(titles.get(eid, eid))}'
                   f'</title><line x1="{x(t):.1f}" y1="{top - 4}" x2="{x(t):.1f}" '
                   f'y2="{votes_y - 6}" stroke="#444" stroke-width="1" '
                   f'stroke-dasharray="3,3"/>'
                   f'<text x="{x(t):.1f}" y="{top - 24 - (i % 3) * 11}" font-size="10" '
                   f'text-anchor="middle" fill="#333">{i}</text></g>')
    for row, p in enumerate(players):
        assert p.ps is not None
        y = top + row * track
        out.append(f'<g class="track" data-student="{esc(p.name)}">')
        out.append(f'<text x="{left - 8}" y="{y + track / 2 + 4:.1f}" font-size="12" '
                   f'text-anchor="end" fill="#111">{esc(_clip(p.name, 16))}</text>')
        out.append(f'<text x="{left - 8}" y="{y + track / 2 + 15:.1f}" font-size="9" '
                   f'text-anchor="end" fill="#666">{esc(_clip(_role_name(deb, p), 26))}</text>')
        trail = _moves(w, p.ps, deb.began)
        for i, (t, s) in enumerate(trail):
            end = trail[i + 1][0] if i + 1 < len(trail) else p.ps.time
            if end <= t:
                end = t + 2
            place = w.places[w.scenes[s].place]
            colour = AREA_COLOURS.get(place.area or "", OTHER_COLOUR)
            x0, x1 = x(max(t, t0)), x(min(end, t1))
            out.append(f'<rect x="{x0:.1f}" y="{y + 6}" width="{max(1.5, x1 - x0):.1f}" '
                       f'height="{track - 14}" fill="{colour}" stroke="#fff" '
                       f'stroke-width="0.5"><title>{esc(p.name)}: {esc(w.clock.hhmm(t))}-'
                       f'{esc(w.clock.hhmm(end))} {esc(place.name)}</title></rect>')
            if x1 - x0 > 70:
                out.append(f'<text x="{x0 + 4:.1f}" y="{y + track / 2 + 2:.1f}" font-size="9" '
                           f'fill="#fff">{esc(_clip(place.name, int((x1 - x0) / 5.5)))}</text>')
        for vid, tal in deb.tallies.items():
            b = next((b for b in tal.ballots if b.name == p.name), None)
            if b is not None:
                cx, cy = x(b.time), y + track / 2
                label = "secret ballot" if deb.secret_ballots else b.option
                out.append(f'<path d="M{cx:.1f},{cy - 7:.1f} l6,7 l-6,7 l-6,-7 z" fill="#f2c14e" '
                           f'stroke="#111"><title>{esc(p.name)} voted ({esc(vid)}): '
                           f'{esc(label)}</title></path>')
        out.append("</g>")
    for i, (vid, tal) in enumerate(sorted(deb.tallies.items(), key=lambda kv: kv[1].at)):
        vx = x(min(max(tal.at, t0), t1))
        anchor = "end" if vx > left + plot - 120 else "start" if vx < left + 120 else "middle"
        count = f"{tal.vote.yes} {tal.seats_of(tal.vote.yes)}" + \
            (f", {tal.vote.no} {tal.seats_of(tal.vote.no)}" if tal.vote.no else "")
        out.append(f'<g class="vote"><line x1="{vx:.1f}" y1="{top - 4}" x2="{vx:.1f}" '
                   f'y2="{votes_y + 4}" stroke="#7a1d1d" stroke-width="2.5"/>'
                   f'<text x="{vx:.1f}" y="{votes_y + 18 + (i % 2) * 16}" font-size="11" '
                   f'text-anchor="{anchor}" fill="#7a1d1d" font-weight="bold">'
                   f'Vote {esc(vid)}: {esc(_show(tal.value))} ({esc(count)})</text></g>')
    lx = left
    for area, colour in AREA_COLOURS.items():
        name = w.areas[area].name if area in w.areas else area
        out.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{lx + 14}" y="{height - 5}" font-size="10">{esc(name)}</text>')
        lx += 26 + 6 * len(name)
    out.append("</svg>")
    return "\n".join(out)


def _window(deb: Debrief) -> tuple[int, int]:
    """The hours the timeline spans: from when the class's night started (or the first
    student's start, if it never did) to the last student's time."""
    starts = [p.ps.trail[0][0] for p in deb.players if p.ps and p.ps.trail]
    if deb.began is not None:
        starts = [max(t, deb.began) for t in starts] or [deb.began]
    ends = [p.ps.time for p in deb.players if p.ps]
    t0 = (min(starts) if starts else deb.world.clock.start) // 60 * 60
    t1 = -(-(max(ends) if ends else deb.world.clock.start + 60) // 60) * 60
    return t0, max(t1, t0 + 60)


def _fired(deb: Debrief) -> list[tuple[str, int]]:
    """The world events inside the timeline's hours, in time order (numbered from 1)."""
    t0, t1 = _window(deb)
    return sorted(((e, t) for e, t in deb.fired if t0 <= t <= t1), key=lambda et: et[1])


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:max(1, n - 1)] + "\u2026"


# ---------------------------------------------------------------------------- HTML


def html_page(deb: Debrief) -> str:
    w = deb.world
    h = [f"<h1>{esc(deb.title)}</h1>",
         f'<p class="sub">{len(deb.players)} students &middot; ballots were '
         f'{"secret" if deb.secret_ballots else "open"} &middot; '
         f'{esc(w.title)}: {esc(w.subtitle)}</p>',
         "<h2>The night</h2>", timeline_svg(deb)]
    fired = _fired(deb)
    if fired:
        titles = {ev.id: ev.title for ev in w.events}
        h.append('<p class="src">World events (the numbered dashed lines): ' + "; ".join(
            f"{i} {esc(w.clock.hhmm(t))} {esc(titles.get(e, e))}"
            for i, (e, t) in enumerate(fired, 1)) + "</p>")
    if deb.tallies:
        h += ["<h2>The class's votes</h2>", "<table><tr><th>vote</th><th>counted</th>"
              "<th>result</th><th>seats</th></tr>"]
        for vid, t in deb.tallies.items():
            h.append(f"<tr><td>{esc(vid)}</td><td>{esc(w.clock.hhmm(t.at))}</td>"
                     f"<td>{esc(t.vote.flag)} = {esc(_show(t.value))}</td>"
                     f"<td>{esc(t.line())}</td></tr>")
        h.append("</table>")
    h.append("<h2>Your class vs. 25&ndash;26 October 1917</h2>")
    for pt in deb.points:
        d = pt.decision
        h.append(f'<section class="box vs1917" data-decision="{esc(d.id)}">')
        h.append(f"<h3>{esc(d.question)}</h3>")
        if pt.chose:
            h.append("<p><strong>Your class:</strong></p><ul>")
            for name, label in pt.chose:
                shown = "(secret ballot)" if deb.secret_ballots and pt.tally is not None \
                    else label
                h.append(f"<li><strong>{esc(name)}</strong>: {esc(shown)}</li>")
            h.append("</ul>")
        else:
            h.append("<p><strong>Your class:</strong> nobody reached this point.</p>")
        if pt.tally is not None:
            h.append(f"<p>The class's vote: {esc(_tally_text(pt.tally))}</p>")
        h.append(f"<p><strong>In 1917:</strong> {esc(d.history)}</p>")
        if pt.history_tally is not None:
            if pt.tally is None:
                verdict = ""
            elif pt.tally.value == pt.history_tally.value:
                verdict = ' <span class="same">Your class: the same result.</span>'
            else:
                verdict = ' <span class="diff">Your class: a different result.</span>'
            h.append(f'<p class="src">Counted the 1917 way: '
                     f'{esc(_tally_text(pt.history_tally))}.{verdict}</p>')
        if d.source:
            h.append(f'<p class="src">Source: {esc(d.source)}</p>')
        h.append("</section>")
    h.append("<h2>Key decisions, by student</h2>")
    for p in deb.players:
        h.append(f'<section class="box student"><h3>{esc(p.name)} &mdash; '
                 f"{esc(_role_name(deb, p))}</h3><ul>")
        h += [f"<li>{esc(k)}</li>" for k in key_decisions(deb, p)] or \
            ["<li>(no marked decisions)</li>"]
        h.append("</ul>")
        for sheet, goal in secret_goals(deb, p):
            h.append(f'<p class="secret box"><strong>Secret goal</strong> ({esc(sheet)}): '
                     f"{esc(goal)}</p>")
        h.append("</section>")
    h.append("<h2>Reflection</h2>")
    for stage, heading, items in prompts(deb):
        h.append(f'<h3 class="stage" data-stage="{stage}">{esc(heading)}</h3><ul>')
        h += [f"<li>{esc(q)}</li>" for _, q in items]
        h.append("</ul>")
    return page(deb.title, "\n".join(h))


# ---------------------------------------------------------------------------- outputs


def summary_lines(deb: Debrief) -> list[str]:
    """The same summary for the facilitator's terminal."""
    w = deb.world
    out = [f"Debrief: {deb.title} ({len(deb.players)} students)"]
    for vid, t in deb.tallies.items():
        out.append(f"  vote {vid}: {_tally_text(t)}")
    for pt in deb.points:
        n = len(pt.chose)
        out.append(f"  {pt.decision.id}: {n} student{'s' if n != 1 else ''} decided"
                   + (f"; class {_show(pt.tally.value)} vs 1917 {_show(pt.history_tally.value)}"
                      if pt.tally and pt.history_tally else ""))
    for p in deb.players:
        assert p.ps is not None
        ending = w.scenes[p.ps.ending].ending if p.ps.ending else None
        end = ending.title if ending is not None else f"at {w.clock.hhmm(p.ps.time)}"
        out.append(f"  {p.name} ({_role_name(deb, p)}): {end}")
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
    "debrief_files",
    "html_page",
    "key_decisions",
    "make",
    "markdown",
    "prompts",
    "secret_goals",
    "summary_lines",
    "timeline_svg",
    "transcript",
    "write_debrief",
    "write_files",
]
