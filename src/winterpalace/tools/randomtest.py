"""Seeded random playthroughs: coverage, dead ends, loops and the spread of endings.

Each playthrough drives the engine directly (start, choose, wait), picking uniformly among the
enabled choices and, where the scene allows it, waiting. A finding carries the role, the seed
and the exact numbers typed, so it can be replayed with `winterpalace play --plain` (or, when
simulated other players changed the world on the way, as a walkthrough).

Other players (`others=True`, the default): each playthrough may also see what other roles'
players and the class's votes can do to the shared world (see `simulated_players.py`), so the scenes that
only open when someone else acts are played too. `others=False` plays history only.

`jobs` > 1 shares the playthroughs among processes (where `fork` exists); the runs are cut into
fixed chunks merged in order, so the report is the same whatever the number of jobs.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .. import engine
from ..engine import Clock, Context, PlayerState, World, rng_seed, taken_here
from . import simulated_players

MAX_STEPS = 5_000   # actions in one playthrough before it counts as a loop
CHUNK = 100         # playthroughs per unit of work (and per progress update)


@dataclass(frozen=True)
class Finding:
    """A playthrough that went wrong, and how to make it happen again."""

    kind: str                  # "dead-end", "loop" or "crash"
    role: str
    seed: int
    path: tuple[str, ...]      # what the player typed: choice numbers as shown, or "wait"
    scene: str
    time: str
    message: str
    count: int = 1             # how many playthroughs found the same thing
    # What simulated other players did on the way: (before action number, flag, value, who).
    others: tuple[tuple[int, str, Any, str], ...] = ()
    cause: tuple[str, ...] = ()   # a loop's scenes: one finding per loop, not per scene

    def replay_command(self, scenes: str | None = None) -> str:
        """A shell line that plays the same night up to the finding (history only: when other
        players changed the world on the way, replay `walkthrough()` instead)."""
        typed = "\\n".join(self.path)
        where = f" --scenes {scenes}" if scenes else ""
        return (f"printf '{typed}\\n' | winterpalace play{where} --role {self.role} "
                f"--seed {self.seed} --plain")

    def walkthrough(self, scenario: str | None = None) -> str:
        """A walkthrough file (YAML) that replays the finding, other players included, and
        fails while the bug is there: its last step expects the player not to be stuck (a dead
        end) or not to be going round (a loop); a crash fails it by itself."""
        import json
        lines = [f"# {self.kind} as {self.role} in `{self.scene}` at {self.time}: "
                 f"{self.message}",
                 "# It fails until the bug is fixed; then keep it as a test, or delete it.",
                 f"name: {json.dumps(self.kind + ' in ' + self.scene)}",
                 f"finding: {self.kind}"]
        if scenario:
            lines.append(f"scenario: {json.dumps(scenario)}")
        lines += [f"role: {self.role}", f"seed: {self.seed}", "steps:"]
        by_step: dict[int, list[tuple[str, Any, str]]] = {}
        for step, flag, value, who in self.others:
            by_step.setdefault(step, []).append((flag, value, who))
        for i, typed in enumerate(self.path + ("",)):
            sets = by_step.get(i)
            if not typed and not sets:
                continue
            head = "  - "
            if sets:
                lines.append(head + "others: { " + ", ".join(
                    f"{f}: {json.dumps(v)}" for f, v, _ in sets) + " }   # " +
                    "; ".join(w for _, _, w in sets))
                head = "    "
            if typed:
                lines.append(head + f"do: {json.dumps(typed)}")
        head = "    " if lines[-1] != "steps:" else "  - "
        check = {"dead-end": "stuck: false", "loop": "loop: false"}.get(self.kind)
        lines.append(head + "expect: { " + (check or f"scene: {self.scene}") + " }")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "role": self.role, "seed": self.seed, "path": list(self.path),
                "scene": self.scene, "time": self.time, "message": self.message,
                "others": [{"before_action": s, "flag": f, "value": v, "by": w}
                           for s, f, v, w in self.others]}


@dataclass
class RoleReport:
    """What the playthroughs of one role reached."""

    role: str
    runs: int = 0
    actions: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    scenes: set[str] = field(default_factory=set)
    choices: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)     # variants and conditional-text branches seen
    findings: list[Finding] = field(default_factory=list)
    others_runs: int = 0                                       # runs where other players acted
    others_done: Counter[str] = field(default_factory=Counter)  # "flag = value" -> runs

    def merge(self, other: RoleReport) -> None:
        """Add another share of this role's playthroughs (in the order they were played)."""
        self.runs += other.runs
        self.actions += other.actions
        self.endings.update(other.endings)
        self.scenes |= other.scenes
        self.choices |= other.choices
        self.events |= other.events
        self.texts |= other.texts
        self.findings = _distinct(self.findings + other.findings)
        self.others_runs += other.others_runs
        self.others_done.update(other.others_done)


