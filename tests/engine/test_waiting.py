"""Time that plays well: waits stop at the moments that matter, `next`, interrupted choices,
choice numbers that stay put, short descriptions on a return visit, the night's moments."""

from __future__ import annotations

from pathlib import Path

import pytest

from winterpalace.engine import advance, choose, start, view, wait
from winterpalace.engine.model import World
from winterpalace.engine.rules import brief, stays
from winterpalace.engine.state import PlayerState, WorldState
from winterpalace.scenario import load_scenario

WAITING = Path(__file__).resolve().parent / "waiting"


@pytest.fixture(scope="module")
def night() -> World:
    return load_scenario(WAITING)


def at(world: World, hhmm: str) -> int:
    t = world.clock.parse_time(hhmm)
    assert t is not None
    return t


def pick(world: World, ws: WorldState, ps: PlayerState, label: str):
    [c] = [c for c in view(world, ws, ps).choices if c.label == label]
    return choose(world, ws, ps, c.index)


def stops(world: World, ws: WorldState, ps: PlayerState, minutes: int, until: str,
          for_next: bool = False) -> list[tuple[str, str, str]]:
    """(hh:mm, kind, subject) of each stop of repeated waits, until the clock passes `until`."""
    out = []
    while ps.time < at(world, until) and ps.ending is None:
        ws, ps, turn = wait(world, ws, ps, minutes, for_next=for_next)
        assert not turn.refused, turn.refused
        if turn.stopped is None:
            out.append((world.clock.hhmm(ps.time), "-", ""))
        else:
            m = turn.stopped
            assert m.hhmm == world.clock.hhmm(ps.time)
            out.append((m.hhmm, m.kind, m.subject))
    return out


