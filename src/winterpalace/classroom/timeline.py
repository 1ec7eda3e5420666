"""The night as a picture: hours across, one track per student coloured by where they were,
the world's events as numbered marks, each ballot as a diamond and each class vote as a red
line with its result.

Drawn for a projector and for paper: the drawing is 1200 units wide, so on a page 1280 pixels
wide a unit is a pixel, and every label is at least 18 of them (names 20). Labels are laid out,
not just placed: event numbers go into as many rows as they need, vote results into lanes below
the tracks, a place name into its bar only where it fits, so no two labels ever overlap. The
events' titles are a numbered list beside the picture (`Timeline.events`), not squeezed into it.

PURE: `from_room` reads a room (live, replayed from a journal, or a night still under way) and
`svg` draws the result; the debrief and a live view of the class draw the same picture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..engine import Clock, PlayerState, Tally, World
from ..handouts import SANS, clip, esc, text_width
from .room import Player, Room

WIDTH = 1200          # drawing units; 1 unit = 1 px when the page is 1280 px wide
NAME = 20             # a student's name
LABEL = 18            # every other label: legible from the back of a classroom
TRACK = 60            # one student's track
BAR = 40              # the bar inside it
BADGE = 15            # an event number's circle (radius)
LANE = 30             # a row of vote labels
GAP = 10              # the least room between two labels

# The shipped night's areas keep their colours; any other area takes the next of PALETTE.
AREA_COLOURS = {"palace": "#a83226", "smolny": "#2b62a0", "city": "#5f6368", "river": "#1d7f74",
                "fortress": "#6c4f9c", "fleet": "#1f4e79"}
PALETTE = ("#8a5a00", "#3d7a1f", "#9c2f6b", "#00607a", "#7a4a2a", "#4b4b8f")
OTHER_COLOUR = "#8d7b4a"
VOTE_COLOUR, NOW_COLOUR = "#7a1d1d", "#1d6b2e"


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a student's night in one place."""

    start: int
    end: int
    place: str
    area: str


@dataclass(frozen=True, slots=True)
class BallotMark:
    time: int
    vote: str
    shown: str          # the option, or "secret ballot"


@dataclass(frozen=True, slots=True)
class Track:
    name: str
    role: str           # the short line under the name: the faction, or the role
    spans: tuple[Span, ...]
    ballots: tuple[BallotMark, ...]


@dataclass(frozen=True, slots=True)
class EventMark:
    number: int
    time: int
    title: str


