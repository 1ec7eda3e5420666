"""Walkthrough tests: a role, a seed, the commands a player types, and what must be true after.

```yaml
name: The officer reports to the cabinet
scenario: ../../docs/example     # folder, relative to this file; leave out for the shipped game
role: officer
seed: 1
steps:
  - expect: { scene: guardroom, time: "18:00" }
  - do: 1                        # anything a player may type: a number, a label, `wait 30`
    expect: { has: [revolver] }
  - do: Go up
    expect:
      scene: malachite
      text: Green stone          # somewhere in what the player was shown
  - do: wait
    expect: { ending: arrest }
```

`others:` on a step sets world flags before its command, as other players (another role, the
class's votes) would in a shared night: `- others: { duma_march: let_through }`. The random
tester writes its findings this way (`winterpalace test --save-findings DIR`).

Commands go through the same `Session` as a real game, so a walkthrough also tests the command
language. The run stops at the first divergence and says where, what was expected and what
the player saw. `record` turns a played game's commands into a new walkthrough file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from ..engine import Game, World, WorldState
from ..errors import WinterPalaceError
from ..scenario import (
    FileProblem,
    Problem,
    compose,
    default_scenario_dir,
    load_scenario,
    read_bounded,
    too_deep,
)
from ..session import Notice, Screen, Session
from ..ui import plain

MAX_WALKTHROUGH_DEPTH = 16   # a walkthrough needs five levels
TOP_FIELDS = {"name", "scenario", "role", "seed", "steps", "finding"}
STEP_FIELDS = {"do", "expect", "note", "others"}
EXPECT_FIELDS = {"scene", "time", "vars", "flags", "has", "lacks", "knows", "text", "ending",
                 "refused", "can", "cannot", "stuck", "loop"}


@dataclass
class Step:
    do: str | None
    expect: dict[str, Any]
    line: int
    col: int
    others: dict[str, Any] = field(default_factory=dict)   # world flags set before `do`


@dataclass
class Walkthrough:
    """A parsed walkthrough file."""

    path: str
    name: str
    scenario: Path
    role: str
    seed: int
    steps: list[Step]
    finding: str | None = None   # a saved finding of `test --random` (dead-end, loop, crash)


@dataclass
class Result:
    """The outcome of running one walkthrough."""

    walkthrough: Walkthrough
    passed: bool
    steps_run: int
    failure: Problem | None = None
    seen: list[str] = field(default_factory=list)   # what the player was shown at the failure

    def render(self) -> str:
        w = self.walkthrough
        if self.passed:
            return f"PASS {w.path}: {w.name} ({self.steps_run} steps)"
        assert self.failure is not None
        lines = [f"FAIL {w.path}: {w.name}", f"  {self.failure.headline()}"]
        if self.seen:
            lines.append("  The player saw:")
            lines += [f"  | {ln}" for ln in self.seen[-25:]]
        return "\n".join(lines)


class WalkthroughError(WinterPalaceError):
    """A walkthrough file that cannot be read; holds located problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.headline() for p in problems))
        self.problems = problems


def parse(path: str | Path) -> Walkthrough:
    """Read a walkthrough file, reporting every mistake in it with its line and column."""
    path = Path(path)
    name = str(path)
    node, data = _read(path)
    if not isinstance(data, dict) or not isinstance(node, MappingNode):
        raise WalkthroughError([Problem(name, 1, 1, "a walkthrough is a mapping with `role:` "
                                        "and `steps:`")])
    problems: list[Problem] = []

    def at(n: Node | None, message: str, hint: str | None = None) -> None:
        line, col = (n.start_mark.line + 1, n.start_mark.column + 1) if n else (1, 1)
        problems.append(Problem(name, line, col, message, hint))

    keys = {k.value: (k, v) for k, v in node.value}
    for key, (kn, _) in keys.items():
        if key not in TOP_FIELDS:
            at(kn, f"`{key}` is not a field of a walkthrough", f"fields: {', '.join(sorted(TOP_FIELDS))}")
    role = data.get("role")
    if not isinstance(role, str):
        at(node, "a walkthrough needs `role:`")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        at(keys["seed"][1], "`seed` should be a whole number")
        seed = 0
    scen = data.get("scenario")
    scenario = (path.parent / scen) if isinstance(scen, str) else default_scenario_dir()
    steps_node = keys.get("steps", (None, None))[1]
    if not isinstance(data.get("steps"), list) or not isinstance(steps_node, SequenceNode):
        at(steps_node or node, "a walkthrough needs `steps:`, a list")
        steps = []
    else:
        steps = _steps(data["steps"], steps_node, at)
    if problems:
        raise WalkthroughError(problems)
    finding = data.get("finding")
    return Walkthrough(name, str(data.get("name") or path.stem), scenario, str(role), seed, steps,
                       str(finding) if finding is not None else None)


