"""The class's shared night as plain data (see `room`): the state every part of the room reads,
the student record, and the two ways the room speaks (to a student, to the teacher).

PURE, like the whole room: no I/O, no machine clock, no randomness of its own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ... import engine
from ...engine import PlayerState, Turn, View, World, WorldState, told_view
from ...engine import faction_of as faction_in_game
from ...errors import WinterPalaceError
from ...session import Output
from ..ballots import BALLOTS, ClassVotes
from ..codes import CodeCheck, new_check, pin_hash
from ..names import clean_name, name_key
from ..sight import scene_reads

JOURNAL_VERSION = 2
DEFAULT_WINDOW = 30
MAX_HOPS = 1000          # steps that may carry one student on while the clock catches them up
CARRY_STEP = 15          # minutes a carried student waits where a scene sets no wait


class RoomError(WinterPalaceError):
    """A record that does not fit the room (a journal from another scenario, a bad line)."""


@dataclass
class Player:
    """One student in the room. `ps` is None until their part of the night begins."""

    name: str
    role: str
    seed: int
    faction: str | None = None    # said when joining (delegates); the game's own choice wins
    pin: str = ""                 # "salt:hash" of the rejoin PIN ("" : none asked)
    ps: PlayerState | None = None
    connected: bool = False
    muted: bool = False
    frozen: bool = False
    removed: bool = False
    last_action: str = "joined"
    auto: set[int] = dataclasses.field(default_factory=set)   # history steps made for them

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True, slots=True)
class LogLine:
    """A line for the teacher: kind is join, leave, act, say, alert, clock, admin or door."""

    kind: str
    text: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    """What a teacher's or student's request came to: ok, or a reason it was refused."""

    ok: bool
    message: str = ""


class RoomState:
    """The room's state and what can be read from it; changed only by applying records
    (`Room.apply`, in `room`)."""

    def __init__(self, world: World, code: CodeCheck | str, window: int = DEFAULT_WINDOW,
                 ballot: str = "open", gentle: bool = False):
        """A room for `world`; `code` is the class code's check (or the code, hashed here)."""
        if ballot not in BALLOTS:
            raise RoomError("the ballot is `open` or `secret`")
        self.world = world
        self.code = code if isinstance(code, CodeCheck) else new_check(code)
        self.votes = ClassVotes(world, secret=ballot == "secret")
        self.gentle = gentle
        ws = engine.new_world(world)
        # The class casts the marked votes: the single-player events that would decide them
        # are decided (without firing) before anything happens.
        self.ws: WorldState = dataclasses.replace(
            ws, decided=ws.decided | self.votes.replaced_events())
        self.players: dict[str, Player] = {}
        self.now = world.clock.start
        self.window = window
        self.pace = 0                      # game minutes per real minute; 0 = the clock waits
        self.started = False
        self.started_at: int | None = None  # the class clock when the night started
        self.paused = False
        self.locked = False
        self.ended = False
        self.caucus_minutes = 0            # > 0 while a caucus break runs
        self.caps: dict[str, int] = {}
        self.assigned: dict[str, tuple[str, str | None]] = {}   # key -> (role, faction)
        self.alerts: list[tuple[str, str]] = []   # (name, text): live only, never journaled
        self.outbox: list[tuple[str, Output]] = []
        self.log: list[LogLine] = []
        self.records: list[dict[str, Any]] = []
        self.replaying = False
        self._last_turn: Turn | None = None
        lesson = world.lesson
        self.faction_variable = lesson.faction_variable if lesson is not None else None
        self.factions = dict(lesson.factions) if lesson is not None else {}
        self._reads = scene_reads(world)

    @property
    def ballot_mode(self) -> str:
        return "secret" if self.votes.secret else "open"

    @property
    def limit(self) -> int:
        """How far a student may act ahead: the window, held at a vote not yet counted."""
        base = min(self.now + self.window, self.world.clock.end)
        return self.votes.hold(self.now, base)

    def hhmm(self, t: int) -> str:
        return self.world.clock.hhmm(t)

    def player(self, name: str) -> Player | None:
        return self.players.get(name_key(name))

    def view(self, name: str) -> View:
        p = self.players[name_key(name)]
        assert p.ps is not None
        v = engine.view(self.world, self.ws, p.ps)
        return told_view(v) if self.gentle else v

    def place_of(self, p: Player) -> str | None:
        if p.ps is None:
            return None
        return self.world.scenes[p.ps.scene].place

    def place_name(self, p: Player) -> str:
        place = self.place_of(p)
        if place is None:
            return "(not begun)"
        pl = self.world.places[place]
        area = self.world.areas[pl.area].name if pl.area else ""
        return f"{area}, {pl.name}" if area and area != pl.name else pl.name

    def role_name(self, p: Player) -> str:
        """`A delegate (Left SR)`: the role, with the faction where there is one."""
        fac = self.faction_of(p)
        name = self.world.roles[p.role].name
        return f"{name} ({fac})" if fac else name

    def label(self, p: Player) -> str:
        """`Misha (A sailor)`: how others see a player."""
        return f"{p.name} ({self.world.roles[p.role].name})"

    def present(self) -> list[Player]:
        return [p for p in self.players.values() if not p.removed]

    def others_here(self, p: Player) -> list[Player]:
        place = self.place_of(p)
        if place is None:
            return []
        return sorted((q for q in self.players.values()
                       if q is not p and q.connected and not q.removed
                       and self.place_of(q) == place), key=lambda q: q.key)

    def role_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.world.roles, 0)
        for p in self.present():
            counts[p.role] += 1
        return counts

    def offer_handle(self, role: str) -> str:
        """A handle nobody has, like `Sailor-2`, for a student who would rather not type a name."""
        word = self.world.roles[role].name.split()[-1].capitalize()
        word = clean_name(word) or "Student"
        n = 1
        while name_key(f"{word}-{n}") in self.players or name_key(f"{word}-{n}") in self.assigned:
            n += 1
        return f"{word}-{n}"

    def factions_of_role(self, role: str) -> list[str]:
        """The factions a student of `role` belongs to one of (delegates), largest first."""
        if self.faction_variable is None:
            return []
        found = [f for f in self.factions.values() if f.role == role]
        return [f.id for f in sorted(found, key=lambda f: -f.seats)]

    def faction_of(self, p: Player | None) -> str | None:
        """The player's faction: the one the game has them in, else the one they said."""
        if p is None:
            return None
        fac = faction_in_game(self.world, p.ps)
        if fac is not None:
            return fac
        return p.faction if p.faction in self.factions else None

    def default_faction(self, role: str) -> str | None:
        """The faction with the fewest students of the class so far (the largest on a tie)."""
        options = self.factions_of_role(role)
        if not options:
            return None
        counts = dict.fromkeys(options, 0)
        for q in self.present():
            fac = self.faction_of(q)
            if fac in counts:
                counts[fac] += 1
        return min(options, key=lambda f: (counts[f], options.index(f)))

    @property
    def halted(self) -> bool:
        """Paused by the teacher, or in a caucus break: nobody acts, the clock stands."""
        return self.paused or bool(self.caucus_minutes)

    def clock_line(self) -> str:
        state = "ended" if self.ended else "caucus break" if self.caucus_minutes else \
            "paused" if self.paused else "running" if self.started else "not started"
        pace = f", pace {self.pace} min per minute" if self.pace else ""
        return (f"class clock {self.hhmm(self.now)} (students may act until "
                f"{self.hhmm(self.limit)}), {state}{pace}")

    def check_pin(self, name: str, pin: str) -> bool:
        """Whether `pin` is the rejoin PIN this student was given (no PIN set: any will do)."""
        p = self.player(name)
        if p is None:
            return False
        if not p.pin:
            return True
        salt, _, digest = p.pin.partition(":")
        return pin_hash(salt, pin) == digest

    def _tell(self, p: Player, *outs: Output) -> None:
        if not self.replaying and p.connected and not p.removed:
            for o in outs:
                self.outbox.append((p.key, o))

    def _note(self, kind: str, text: str, name: str = "") -> None:
        if not self.replaying:
            self.log.append(LogLine(kind, text, name))

    def _everyone(self, out: Output) -> None:
        for p in self.players.values():
            self._tell(p, out)

    def apply(self, rec: dict[str, Any]) -> Result:
        """Apply one record (the table of record kinds is `Room`'s, in `room`)."""
        raise NotImplementedError


__all__ = ["CARRY_STEP", "DEFAULT_WINDOW", "JOURNAL_VERSION", "MAX_HOPS", "LogLine", "Player",
           "Result", "RoomError", "RoomState"]