@dataclass(frozen=True, slots=True)
class VoteMark:
    time: int
    id: str
    text: str           # "Vote martov: defeated (for 272, against 398)"


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything the picture shows, as data."""

    title: str
    clock: Clock
    start: int          # whole hours
    end: int
    tracks: tuple[Track, ...]
    events: tuple[EventMark, ...]
    votes: tuple[VoteMark, ...]
    areas: tuple[tuple[str, str, str], ...]   # (area id, name, colour) of the places shown
    now: int | None = None                    # the class clock, while the night goes on


def colours(areas: dict[str, object]) -> dict[str, str]:
    """A colour for every area of the world, the shipped ones as they always were."""
    out, spare = {}, iter(PALETTE)
    for area in areas:
        out[area] = AREA_COLOURS.get(area) or next(spare, OTHER_COLOUR)
    return out


def moves_of(world: World, ps: PlayerState, since: int | None = None) -> list[tuple[int, str]]:
    """(time, scene) each time the student came to a new place; with `since`, only from then
    on (where they stood at `since` counts as arriving then)."""
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


def students(room: Room) -> list[Player]:
    """The students the picture shows: everyone whose night began and who was not sent out."""
    return sorted((p for p in room.players.values() if p.ps is not None and not p.removed),
                  key=lambda p: p.key)


def played(room: Room, players: list[Player], now: int | None = None) -> tuple[int, int]:
    """The night as the class played it, to the minute: from when the class's night started
    (or the first student's start, if it never did) to the last student's time (or `now`)."""
    began = room.started_at
    starts = [p.ps.trail[0][0] for p in players if p.ps and p.ps.trail]
    if began is not None:
        starts = [max(t, began) for t in starts] or [began]
    ends = [p.ps.time for p in players if p.ps]
    if now is not None:
        ends.append(now)
    clock = room.world.clock
    t0 = min(starts) if starts else clock.start
    return t0, max([t0, *ends])


def window(room: Room, players: list[Player], now: int | None = None) -> tuple[int, int]:
    """The whole hours the picture spans: `played`, out to the hours around it."""
    start, end = played(room, players, now)
    t0 = start // 60 * 60
    t1 = -(-end // 60) * 60 if end > start else t0 + 60
    return t0, max(t1, t0 + 60)


def from_room(room: Room, title: str = "", now: int | None = None) -> Timeline:
    """The picture of the room's night so far. `now`: mark the class clock (a live view)."""
    world = room.world
    players = students(room)
    t0, t1 = window(room, players, now)
    colour = colours(dict(world.areas))
    used: dict[str, None] = {}
    tracks = []
    for p in players:
        assert p.ps is not None
        trail = moves_of(world, p.ps, room.started_at)
        spans = []
        for i, (t, s) in enumerate(trail):
            end = trail[i + 1][0] if i + 1 < len(trail) else p.ps.time
            place = world.places[world.scenes[s].place]
            area = place.area or ""
            used[area] = None
            spans.append(Span(t, max(end, t + 2), place.name, area))
        ballots = []
        for vid, tal in room.votes.counted.items():
            for b in tal.ballots:
                if b.name == p.name:
                    ballots.append(BallotMark(b.time, vid, "secret ballot" if room.votes.secret
                                              else b.option))
        fac = room.faction_of(p)
        tracks.append(Track(p.name, fac or world.roles[p.role].name, tuple(spans),
                            tuple(ballots)))
    titles = {ev.id: ev.title for ev in world.events}
    fired = sorted(((e, t) for e, t in room.ws.fired if t0 <= t <= t1), key=lambda et: et[1])
    events = tuple(EventMark(i, t, titles.get(e, e)) for i, (e, t) in enumerate(fired, 1))
    # A vote is drawn where its ballots are: when the last one was cast (the class clock may
    # have counted it earlier, with students still ahead of it). Without ballots, where the
    # clock counted it: its hold, if the clock was moved past that (the count keeps the time
    # the clock moved from), or when the teacher closed it.
    at = {vid: max([b.time for b in tal.ballots], default=max(tal.at, tal.vote.hold)
                   if room.now >= tal.vote.hold else tal.at)
          for vid, tal in room.votes.counted.items()}
    votes = tuple(VoteMark(at[vid], vid, f"Vote {vid}: {result_text(tal)}")
                  for vid, tal in sorted(room.votes.counted.items(), key=lambda kv: at[kv[0]]))
    areas = tuple((a, world.areas[a].name if a in world.areas else "elsewhere",
                   colour.get(a, OTHER_COLOUR)) for a in colour if a in used) + \
        ((("", "elsewhere", OTHER_COLOUR),) if "" in used else ())
    return Timeline(title or world.title, world.clock, t0, t1, tuple(tracks), events, votes,
                    areas, now)


def result_text(tal: Tally) -> str:
    """`defeated (for 272, against 398)`: the result and the seats on each side."""
    value = tal.value
    shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    count = f"{tal.vote.yes} {tal.seats_of(tal.vote.yes)}" + \
        (f", {tal.vote.no} {tal.seats_of(tal.vote.no)}" if tal.vote.no else "")
    return f"{shown} ({count})"


# ---------------------------------------------------------------------------- drawing


def _text(x: float, y: float, body: str, size: int = LABEL, anchor: str = "start",
          fill: str = "#1b1b1b", bold: bool = False, cls: str = "") -> str:
    weight = ' font-weight="bold"' if bold else ""
    c = f' class="{cls}"' if cls else ""
    return (f'<text{c} x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}"{weight}>{esc(body)}</text>')


def _rows(items: list[tuple[float, float, float]], gap: float = GAP,
          lines: bool = True) -> list[int]:
    """Rows for labels hanging from vertical lines, in the given order: item (x0, x1, lx) is a
    label over [x0, x1] whose line drops from it at lx, through every row below its own.

    Each goes into the first row where it keeps `gap` from the labels already there, no line
    from a row above crosses it, and its own line crosses no label below. If no row allows
    all that, the first where labels keep apart (a line may then cross a label). Without
    `lines`, only the labels keep apart."""
    placed: list[tuple[float, float, float, int]] = []
    most = len(items)
    for a, b, lx in items:
        for strict in ((True, False) if lines else (False,)):
            row = next((r for r in range(most + 1) if _fits(a, b, lx, r, placed, gap, strict)),
                       None)
            if row is not None:
                placed.append((a, b, lx, row))
                break
    return [p[3] for p in placed]


def _fits(a: float, b: float, lx: float, row: int, placed: list[tuple[float, float, float, int]],
          gap: float, strict: bool) -> bool:
    for c, d, ox, r in placed:
        if r == row and not (b + gap <= c or d + gap <= a):
            return False
        if strict and r < row and a - gap < ox < b + gap:     # a line from above crosses it
            return False
        if strict and r > row and c - gap < lx < d + gap:     # its line crosses one below
            return False
    return True


# A vote's (or the class clock's) line across the tracks: (time, label, colour, kind).
_Mark = tuple[int, str, str, str]
# Where its label goes: (text x, anchor, x0, x1, the line's x).
_Spot = tuple[float, str, float, float, float]


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where everything of the picture goes, worked out before anything is drawn."""

    left: float                  # where the hours begin (the names are to the left)
    plot: float                  # the hours' width
    hours: list[int]
    step: int                    # label every hour (1) or every second one (2)
    hour_y: int
    rows: list[int]              # each event's row of badges
    badge_top: int
    tracks_top: float
    tracks_bottom: float
    marks: list[_Mark]
    spots: list[_Spot]
    lanes: list[int]             # each mark's row of labels under the tracks
    legend: list[tuple[float, float, str, str]]    # (x, y, area name, colour)
    height: float
    start: int
    end: int

    def x(self, t: int) -> float:
        """A clock time's x (times outside the picture at its edges)."""
        return _x(t, self.start, self.end, self.left, self.plot)


def _x(t: int, start: int, end: int, left: float, plot: float) -> float:
    return left + (min(max(t, start), end) - start) * plot / (end - start)


def svg(tl: Timeline) -> str:
    """The picture, as a self-contained SVG element."""
    lay = _layout(tl)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
           f'viewBox="0 0 {WIDTH} {lay.height:.0f}" width="{WIDTH}" height="{lay.height:.0f}" '
           f'font-family="{SANS}" aria-label="Timeline of the night, one track per '
           f'student">',
           f"<title>{esc(tl.title)}: where each student was, hour by hour</title>",
           f'<rect x="0" y="0" width="{WIDTH}" height="{lay.height:.0f}" fill="#fffdf7"/>']
    out += _draw_hours(tl, lay)
    out += _draw_events(tl, lay)
    for row, tr in enumerate(tl.tracks):
        out += _draw_track(tl, lay, row, tr)
    out += _draw_marks(tl, lay)
    for lx, ly, name, colour in lay.legend:
        out.append(f'<g class="legend"><rect x="{lx:.1f}" y="{ly:.1f}" width="18" height="18" '
                   f'fill="{colour}"/>' + _text(lx + 26, ly + 15, name, cls="area") + "</g>")
    out.append("</svg>")
    return "\n".join(out)


