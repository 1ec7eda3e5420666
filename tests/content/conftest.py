"""What the campaign tests share: a seeded random night through the engine."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from winterpalace.engine import rules as eng
from winterpalace.engine.model import World

RandomNight = Callable[..., tuple[str, list[str]]]


def _random_night(world: World, role: str, seed: int, max_turns: int = 1500
                  ) -> tuple[str, list[str]]:
    """Play uniformly among the enabled choices and the wait; return (ending, scenes entered).

    Fails the test if the night gets stuck (no choice and no wait), an action is refused, or no
    ending comes within `max_turns`.
    """
    rng = random.Random(seed)
    ws, ps, _ = eng.start(world, role, seed)
    for _ in range(max_turns):
        if ps.ending is not None:
            return ps.ending, [s for _, s in ps.trail]
        v = eng.view(world, ws, ps)
        options: list[int | None] = [c.index for c in v.enabled()]
        if v.wait:
            options.append(None)
        assert options, f"stuck in {ps.scene} at {world.clock.hhmm(ps.time)} (seed {seed})"
        pick = rng.choice(options)
        if pick is None:
            ws, ps, turn = eng.wait(world, ws, ps)
        else:
            ws, ps, turn = eng.choose(world, ws, ps, pick)
        assert turn.refused is None, (ps.scene, turn.refused)
    raise AssertionError(f"seed {seed}: no ending after {max_turns} turns, in {ps.scene}")


@pytest.fixture(scope="session")
def random_night() -> RandomNight:
    return _random_night