def _read(path: Path) -> tuple[Node | None, Any]:
    """The file's YAML node and the Python values built from it (None for an empty file)."""
    name = str(path)
    try:
        # Read and composed within the scenario files' bounds (size, values, aliases,
        # nesting), then built into Python values: shallow, so the building cannot recurse far.
        text = read_bounded(path).decode("utf-8")
        node, second = compose(text)
        if second is not None:
            raise WalkthroughError([Problem(name, second[0] + 1, second[1] + 1,
                                            "a second YAML document (after `---`) in one file")])
        deep = too_deep(node, MAX_WALKTHROUGH_DEPTH) if node is not None else None
        if deep is not None:
            raise WalkthroughError([Problem(name, deep.start_mark.line + 1,
                                            deep.start_mark.column + 1,
                                            f"this walkthrough nests more than "
                                            f"{MAX_WALKTHROUGH_DEPTH} levels deep")])
        bad = _unbuildable(node) if node is not None else None
        if bad is not None:
            at_node, why = bad
            raise WalkthroughError([Problem(name, at_node.start_mark.line + 1,
                                            at_node.start_mark.column + 1, why)])
        data = yaml.SafeLoader("").construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        raise WalkthroughError([Problem(name, (mark.line + 1) if mark else 0,
                                        (mark.column + 1) if mark else 0,
                                        f"YAML syntax: {e.problem}")]) from None
    except FileProblem as e:
        raise WalkthroughError([Problem(name, 1, 1, e.message, e.hint)]) from None
    except UnicodeDecodeError:
        raise WalkthroughError([Problem(name, 1, 1, "this file is not UTF-8 text",
                                        "save it as UTF-8")]) from None
    except (ValueError, OverflowError, RecursionError) as e:
        # A value YAML allows but Python cannot build: a date like 2001-02-30, an integer of
        # thousands of digits.
        raise WalkthroughError([Problem(name, 1, 1, f"a value in this file cannot be read: "
                                        f"{e}")]) from None
    return node, data


def _steps(raws: list[Any], steps_node: SequenceNode,
           at: Callable[[Node | None, str, str | None], None]) -> list[Step]:
    """The steps, each mistake in them told to `at` (node, message, hint)."""
    steps: list[Step] = []
    for raw, sn in zip(raws, steps_node.value, strict=False):
        line, col = sn.start_mark.line + 1, sn.start_mark.column + 1
        if not isinstance(raw, dict):
            raw = {"do": raw}   # a bare entry is a command
        for key in raw:
            if key not in STEP_FIELDS:
                at(sn, f"`{key}` is not a field of a step", "fields: do, expect, note, others")
        expect = raw.get("expect") or {}
        if not isinstance(expect, dict):
            at(sn, "`expect` should be a mapping", None)
            expect = {}
        for key in expect:
            if key not in EXPECT_FIELDS:
                at(sn, f"`{key}` is not something a step can expect",
                   f"expect: {', '.join(sorted(EXPECT_FIELDS))}")
        others = raw.get("others") or {}
        if not isinstance(others, dict):
            at(sn, "`others` should be a mapping of world flags to values",
               "e.g. others: { duma_march: let_through }")
            others = {}
        do = raw.get("do")
        steps.append(Step(None if do is None else str(do), expect, line, col, others))
    return steps


