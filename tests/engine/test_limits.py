"""Values that would grow without bound: exact arithmetic, and turns refused at the bounds.

Every number a variable or flag holds stays within ±MAX_NUMBER and every text within MAX_TEXT
characters. A choice, wait or clock move that would pass one is refused whole (nothing changes)
with a message naming the effect, the scene, the choice and their file:line; a world event that
would is skipped; what is only shown never refuses anything.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from winterpalace.engine import advance_world, choose, new_world, start, view, wait
from winterpalace.engine import expr as ex
from winterpalace.engine.limits import MAX_NUMBER, MAX_TEXT
from winterpalace.engine.model import World
from winterpalace.scenario import ScenarioError, load_scenario
from winterpalace.tools.analysis import analyse

SYM = ex.Symbols(player_vars={"n": ex.INT, "s": ex.STR}, world_flags={}, things={}, roles=["r"],
                 time_of=lambda s: 0)

WORLD = """\
scenario: bounds
title: Bounds
clock: { start: 1917-10-25 18:00, end: 1917-10-26 03:00 }
roles:
  r: { name: Someone, intro: Hello., start: START, at: "18:00", time_out: out }
places:
  p: { name: A place }
variables:
  s: "ab"
  long: "LONG"
  big: 10
world_flags:
  wbig: 10
  surged: false
"""

SCENES = """\
scenes:
  a:
    title: A
    place: p
    text: "Here. {99999999999999999 / 1} {HUGE} {long + long + long + long + long + long}"
    variants:
      - { if: "long + long + long + long + long + long == ''", text: Never. }
    wait: 30m
    choices:
      - { label: Double, do: ["s = s + s"], takes: 1m }
      - { label: Power, do: ["big = big * big * big * big"], takes: 1m }
      - { label: Go on, go: b }
      - label: Compare
        if: "long + long + long + long + long + long == ''"
        go: out
  b:
    title: B
    place: p
    text: There.
    on_enter: ["long = long + long + long + long + long + long"]
    choices: [{ label: Back, go: a }]
  c:
    title: C
    place: p
    text: Start here.
    on_enter: ["long = long + long + long + long + long + long"]
    choices: [{ label: Leave, go: out }]
  out: { title: Out, place: p, text: Gone., ending: { title: Gone, epilogue: Bye. } }
events:
  surge:
    title: The surge
    at: "19:00"
    do: ["surged = true", "wbig = wbig * 1000000000000000"]
  shout:
    title: A shout
    at: "20:00"
    narrate:
      - { text: "Someone shouts.", do: ["long = long + long + long + long + long + long"] }
