"""The shipped night passes `check --strict`, and seeded random play reaches all of it."""

from __future__ import annotations

import pytest

from winterpalace.cli import main
from winterpalace.engine.model import World
from winterpalace.scenario import default_scenario_dir, load_scenario
from winterpalace.tools import analysis, simulated_players
from winterpalace.tools.randomtest import random_test


@pytest.fixture(scope="module")
def world() -> World:
    return load_scenario(default_scenario_dir())


def test_check_strict_passes(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "--strict", "--format", "json"])
    import json
    assert json.loads(capsys.readouterr().out)["problems"] == []
    assert status == 0


def test_lesson_votes_count_as_writes(world: World) -> None:
    u = analysis.uses(world)
    assert {"walkout_seats", "martov_motion", "manifesto"} <= set(u.writes)
    assert u.writes["walkout_seats"].file.endswith("lesson.yaml")


def test_event_moves_follow_role_conditions(world: World) -> None:
    # `palace_breach` carries a sinegub to sinegub_breach, never to the sailor's scenes.
    moves = {target for target, _, _ in analysis.event_moves(world, "sinegub")}
    assert "sinegub_breach" in moves
    assert not any(t.startswith(("sailor_", "delegate_")) for t in moves)


def test_other_players_plan_for_the_shipped_roles(world: World) -> None:
    plans = simulated_players.plan(world)
    march = {w.value for w in plans["delegate"].flags["duma_march"]}
    assert march == {"turned_back", "let_through", "fired_on"}
    assert "duma_march" not in plans["sailor"].flags          # the sailor decides it
    assert {w.value for w in plans["sinegub"].flags["martov_motion"]} == {"passed", "defeated"}
    seats = [w for w in plans["sailor"].flags["walkout"] if w.value is True]
    assert seats and dict(seats[0].also)["walkout_seats"] > 0


def test_seeded_random_play_covers_every_scene_ending_and_event(world: World) -> None:
    report = random_test(world, 500, seed=1)          # 1,500 playthroughs, other players on
    never = report.never()
    assert never["scenes"] == [] and never["events"] == []
    assert not report.findings, [f.to_dict() for f in report.findings]
    for rid, rep in report.roles.items():
        role_endings = {sid for sid in world.endings() if sid.startswith(rid)}
        assert role_endings and set(rep.endings) == role_endings, rid
    # History alone never opens the scenes that wait for another player.
    alone = random_test(world, 150, seed=1, others=False).never()["scenes"]
    assert {"delegate_march_through", "sinegub_duma_gates"} <= set(alone)