def _unbuildable(root: Node) -> tuple[Node, str] | None:
    """The first value YAML allows but Python cannot build (an integer of thousands of
    digits, a date like 2001-02-30), with why; None if there is none."""
    builder = yaml.SafeLoader("")
    stack, seen = [root], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, MappingNode):
            stack.extend(x for pair in n.value for x in pair)
        elif isinstance(n, SequenceNode):
            stack.extend(n.value)
        elif n.tag.endswith((":int", ":float", ":timestamp")):
            if n.tag.endswith(":int") and len(n.value) > 40:
                return n, "a number of more than 40 digits"
            try:
                builder.construct_object(n)
            except (ValueError, OverflowError) as e:
                return n, f"this value cannot be read: {e}"
    return None


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v) if isinstance(v, str) else str(v)


@dataclass
class _Seen:
    """What a step's expectations are checked against: the game after the step, what the
    player was shown, the refusal if the command was refused, and whether they went round."""

    session: Session
    shown: str
    refused: str | None
    looped: bool


def _check(session: Session, expect: dict[str, Any], shown: str, refused: str | None,
           looped: bool = False) -> str | None:
    """The first expectation that does not hold, described; None when all hold."""
    seen = _Seen(session, shown, refused, looped)
    for key, want in expect.items():
        check = _EXPECTATIONS.get(key)
        why = check(seen, key, want) if check is not None else None
        if why is not None:
            return why
    return None


def _expect_stuck(seen: _Seen, key: str, want: Any) -> str | None:
    session = seen.session
    ps = session.game.player
    v = session.view()
    stuck = ps.ending is None and v.wait is None and not any(c.enabled for c in v.choices)
    if bool(want) == stuck:
        return None
    return (f"the player is stuck in `{ps.scene}` at {session.world.clock.hhmm(ps.time)}: "
            "no choice is enabled and there is no waiting") if stuck else \
        f"expected the player to be stuck, but they can act in `{ps.scene}`"


def _expect_loop(seen: _Seen, key: str, want: Any) -> str | None:
    if bool(want) == seen.looped:
        return None
    ps = seen.session.game.player
    return (f"the player is back in the same state in `{ps.scene}` at "
            f"{seen.session.world.clock.hhmm(ps.time)} without time passing: they can go round "
            "for ever") if seen.looped else "expected the player to be going round"


def _expect_scene(seen: _Seen, key: str, want: Any) -> str | None:
    ps = seen.session.game.player
    return f"expected scene `{want}`, but the player is in `{ps.scene}`" \
        if ps.scene != want else None


def _expect_time(seen: _Seen, key: str, want: Any) -> str | None:
    now = seen.session.world.clock.hhmm(seen.session.game.player.time)
    return f"expected the time {want}, but it is {now}" if now != str(want) else None


def _expect_ending(seen: _Seen, key: str, want: Any) -> str | None:
    ps = seen.session.game.player
    if want is True and ps.ending is None or want not in (True, None) and ps.ending != want:
        return f"expected the ending `{want}`, but " + (
            f"the night ended in `{ps.ending}`" if ps.ending else "the night goes on")
    if want is None and ps.ending is not None:
        return f"expected the night to go on, but it ended in `{ps.ending}`"
    return None


def _expect_values(seen: _Seen, key: str, want: Any) -> str | None:
    """`vars:` (the player's variables) or `flags:` (world flags)."""
    g = seen.session.game
    store = g.player.vars if key == "vars" else g.world.flags
    for name, value in (want or {}).items():
        if name not in store:
            return f"there is no {'variable' if key == 'vars' else 'world flag'} `{name}`"
        if store[name] != value:
            return f"expected {name} = {_show(value)}, but it is {_show(store[name])}"
    return None


def _expect_carried(seen: _Seen, key: str, want: Any) -> str | None:
    """`has:`, `lacks:` (items) or `knows:` (notes)."""
    ps = seen.session.game.player
    pool = ps.notes if key == "knows" else ps.items
    for thing in _list(want):
        if (thing in pool) != (key != "lacks"):
            verb = {"has": "to carry", "lacks": "not to carry", "knows": "to know"}[key]
            return f"expected the player {verb} `{thing}`"
    return None


def _expect_text(seen: _Seen, key: str, want: Any) -> str | None:
    for piece in _list(want):
        if str(piece).lower() not in " ".join(seen.shown.split()).lower():
            return f"expected the text {_show(str(piece))} in what the player saw"
    return None