@dataclass
class Report:
    """All roles' playthroughs together, with what was never reached."""

    world: World
    roles: dict[str, RoleReport]
    seconds: float = 0.0
    plans: dict[str, simulated_players.Plan] = field(default_factory=dict)   # empty: history only
    jobs: int = 1

    @property
    def runs(self) -> int:
        return sum(r.runs for r in self.roles.values())

    @property
    def actions(self) -> int:
        return sum(r.actions for r in self.roles.values())

    def reached(self, what: str) -> set[str]:
        return set().union(*(getattr(r, what) for r in self.roles.values()))

    def never(self) -> dict[str, list[str]]:
        """Scenes, choices, endings and events no playthrough reached."""
        w = self.world
        endings_hit = set().union(*(set(r.endings) for r in self.roles.values()))
        scenes, choices, events, texts = (self.reached(what) for what in
                                          ("scenes", "choices", "events", "texts"))
        return {
            "scenes": [s for s, sc in w.scenes.items() if sc.ending is None and s not in scenes],
            "endings": [s for s, sc in w.scenes.items() if sc.ending and s not in endings_hit],
            "choices": [ch.key for sc in w.scenes.values() for ch in sc.choices
                        if ch.key not in choices],
            "events": [ev.id for ev in w.events if ev.id not in events],
            "texts": [k for k in text_keys(w) if k not in texts],
        }

    def totals(self) -> dict[str, tuple[int, int]]:
        """(reached, all) for scenes, choices, endings, events."""
        w = self.world
        never = self.never()
        # Scenes as `check` counts them: every scene, the endings among them.
        all_scenes = len(w.scenes)
        all_endings = sum(1 for s in w.scenes.values() if s.ending is not None)
        all_choices = sum(len(s.choices) for s in w.scenes.values())
        reached = len(self.reached("scenes") & set(w.scenes))
        return {"scenes": (reached, all_scenes),
                "choices": (all_choices - len(never["choices"]), all_choices),
                "endings": (all_endings - len(never["endings"]), all_endings),
                "events": (len(w.events) - len(never["events"]), len(w.events)),
                "texts": (len(text_keys(w)) - len(never["texts"]), len(text_keys(w)))}

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.roles.values() for f in r.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs, "actions": self.actions, "seconds": round(self.seconds, 3),
            "coverage": {k: {"reached": a, "all": b} for k, (a, b) in self.totals().items()},
            "never": self.never(),
            "never_choices": [{"choice": k, "where": describe_choice(self.world, k)}
                              for k in self.never()["choices"]],
            "endings": {rid: dict(r.endings.most_common()) for rid, r in self.roles.items()},
            "findings": [f.to_dict() for f in self.findings],
            "others": {rid: {"simulated": self.plans[rid].to_dict() if rid in self.plans
                             else {}, "runs": r.others_runs,
                             "done": dict(sorted(r.others_done.items()))}
                       for rid, r in self.roles.items()} if self.plans else None,
        }


def playthrough_seed(seed: int, role_index: int, i: int) -> int:
    """The engine seed of playthrough `i` of a role: distinct, reproducible, small."""
    return (seed * 1_000_003 + role_index * 100_003 + i) & 0x7FFFFFFF


_TYPED = [str(n) for n in range(1, 1001)]   # what a player types for choice n + 1


def visible_options(world: World, ws: Any, ps: Any) -> list[tuple[str, int]]:
    """(what the player types, choice index) of every enabled choice, numbered as the player
    sees them.

    The engine's `choice_state` rules, without building a View (and a Context only when a
    choice has a condition): the tester asks this once per action.
    """
    scene = world.scenes[ps.scene]
    ctx = None
    t = ps.time
    used = ps.used
    out = []
    number = 0
    taken = None
    for ch in scene.choices:
        if ch.once and used and ch.key in used:
            ok = False
        else:
            ok = (ch.after is None or t >= ch.after) and (ch.before is None or t < ch.before)
            if ok and ch.cond is not None:
                if ctx is None:
                    ctx = Context(world, ws, ps, copy=False)
                ok = ch.cond.fn(ctx)
            if ok:
                out.append((_TYPED[number] if number < 1000 else str(number + 1), ch.index))
                number += 1
                continue
            if ch.otherwise is not None or ch.show_when_off:
                number += 1   # shown greyed out: it takes a number
                continue
        if taken is None:
            taken = taken_here(ps)
        if ch.key in taken:
            number += 1       # taken while here: shown done, it keeps its number
    return out


