"""The pure engine: standard library only, no I/O, no terminal, no YAML.

    ws, ps, turn = start(world, "sailor", seed=1)
    v = view(world, ws, ps)
    ws, ps, turn = choose(world, ws, ps, v.enabled()[0].index)
"""

from .clock import Clock, Reading, format_duration
from .engine import (
    EngineError,
    advance,
    advance_world,
    choose,
    new_game,
    new_world,
    start,
    view,
    wait,
)
from .events import ChoiceView, EndingView, Narration, NightSummary, Turn, View
from .model import World
from .state import STATE_VERSION, Game, PlayerState, Step, WorldState

__all__ = [
    "Clock", "Reading", "format_duration", "EngineError", "advance", "advance_world", "choose",
    "new_game", "new_world", "start", "view", "wait", "ChoiceView", "EndingView", "Narration",
    "NightSummary", "Turn", "View", "World", "STATE_VERSION", "Game", "PlayerState", "Step",
    "WorldState",
]
