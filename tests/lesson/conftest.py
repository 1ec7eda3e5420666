"""Fixtures for the lesson: the shipped night, and a class driven to the Congress's votes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from winterpalace.classroom.room import Room
from winterpalace.engine.model import World
from winterpalace.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
FACTION_INDEX = {"Bolshevik": 0, "Left SR": 1, "Menshevik-Internationalist": 2, "Menshevik": 3,
                 "Right SR": 4, "Bund": 5}
MARTOV_INDEX = {"for": 0, "against": 1, "abstain": 2}


@pytest.fixture(scope="session")
def world() -> World:
    return load_scenario(ROOT / "scenes")


def reach(room: Room, name: str, scene: str, steps: int = 12) -> None:
    """Wait where the student stands until an event carries them to `scene`."""
    for _ in range(steps):
        if room.view(name).scene == scene:
            return
        turn = room.wait(name, None)
        assert turn.refused is None, (name, room.view(name).scene, turn.refused)
    assert room.view(name).scene == scene, (name, room.view(name).scene)


def class_at_martov(world: World, delegates: dict[str, str], ballot: str = "open",
                    others: tuple[tuple[str, str], ...] = (("Misha", "sailor"),
                                                           ("Olga", "sinegub"))) -> Room:
    """A class with these delegates (name -> faction) and others, standing at Martov's motion."""
    room = Room(world, "lesson-42", ballot=ballot)
    for name in delegates:
        assert room.join(name, "delegate", 7).ok
    for name, role in others:
        assert room.join(name, role, 7).ok
    assert room.start().ok
    T = world.clock.parse_time
    assert room.advance(T("14:00")).ok
    for name, faction in delegates.items():
        assert room.choose(name, FACTION_INDEX[faction]).refused is None
    # The clock brings them all the way: the Soviet session (14:35), the Congress's opening
    # (22:40) and Martov's motion carry them on while they wait.
    assert room.advance(T("23:00")).ok
    for name in delegates:
        assert room.player(name).ps.time == T("23:00")
        reach(room, name, "delegate_martov_motion")
    return room


@pytest.fixture
def at_martov(world: World) -> Callable[..., Room]:
    return lambda delegates, **kw: class_at_martov(world, delegates, **kw)
