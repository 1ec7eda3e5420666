"""The rules: start a night, look at it, act in it. State in, state out; no I/O.

Every front end (terminal, plain mode, test tools, each classroom connection) drives these
functions. They never change the states they are given; they return new ones.
"""

from __future__ import annotations

import bisect
from typing import Any, Literal

from ..errors import WinterPalaceError
from .events import ChoiceView, EndingView, Narration, NightSummary, Stop, Turn, View
from .expr import parse as parse_expr
from .limits import MAX_NUMBER, MAX_SHOWN_DIGITS, LimitError
from .model import Choice, Event, Scene, World
from .state import Game, PlayerState, Step, WorldState, rng_next, rng_seed

MAX_REDIRECTS = 64   # redirects followed in a row, within one turn

# Values past the bounds of limits.py (an effect storing too big a number or too long a text,
# texts joined past the limit) raise LimitError where they are computed. What happens then:
# - a player's choice, wait or being moved on by the clock is refused whole: nothing changes,
#   and the refusal names the effect, the scene or event it belongs to, and the choice (file:line);
# - a world event whose own condition or `do:` would pass a bound does not happen (as if its
#   `if:` were false), so one bad event can never stop a shared night; the player who lives
#   through it is told in its place, with the same detail;
# - a role whose very start would pass one begins without what could not be done, and is told;
# - what is only shown never refuses anything: a hole in a text shows a short note instead, a
#   condition that cannot be worked out is false (a choice is greyed with the reason).


class EngineError(WinterPalaceError):
    """A state that does not fit the scenario (e.g. a role that does not exist)."""


def show(value: Any) -> str:
    """A value as text shows it: `yes`/`no`, a number (exactly), a text. A number of more than
    MAX_SHOWN_DIGITS digits (only a result computed in the text itself can be) is not spelt
    out: Python would refuse past 4,300, and no reader wants a thousand."""
    if value.__class__ is str:
        return value
    if value.__class__ is int and -MAX_NUMBER <= value <= MAX_NUMBER:
        return str(value)    # the usual number
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if -MAX_NUMBER <= value <= MAX_NUMBER or value.bit_length() < _SHOWN_BITS:
        return str(value)
    return f"[a number of more than {MAX_SHOWN_DIGITS:,} digits]"


_SHOWN_BITS = int(MAX_SHOWN_DIGITS * 3.3219)   # 2**bits < 10**digits


class Context:
    """What expressions see and effects change while the engine works on one player.

    With `copy`, the context's `vars`, `flags`, `items` and `notes` are the states' own until
    an effect changes one (`own`): then it is copied. Most turns change none, and a night's
    dozens of variables were copied, and let go, on every turn.
    """

    __slots__ = ("world", "time", "role", "scene", "place", "area", "vars", "flags", "items",
                 "notes", "visits", "fired", "rng", "entered", "witnessed", "owned")

    def __init__(self, world: World, ws: WorldState, ps: PlayerState, copy: bool,
                 scene: Scene | None = None):
        self.world = world
        self.time = ps.time
        self.role = ps.role
        self.scene = ps.scene
        if scene is None:   # (the caller may have it at hand: a Context is made every turn)
            scene = world.scenes.get(ps.scene)
        place = world.places.get(scene.place) if scene is not None else None
        self.place = place.id if place else ""
        self.area = place.area if place else None
        self.vars = ps.vars
        self.flags = ws.flags
        self.items: Any = ps.items
        self.notes: Any = ps.notes
        self.owned = 0 if copy else 15   # bits: vars, flags, items, notes are this context's
        self.visits = dict(ps.visits) if copy else ps.visits
        self.fired = ws._fired_cache or ws.fired_ids()
        self.rng = ps.rng
        self.entered: list[tuple[int, str]] = []
        self.witnessed: list[tuple[int, str]] | None = None   # made when an event is kept

    def own(self, store: str) -> Any:
        """`vars`, `flags`, `items` or `notes` (`store`), to change: the context's own copy."""
        if store == "vars":
            if not self.owned & 1:
                self.vars = dict(self.vars)
                self.owned |= 1
            return self.vars
        if store == "flags":
            if not self.owned & 2:
                self.flags = dict(self.flags)
                self.owned |= 2
            return self.flags
        bit = 4 if store == "items" else 8
        if not self.owned & bit:
            setattr(self, store, list(getattr(self, store)))
            self.owned |= bit
        return getattr(self, store)

    def move_to(self, scene_id: str) -> None:
        self.scene = scene_id
        place = self.world.places.get(self.world.scenes[scene_id].place)
        self.place = place.id if place else ""
        self.area = place.area if place else None

    def present(self, character: str) -> bool:
        return where_is(self.world, character, self.time, self) == self.place

    def random(self, lo: int, hi: int) -> int:
        if hi < lo:
            lo, hi = hi, lo
        self.rng, out = rng_next(self.rng)
        return lo + out % (hi - lo + 1)

    show = staticmethod(show)   # a text calls it once per hole: no method in between


def where_is(world: World, character: str, time: int, ctx: Any) -> str | None:
    """The place a character is at `time`, by their schedule, or None if they are nowhere."""
    for stint in world.characters[character].schedule:
        if stint.start <= time < stint.end:
            if stint.cond is None:
                return stint.place
            try:
                if stint.cond.fn(ctx):
                    return stint.place
            except LimitError:
                pass   # a condition that cannot be worked out is false
    return None