def text_parts(world: World) -> dict[str, list[tuple[str, Any]]]:
    """Per scene, what a player may or may not be shown: each variant (`scene~v1`) and each
    branch of conditional text (`scene~t1+` when it holds, `scene~t1-` when not)."""
    from ..engine import TextIf
    out: dict[str, list[tuple[str, Any]]] = {}
    for sid, s in world.scenes.items():
        parts: list[tuple[str, Any]] = []
        for i, v in enumerate(s.variants, 1):
            parts.append((f"{sid}~v{i}", v.cond))
        n = 0
        for t in [s.text, *(v.text for v in s.variants)]:
            for p in t.parts:
                if isinstance(p, TextIf):
                    n += 1
                    parts.append((f"{sid}~t{n}", p.cond))
        if parts:
            out[sid] = parts
    return out


def text_keys(world: World) -> list[str]:
    """Every variant and conditional-text branch, as `text_parts` names them."""
    keys = []
    for parts in text_parts(world).values():
        for key, _ in parts:
            keys += [key] if "~v" in key else [key + "+", key + "-"]
    return keys


def describe_text(world: World, key: str) -> str:
    sid, _, part = key.partition("~")
    s = world.scenes.get(sid)
    if s is None:
        return key
    if part.startswith("v"):
        v = s.variants[int(part[1:]) - 1]
        return f"variant `if: {v.cond.source}` of `{sid}` ({v.where})"
    side = "shown" if part.endswith("+") else "not shown"
    return f"conditional text {part[1:-1]} of `{sid}`, {side} ({s.where})"


def describe_choice(world: World, key: str) -> str:
    """`boat#1` as an author reads it: the label, the scene, file:line."""
    sid, _, i = key.partition("#")
    s = world.scenes.get(sid)
    if s is None or not i.isdigit() or int(i) >= len(s.choices):
        return key
    ch = s.choices[int(i)]
    return f"`{ch.label.plain}` in `{sid}` ({ch.where})"


class _Scenes:
    """Per-scene facts the tester asks for on every action, computed once."""

    def __init__(self, world: World):
        self.texts = text_parts(world)
        self.text_keys = {sid: frozenset(k if "~v" in k else k + s for k, _ in parts
                                         for s in ("", "+", "-") if ("~v" in k) == (s == ""))
                          for sid, parts in self.texts.items()}
        self.keys = {sid: tuple(ch.key for ch in s.choices) for sid, s in world.scenes.items()}
        # Scenes whose choices are always all there: no condition, window or once.
        self.fixed = {sid: [(str(i + 1), i) for i in range(len(s.choices))]
                      for sid, s in world.scenes.items()
                      if all(ch.cond is None and ch.after is None and ch.before is None
                             and not ch.once for ch in s.choices)}
        # Texts this process has seen shown (in earlier chunks too): not worked out again.
        # The report is the union of the chunks', so it does not change.
        self.texts_seen: set[str] = set()
        # A role's start, when it draws no random number: the same night for every seed.
        self.starts: dict[str, tuple[Any, Any] | None] = {}

    def start(self, world: World, role: str, seed: int) -> tuple[Any, Any]:
        """`engine.start(world, role, seed)`'s states, made once per role when they do not depend
        on the seed (beyond the seed and generator it carries)."""
        if role not in self.starts:
            ws, ps, _ = engine.start(world, role, seed)
            self.starts[role] = (ws, ps) if ps.rng == rng_seed(seed) else None
            return ws, ps
        got = self.starts[role]
        if got is None:
            ws, ps, _ = engine.start(world, role, seed)
            return ws, ps
        ws, ps = got
        return ws, replace(ps, seed=seed, rng=rng_seed(seed))