def _layout(tl: Timeline) -> _Layout:
    left = 20 + max([140.0] + [max(text_width(t.name, NAME, True), text_width(t.role, LABEL))
                               for t in tl.tracks])
    left = min(left, 300.0)
    right = 12 + text_width("00:00", LABEL) / 2
    plot = WIDTH - left - right

    def x(t: int) -> float:
        return _x(t, tl.start, tl.end, left, plot)

    # Hours across the top; every second one when an hour is too narrow for its label.
    hours = list(range(tl.start, tl.end + 1, 60))
    step = 1 if plot / max(1, len(hours) - 1) >= text_width("00:00", LABEL) + 2 * GAP else 2
    hour_y = 22
    # Event numbers, in as many rows as they need; each one's dashed line drops to the tracks.
    widths = [max(2 * BADGE, text_width(str(e.number), LABEL, True) + 10) for e in tl.events]
    rows = _rows([(x(e.time) - w / 2, x(e.time) + w / 2, x(e.time))
                  for e, w in zip(tl.events, widths, strict=True)], gap=4)
    badge_top = hour_y + 14
    tracks_top = badge_top + (max(rows) + 1 if rows else 0) * (2 * BADGE + 6) + 10
    tracks_bottom = tracks_top + len(tl.tracks) * TRACK
    marks, spots = _mark_labels(tl, x)
    lanes_of = _rows([(a, b, vx) for _, _, a, b, vx in spots], lines=False)
    lanes = 1 + max(lanes_of, default=-1)
    legend_top = tracks_bottom + 12 + lanes * LANE + (8 if lanes else 0)
    # The legend: a swatch and a name per area shown, wrapped into rows.
    legend: list[tuple[float, float, str, str]] = []
    lx, ly = left, float(legend_top)
    for _, name, colour in tl.areas:
        w = 18 + 8 + text_width(name, LABEL)
        if lx + w > WIDTH - 4 and lx > left:
            lx, ly = left, ly + 28
        legend.append((lx, ly, name, colour))
        lx += w + 24
    height = (ly + 28) if tl.areas else legend_top + 4
    return _Layout(left, plot, hours, step, hour_y, rows, badge_top, tracks_top, tracks_bottom,
                   marks, spots, lanes_of, legend, height, tl.start, tl.end)