# --------------------------------------------------------------------------- starting


def new_world(world: World) -> WorldState:
    """The shared night at the clock's start, before anyone has done anything."""
    return WorldState(time=world.clock.start, flags=dict(world.world_flags))


def start(world: World, role: str, seed: int = 0, player_id: str = "player",
          shared: WorldState | None = None) -> tuple[WorldState, PlayerState, Turn]:
    """Begin a night as `role`. Events before the role's start happen without the player."""
    if role not in world.roles:
        raise EngineError(f"no role {role!r}; roles: {', '.join(world.roles)}")
    r = world.roles[role]
    ws = shared if shared is not None else new_world(world)
    variables = dict(world.variables)
    variables.update(r.variables)
    ps = PlayerState(id=player_id, role=role, scene=r.start, time=r.start_time,
                     vars=variables, seed=seed, rng=rng_seed(seed))
    # The world lives through the hours before the role begins: its events fire unseen.
    ws = _advance_world(world, ws, r.start_time - 1)
    before = ws
    ctx = Context(world, ws, ps, copy=True)
    narrations: list[Narration] = []
    moved = None
    try:
        for ev in _events_between(world, r.start_time - 1, r.start_time):
            ws, ctx, n, go = _fire_for(world, ws, ctx, ev)
            if n:
                narrations.append(n)
            if go:
                moved = ev.id
                ctx.move_to(go)
        _enter(world, ctx, ctx.scene)
    except LimitError as e:
        # The role begins where it begins, without what could not be done, and is told why.
        e.located(f"the start of role `{role}`, {r.where}")
        ws = _advance_world(world, before, r.start_time)
        ctx = Context(world, ws, ps, copy=True)
        ctx.move_to(r.start)
        ctx.visits[r.start] = ctx.visits.get(r.start, 0) + 1
        ctx.entered.append((ctx.time, r.start))
        narrations = [Narration(r.start_time, world.clock.hhmm(r.start_time), "", "",
                                f"Not everything of this start could be done: {e.what} "
                                f"({e.where()}).")]
        moved = None
    ws, ps = _commit(world, ws, ps, ctx, step=None)
    return ws, ps, Turn(narrations=tuple(narrations), moved_by=moved, ended=ps.ending)


def new_game(world: World, role: str, seed: int = 0) -> tuple[Game, Turn]:
    """A single-player game for `role` (convenience for front ends and tests)."""
    ws, ps, turn = start(world, role, seed)
    return Game(ws, ps), turn


# --------------------------------------------------------------------------- looking


def view(world: World, ws: WorldState, ps: PlayerState) -> View:
    """What the player sees now."""
    scene = world.scenes[ps.scene]
    ctx = Context(world, ws, ps, False, scene)
    place = world.places[scene.place]
    area = world.areas[place.area].name if place.area else ""
    role = world.roles[ps.role]
    choices: list[ChoiceView] = []
    ending = None
    if scene.ending is None and ps.ending is None:
        used = ps.used
        taken: frozenset[str] | None = None
        for ch in scene.choices:
            if ch.cond is None and ch.after is None and ch.before is None and not ch.once:
                enabled, reason = True, None      # always there (choice_state, in short)
            else:
                state = choice_state(ch, ctx, used)
                if state is None:
                    # A choice taken while the player has been here keeps its number, shown
                    # done.
                    if taken is None:
                        history = ps.history
                        taken = taken_here(ps) if history and history[-1].scene == ps.scene \
                            else _NONE_TAKEN
                    if taken and ch.key in taken:
                        choices.append(ChoiceView(ch.index, len(choices) + 1,
                                                  ch.label.render(ctx), ch.takes, False, None,
                                                  True))
                    continue
                enabled, reason = state
            parts = ch.label.parts   # a plain label as it is (Template.render, in place)
            label = parts[0] if len(parts) == 1 and parts[0].__class__ is str \
                else ch.label.render(ctx)
            choices.append(ChoiceView(ch.index, len(choices) + 1, label, ch.takes, enabled,
                                      reason))
    else:
        ending = _ending_view(world, ps, scene, ctx)
    present = tuple(c.name for cid, c in world.characters.items() if ctx.present(cid)) \
        if world.characters else ()
    # Positional, in View's order: a view is made on every turn.
    return View(scene.id, scene.title, place.id, place.name, area, place.detail, ps.role,
                role.name, ps.time, world.clock.read(ps.time),
                scene_text(scene, ctx) if scene.variants else scene.text.render(ctx),
                tuple(choices), scene.wait if ending is None else None, present, ending,
                scene.told.render(ctx) if scene.told is not None else None)


def brief(world: World, ws: WorldState, ps: PlayerState) -> str | None:
    """The scene's short text for a return visit: its `brief:`, else the first paragraph of its
    text, then the appending variants that hold; None on a first visit. (Asked by a front end
    when the player comes back, not by `view`, which every turn builds.)"""
    scene = world.scenes[ps.scene]
    if ps.visits.get(scene.id, 1) <= 1:
        return None
    ctx = Context(world, ws, ps, copy=False)
    base, extra = _text_parts(scene, ctx)
    short = scene.brief.render(ctx) if scene.brief is not None else first_paragraph(base)
    return _joined(short, extra)


