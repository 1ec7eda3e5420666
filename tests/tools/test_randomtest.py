"""Random and exhaustive play-testing on tiny scenarios with known flaws."""

from __future__ import annotations

import json

import pytest

from winterpalace.cli import main
from winterpalace.engine import rules as eng
from winterpalace.scenario import load_scenario
from winterpalace.session import Session
from winterpalace.tools.exhaustive import explore
from winterpalace.tools.randomtest import random_test

from .conftest import Make

FORK = """
a:
  title: A
  place: p
  text: A fork.
  choices:
    - { label: Left, go: left }
    - { label: Right, go: right, if: brave }
    - { label: Take heart, once: true, takes: 0m, do: [brave = true] }
    - { label: Dawdle, takes: 10m }
left:
  title: Left
  place: p
  text: Left.
  ending: { title: Left, epilogue: Left. }
right:
  title: Right
  place: p
  text: Right.
  choices:
    - { label: Only early, before: "20:15", go: out }
"""


def test_coverage_endings_and_dead_end_with_replayable_path(make: Make) -> None:
    world = load_scenario(make(FORK, extra="variables: { brave: false }\n"))
    report = random_test(world, 300, seed=7)
    rep = report.roles["r"]
    assert rep.runs == 300
    assert set(rep.endings) == {"left", "out"}
    assert report.never()["scenes"] == []
    # Going right after 20:15 leaves no way on: the tester finds it, with the path typed.
    dead = [f for f in report.findings if f.kind == "dead-end"]
    assert dead and dead[0].scene == "right"
    f = dead[0]
    session, _ = Session.new(world, f.role, f.seed)
    for typed in f.path:
        assert session.handle(typed)
    v = session.view()
    assert v.scene == "right" and not v.enabled() and v.wait is None
    assert f"--role r --seed {f.seed} --plain" in f.replay_command()


def test_same_seed_same_report(make: Make) -> None:
    world = load_scenario(make(FORK, extra="variables: { brave: false }\n"))
    a = random_test(world, 100, seed=3).to_dict()
    b = random_test(world, 100, seed=3).to_dict()
    a.pop("seconds"), b.pop("seconds")
    assert a == b


def test_loop_without_time_is_found(make: Make) -> None:
    world = load_scenario(make("""
a:
  title: A
  place: p
  text: Round.
  choices: [{ label: Round, takes: 0m, go: b }]
b:
  title: B
  place: p
  text: And round.
  choices: [{ label: Round, takes: 0m, go: a }]
"""))
    report = random_test(world, 5, seed=1)
    loops = [f for f in report.findings if f.kind == "loop"]
    assert loops and loops[0].count == 5
    assert loops[0].path == ("1", "1")


def test_cli_random_json_and_strict(make: Make, capsys: pytest.CaptureFixture[str]) -> None:
    root = make("""
a:
  title: A
  place: p
  text: Here.
  wait: 30m
  choices: [{ label: Leave, go: out }]
""")
    assert main(["test", str(root), "--random", "50", "--seed", "1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["runs"] == 50 and data["coverage"]["endings"] == {"reached": 1, "all": 1}
    assert data["endings"]["r"] == {"out": 50}
    assert main(["test", str(root), "--random", "20", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "20 playthroughs" in out and "No dead ends, loops or crashes." in out


def test_cli_random_fails_on_dead_end(make: Make, capsys: pytest.CaptureFixture[str]) -> None:
    root = make(FORK, extra="variables: { brave: false }\n")
    assert main(["test", str(root), "--random", "200", "--seed", "2"]) == 1
    out = capsys.readouterr().out
    assert "dead-end as r in `right`" in out and "replay: printf" in out


def test_exhaustive_proves_endings(make: Make) -> None:
    world = load_scenario(make(FORK + """
hidden:
  title: Hidden
  place: p
  text: x
  ending: { title: Hidden, epilogue: x }
""", extra="variables: { brave: false }\n"))
    space = explore(world, "r")
    assert space.complete
    assert set(space.endings) == {"left", "out"}
    assert space.unreachable_endings(world) == ["hidden"]
    assert "right" in space.dead_ends
    # The path given for an ending really reaches it.
    session, _ = Session.new(world, "r", 0)
    for typed in space.endings["out"]:
        session.handle(typed)
    assert session.game.player.ending == "out"


def test_exhaustive_bound(make: Make, capsys: pytest.CaptureFixture[str]) -> None:
    root = make("""
a:
  title: A
  place: p
  text: Count.
  wait: 1m
  choices: [{ label: Count, takes: 1m, do: [n += 1] }]
""", extra="variables: { n: 0 }\n")
    space = explore(load_scenario(root), "r", bound=50)
    assert not space.complete and space.unreachable_endings(load_scenario(root)) is None
    assert main(["test", str(root), "--exhaustive", "--bound", "50"]) == 0
    assert "stopped at the bound (50)" in capsys.readouterr().out


def test_engine_is_driven_not_copied(make: Make) -> None:
    """The random tester's view of enabled choices matches the engine's own view."""
    world = load_scenario(make(FORK, extra="variables: { brave: false }\n"))
    from winterpalace.tools.randomtest import visible_options
    ws, ps, _ = eng.start(world, "r", 0)
    v = eng.view(world, ws, ps)
    assert [(str(c.number), c.index) for c in v.enabled()] == visible_options(world, ws, ps)