def test_a_long_wait_stops_at_each_moment_that_matters(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    assert stops(night, ws, ps, 600, "12:00") == [
        ("09:50", "event", "A poster goes up"),                            # seen here
        ("10:00", "opens", "Follow the commissar"),                        # a window opens
        ("10:29", "closes", "Leave for the square before the crowd"),      # its last minute
        ("10:45", "opens", "Help the corporal up"),                        # he comes (and a
        ("11:14", "closes", "Help the corporal up"),                       # choice with him)
        ("11:15", "leaves", "The corporal"),
        ("11:30", "arrives", "Fedya"),                                     # a character
        ("11:50", "leaves", "Fedya"),
        ("12:30", "moved", "The storm"),                                   # carried off
    ]


def test_an_event_that_does_not_reach_the_player_does_not_stop_them(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    ws, ps, _ = advance(night, ws, ps, at(night, "10:31"))
    ws, ps, turn = wait(night, ws, ps, 10)            # the bells ring at 10:40 on the square
    assert turn.stopped is None and ps.time == at(night, "10:41") and turn.minutes == 10
    assert "bells" in dict(ws.fired)


def test_a_short_wait_that_meets_nothing_is_whole(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    ws, ps, turn = wait(night, ws, ps)
    assert turn.stopped is None and turn.minutes == 15 and ps.time == at(night, "09:15")
    assert ps.history[-1].label == "waited 15 min"


def test_a_window_closing_as_the_wait_begins_does_not_stop_it(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    ws, ps, _ = advance(night, ws, ps, at(night, "10:29"))
    ws, ps, turn = wait(night, ws, ps, 10)            # it was on the screen, open till 10:30
    assert turn.stopped is None and ps.time == at(night, "10:39")


def test_a_timed_redirect_stops_the_wait_at_its_minute(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    ws, ps, _ = pick(night, ws, ps, "Go round to the yard")
    ws, ps, _ = advance(night, ws, ps, at(night, "10:41"))
    ws, ps, turn = wait(night, ws, ps, 600)           # the yard's redirect reads the clock
    assert turn.stopped is not None and turn.stopped.kind == "scene"
    assert turn.stopped.subject == "Two cars"
    assert (ps.scene, night.clock.hhmm(ps.time)) == ("cars", "11:00")


def test_next_waits_through_comings_and_goings(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    ws, ps, _ = advance(night, ws, ps, at(night, "11:14"))
    ws, ps, turn = wait(night, ws, ps, 600, for_next=True)
    assert turn.stopped is not None and turn.stopped.kind == "moved"
    assert night.clock.hhmm(ps.time) == "12:30" and ps.scene == "shelter"
    assert [(m.hhmm, m.kind, m.subject) for m in turn.passed] == [
        ("11:15", "leaves", "The corporal"), ("11:30", "arrives", "Fedya"),
        ("11:50", "leaves", "Fedya")]
    assert ps.history[-1].label == "waited 76 min"


def test_next_stops_at_the_same_moments_otherwise(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    got = stops(night, ws, ps, 600, "11:00", for_next=True)
    assert got == [("09:50", "event", "A poster goes up"),
                   ("10:00", "opens", "Follow the commissar"),
                   ("10:29", "closes", "Leave for the square before the crowd"),
                   ("10:45", "opens", "Help the corporal up"),
                   ("11:14", "closes", "Help the corporal up")]


def test_a_wait_keeps_to_the_class_clock(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    ws, ps, turn = wait(night, ws, ps, 600, limit=at(night, "09:40"))
    assert turn.stopped is None and ps.time == at(night, "09:40")
    assert wait(night, ws, ps, 5, limit=at(night, "09:40"))[2].blocked_until is not None


def test_an_interrupted_choice_did_not_happen(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    ws, ps, _ = advance(night, ws, ps, at(night, "12:20"))
    ws, ps, turn = pick(night, ws, ps, "Drink tea at the tea-house")   # 15 min: the storm at 12:30
    assert turn.interrupted == "Drink tea at the tea-house" and turn.result is None
    assert turn.moved_by == "storm" and ps.scene == "shelter" and turn.minutes == 10
    assert ps.vars["tea"] is False and ps.vars["patience"] == 3        # nothing it would do
    assert not ps.used                                                 # still to be taken
    assert ps.history[-1].kind == "wait" and "interrupted" in ps.history[-1].label
    ws, ps, _ = pick(night, ws, ps, "Back to the road")
    assert "Drink tea at the tea-house" in [c.label for c in view(night, ws, ps).choices]


def test_a_choice_done_before_the_interruption_counts(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    ws, ps, _ = advance(night, ws, ps, at(night, "12:15"))
    ws, ps, turn = pick(night, ws, ps, "Drink tea at the tea-house")   # 12:15-12:30: done
    assert turn.interrupted is None and ps.vars["tea"] is True and ps.used
    assert turn.moved_by == "storm"


def test_numbers_stay_while_the_player_is_here(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    before = [(c.number, c.label) for c in view(night, ws, ps).choices]
    ws, ps, _ = pick(night, ws, ps, "Drink tea at the tea-house")
    after = view(night, ws, ps).choices
    assert [(c.number, c.label) for c in after] == before
    assert [c.done for c in after] == [True] + [False] * (len(after) - 1)
    ws, ps, _ = wait(night, ws, ps)
    assert view(night, ws, ps).choices[0].done           # still here: still shown done
    ws, ps, _ = pick(night, ws, ps, "Go round to the yard")
    ws, ps, _ = pick(night, ws, ps, "Back to the road")
    assert "Drink tea at the tea-house" not in [c.label for c in view(night, ws, ps).choices]


def test_a_return_visit_has_a_short_text(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    assert ps.visits["road"] == 1 and brief(night, ws, ps) is None
    ws, ps, _ = pick(night, ws, ps, "Leave for the square before the crowd")
    ws, ps, _ = pick(night, ws, ps, "Back to the road")
    assert ps.visits["road"] == 2 and brief(night, ws, ps) == "The road again, the cart, the wall."
    assert view(night, ws, ps).text.startswith("A cart lies on its side")  # the full text kept
    ws, ps, _ = pick(night, ws, ps, "Leave for the square before the crowd")
    assert brief(night, ws, ps) == "The square, and the crowd in it."      # 1st paragraph


def test_the_night_keeps_the_moments_that_mattered(night: World) -> None:
    ws, ps, _ = start(night, "watcher")
    ws, ps, _ = advance(night, ws, ps, at(night, "10:00"))
    ws, ps, _ = pick(night, ws, ps, "Follow the commissar")
    ws, ps, _ = pick(night, ws, ps, "Go home")
    e = view(night, ws, ps).ending
    assert e is not None
    assert e.summary.moments == (("09:50", "saw the poster go up"), ("10:05", "went home early"))


def test_a_scene_only_passed_through_is_not_a_place_stood_in(night: World) -> None:
    trail = ((600, "yard"), (660, "yard"), (660, "cars"), (670, "road"))
    assert stays(night, trail) == [(600, "yard"), (660, "cars"), (670, "road")]