def scene_text(scene: Scene, ctx: Any) -> str:
    """The scene's text now: the first replacing variant that holds, plus appending ones."""
    base = scene.text
    extra = []
    replaced = False
    for v in scene.variants:
        try:
            holds = v.cond.fn(ctx)
        except LimitError:
            holds = False   # a condition that cannot be worked out is false
        if holds:
            if v.append:
                extra.append(v.text.render(ctx))
            elif not replaced:
                base = v.text
                replaced = True
    text = base.render(ctx)
    if extra:
        text = "\n\n".join([text] + extra) if text else "\n\n".join(extra)
    return text


def _text_parts(scene: Scene, ctx: Any) -> tuple[str, list[str]]:
    """(the scene's own text or the first replacing variant that holds, appending variants)."""
    base = scene.text
    extra = []
    replaced = False
    for v in scene.variants:
        if v.cond(ctx):
            if v.append:
                extra.append(v.text.render(ctx))
            elif not replaced:
                base = v.text
                replaced = True
    return base.render(ctx), extra


def _joined(text: str, extra: list[str]) -> str:
    if extra:
        return "\n\n".join([text] + extra) if text else "\n\n".join(extra)
    return text


def first_paragraph(text: str) -> str:
    """The text up to its first blank line (a scene's short description by default)."""
    return text.strip().split("\n\n", 1)[0].strip()


_NONE_TAKEN: frozenset[str] = frozenset()


def taken_here(ps: PlayerState) -> frozenset[str]:
    """The keys of the choices taken since the player came into the scene they are in.

    The stay is the run of the newest steps of the history that began in this scene: a step
    that began elsewhere is where the player came from.
    """
    keys = []
    for st in reversed(ps.history):
        if st.scene != ps.scene:
            break
        if st.kind == "choice":
            keys.append(st.key)
    return frozenset(keys)


def stays(world: World, trail: tuple[tuple[int, str], ...]) -> list[tuple[int, str]]:
    """The trail without the scenes the player was only sent through: a scene entered at the
    minute the next one was, which redirects there, was never stood in."""
    out = []
    for i, (t, sid) in enumerate(trail):
        if i + 1 < len(trail):
            nt, nxt = trail[i + 1]
            scene = world.scenes.get(sid)
            if nt == t and scene is not None and any(r.go == nxt for r in scene.redirects):
                continue
        out.append((t, sid))
    return out


def choice_state(ch: Choice, ctx: Any, used: frozenset[str]) -> tuple[bool, str | None] | None:
    """(enabled, reason) for a choice, or None when it is hidden."""
    if ch.once and ch.key in used:
        return None
    t = ctx.time
    if ch.after is not None and t < ch.after:
        reason = f"not before {ctx.world.clock.hhmm(ch.after)}"
    elif ch.before is not None and t >= ch.before:
        reason = f"too late: only until {ctx.world.clock.hhmm(ch.before)}"
    elif ch.cond is None:
        return True, None
    else:
        try:
            if ch.cond.fn(ctx):
                return True, None
        except LimitError as e:   # shown greyed, hidden or not: the author must see why
            return False, f"this choice's condition cannot be worked out: {e.what}"
        reason = "not possible now"
    if ch.otherwise is None and not ch.show_when_off:
        return None
    return False, ch.otherwise or reason


def _ending_view(world: World, ps: PlayerState, scene: Scene, ctx: Any) -> EndingView:
    ending = scene.ending
    assert ending is not None
    # The journey: each time the player arrived somewhere new (not each scene within a place,
    # nor a scene they were only sent through).
    trail: list[tuple[str, str, str]] = []
    last_place = None
    for t, sid in stays(world, ps.trail):
        s = world.scenes.get(sid)
        if s is None or s.place == last_place:
            continue
        last_place = s.place
        trail.append((world.clock.hhmm(t), s.title, world.places[s.place].name))
    mattered = tuple(dict.fromkeys(s.remember for s in ps.history if s.remember))
    start_time = ps.trail[0][0] if ps.trail else ps.time
    summary = NightSummary(tuple(trail), mattered,
                           sum(1 for s in ps.history if s.kind == "choice"), ps.time - start_time,
                           _moments(world, ps))
    return EndingView(scene.id, ending.title, ending.epilogue.render(ctx), ending.note,
                      ending.historical, summary,
                      ending.told.render(ctx) if ending.told is not None else None)


def _moments(world: World, ps: PlayerState) -> tuple[tuple[str, str], ...]:
    """The moments of a night that mattered, in time order: the choices and the events the
    author marked to remember (`remember:`), each phrase once."""
    # An event comes before a choice begun in the same minute: the choice answers it.
    found = [(t, 0, what) for t, what in ps.witnessed]
    found += [(st.time, 1, st.remember) for st in ps.history if st.remember]
    found.sort(key=lambda m: (m[0], m[1]))
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for t, _, what in found:
        if what and what not in seen:
            seen.add(what)
            out.append((world.clock.hhmm(t), what))
    return tuple(out)