"""
HUGE = " * ".join(["123456789012345678901234567890"] * 40)   # some 1,200 digits


@pytest.fixture
def world(tmp_path: Path) -> World:
    return bounded_world(tmp_path, "a")


def bounded_world(tmp_path: Path, start_scene: str) -> World:
    root = tmp_path / "bounds"
    root.mkdir(exist_ok=True)
    (root / "world.yaml").write_text(
        WORLD.replace("START", start_scene).replace("LONG", "x" * 2000))
    (root / "s.yaml").write_text(SCENES.replace("HUGE", HUGE))
    return load_scenario(root)


def index(world: World, ws, ps, label: str) -> int:
    [c] = [c for c in view(world, ws, ps).choices if c.label == label]
    return c.index


# --------------------------------------------------------------------------- arithmetic

@pytest.mark.parametrize("src, value", [
    ("99999999999999999 / 1", 99999999999999999),        # went through a float: 10**17
    ("123456789012345678901234567890 / 3", 41152263004115226300411522630),
    ("-7 / 2", -3), ("7 / -2", -3), ("-7 / -2", 3), ("7 / 2", 3),   # toward zero
    ("-7 % 2", -1), ("7 % -2", 1), ("-7 % -2", -1), ("7 % 2", 1),   # the sign of the left
    ("7 / 0", 0), ("7 % 0", 0), ("0 / 0", 0),
    ("n * n * n * n / n / n / n", 7),
])
def test_arithmetic_is_exact_integer_arithmetic(src: str, value: int) -> None:
    ctx = SimpleNamespace(vars={"n": 7, "s": ""})
    assert ex.compile_expr(src, SYM, want=ex.INT)(ctx) == value


@settings(max_examples=150, deadline=None)
@given(st.integers(-10**30 + 1, 10**30 - 1), st.integers(-10**30 + 1, 10**30 - 1).filter(bool))
def test_division_and_remainder_fit_together(a: int, b: int) -> None:
    ctx = SimpleNamespace(vars={})
    q = ex.compile_expr(f"({a}) / ({b})", SYM, ex.INT)(ctx)
    r = ex.compile_expr(f"({a}) % ({b})", SYM, ex.INT)(ctx)
    assert q * b + r == a
    assert abs(r) < abs(b) and (r == 0 or (r < 0) == (a < 0))
    assert abs(q) == abs(a) // abs(b)


def test_text_shows_exact_numbers_and_never_a_runaway_one(world: World) -> None:
    ws, ps, _ = start(world, "r")
    text = view(world, ws, ps).text
    assert "Here. 99999999999999999 " in text
    assert "[a number of more than 1,000 digits]" in text
    # Joining texts past the bound is never built: the hole says so, the view goes on.
    assert "would be a text of 12,000 characters" in text
    assert "Never." not in text   # a condition that cannot be worked out is false


# --------------------------------------------------------------------------- refused turns

def test_doubling_a_text_is_refused_at_the_bound_with_its_place(world: World) -> None:
    ws, ps, _ = start(world, "r")
    taken, refusals = 0, []
    for _ in range(32):
        ws2, ps2, turn = choose(world, ws, ps, index(world, ws, ps, "Double"))
        if turn.refused:
            assert ws2 is ws and ps2 is ps        # nothing changed
            refusals.append(turn.refused)
        else:
            taken += 1
            ws, ps = ws2, ps2
    assert len(ps.vars["s"]) == 8192 and taken == 12 and len(refusals) == 20
    message = refusals[0]
    assert "s.yaml:10:9" in message and "choice “Double” in scene `a`" in message
    assert "16,384 characters" in message and f"{MAX_TEXT:,}" in message
    assert message.endswith("Nothing was changed")


def test_a_runaway_power_is_refused_at_once(world: World) -> None:
    ws, ps, _ = start(world, "r")
    ws, ps, turn = choose(world, ws, ps, index(world, ws, ps, "Power"))
    assert not turn.refused and ps.vars["big"] == 10_000
    _, ps2, turn = choose(world, ws, ps, index(world, ws, ps, "Power"))
    assert ps2 is ps and turn.refused
    assert "`big = big * big * big * big` would make `big` pass" in turn.refused
    assert f"±{MAX_NUMBER:,}" in turn.refused and "s.yaml:11:9" in turn.refused


def test_an_on_enter_past_a_bound_refuses_the_choice_that_leads_there(world: World) -> None:
    ws, ps, _ = start(world, "r")
    _, ps2, turn = choose(world, ws, ps, index(world, ws, ps, "Go on"))
    assert ps2 is ps and turn.refused
    assert "at `on_enter:` of scene `b`, " in turn.refused
    assert "reached from choice “Go on” in scene `a`, " in turn.refused


def test_a_world_event_past_a_bound_does_not_happen_and_the_night_goes_on(world: World) -> None:
    ws, ps, _ = start(world, "r")
    ws, ps, turn = wait(world, ws, ps, 60)          # 18:00 -> 19:00, the surge
    assert not turn.refused and ps.time == world.clock.start + 60
    assert ws.flags["wbig"] == 10 and ws.flags["surged"] is False   # all of it or none
    assert "surge" not in ws.fired_ids() and "surge" in ws.decided
    [told] = turn.narrations
    assert "The surge did not happen" in told.text and "event `surge`, " in told.text
    # The shared clock decides it the same way, with no player to tell.
    shared = advance_world(world, new_world(world), world.clock.start + 120)
    assert shared.flags["wbig"] == 10 and "surge" not in shared.fired_ids()


def test_an_event_reaching_the_player_past_a_bound_leaves_them_as_they_were(
        world: World) -> None:
    """All of the case's effects or none, and the night goes on: a refused turn would stop
    this player's clock at the event for good."""
    ws, ps, _ = start(world, "r")
    while ps.time < world.clock.parse_time("19:30"):
        ws, ps, _ = wait(world, ws, ps, 30)         # past the surge, before the shout
    before = dict(ps.vars)
    ws, ps, turn = wait(world, ws, ps, 60)
    assert not turn.refused and ps.time == world.clock.parse_time("20:00")
    [told] = turn.narrations
    assert told.text.startswith("(A shout did not reach you as written: ")
    assert "event `shout` as it reaches you, " in told.text
    assert ps.vars == before                        # `long` as it was
    ws, ps, turn = wait(world, ws, ps, 30)          # and time goes on past it
    assert not turn.refused and ps.time > world.clock.parse_time("20:00")