def _expect_refused(seen: _Seen, key: str, want: Any) -> str | None:
    refused = seen.refused
    if not refused and want:
        return "expected the command to be refused, but it was carried out"
    if refused and isinstance(want, str) and want.lower() not in refused.lower():
        return f"expected a refusal saying {_show(want)}, but it said {_show(refused)}"
    return None


def _expect_offered(seen: _Seen, key: str, want: Any) -> str | None:
    """`can:` or `cannot:`: choices offered (enabled) or not."""
    v = seen.session.view()
    labels = [c.label.lower() for c in v.choices if c.enabled]
    for label in _list(want):
        has = any(lb.startswith(str(label).lower()) for lb in labels)
        if has != (key == "can"):
            word = "offered" if key == "can" else "not offered"
            return f"expected the choice `{label}` to be {word}; offered: " + \
                (", ".join(f"`{lb}`" for lb in labels) or "nothing")
    return None


# Each expectation a step can make (EXPECT_FIELDS), and its check.
_EXPECTATIONS: dict[str, Callable[[_Seen, str, Any], str | None]] = {
    "stuck": _expect_stuck, "loop": _expect_loop, "scene": _expect_scene,
    "time": _expect_time, "ending": _expect_ending,
    "vars": _expect_values, "flags": _expect_values,
    "has": _expect_carried, "lacks": _expect_carried, "knows": _expect_carried,
    "text": _expect_text, "refused": _expect_refused,
    "can": _expect_offered, "cannot": _expect_offered,
}


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def run(w: Walkthrough, world: World | None = None) -> Result:
    """Play a walkthrough and compare each step's expectations with the game."""
    if world is None:
        world = load_scenario(w.scenario)
    if w.role not in world.roles:
        return Result(w, False, 0, Problem(w.path, 1, 1, f"there is no role `{w.role}`",
                                           f"roles: {', '.join(world.roles)}"))
    try:
        return _run(w, world)
    except Exception as e:
        return Result(w, False, 0, Problem(w.path, 1, 1, f"the game crashed: "
                                           f"{type(e).__name__}: {e}",
                                           "the crash this walkthrough was saved for"
                                           if w.finding == "crash" else None))


def _run(w: Walkthrough, world: World) -> Result:
    from .randomtest import state_key
    session, turn = Session.new(world, w.role, w.seed)
    shown_lines = plain.output_lines(Screen(session.view(), turn))
    # States since the clock last moved (for `loop:`), the first one included.
    still: dict[Any, int] = {state_key(session.game.world, session.game.player): 0}
    last_time = session.game.player.time
    for n, step in enumerate(w.steps, 1):
        refused = None
        if step.others:
            why = _set_others(session, step.others)
            if why:
                return Result(w, False, n, Problem(w.path, step.line, step.col,
                                                   f"step {n}: {why}"), shown_lines)
        if step.do is not None:
            outputs = session.handle(step.do)
            shown_lines = [ln for o in outputs for ln in plain.output_lines(o)]
            if not any(isinstance(o, Screen) for o in outputs):
                notes = [o for o in outputs if isinstance(o, Notice) and o.kind != "info"]
                refused = notes[0].text if notes else None
            if refused and "refused" not in step.expect:
                hint = (f"the player is in `{session.game.player.scene}` at "
                        f"{world.clock.hhmm(session.game.player.time)}")
                if w.finding:
                    hint += (f"; the path of this saved {w.finding} no longer plays: if the "
                             "scenario was fixed, delete this file (or record it again)")
                return Result(w, False, n, Problem(
                    w.path, step.line, step.col,
                    f"step {n} (`{step.do}`) was refused: {refused}", hint), shown_lines)
        g = session.game
        if g.player.time != last_time:
            still, last_time = {}, g.player.time
        key = state_key(g.world, g.player)
        looped = key in still
        still.setdefault(key, n)
        why = _check(session, step.expect, "\n".join(shown_lines), refused, looped)
        if why:
            what = f"step {n} (`{step.do}`)" if step.do is not None else f"step {n}"
            ps = session.game.player
            return Result(w, False, n, Problem(
                w.path, step.line, step.col, f"{what}: {why}",
                f"now: `{ps.scene}` at {world.clock.hhmm(ps.time)}"), shown_lines)
    return Result(w, True, len(w.steps))