def _mark_labels(tl: Timeline, x: Callable[[int], float]) -> tuple[list[_Mark], list[_Spot]]:
    """The votes' (and, live, the class clock's) lines cross the tracks; their labels go in
    rows under them, each beginning at its line (a small mark points up at it), or ending
    there near the right edge."""
    raw = [(v.time, v.text, VOTE_COLOUR, "vote") for v in tl.votes]
    if tl.now is not None:
        raw.append((tl.now, f"now {tl.clock.hhmm(tl.now)}", NOW_COLOUR, "now"))
    marks: list[_Mark] = []
    spots: list[_Spot] = []
    for t, text, colour, kind in raw:
        vx = x(t)
        on_right, on_left = WIDTH - 4 - (vx + 9), vx - 9 - 4     # room beside the line
        if text_width(text, LABEL, True) > on_right:     # too long on the right: the left,
            text = clip(text, LABEL, max(on_right, on_left), True)   # or the roomier side
        w = text_width(text, LABEL, True)
        marks.append((t, text, colour, kind))
        if w <= on_right:
            spots.append((vx + 9, "start", vx - 7, vx + 9 + w, vx))
        else:
            spots.append((vx - 9, "end", vx - 9 - w, vx + 7, vx))
    return marks, spots


def _draw_hours(tl: Timeline, lay: _Layout) -> list[str]:
    out = []
    for i, h in enumerate(lay.hours):
        out.append(f'<line x1="{lay.x(h):.1f}" y1="{lay.tracks_top - 4}" x2="{lay.x(h):.1f}" '
                   f'y2="{lay.tracks_bottom}" stroke="#e2dccb"/>')
        if i % lay.step == 0:
            out.append(_text(lay.x(h), lay.hour_y, tl.clock.hhmm(h), anchor="middle",
                             fill="#444", cls="hour"))
    return out


def _draw_events(tl: Timeline, lay: _Layout) -> list[str]:
    out = []
    for e, row in zip(tl.events, lay.rows, strict=True):
        ex = lay.x(e.time)
        cy = lay.badge_top + BADGE + row * (2 * BADGE + 6.0)
        out.append(f'<g class="event"><title>{esc(tl.clock.hhmm(e.time))} {esc(e.title)}'
                   f'</title><line x1="{ex:.1f}" y1="{cy + BADGE:.1f}" x2="{ex:.1f}" '
                   f'y2="{lay.tracks_bottom}" stroke="#444" stroke-width="1.2" '
                   f'stroke-dasharray="4,4"/>'
                   f'<circle cx="{ex:.1f}" cy="{cy:.1f}" r="{BADGE}" fill="#fff" '
                   f'stroke="#444" stroke-width="1.5"/>'
                   + _text(ex, cy + 6.5, str(e.number), anchor="middle", bold=True,
                           cls="event-number") + "</g>")
    return out