def test_a_condition_that_cannot_be_worked_out_greys_the_choice(world: World) -> None:
    ws, ps, _ = start(world, "r")
    [c] = [c for c in view(world, ws, ps).choices if c.label == "Compare"]
    assert not c.enabled and "cannot be worked out" in (c.reason or "")
    _, ps2, turn = choose(world, ws, ps, c.index)
    assert ps2 is ps and turn.refused


def test_a_start_past_a_bound_begins_without_it_and_says_why(tmp_path: Path) -> None:
    world = bounded_world(tmp_path, "c")
    _, ps, turn = start(world, "r")
    assert ps.scene == "c" and len(ps.vars["long"]) == 2000
    [told] = turn.narrations
    assert "Not everything of this start could be done" in told.text
    assert "`on_enter:` of scene `c`" in told.text and "the start of role `r`" in told.text


# --------------------------------------------------------------------------- what check sees

def test_check_sees_what_it_can_statically(tmp_path: Path) -> None:
    world = bounded_world(tmp_path, "a")
    grows = [p for p in analyse(world).problems if p.code == "grows-without-bound"]
    assert {(p.line, p.message.split("`")[1]) for p in grows} == {
        (10, "s = s + s"), (11, "big = big * big * big * big"),
        (16, "long = long + long + long + long + long + long")}
    root = tmp_path / "bounds"
    once = SCENES.replace('{ label: Double, do: ["s = s + s"], takes: 1m }',
                          '{ label: Double, do: ["s = s + s"], once: true }') \
        .replace('["big = big * big * big * big"]', '["big = big + 1", "s = s + \'x\'"]') \
        .replace('    on_enter: ["long = long + long + long + long + long + long"]\n    choices: '
                 '[{ label: Back', '    choices: [{ label: Back')
    (root / "s.yaml").write_text(once.replace("HUGE", "1"))
    assert not [p for p in analyse(load_scenario(root)).problems
                if p.code == "grows-without-bound"]
    # A stored literal past the bound can never be stored: a load error.
    (root / "s.yaml").write_text(once.replace("HUGE", "1").replace(
        '"big = big + 1"', '"big = 1000000000000001"'))
    with pytest.raises(ScenarioError) as info:
        load_scenario(root)
    assert "would always be refused" in info.value.problems[0].message


def test_a_loop_of_redirects_refuses_the_turn(write_scenario) -> None:
    world = load_scenario(write_scenario(**{"s.yaml": """\
        scenes:
          a:
            title: A
            place: p
            text: Here.
            choices: [{ label: Round, go: x }, { label: Leave, go: out }]
          x: { title: X, place: p, text: x, redirect: [{ if: "true", go: y }], wait: 5m }
          y: { title: Y, place: p, text: y, redirect: [{ if: "true", go: x }], wait: 5m }
          out: { title: Out, place: p, text: Gone., ending: { title: Gone, epilogue: Bye. } }
        """}))
    ws, ps, _ = start(world, "r")
    _, ps2, turn = choose(world, ws, ps, 0)
    assert ps2 is ps and turn.refused
    assert "redirects lead on more than 64 times in a row" in turn.refused
    assert "reached from choice “Round” in scene `a`, " in turn.refused
