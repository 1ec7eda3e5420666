"""Simulated other players: what other roles and class votes can do to one role's night."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from winterpalace.cli import main
from winterpalace.engine import rules as eng
from winterpalace.scenario import load_scenario
from winterpalace.tools import simulated_players, walkthrough
from winterpalace.tools.randomtest import random_test

# Role `a` can only go through the gate when role `b` has opened it; `b` can only open it while
# the crowd is there (an event at 21:00 brings it, one at 22:00 takes it away). Through the gate
# lies a scene with no way on: a dead end only other players can lead to.
TWO = """\
scenario: two
title: Two
clock: { start: 1917-10-25 20:00, end: 1917-10-26 02:00, default_takes: 10m }
roles:
  a: { name: A, intro: Hi., start: yard, at: "20:00", time_out: out }
  b: { name: B, intro: Hi., start: gatehouse, at: "20:30", time_out: out }
world_flags: { gate: "shut", crowd: false, early: false, left: false }
places:
  p: { name: P }
events:
  crowd_comes: { title: Crowd, at: "21:00", do: [crowd = true] }
  crowd_goes: { title: Crowd goes, at: "22:00", do: [crowd = false] }
scenes:
  yard:
    title: Yard
    place: p
    text: A yard.
    wait: 15m
    choices:
      - { label: Go through the gate, if: gate == "open", go: beyond }
      - { label: Leave, go: out, after: "23:00" }
  beyond:
    title: Beyond
    place: p
    text: Nothing here.
    choices:
      - { label: Go back, before: "21:00", go: yard }
  gatehouse:
    title: Gatehouse
    place: p
    text: The gate.
    wait: 30m
    choices:
      - { label: Open the gate, if: crowd, do: [gate = "open"], go: out }
      - { label: Slam it for good, do: [gate = "slammed"], go: out, after: "23:30" }
  out:
    title: Out
    place: p
    text: Dawn.
    ending: { title: Over, epilogue: Done. }
