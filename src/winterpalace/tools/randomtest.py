"""Seeded random playthroughs: coverage, dead ends, loops and the spread of endings.

Each playthrough drives the engine directly (start, choose, wait), picking uniformly among the
enabled choices and, where the scene allows it, waiting. A finding carries the role, the seed
and the exact numbers typed, so it can be replayed with `winterpalace play --plain`.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from ..engine import engine as eng
from ..engine.model import World

MAX_STEPS = 5_000   # actions in one playthrough before it counts as a loop


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

    def replay_command(self, scenes: str | None = None) -> str:
        """A shell line that plays the same night up to the finding."""
        typed = "\\n".join(self.path)
        where = f" --scenes {scenes}" if scenes else ""
        return (f"printf '{typed}\\n' | winterpalace play{where} --role {self.role} "
                f"--seed {self.seed} --plain")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "role": self.role, "seed": self.seed, "path": list(self.path),
                "scene": self.scene, "time": self.time, "message": self.message}


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
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Report:
    """All roles' playthroughs together, with what was never reached."""

    world: World
    roles: dict[str, RoleReport]
    seconds: float = 0.0

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
        scenes = self.reached("scenes")
        return {
            "scenes": [s for s, sc in w.scenes.items() if sc.ending is None and s not in scenes],
            "endings": [s for s, sc in w.scenes.items() if sc.ending and s not in endings_hit],
            "choices": [ch.key for sc in w.scenes.values() for ch in sc.choices
                        if ch.key not in self.reached("choices")],
            "events": [ev.id for ev in w.events if ev.id not in self.reached("events")],
        }

    def totals(self) -> dict[str, tuple[int, int]]:
        """(reached, all) for scenes, choices, endings, events."""
        w = self.world
        never = self.never()
        all_scenes = sum(1 for s in w.scenes.values() if s.ending is None)
        all_endings = len(w.scenes) - all_scenes
        all_choices = sum(len(s.choices) for s in w.scenes.values())
        return {"scenes": (all_scenes - len(never["scenes"]), all_scenes),
                "choices": (all_choices - len(never["choices"]), all_choices),
                "endings": (all_endings - len(never["endings"]), all_endings),
                "events": (len(w.events) - len(never["events"]), len(w.events))}

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.roles.values() for f in r.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs, "actions": self.actions, "seconds": round(self.seconds, 3),
            "coverage": {k: {"reached": a, "all": b} for k, (a, b) in self.totals().items()},
            "never": self.never(),
            "endings": {rid: dict(r.endings.most_common()) for rid, r in self.roles.items()},
            "findings": [f.to_dict() for f in self.findings],
        }


def playthrough_seed(seed: int, role_index: int, i: int) -> int:
    """The engine seed of playthrough `i` of a role: distinct, reproducible, small."""
    return (seed * 1_000_003 + role_index * 100_003 + i) & 0x7FFFFFFF


def visible_choices(world: World, ws: Any, ps: Any) -> list[tuple[int, int]]:
    """(number shown, choice index) of every enabled choice, numbered as the player sees them."""
    scene = world.scenes[ps.scene]
    ctx = eng.Context(world, ws, ps, copy=False)
    out = []
    number = 0
    for ch in scene.choices:
        state = eng.choice_state(ch, ctx, ps.used)
        if state is None:
            continue
        number += 1
        if state[0]:
            out.append((number, ch.index))
    return out