# --------------------------------------------------------------------------- acting


def choose(world: World, ws: WorldState, ps: PlayerState, index: int,
           limit: int | None = None) -> tuple[WorldState, PlayerState, Turn]:
    """Take the scene's choice number `index` (its position in the scene, as in ChoiceView)."""
    scene = world.scenes[ps.scene]
    if ps.ending is not None or scene.ending is not None:
        return ws, ps, Turn(refused="the night is over for you")
    if not 0 <= index < len(scene.choices):
        return ws, ps, Turn(refused="there is no such choice")
    ch = scene.choices[index]
    ctx = Context(world, ws, ps, True, scene)
    if ch.cond is not None or ch.after is not None or ch.before is not None or ch.once:
        state = choice_state(ch, ctx, ps.used)
        if state is None:
            return ws, ps, Turn(refused="that is not possible now")
        if not state[0]:
            return ws, ps, Turn(refused=state[1])
    takes = ch.takes
    left = world.clock.end - ps.time
    if takes > left:
        takes = left if left > 0 else 0
    if limit is not None and ps.time + takes > limit:
        return ws, ps, Turn(refused="the shared clock has not reached that far yet",
                            blocked_until=ps.time + takes)
    parts = ch.label.parts   # a plain label as it is (Template.render, in place)
    label = parts[0] if len(parts) == 1 and parts[0].__class__ is str else ch.label.render(ctx)
    try:
        for eff in ch.effects:
            eff.fn(ctx)
        result = ch.result.render(ctx) if ch.result else None
        result_told = ch.told.render(ctx) if ch.told else None
        step = Step(ps.time, ps.scene, "choice", label, ch.key, ch.remember)
        ws1, narrations, moved_by = _pass_time(world, ws, ctx, takes, ch.go)
        if moved_by is not None and ctx.time < ps.time + takes:
            # An event carried the player off before the choice was done: it did not happen.
            # Only the time until the event passed; the choice stays to be taken (docs:
            # interrupted).
            cut = Context(world, ws, ps, copy=True)
            ws2, heard, moved = _pass_time(world, ws, cut, takes, None)
            if moved is not None and cut.time < ps.time + takes:
                step = Step(ps.time, ps.scene, "wait", f"interrupted: {label}", "wait")
                ws2, new = _commit(world, ws2, ps, cut, step)
                return ws2, new, Turn(heard, None, None, None, moved, new.ending,
                                      new.time - ps.time, interrupted=label)
    except LimitError as e:
        e.located(f"choice “{label}” in scene `{scene.id}`, {ch.where}")
        return ws, ps, Turn(refused=e.describe())
    ws1, new = _commit(world, ws1, ps, ctx, step, once=ch.key if ch.once else None)
    return ws1, new, Turn(narrations, result, None, None, moved_by, new.ending, takes,
                          result_told)


def wait(world: World, ws: WorldState, ps: PlayerState, minutes: int | None = None,
         limit: int | None = None, *,
         for_next: bool = False) -> tuple[WorldState, PlayerState, Turn]:
    """Let time pass where the scene allows it (`minutes` defaults to the scene's wait).

    The wait stops early at the first moment that matters to this player (`Turn.stopped`
    says which): an event that reaches them, a character who comes or goes, the scene
    changing on the clock (a timed redirect), a choice that opens, the last minute of one that
    is about to close. With `for_next` (the `next` command) it waits on through people coming
    and going (they are in `Turn.passed`) and stops at the other moments.
    """
    scene = world.scenes[ps.scene]
    if ps.ending is not None or scene.ending is not None:
        return ws, ps, Turn(refused="the night is over for you")
    if scene.wait is None:
        return ws, ps, Turn(refused="there is no time to wait here")
    minutes = scene.wait if minutes is None else minutes
    if minutes <= 0:
        return ws, ps, Turn(refused="wait how long? give a number of minutes")
    minutes = min(minutes, max(0, world.clock.end - ps.time))
    if minutes == 0:
        return ws, ps, Turn(refused="the night is at its end")
    if limit is not None and ps.time + minutes > limit:
        if ps.time >= limit:
            return ws, ps, Turn(refused="the shared clock has not reached that far yet",
                                blocked_until=ps.time + minutes)
        minutes = limit - ps.time
    ctx = Context(world, ws, ps, True, scene)
    try:
        ws2, narrations, moved_by, stopped, passed = _wait_time(world, ws, ctx, minutes,
                                                                ps.used, for_next)
    except LimitError as e:
        e.located(f"waiting in scene `{scene.id}`, {scene.where}")
        return ws, ps, Turn(refused=e.describe())
    waited = ctx.time - ps.time
    step = Step(ps.time, ps.scene, "wait", f"waited {waited} min", "wait")
    ws2, new = _commit(world, ws2, ps, ctx, step)
    return ws2, new, Turn(narrations, None, None, None, moved_by, new.ending, waited,
                          stopped=stopped, passed=passed)