"""


@pytest.fixture
def two(tmp_path: Path) -> Path:
    root = tmp_path / "two"
    root.mkdir()
    (root / "world.yaml").write_text(TWO, encoding="utf-8")
    return root


def test_plan_lists_other_roles_writes_with_times_and_conditions(two: Path) -> None:
    world = load_scenario(two)
    plans = simulated_players.plan(world)
    writes = plans["a"].flags["gate"]
    assert sorted(w.value for w in writes) == ["open", "slammed"]
    opened = next(w for w in writes if w.value == "open")
    assert world.clock.hhmm(opened.start) == "20:30"           # b's earliest arrival
    assert opened.cond is not None and opened.cond.source == "crowd"
    slammed = next(w for w in writes if w.value == "slammed")
    assert world.clock.hhmm(slammed.start) == "23:30"          # the choice's `after:`
    assert "b in gatehouse" in opened.by
    # b writes `gate` itself, and nobody else writes what b reads: nothing to simulate for b.
    assert plans["b"].flags == {}


def test_pending_write_waits_for_the_writers_condition(two: Path) -> None:
    world = load_scenario(two)
    opened = next(w for w in simulated_players.plan(world)["a"].flags["gate"] if w.value == "open")
    ws = eng.new_world(world)
    pending = simulated_players.Pending(world, [opened])
    t = world.clock.parse_time("20:40")
    ws, applied = pending.due(ws, t)                 # no crowd yet: b cannot open it
    assert applied == [] and ws.flags["gate"] == "shut" and pending.writes == [opened]
    ws = eng.advance_world(world, ws, world.clock.parse_time("21:05"))
    ws, applied = pending.due(ws, world.clock.parse_time("21:05"))
    assert applied == [opened] and ws.flags["gate"] == "open" and pending.writes == []


def test_history_only_never_sees_it_others_do_and_same_report_for_any_jobs(two: Path) -> None:
    world = load_scenario(two)
    alone = random_test(world, 200, seed=4, roles=["a"], others=False)
    assert "beyond" in alone.never()["scenes"] and not alone.findings
    shared = random_test(world, 200, seed=4, roles=["a"])
    assert "beyond" not in shared.never()["scenes"]
    assert 0 < shared.roles["a"].others_runs < 200        # some nights follow history
    again = random_test(world, 200, seed=4, roles=["a"], jobs=2).to_dict()
    first = shared.to_dict()
    first.pop("seconds"), again.pop("seconds")
    assert first == again


def test_finding_with_other_players_replays_as_a_walkthrough(two: Path, tmp_path: Path) -> None:
    world = load_scenario(two)
    report = random_test(world, 200, seed=4, roles=["a"])
    dead = [f for f in report.findings if f.kind == "dead-end"]
    assert dead and dead[0].scene == "beyond" and dead[0].others
    assert any(flag == "gate" and value == "open" for _, flag, value, _ in dead[0].others)
    path = tmp_path / "finding.yaml"
    path.write_text(dead[0].walkthrough(str(two)), encoding="utf-8")
    # The saved finding replays the bug, so it fails until the bug is fixed.
    result = walkthrough.run_file(path)
    assert not result.passed and result.failure is not None
    assert "the player is stuck in `beyond`" in result.failure.message
    # Without the other players' step the same commands do not get there.
    text = path.read_text(encoding="utf-8")
    stripped = "\n".join(ln.replace("- others:", "- note:") for ln in text.splitlines())
    path.write_text(stripped, encoding="utf-8")
    again = walkthrough.run_file(path)
    assert again.passed or "stuck" not in again.render()


def test_cli_reports_other_players_and_history_only(two: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    saved = tmp_path / "findings"
    assert main(["test", str(two), "--random", "100", "--seed", "4", "--role", "a",
                 "--no-progress", "--save-findings", str(saved)]) == 1
    out = capsys.readouterr().out
    assert "Other players (simulated" in out and "gate (b)" in out
    assert "other players, before action" in out and "gate = \"open\"" in out
    files = sorted(saved.glob("*.yaml"))
    assert files and "the player is stuck" in walkthrough.run_file(files[0]).render()
    assert main(["test", str(two), "--random", "100", "--seed", "4", "--role", "a",
                 "--no-progress", "--history-only"]) == 0
    assert "not simulated (history only)" in capsys.readouterr().out


def test_writes_before_the_roles_start_happen_before_its_events(tmp_path: Path) -> None:
    """An early write changes what the world's events did before this role's night began."""
    root = tmp_path / "early"
    root.mkdir()
    (root / "world.yaml").write_text(textwrap.dedent("""\
        scenario: early
        title: Early
        clock: { start: 1917-10-25 20:00, end: 1917-10-26 02:00, default_takes: 10m }
        roles:
          a: { name: A, intro: Hi., start: late, at: "22:00", time_out: out }
          b: { name: B, intro: Hi., start: car, at: "20:00", time_out: out }
        world_flags: { stopped: false, left: false }
        places: { p: { name: P } }
        events:
          leaves: { title: Leaves, at: "21:00", if: not stopped, do: [left = true] }
        scenes:
          car:
            title: Car
            place: p
            text: A car.
            choices: [{ label: Stop it, do: [stopped = true], go: out, before: "20:30" }]
          late:
            title: Late
            place: p
            text: Late.
            choices:
              - { label: He is still here, if: not left, go: out }
              - { label: He has gone, if: left, go: out }
          out: { title: Out, place: p, text: Dawn., ending: { title: Over, epilogue: Done. } }
        """), encoding="utf-8")
    world = load_scenario(root)
    def missed(**kw: bool) -> list[str]:
        report = random_test(world, 60, seed=1, roles=["a"], **kw)
        return [c for c in report.never()["choices"] if c.startswith("late")]
    assert missed() == []      # both: `leaves` fired in some nights, not in others
    assert missed(others=False) == ["late#0"]


def test_walkthrough_others_mistakes_are_located(two: Path, tmp_path: Path) -> None:
    p = tmp_path / "w.yaml"
    p.write_text(f"scenario: {two}\nrole: a\nsteps:\n  - others: {{ gait: open }}\n"
                 "    do: wait\n", encoding="utf-8")
    r = walkthrough.run_file(p)
    assert not r.passed and r.failure is not None
    assert "no world flag `gait`" in r.failure.message and r.failure.line == 4
    p.write_text(f"scenario: {two}\nrole: a\nsteps:\n  - others: {{ gate: 3 }}\n",
                 encoding="utf-8")
    r = walkthrough.run_file(p)
    assert not r.passed and r.failure is not None and "holds str values" in r.failure.message
    p.write_text(f"scenario: {two}\nrole: a\nsteps:\n  - others: [gate]\n", encoding="utf-8")
    with pytest.raises(walkthrough.WalkthroughError, match="mapping of world flags"):
        walkthrough.parse(p)