def play_once(world: World, role: str, seed: int, rep: RoleReport,
              max_steps: int = MAX_STEPS, plan: simulated_players.Plan | None = None,
              scenes: _Scenes | None = None) -> str | None:
    """One random night; records what it reached in `rep`. Returns the ending reached, if any.

    With a `plan`, other players' doings are drawn for this night (from `seed`) and applied as
    the clock reaches them.
    """
    random_ = random.Random(seed).random   # int(random() * k): uniform, cheaper than randrange
    path: list[str] = []
    clock = world.clock
    info = scenes or _Scenes(world)
    writes = simulated_players.draw(plan, seed) if plan is not None else []
    pending = simulated_players.Pending(world, writes) if writes else None
    done: list[tuple[int, str, Any, str]] = []
    started = _start_night(world, role, seed, rep, info, writes, pending, done)
    if started is None:
        return None
    ws, ps = started
    seen: set[Any] = set()
    shown: set[str] = set()
    texts = info.texts
    last_sid = ""
    anchor: tuple[Any, Any] | None = (ws, ps)
    steps = 0
    scene_list = world.scenes
    fixed = info.fixed
    keys = info.keys
    end = clock.end
    try:
        while ps.ending is None:
            if pending is not None and pending.next_at is not None and \
                    ps.time >= pending.next_at:
                ws, applied = pending.due(ws, ps.time)
                if applied:
                    done.extend((steps, f, v, w.by) for w in applied for f, v in w.changes())
                    anchor = (ws, ps)
            sid = ps.scene
            scene = scene_list[sid]
            parts = texts.get(sid)
            # Texts as the player arrives (each arrival, not each action: it is the cost).
            if parts is not None and sid != last_sid and not (
                    info.text_keys[sid] <= info.texts_seen or info.text_keys[sid] <= shown):
                _texts_shown(world, ws, ps, parts, shown)
            last_sid = sid
            options = fixed.get(sid)
            if options is None:
                options = visible_options(world, ws, ps)
                if scene.wait is not None and ps.time < end:
                    options.append(("wait", -1))
            elif scene.wait is not None and ps.time < end:
                options = options + [("wait", -1)]
            if not options:
                rep.findings.append(_finding("dead-end", role, seed, path, ps, clock, done,
                                             "no choice is enabled and there is no waiting here"))
                break
            k = len(options)
            typed, index = options[int(random_() * k)] if k > 1 else options[0]
            path.append(typed)
            before = ps.time
            if index < 0:
                ws, ps, turn = engine.wait(world, ws, ps)
            else:
                ws, ps, turn = engine.choose(world, ws, ps, index)
                rep.choices.add(keys[sid][index])
            if turn.refused:
                rep.findings.append(_finding("crash", role, seed, path, ps, clock, done,
                                             f"an offered action was refused: {turn.refused}"))
                break
            steps += 1
            if ps.time == before:
                if anchor is not None:   # the state where the clock last stood still
                    seen = {state_key(*anchor)}
                    anchor = None
                key = state_key(ws, ps)
                if key in seen:
                    rep.findings.append(_round_finding(role, seed, path, ps, clock, done, seen))
                    break
                seen.add(key)
            else:
                anchor = (ws, ps)
            if steps >= max_steps:
                rep.findings.append(_finding("loop", role, seed, path, ps, clock, done,
                                             f"no ending after {max_steps} actions"))
                break
    except Exception as e:
        rep.findings.append(_finding("crash", role, seed, path, ps, clock, done,
                                     f"{type(e).__name__}: {e}"))
    _record_night(rep, info, ws, ps, steps, shown, done)
    ending: str | None = ps.ending
    return ending


# A night's findings (made once, when it stops: never in the per-choice loop).

def _finding(kind: str, role: str, seed: int, path: list[str], ps: PlayerState, clock: Clock,
             done: list[tuple[int, str, Any, str]], message: str,
             cause: tuple[str, ...] = ()) -> Finding:
    """What went wrong where the player `ps` is, after typing `path`."""
    return Finding(kind, role, seed, tuple(path), ps.scene, clock.hhmm(ps.time), message,
                   others=tuple(done), cause=cause)


def _round_finding(role: str, seed: int, path: list[str], ps: PlayerState, clock: Clock,
                   done: list[tuple[int, str, Any, str]], seen: set[Any]) -> Finding:
    """The player is back in a state of `seen` (since the clock last moved): a loop."""
    round_ = tuple(sorted({k[0] for k in seen} | {ps.scene}))
    return _finding("loop", role, seed, path, ps, clock, done,
                    "the same state came back without time passing: the player can go "
                    "round forever through " + ", ".join(f"`{s}`" for s in round_),
                    cause=round_)


def _start_night(world: World, role: str, seed: int, rep: RoleReport, info: _Scenes,
                 writes: list[Any], pending: Any,
                 done: list[tuple[int, str, Any, str]]) -> tuple[Any, Any] | None:
    """The night's first state (world, player), other players' earlier doings in it; None
    (with a finding) if it cannot start."""
    try:
        shared = None
        r = world.roles[role]
        if pending is not None and pending.next_at is not None and \
                pending.next_at < r.start_time:
            # Other players acted before this role's night begins: the world lives through
            # those hours with their doings in it.
            shared = engine.new_world(world)
            for t in sorted({w.start for w in writes if w.start < r.start_time}):
                shared = engine.advance_world(world, shared, t - 1)
                shared, applied = pending.due(shared, t)
                done.extend((0, f, v, w.by) for w in applied for f, v in w.changes())
        if shared is None:
            return info.start(world, role, seed)
        ws, ps, _ = engine.start(world, role, seed, shared=shared)
        return ws, ps
    except Exception as e:
        rep.findings.append(Finding("crash", role, seed, (), world.roles[role].start, "",
                                    f"the night could not start: {e}", others=tuple(done)))
        rep.runs += 1
        return None