def advance(world: World, ws: WorldState, ps: PlayerState,
            to: int) -> tuple[WorldState, PlayerState, Turn]:
    """Bring a player's clock up to `to` where they stand (a facilitator moving the night on)."""
    if ps.ending is not None or to <= ps.time:
        return ws, ps, Turn()
    to = min(to, world.clock.end)
    ctx = Context(world, ws, ps, copy=True)
    step = Step(ps.time, ps.scene, "wait", f"the clock moved on to {world.clock.hhmm(to)}", "wait")
    try:
        ws2, narrations, moved_by = _pass_time(world, ws, ctx, to - ps.time, None)
    except LimitError as e:
        scene = world.scenes[ps.scene]
        e.located(f"the clock moving on to {world.clock.hhmm(to)} in scene `{scene.id}`, "
                  f"{scene.where}")
        return ws, ps, Turn(refused=e.describe())
    ws2, new = _commit(world, ws2, ps, ctx, step)
    return ws2, new, Turn(narrations, None, None, None, moved_by, new.ending, new.time - ps.time)


def advance_world(world: World, ws: WorldState, to: int) -> WorldState:
    """Move the shared clock to `to`, firing the world's part of events on the way."""
    return _advance_world(world, ws, to)


# --------------------------------------------------------------------------- internals


def _events_between(world: World, t0: int, t1: int) -> list[Event]:
    """Events with t0 < at <= t1, in time order (declaration order within a minute)."""
    times = world.extra["event_times"]
    lo = bisect.bisect_right(times, t0)
    hi = bisect.bisect_right(times, t1)
    return list(world.events[lo:hi])


def _advance_world(world: World, ws: WorldState, to: int) -> WorldState:
    flags = None
    fired = list(ws.fired)
    decided = set(ws.decided)
    # Every event up to `to` not yet decided, including any at the very start of the clock.
    for ev in world.events:
        if ev.at > to:
            break
        if ev.id in decided:
            continue
        if flags is None:
            flags = dict(ws.flags)
        decided.add(ev.id)
        if _decide(world, ev, flags, frozenset(e for e, _ in fired)) is None:
            fired.append((ev.id, ev.at))
    return WorldState(time=max(ws.time, to), flags=flags if flags is not None else ws.flags,
                      fired=tuple(fired), decided=frozenset(decided))


def _decide(world: World, ev: Event, flags: dict[str, Any],
            fired: frozenset[str]) -> LimitError | Literal[False] | None:
    """Whether `ev` happens (its world condition); if so, apply its world effects to `flags`.

    None: it happened. False: its condition is false. A LimitError: its condition or effects
    would pass a bound, so it does not happen and `flags` are as they were.
    """
    if ev.cond is None and not ev.effects:
        return None              # it simply happens
    wctx = _WorldContext(world, ev.at, flags, fired)
    try:
        if ev.cond is not None and not ev.cond.fn(wctx):
            return False
        if ev.effects:
            wctx.flags = dict(flags)   # all of the event's effects or none of them
            for eff in ev.effects:
                eff.fn(wctx)
            flags.update(wctx.flags)
    except LimitError as e:
        return e.located(f"event `{ev.id}`, {ev.where}")
    return None


class _WorldContext:
    """Context for an event's own condition and effects: the world, no player."""

    __slots__ = ("world", "time", "flags", "fired", "vars", "role", "place", "area", "items",
                 "notes", "visits")

    def __init__(self, world: World, time: int, flags: dict[str, Any], fired: frozenset[str]):
        self.world, self.time, self.flags, self.fired = world, time, flags, fired
        self.vars: dict[str, Any] = {}
        self.role, self.place, self.area = "", "", None
        self.items: list[str] = []
        self.notes: list[str] = []
        self.visits: dict[str, int] = {}

    def present(self, character: str) -> bool:
        return False

    def own(self, store: str) -> Any:
        return getattr(self, store)

    show = staticmethod(show)


def _fire_for(world: World, ws: WorldState, ctx: Context,
              ev: Event) -> tuple[WorldState, Context, Narration | None, str | None]:
    """Make sure `ev` has been decided in the world, then let it reach this player."""
    skipped = None
    if ev.id not in ws.decided:
        # Only an event's effects change the flags: without any, the world keeps the player's.
        flags = dict(ctx.flags) if ev.effects else ctx.flags
        fired = ws.fired
        decision = _decide(world, ev, flags, ws.fired_ids())
        happened = decision is None
        if happened:
            fired = fired + ((ev.id, ev.at),)
        elif decision is not False:
            skipped = decision
        ws = WorldState(max(ws.time, ev.at), flags, fired, ws.decided | {ev.id},
                        ws.fired_ids() | {ev.id} if happened else ws._fired_cache)
        ctx.flags = flags        # the world's now: copied if the player's turn changes one
        ctx.owned &= ~2
    ctx.fired = ws.fired_ids()
    if ev.id not in ctx.fired:
        if skipped is not None:   # the one who lives through it is told why it did not happen
            return ws, ctx, Narration(ev.at, world.clock.hhmm(ev.at), ev.id, ev.title,
                                      f"({ev.title} did not happen: {skipped.what}; "
                                      f"{skipped.where()}.)"), None
        return ws, ctx, None, None
    ctx.time = ev.at
    for reach in ev.reaches:
        try:
            holds = reach.cond is None or reach.cond.fn(ctx)
        except LimitError:
            holds = False     # a condition that cannot be worked out does not hold, as elsewhere
        if holds and reach.effects:
            # All of the case's effects or none: one that would pass a bound leaves the player
            # as they were and says so, and the night goes on (refusing the turn instead would
            # stop this player's clock at the event for good).
            saved = (dict(ctx.vars), dict(ctx.flags), list(ctx.items), list(ctx.notes),
                     dict(ctx.visits), ctx.rng)
            try:
                for eff in reach.effects:
                    eff.fn(ctx)
            except LimitError as e:
                ctx.vars, ctx.flags, ctx.items, ctx.notes, ctx.visits, ctx.rng = saved
                e.located(f"event `{ev.id}` as it reaches you, {reach.where}")
                return ws, ctx, Narration(ev.at, world.clock.hhmm(ev.at), ev.id, ev.title,
                                          f"({ev.title} did not reach you as written: "
                                          f"{e.what}; {e.where()}.)"), None
        if holds:
            text = reach.text.render(ctx) if reach.text else ""
            told = reach.told.render(ctx) if reach.told else None
            n = Narration(ev.at, world.clock.hhmm(ev.at), ev.id, ev.title, text,
                          reach.go is not None, told) if text else None
            if n is not None and reach.remember:
                if ctx.witnessed is None:
                    ctx.witnessed = []
                ctx.witnessed.append((ev.at, reach.remember))
            return ws, ctx, n, reach.go
    return ws, ctx, None, None