def play_once(world: World, role: str, seed: int, rep: RoleReport,
              max_steps: int = MAX_STEPS) -> str | None:
    """One random night; records what it reached in `rep`. Returns the ending reached, if any."""
    rng = random.Random(seed)
    path: list[str] = []
    clock = world.clock
    try:
        ws, ps, _ = eng.start(world, role, seed)
    except Exception as e:   # noqa: BLE001 - a crash is a finding, never a traceback
        rep.findings.append(Finding("crash", role, seed, (), world.roles[role].start, "",
                                    f"the night could not start: {e}"))
        return None
    seen: set[Any] = set()
    anchor: tuple[Any, Any] | None = (ws, ps)
    steps = 0
    try:
        while ps.ending is None:
            options: list[tuple[str, int]] = [(str(n), i) for n, i in visible_choices(world, ws, ps)]
            scene = world.scenes[ps.scene]
            if scene.wait is not None and ps.time < clock.end:
                options.append(("wait", -1))
            if not options:
                rep.findings.append(Finding("dead-end", role, seed, tuple(path), ps.scene,
                                            clock.hhmm(ps.time), "no choice is enabled and "
                                            "there is no waiting here"))
                break
            typed, index = options[rng.randrange(len(options))] if len(options) > 1 \
                else options[0]
            path.append(typed)
            before = ps.time
            if index < 0:
                ws, ps, turn = eng.wait(world, ws, ps)
            else:
                ws, ps, turn = eng.choose(world, ws, ps, index)
                rep.choices.add(f"{scene.id}#{index}")
            if turn.refused:
                rep.findings.append(Finding("crash", role, seed, tuple(path), ps.scene,
                                            clock.hhmm(ps.time),
                                            f"an offered action was refused: {turn.refused}"))
                break
            steps += 1
            if ps.time == before:
                if anchor is not None:   # the state where the clock last stood still
                    seen = {_state_key(*anchor)}
                    anchor = None
                key = _state_key(ws, ps)
                if key in seen:
                    rep.findings.append(Finding("loop", role, seed, tuple(path), ps.scene,
                                                clock.hhmm(ps.time), "the same state came "
                                                "back without time passing: the player can go "
                                                "round forever"))
                    break
                seen.add(key)
            else:
                anchor = (ws, ps)
            if steps >= max_steps:
                rep.findings.append(Finding("loop", role, seed, tuple(path), ps.scene,
                                            clock.hhmm(ps.time),
                                            f"no ending after {max_steps} actions"))
                break
    except Exception as e:   # noqa: BLE001
        rep.findings.append(Finding("crash", role, seed, tuple(path), ps.scene,
                                    clock.hhmm(ps.time), f"{type(e).__name__}: {e}"))
    rep.runs += 1
    rep.actions += steps
    rep.scenes.update(s for _, s in ps.trail)
    rep.events.update(e for e, _ in ws.fired)
    if ps.ending is not None:
        rep.endings[ps.ending] += 1
    return ps.ending


def random_test(world: World, n: int, seed: int = 0, roles: list[str] | None = None,
                progress: Callable[[int], None] | None = None,
                max_findings: int = 20) -> Report:
    """`n` random playthroughs of each role (all roles unless `roles` is given)."""
    import time as _time
    t0 = _time.perf_counter()
    chosen = roles or list(world.roles)
    report = Report(world, {r: RoleReport(r) for r in chosen})
    all_roles = list(world.roles)
    for role in chosen:
        rep = report.roles[role]
        ri = all_roles.index(role)
        for i in range(n):
            play_once(world, role, playthrough_seed(seed, ri, i), rep)
            if len(rep.findings) > 4 * max_findings:
                rep.findings = _distinct(rep.findings)
            if progress is not None and (i + 1) % 100 == 0:
                progress(100)
        if progress is not None and n % 100:
            progress(n % 100)
        rep.findings = _distinct(rep.findings)[:max_findings]
    report.seconds = _time.perf_counter() - t0
    return report


def _state_key(ws: Any, ps: Any) -> Any:
    """What decides the future, apart from the clock (compared only while it stands still)."""
    return (ps.scene, tuple(sorted(ps.vars.items())), ps.items, ps.used,
            tuple(sorted(ws.flags.items())))


def _distinct(findings: list[Finding]) -> list[Finding]:
    """One finding per kind and scene: the shortest path, with how often it happened."""
    best: dict[tuple[str, str, str], Finding] = {}
    counts: Counter[tuple[str, str, str]] = Counter()
    for f in findings:
        key = (f.kind, f.scene, f.message)
        counts[key] += f.count
        if key not in best or len(f.path) < len(best[key].path):
            best[key] = f
    return [replace(f, count=counts[k]) for k, f in best.items()]
