"""Game state as plain data: the shared world and each player, apart.

`WorldState` is what everyone in one night shares (the clock, world flags, which events have
happened). `PlayerState` is one person's night (role, scene, items, variables, history). Neither
is ever changed once made: the engine returns new ones, so keeping an old one is a free snapshot
for undo. (They are not `frozen` dataclasses only because a frozen one costs a few microseconds
more to build, on every turn; tests check that the engine never changes a state it is given.)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

STATE_VERSION = 1


@dataclass(slots=True)
class Step:
    """One thing a player did: a choice, a wait, or being moved by an event."""

    time: int                  # when it began
    scene: str                 # where it began
    kind: str                  # "choice", "wait" or "event"
    label: str
    key: str                   # choice key (`scene#index`), "wait" or the event id
    remember: str | None = None

    def to_list(self) -> list[Any]:
        return [self.time, self.scene, self.kind, self.label, self.key, self.remember]

    @classmethod
    def from_list(cls, data: list[Any]) -> Step:
        return cls(int(data[0]), str(data[1]), str(data[2]), str(data[3]), str(data[4]),
                   None if data[5] is None else str(data[5]))


@dataclass(slots=True)
class WorldState:
    """The night everyone shares. (The engine makes one every turn with its fields in this
    order.)"""

    time: int
    flags: dict[str, Any]
    fired: tuple[tuple[str, int], ...] = ()     # (event id, time) in the order they happened
    decided: frozenset[str] = frozenset()       # events fired or skipped (their condition failed)
    _fired_cache: frozenset[str] | None = field(default=None, compare=False, repr=False)

    def fired_ids(self) -> frozenset[str]:
        """The ids of the events that have fired (computed once per state: it is asked often)."""
        cached = self._fired_cache
        if cached is None:
            cached = frozenset(e for e, _ in self.fired)
            object.__setattr__(self, "_fired_cache", cached)  # a cache, not a change of state
        return cached

    def with_flags(self, flags: dict[str, Any]) -> WorldState:
        """This night with other world flags (the same time and events)."""
        return WorldState(self.time, flags, self.fired, self.decided, self._fired_cache)

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "flags": dict(self.flags),
                "fired": [[e, t] for e, t in self.fired], "decided": sorted(self.decided)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorldState:
        return cls(time=int(data["time"]), flags=dict(data["flags"]),
                   fired=tuple((str(e), int(t)) for e, t in data.get("fired", [])),
                   decided=frozenset(data.get("decided", [])))


@dataclass(slots=True)
class PlayerState:
    """One player's night. (The engine makes one every turn with its fields in this order.)"""

    id: str
    role: str
    scene: str
    time: int
    vars: dict[str, Any]
    items: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    visits: dict[str, int] = field(default_factory=dict)
    used: frozenset[str] = frozenset()          # once-only choices already taken
    history: tuple[Step, ...] = ()
    trail: tuple[tuple[int, str], ...] = ()     # (time, scene) for every scene entered
    witnessed: tuple[tuple[int, str], ...] = ()  # (time, phrase): events that reached the
                                                 # player, as their `remember:` says
    ending: str | None = None
    seed: int = 0
    rng: int = 0
    turn: int = 0

    def with_(self, **changes: Any) -> PlayerState:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "role": self.role, "scene": self.scene, "time": self.time,
            "vars": dict(self.vars), "items": list(self.items), "notes": list(self.notes),
            "visits": dict(self.visits), "used": sorted(self.used),
            "history": [s.to_list() for s in self.history],
            "trail": [[t, s] for t, s in self.trail],
            "witnessed": [[t, e] for t, e in self.witnessed],
            "ending": self.ending, "seed": self.seed, "rng": self.rng, "turn": self.turn,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlayerState:
        return cls(
            id=str(data["id"]), role=str(data["role"]), scene=str(data["scene"]),
            time=int(data["time"]), vars=dict(data["vars"]),
            items=tuple(data.get("items", ())), notes=tuple(data.get("notes", ())),
            visits={str(k): int(v) for k, v in data.get("visits", {}).items()},
            used=frozenset(data.get("used", ())),
            history=tuple(Step.from_list(s) for s in data.get("history", ())),
            trail=tuple((int(t), str(s)) for t, s in data.get("trail", ())),
            witnessed=tuple((int(t), str(e)) for t, e in data.get("witnessed", ())),
            ending=data.get("ending"), seed=int(data.get("seed", 0)),
            rng=int(data.get("rng", 0)), turn=int(data.get("turn", 0)),
        )


@dataclass(frozen=True, slots=True)
class Game:
    """A single-player game: one world and its one player."""

    world: WorldState
    player: PlayerState

    def to_dict(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, "world": self.world.to_dict(),
                "player": self.player.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Game:
        return cls(WorldState.from_dict(data["world"]), PlayerState.from_dict(data["player"]))


# A small, fast, serializable random number generator (splitmix64), so the RNG state is one int
# that lives in the saved state and the same seed gives the same night on every machine.
_MASK = (1 << 64) - 1


def rng_next(state: int) -> tuple[int, int]:
    """Advance the generator: returns (new state, 64-bit output)."""
    state = (state + 0x9E3779B97F4A7C15) & _MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


def rng_seed(seed: int) -> int:
    return rng_next(seed & _MASK)[1]