def _pass_time(world: World, ws: WorldState, ctx: Context, minutes: int,
               go: str | None) -> tuple[WorldState, tuple[Narration, ...], str | None]:
    """Spend `minutes` from ctx.time; events on the way may interrupt and move the player."""
    t0 = ctx.time
    t1 = t0 + minutes
    narrations: list[Narration] = []
    moved_by = None
    times = world.extra["event_times"] if world.events else None
    lo = bisect.bisect_right(times, t0) if times else 0
    if times and lo < len(times) and times[lo] <= t1:    # most turns meet no event
        for ev in world.events[lo:bisect.bisect_right(times, t1)]:
            ws, ctx, n, ev_go = _fire_for(world, ws, ctx, ev)
            if n:
                narrations.append(n)
            if ev_go:
                moved_by, go, t1 = ev.id, ev_go, ev.at
                break
    ctx.time = t1
    if go is not None:
        _enter(world, ctx, go)
    elif world.scenes[ctx.scene].redirects:
        _redirect(world, ctx)
    if ctx.time >= world.clock.end and world.scenes[ctx.scene].ending is None:
        ctx.time = world.clock.end
        _enter(world, ctx, world.roles[ctx.role].time_out)
    return ws, tuple(narrations) if narrations else (), moved_by


# Which moment wins when several fall in the same minute (the lower, the more it matters).
_RANK = {"moved": 0, "ended": 1, "scene": 2, "closed": 3, "opens": 4, "event": 5,
         "arrives": 6, "leaves": 6}
_PASSING = ("arrives", "leaves")      # what `next` waits through


class _Plan:
    """What can change in one scene while a player waits there, worked out once per scene:
    the characters whose coming and going matters here, and the minutes at which a condition
    that reads the clock can change its answer (or `scan`: every minute, for one whose use of
    the clock is more than a comparison with a time)."""

    __slots__ = ("people", "scan", "times")

    def __init__(self, world: World, scene: Scene):
        place = scene.place
        conds = [ch.cond for ch in scene.choices] + [r.cond for r in scene.redirects]
        wanted: set[str] = set()
        points: set[int] = set()
        scan = False
        for cond in conds:
            if cond is None:
                continue
            wanted.update(arg for fn, arg in cond.calls if fn == "present")
            if "time" in cond.reads:
                found = _time_points(cond.source, world)
                if found is None:
                    scan = True
                else:
                    points |= found
        people = []
        for cid, c in world.characters.items():
            if cid in wanted or any(st.place == place for st in c.schedule):
                people.append(cid)
                for st in c.schedule:
                    if st.cond is not None and "time" in st.cond.reads:
                        found = _time_points(st.cond.source, world)
                        if found is None:
                            scan = True
                        else:
                            points |= found
        # Every minute something here may change on its own: windows, schedules, clock points.
        for ch in scene.choices:
            points.update(t for t in (ch.after, ch.before) if t is not None)
        for cid in people:
            for st in world.characters[cid].schedule:
                points.update((st.start, st.end))
        self.people = tuple(people)
        self.times = tuple(sorted(points))
        self.scan = scan


def _plan(world: World, scene: Scene) -> _Plan:
    """The scene's plan, made on the first wait there (kept with the world: it is derived from
    the scenario alone, and the same for every player)."""
    plans = world.extra.get("wait_plans")
    if plans is None:
        plans = world.extra["wait_plans"] = {}
    plan = plans.get(scene.id)
    if plan is None:
        plan = plans[scene.id] = _Plan(world, scene)
    return plan


_FLIPS = {">=": (0,), "<": (0,), ">": (1,), "<=": (1,), "==": (0, 1), "!=": (0, 1)}
_MIRROR = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}