def _record_night(rep: RoleReport, info: _Scenes, ws: Any, ps: Any, steps: int,
                  shown: set[str], done: list[tuple[int, str, Any, str]]) -> None:
    """What one night reached, into the role's report."""
    rep.runs += 1
    rep.actions += steps
    rep.scenes.update(s for _, s in ps.trail)
    rep.events.update(ws.fired_ids())
    rep.texts |= shown
    info.texts_seen |= shown
    if done:
        rep.others_runs += 1
        rep.others_done.update(f"{f} = {simulated_players.shown(v)}" for _, f, v, _ in done)
    if ps.ending is not None:
        rep.endings[ps.ending] += 1


# The scenario and plans a worker process plays (inherited through fork, never pickled: a
# compiled World holds closures).
_JOB: dict[str, Any] = {}


def _chunk(task: tuple[str, int, int, int, int]) -> RoleReport:
    role, ri, seed, lo, hi = task
    world: World = _JOB["world"]
    rep = RoleReport(role)
    plan = _JOB["plans"].get(role)
    scenes = _JOB["scenes"]
    for i in range(lo, hi):
        play_once(world, role, playthrough_seed(seed, ri, i), rep, plan=plan, scenes=scenes)
    rep.findings = _distinct(rep.findings)
    return rep


def random_test(world: World, n: int, seed: int = 0, roles: list[str] | None = None,
                progress: Callable[[int], None] | None = None,
                max_findings: int = 20, others: bool = True, jobs: int = 1) -> Report:
    """`n` random playthroughs of each role (all roles unless `roles` is given).

    `others`: simulate other players and the class's votes (see `simulated_players.py`); False plays
    history only. `jobs`: processes to share the work among (the report does not change).
    """
    import time as _time
    t0 = _time.perf_counter()
    chosen = roles or list(world.roles)
    plans = simulated_players.plan(world) if others else {}
    plans = {r: p for r, p in plans.items() if r in chosen}
    report = Report(world, {r: RoleReport(r) for r in chosen}, plans=plans)
    all_roles = list(world.roles)
    tasks = [(role, all_roles.index(role), seed, lo, min(n, lo + CHUNK))
             for role in chosen for lo in range(0, n, CHUNK)]
    _JOB.update(world=world, plans=plans, scenes=_Scenes(world))
    jobs = max(1, min(jobs, len(tasks)))
    if jobs > 1 and "fork" not in multiprocessing.get_all_start_methods():
        jobs = 1
    report.jobs = jobs
    try:
        if jobs == 1:
            results: Any = map(_chunk, tasks)
            pool = None
        else:
            pool = multiprocessing.get_context("fork").Pool(jobs)
            results = pool.imap(_chunk, tasks)
        try:
            for task, part in zip(tasks, results, strict=False):
                report.roles[task[0]].merge(part)
                if progress is not None:
                    progress(task[4] - task[3])
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
    finally:
        _JOB.clear()
    for rep in report.roles.values():
        rep.findings = rep.findings[:max_findings]
    report.seconds = _time.perf_counter() - t0
    return report


def _texts_shown(world: World, ws: Any, ps: Any, parts: list[tuple[str, Any]],
                 shown: set[str]) -> None:
    ctx = Context(world, ws, ps, copy=False)
    for key, cond in parts:
        held = bool(cond.fn(ctx))
        if "~v" not in key:
            shown.add(key + ("+" if held else "-"))
        elif held:
            shown.add(key)


def state_key(ws: Any, ps: Any) -> Any:
    """What decides the future, apart from the clock (compared only while it stands still)."""
    return (ps.scene, tuple(sorted(ps.vars.items())), ps.items, ps.used,
            tuple(sorted(ws.flags.items())))


def _distinct(findings: list[Finding]) -> list[Finding]:
    """One finding per kind and scene: the shortest path, with how often it happened."""
    best: dict[tuple[str, str, str], Finding] = {}
    counts: Counter[tuple[str, str, str]] = Counter()
    for f in findings:
        key = (f.kind, ",".join(f.cause) if f.cause else f.scene, f.message)
        counts[key] += f.count
        if key not in best or len(f.path) < len(best[key].path):
            best[key] = f
    return [replace(f, count=counts[k]) for k, f in best.items()]