def _draw_track(tl: Timeline, lay: _Layout, row: int, tr: Track) -> list[str]:
    """One student's track: name and role, a bar per place, a diamond per ballot."""
    hhmm, x, left = tl.clock.hhmm, lay.x, lay.left
    y = lay.tracks_top + row * TRACK
    bar_top = y + (TRACK - BAR) / 2
    out = [f'<g class="track" data-student="{esc(tr.name)}">',
           _text(left - 12, y + 26, clip(tr.name, NAME, left - 20, True), NAME, "end",
                 bold=True, cls="name"),
           _text(left - 12, y + 48, clip(tr.role, LABEL, left - 20), LABEL, "end",
                 fill="#555", cls="role")]
    for s in tr.spans:
        if s.end <= tl.start or s.start >= tl.end:
            continue
        x0, x1 = x(s.start), x(s.end)
        colour = next((c for a, _, c in tl.areas if a == s.area), OTHER_COLOUR)
        out.append(f'<rect x="{x0:.1f}" y="{bar_top:.1f}" width="{max(1.5, x1 - x0):.1f}" '
                   f'height="{BAR}" fill="{colour}" stroke="#fff" stroke-width="1">'
                   f"<title>{esc(tr.name)}: {esc(hhmm(s.start))}-{esc(hhmm(s.end))} "
                   f"{esc(s.place)}</title></rect>")
        # The place's name, in the widest stretch of the bar no ballot or vote line
        # crosses, if enough of it fits there.
        cuts = sorted(c for c in [x(b.time) for b in tr.ballots] + [m[4] for m in lay.spots]
                      if x0 < c < x1)
        edges = [x0] + [e for c in cuts for e in (c - 11, c + 11)] + [x1]
        lo, hi = max(zip(edges[::2], edges[1::2], strict=True), key=lambda ab: ab[1] - ab[0])
        name = clip(s.place, LABEL, hi - lo - 12)
        if len(name) >= 6:
            out.append(_text(lo + 6, bar_top + BAR / 2 + 6.5, name, fill="#fff",
                             cls="place"))
    for b in tr.ballots:
        cx, cy = x(b.time), bar_top + BAR / 2
        out.append(f'<path class="ballot" d="M{cx:.1f},{cy - 11:.1f} l9,11 l-9,11 '
                   f'l-9,-11 z" fill="#f2c14e" stroke="#111" stroke-width="1.5">'
                   f"<title>{esc(tr.name)} voted ({esc(b.vote)}): {esc(b.shown)}</title>"
                   f"</path>")
    out.append("</g>")
    return out


def _draw_marks(tl: Timeline, lay: _Layout) -> list[str]:
    out = []
    for (t, text, colour, kind), (tx, anchor, _, _, vx), lane in zip(
            lay.marks, lay.spots, lay.lanes, strict=True):
        base = lay.tracks_bottom + 12 + lane * LANE + 18.0
        out.append(f'<g class="{kind}"><title>{esc(tl.clock.hhmm(t))} {esc(text)}</title>'
                   f'<line x1="{vx:.1f}" y1="{lay.tracks_top - 4}" x2="{vx:.1f}" '
                   f'y2="{lay.tracks_bottom + 4}" stroke="{colour}" stroke-width="3"/>'
                   f'<path d="M{vx:.1f},{base - 15:.1f} l6,12 l-12,0 z" fill="{colour}"/>'
                   + _text(tx, base, text, anchor=anchor, fill=colour, bold=True,
                           cls=f"{kind}-label") + "</g>")
    return out


__all__ = ["BallotMark", "EventMark", "Span", "Timeline", "Track", "VoteMark", "from_room",
           "moves_of", "played", "result_text", "students", "svg", "window"]