def _time_points(source: str, world: World) -> set[int] | None:
    """The minutes at which a condition's comparisons of `time` with a time (`time >= 10:45`)
    can change their answer; None when it uses the clock in any other way."""
    try:
        node = parse_expr(source)
    except Exception:
        return None
    points: set[int] = set()

    def walk(n: Any) -> bool:
        if n.kind == "binary" and n.value in _FLIPS:
            left, right = n.args
            op = n.value
            if left.kind == "time" and right.kind == "name" and right.value == "time":
                left, right, op = right, left, _MIRROR[op]
            if left.kind == "name" and left.value == "time":
                if right.kind != "time":
                    return False
                at = world.clock.parse_time(right.value)
                if at is None:
                    return False
                points.update(at + d for d in _FLIPS[op])
                return True
        if n.kind == "name" and n.value == "time":
            return False
        return all(walk(a) for a in n.args)

    return points if walk(node) else None

def _holds(cond: Any, ctx: Context) -> bool:
    """A condition watched during a wait; one that cannot be worked out (a value past a bound)
    does not hold, as `choice_state` greys its choice: a wait never fails on a condition."""
    try:
        return bool(cond.fn(ctx))
    except LimitError:
        return False


class _Watch:
    """What the player waiting in one scene could notice change: which choices can be taken,
    which redirect holds, who is here. Compared minute against minute, it finds the moments
    that matter; only the minutes where something can change are looked at."""

    def __init__(self, world: World, ctx: Context, used: frozenset[str]):
        self.world = world
        self.scene = world.scenes[ctx.scene]
        self.plan = _plan(world, self.scene)
        self.used = used
        self.choices = [ch for ch in self.scene.choices if not (ch.once and ch.key in used)]
        self.people = self.plan.people
        self.scan = self.plan.scan
        self.open = self.enabled(ctx)
        self.here = self.present(ctx)

    def times(self, t0: int, t1: int, events: list[Event]) -> list[int]:
        """The minutes in (t0, t1] where something may change."""
        if self.scan:
            return list(range(t0 + 1, t1 + 1))
        times = self.plan.times
        found = set(times[bisect.bisect_right(times, t0):bisect.bisect_right(times, t1)])
        if events:
            found.update(ev.at for ev in events)
        return sorted(found)

    def enabled(self, ctx: Context) -> frozenset[int]:
        """The choices that can be taken now (choice_state's rules, without its reasons)."""
        t = ctx.time
        out = []
        for ch in self.choices:
            if (ch.after is None or t >= ch.after) and (ch.before is None or t < ch.before) \
                    and (ch.cond is None or _holds(ch.cond, ctx)):
                out.append(ch.index)
        return frozenset(out)

    def present(self, ctx: Context) -> frozenset[str]:
        return frozenset(cid for cid in self.people
                         if where_is(self.world, cid, ctx.time, ctx) == ctx.place)

    def redirect(self, ctx: Context) -> str | None:
        for r in self.scene.redirects:
            if _holds(r.cond, ctx):
                return r.go
        return None


    def label(self, ctx: Context, index: int) -> str:
        return self.scene.choices[index].label.render(ctx)

    def closing(self, ctx: Context, t: int, t0: int) -> tuple[frozenset[int], Stop | None]:
        """The choices open at `t`; and, if the clock alone closes one at `t` (its window, or
        a person it needs who leaves), the stop at its last minute, while it is still open.
        (One that closes as the wait begins was on the screen already: it is let go.)"""
        ctx.time = t
        now = self.enabled(ctx)
        closing = self.open - now
        if closing:
            if t - 1 > t0:
                ctx.time = t - 1
                hhmm = self.world.clock.hhmm
                return now, Stop(t - 1, hhmm(t - 1), "closes", self.label(ctx, min(closing)),
                                 hhmm(t))
            self.open = self.open - closing
        return now, None

    def changes(self, ctx: Context, now: frozenset[int] | None) -> list[Stop]:
        """What the player notices at ctx.time: a redirect that holds, choices opened or
        closed (`now`: the open ones, if known), people come or gone."""
        t = ctx.time
        hhmm = self.world.clock.hhmm(t)
        found: list[Stop] = []
        target = self.redirect(ctx)
        if target is not None:
            found.append(Stop(t, hhmm, "scene", self.world.scenes[target].title))
        if now is None:
            now = self.enabled(ctx)
        if now != self.open:
            for index in sorted(now - self.open):
                found.append(Stop(t, hhmm, "opens", self.label(ctx, index)))
            for index in sorted(self.open - now):
                found.append(Stop(t, hhmm, "closed", self.label(ctx, index)))
            self.open = now
        here = self.present(ctx)
        if here != self.here:
            names = self.world.characters
            for cid in sorted(here - self.here):
                found.append(Stop(t, hhmm, "arrives", names[cid].name))
            for cid in sorted(self.here - here):
                found.append(Stop(t, hhmm, "leaves", names[cid].name))
            self.here = here
        return found