def _set_others(session: Session, others: dict[str, Any]) -> str | None:
    """Set world flags as other players would; a message when one cannot be set."""
    g = session.game
    flags = dict(g.world.flags)
    for name, value in others.items():
        if name not in flags:
            return f"there is no world flag `{name}` for `others:` to set"
        if type(value) is not type(flags[name]):
            return (f"`others:` gives {name} the value {_show(value)}, but it holds "
                    f"{type(flags[name]).__name__} values like {_show(flags[name])}")
        flags[name] = value
    ws = g.world
    session.game = Game(WorldState(ws.time, flags, ws.fired, ws.decided), g.player)
    return None


def run_file(path: str | Path, worlds: dict[str, World] | None = None) -> Result:
    """Parse and run one walkthrough file (scenarios are cached in `worlds` when given)."""
    w = parse(path)
    key = str(Path(w.scenario).resolve())
    world = worlds.get(key) if worlds is not None else None
    if world is None:
        world = load_scenario(w.scenario)
        if worlds is not None:
            worlds[key] = world
    return run(w, world)


def find(paths: Iterable[str | Path]) -> list[Path]:
    """Walkthrough files: the files given, and every *.yaml under folders given."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.rglob("*.y*ml") if q.suffix in (".yaml", ".yml"))
        else:
            out.append(p)
    return out


# --------------------------------------------------------------------------- recording


def commands_from_transcript(text: str) -> tuple[list[str], str | None]:
    """Commands typed in a plain-mode transcript (lines starting `> `), and the role picked from
    its role menu if there was one. A file with no `> ` lines is read as one command a line."""
    lines = text.splitlines()
    typed = [ln[2:] for ln in lines if ln.startswith("> ")]
    role_answer = None
    if typed:
        for i, ln in enumerate(lines):
            if ln.startswith("Choose a role"):
                nxt = next((x for x in lines[i + 1:] if x.startswith("> ")), None)
                if nxt is not None:
                    role_answer = nxt[2:].strip()
                    typed.remove(nxt[2:])
                break
        return typed, role_answer
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")], None


def record(world: World, role: str, seed: int, commands: Iterable[str], name: str,
           scenario: str | None = None) -> str:
    """A walkthrough (YAML text) that replays `commands` and expects where each one led."""
    session, _ = Session.new(world, role, seed)
    out = ["# Recorded by `winterpalace test --record`: edit the expectations to say what",
           "# matters, and delete the ones that do not.",
           f"name: {json.dumps(name)}"]
    if scenario:
        out.append(f"scenario: {json.dumps(scenario)}")
    out += [f"role: {role}", f"seed: {seed}", "steps:"]
    ps = session.game.player
    out.append(f"  - expect: {{ scene: {ps.scene}, time: \"{world.clock.hhmm(ps.time)}\" }}")
    for cmd in commands:
        cmd = cmd.strip()
        if not cmd or session.ended:
            continue
        before = session.game
        typed = _as_label(session, cmd)
        outputs = session.handle(cmd)
        if any(o.__class__.__name__ == "QuitRequest" for o in outputs):
            break
        if session.game is before:
            continue   # looked, asked for help, or was refused: nothing to replay
        ps = session.game.player
        exp = f"scene: {ps.scene}, time: \"{world.clock.hhmm(ps.time)}\""
        if ps.ending:
            exp += f", ending: {ps.ending}"
        out.append(f"  - do: {json.dumps(typed)}")
        out.append(f"    expect: {{ {exp} }}")
    return "\n".join(out) + "\n"


def _as_label(session: Session, cmd: str) -> str:
    """A choice typed by number, recorded by its label (numbers shift as scenes change), when
    the label picks that same choice back: no other label starts with it, and it does not
    start with a command word."""
    if not (cmd.rstrip(".)").isdigit()):
        return cmd
    v = session.view()
    n = int(cmd.rstrip(".)"))
    chosen = next((c for c in v.choices if c.number == n and c.enabled), None)
    if chosen is None:
        return cmd
    label = chosen.label.strip()
    low = label.lower()
    if not label or low.split(" ", 1)[0] in session.COMMANDS or low.isdigit():
        return cmd
    if sum(1 for c in v.choices if c.label.lower().startswith(low)) != 1:
        return cmd
    return label
