"""The analysis gives exact answers where it can: no false alarms for schedules and role gates."""

from __future__ import annotations

from pathlib import Path

import pytest

from winterpalace.cli import main
from winterpalace.scenario import load_scenario
from winterpalace.tools import analysis, simulated_players
from winterpalace.tools.check import check_world

from .conftest import Make

LIGHTHOUSE = Path(__file__).parent / "lighthouse"


def test_lighthouse_passes_check_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(LIGHTHOUSE), "--strict"]) == 0
    assert "No errors, no warnings." in capsys.readouterr().out


@pytest.mark.parametrize("arrives", ["20:30", "21:50", "21:55", "22:00", "23:40"])
def test_present_uses_the_characters_schedule(make: Make, arrives: str) -> None:
    root = make("""
a:
  title: A
  place: p
  text: The inspector comes at some point.
  wait: 30m
  choices:
    - { label: Speak to him, if: present(inspector) and not spoken, do: [spoken = true] }
    - { label: Leave, go: out }
""", extra=f"""
variables: {{ spoken: false }}
characters:
  inspector:
    name: The inspector
    schedule:
      - {{ at: p, from: "{arrives}", until: "01:00" }}
""")
    assert [p.code for p in check_world(load_scenario(root)).problems] == []


def test_present_whose_schedule_never_meets_the_player_is_still_reported(make: Make) -> None:
    root = make("""
a:
  title: A
  place: p
  text: x
  choices:
    - { label: Speak to him, if: present(inspector), go: out }
    - { label: Leave, go: out }
""", extra="""
characters:
  inspector:
    name: The inspector
    schedule:
      - { at: q, from: "20:00", until: "01:00" }
""")
    assert [p.code for p in check_world(load_scenario(root)).problems] == ["never-enabled"]


def test_a_schedule_condition_counts_for_present(make: Make) -> None:
    root = make("""
a:
  title: A
  place: p
  text: x
  wait: 30m
  choices:
    - { label: Ring the bell, if: not rung, do: [rung = true] }
    - { label: Speak to him, if: present(inspector), go: out }
""", extra="""
world_flags: { rung: false }
characters:
  inspector:
    name: The inspector
    schedule:
      - { at: p, from: "20:00", until: "01:00", if: rung }
""")
    assert [p.code for p in check_world(load_scenario(root)).problems] == []


ROLE_GATED = """
scenario: gates
title: Gates
clock: { start: 1903-11-14 20:00, end: 1903-11-15 02:00, default_takes: 10m }
roles:
  keeper: { name: K, intro: x, start: tower, at: "20:00", time_out: dawn }
  smuggler: { name: S, intro: x, start: boat, at: "20:00", time_out: dawn }
places: { p: { name: P } }
world_flags: { landed: false, lit: false }
scenes:
  tower:
    title: Tower
    place: p
    text: x
    wait: 30m
    choices:
      - { label: Light the lamp, do: [lit = true] }
      - { label: Down, go: jetty }
  boat:
    title: Boat
    place: p
    text: "{lit: A light.|Dark.}"
    wait: 30m
    choices: [{ label: Row in, go: jetty }]
  jetty:
    title: Jetty
    place: p
    text: "{landed: Cases.|Empty.}"
    wait: 30m
    choices:
      - { label: Climb up, if: role == "keeper", go: tower }
      - { label: Land the cases, if: role == "smuggler" and not landed, do: [landed = true] }
      - { label: Cast off, if: role == "smuggler", go: boat }
  dawn:
    title: Dawn
    place: p
    text: x
    ending: { title: Dawn, epilogue: x }
"""


def test_role_equals_is_a_gate_not_a_way(tmp_path: Path) -> None:
    (tmp_path / "world.yaml").write_text(ROLE_GATED)
    world = load_scenario(tmp_path)
    smuggler = analysis.reach_role(world, "smuggler")
    assert "tower" not in smuggler.earliest   # the keeper's stairs are not the smuggler's
    keeper = analysis.reach_role(world, "keeper")
    assert "boat" not in keeper.earliest
    plans = simulated_players.plan(world)
    # Each role's writes behind its own gate are the other role's "other players".
    assert [w.value for w in plans["keeper"].flags["landed"]] == [True]
    assert [w.value for w in plans["smuggler"].flags["lit"]] == [True]
    assert "landed" not in plans["smuggler"].flags


def test_a_redirect_true_for_a_role_hides_the_rest_of_the_scene(tmp_path: Path) -> None:
    (tmp_path / "world.yaml").write_text(ROLE_GATED.replace("""    text: "{landed: Cases.|Empty.}"
""", """    text: "{landed: Cases.|Empty.}"
    redirect: [{ if: role == "keeper", go: tower }]
"""))
    world = load_scenario(tmp_path)
    keeper = analysis.reach_role(world, "keeper")
    assert keeper.earliest["jetty"] == keeper.earliest["tower"] + 10