def _wait_time(world: World, ws: WorldState, ctx: Context, minutes: int,
               used: frozenset[str], for_next: bool) -> tuple[WorldState, tuple[Narration, ...], str | None, Stop | None,
                          tuple[Stop, ...]]:
    """Wait up to `minutes` from ctx.time in the player's scene, stopping at the first moment
    that matters (see `wait`). Returns the world, the narrations, the event that moved the
    player (if one did), the stop and, with `for_next`, the moments waited through."""
    t0 = ctx.time
    t1 = t0 + minutes
    hhmm = world.clock.hhmm
    events = _events_between(world, t0, t1) if world.events else []
    watch = _Watch(world, ctx, used)
    narrations: list[Narration] = []
    passed: list[Stop] = []
    go = moved_by = None
    stop: Stop | None = None
    ei = 0
    for t in watch.times(t0, t1, events):
        found: list[Stop] = []
        now = None
        if watch.open:
            now, stop = watch.closing(ctx, t, t0)
            if stop is not None:
                break
        fired = False
        while ei < len(events) and events[ei].at <= t:
            ev = events[ei]
            ei += 1
            fired = True
            ws, ctx, n, ev_go = _fire_for(world, ws, ctx, ev)
            if n:
                narrations.append(n)
                found.append(Stop(ev.at, hhmm(ev.at), "event", ev.title))
            if ev_go:
                moved_by, go = ev.id, ev_go
                found.append(Stop(ev.at, hhmm(ev.at), "moved", ev.title))
                break
        ctx.time = t
        if go is None:
            found += watch.changes(ctx, None if fired else now)
        if not found:
            continue
        found.sort(key=lambda m: _RANK[m.kind])
        if for_next and found[0].kind in _PASSING:
            passed += found
            continue
        stop = found[0]
        break
    _wait_ends(world, ctx, stop.time if stop is not None else t1, go)
    return ws, tuple(narrations), moved_by, stop, tuple(passed)


def _wait_ends(world: World, ctx: Context, at: int, go: str | None) -> None:
    """The wait is over at `at`: into the scene an event sent the player to, or on through a
    redirect that holds; the role's time-out ending if the night ran out."""
    ctx.time = at
    if go is not None:
        _enter(world, ctx, go)
    else:
        _redirect(world, ctx)
    if ctx.time >= world.clock.end and world.scenes[ctx.scene].ending is None:
        ctx.time = world.clock.end
        _enter(world, ctx, world.roles[ctx.role].time_out)


def _enter(world: World, ctx: Context, scene_id: str) -> None:
    scene = world.scenes[scene_id]
    ctx.scene = scene_id             # ctx.move_to(scene_id), without looking the scene up again
    place = world.places.get(scene.place)
    ctx.place = place.id if place else ""
    ctx.area = place.area if place else None
    ctx.visits[scene_id] = ctx.visits.get(scene_id, 0) + 1
    if scene.on_enter:
        try:                         # _on_enter(scene, ctx), without a call in between
            for eff in scene.on_enter:
                eff.fn(ctx)
        except LimitError as e:
            e.located(f"`on_enter:` of scene `{scene.id}`, {scene.where}")
            raise
    ctx.entered.append((ctx.time, scene_id))
    if scene.redirects:
        _redirect(world, ctx)


def _on_enter(scene: Scene, ctx: Context) -> None:
    try:
        for eff in scene.on_enter:
            eff.fn(ctx)
    except LimitError as e:
        e.located(f"`on_enter:` of scene `{scene.id}`, {scene.where}")
        raise


def _redirect(world: World, ctx: Context, depth: int = 0) -> None:
    for r in world.scenes[ctx.scene].redirects:
        try:
            holds = r.cond.fn(ctx)
        except LimitError as e:
            e.located(f"a `redirect:` of scene `{ctx.scene}`, {r.where}")
            raise
        if holds:
            if depth >= MAX_REDIRECTS:
                # A loop of redirects (or a chain too long to be meant): the turn is refused.
                raise LimitError(f"redirects lead on more than {MAX_REDIRECTS} times in a row "
                                 "(do some redirect to each other?)").located(
                                     f"a `redirect:` of scene `{ctx.scene}`, {r.where}")
            ctx.move_to(r.go)
            ctx.visits[r.go] = ctx.visits.get(r.go, 0) + 1
            ctx.entered.append((ctx.time, r.go))
            _on_enter(world.scenes[r.go], ctx)
            _redirect(world, ctx, depth + 1)
            return


def _commit(world: World, ws: WorldState, ps: PlayerState, ctx: Context, step: Step | None,
            once: str | None = None) -> tuple[WorldState, PlayerState]:
    """Turn the working context back into immutable states."""
    # Positional: a state is made on every turn, and keywords cost twice as much to pass.
    ws = WorldState(max(ws.time, ctx.time), ctx.flags, ws.fired, ws.decided,
                    ws._fired_cache)  # same events: same ids
    scene = world.scenes[ctx.scene]
    trail = ps.trail + tuple(ctx.entered) if ctx.entered else ps.trail
    witnessed = ps.witnessed + tuple(ctx.witnessed) if ctx.witnessed else ps.witnessed
    if step is not None:
        history, turn = ps.history + (step,), ps.turn + 1
    else:
        history, turn = ps.history, ps.turn
    # Positional, in PlayerState's order.
    new = PlayerState(ps.id, ps.role, ctx.scene, ctx.time, ctx.vars, tuple(ctx.items),
                      tuple(ctx.notes), ctx.visits, ps.used | {once} if once else ps.used,
                      history, trail, witnessed,
                      ctx.scene if scene.ending is not None else None, ps.seed, ctx.rng, turn)
    return ws, new
