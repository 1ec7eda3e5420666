"""The class's shared night as plain data: roster, one WorldState, the teacher's clock, the
class's votes, caucus breaks and content mode.

PURE: no I/O, no clocks of the machine, no randomness of its own. Every change of state is a
*record* (a small JSON-able dict) applied by `Room.apply`; the server journals the records, and
replaying them into a fresh room rebuilds exactly the same night (the engine is deterministic
and the seeds are in the records). What a change means for people comes out as data too:
`outbox` holds (player key, Output) deliveries, `log` holds lines for the teacher's console.
Things that change no state (a `say`, an alert, a broadcast) make no record: the journal keeps
only what resuming and the debrief need.

The clock: `now` is the class clock ("it is now 22:00"). Whenever it moves, every student is
brought all the way up to it where they stand (events on the way reach them, worded for where
each one is), and a choice the scenario cannot do without (the delegate's faction) is made for
a student who would otherwise pass it, as they said when they joined. Students may act ahead
of `now` up to `limit` (`now + window`, held back at a class vote until it is counted).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine import engine as eng
from ..engine import votes as vt
from ..engine.clock import format_duration
from ..engine.events import Turn, View, told_turn, told_view
from ..engine.model import Vote, World
from ..engine.state import PlayerState, WorldState
from ..errors import WinterPalaceError
from ..session import Info, Notice, Output, Screen
from .ballots import BALLOTS, ClassVotes
from .codes import CodeCheck, new_check, pin_hash
from .names import clean_name, clean_text, name_key, role_phrase
from .sight import scene_reads

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


class Room:
    """The shared night. Change it only through the public methods (each makes one record)."""

    def __init__(self, world: World, code: CodeCheck | str, window: int = DEFAULT_WINDOW,
                 ballot: str = "open", gentle: bool = False):
        """A room for `world`; `code` is the class code's check (or the code, hashed here)."""
        if ballot not in BALLOTS:
            raise RoomError("the ballot is `open` or `secret`")
        self.world = world
        self.code = code if isinstance(code, CodeCheck) else new_check(code)
        self.votes = ClassVotes(world, secret=ballot == "secret")
        self.gentle = gentle
        ws = eng.new_world(world)
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

    # ------------------------------------------------------------------ building

    @property
    def ballot_mode(self) -> str:
        return "secret" if self.votes.secret else "open"

    def opening_record(self) -> dict[str, Any]:
        """The journal's first line: what the night is and how it was set up."""
        return {"t": "open", "v": JOURNAL_VERSION, "scenario": self.world.id,
                "code": self.code.to_json(), "window": self.window,
                "ballot": self.ballot_mode, "gentle": self.gentle}

    @classmethod
    def replay(cls, world: World, records: list[dict[str, Any]]) -> Room:
        """Rebuild a room from its journal. Raises RoomError if the journal does not fit."""
        if not records or records[0].get("t") != "open":
            raise RoomError("the journal does not begin with an `open` line")
        head = records[0]
        if head.get("v") != JOURNAL_VERSION:
            raise RoomError(f"journal version {head.get('v')!r}; this program reads version "
                            f"{JOURNAL_VERSION} (a session from an older Winter Palace)")
        if head.get("scenario") != world.id:
            raise RoomError(f"the journal is for scenario {head.get('scenario')!r}, "
                            f"not {world.id!r}: give its --scenes")
        try:
            room = cls(world, CodeCheck.from_json(head.get("code")),
                       int(head.get("window", DEFAULT_WINDOW)), str(head.get("ballot", "open")),
                       bool(head.get("gentle", False)))
        except (TypeError, ValueError) as e:
            raise RoomError(f"journal line 1: {e}") from None
        room.replaying = True
        for n, rec in enumerate(records[1:], 2):
            try:
                res = room.apply(rec)
            except (KeyError, TypeError, ValueError, eng.EngineError) as e:
                raise RoomError(f"journal line {n}: {type(e).__name__}: {e}") from None
            if not res.ok:
                raise RoomError(f"journal line {n} does not replay: {res.message}")
        room.replaying = False
        room.outbox.clear()
        room.log.clear()
        room.records.clear()
        return room

    # ------------------------------------------------------------------ looking

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
        v = eng.view(self.world, self.ws, p.ps)
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

    def presence(self, p: Player) -> Notice | None:
        """Who else is in the player's place, or None if nobody."""
        others = self.others_here(p)
        if not others:
            return None
        names = ", ".join(self.label(q) for q in others)
        verb = "is" if len(others) == 1 else "are"
        return Notice(f"{names} {verb} here with you.")

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
        fac = vt.faction_of(self.world, p.ps)
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

    # ------------------------------------------------------------------ changing

    def apply(self, rec: dict[str, Any]) -> Result:
        """Apply one record. Accepted records are added to `records` (for the journal)."""
        handler = _HANDLERS.get(str(rec.get("t")))
        if handler is None:
            return Result(False, f"unknown record {rec.get('t')!r}")
        res: Result = handler(self, rec)
        if res.ok and not self.replaying:
            self.records.append(rec)
        return res

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

    def _screen(self, p: Player, turn: Turn | None, full: bool = True) -> list[Output]:
        assert p.ps is not None
        view = eng.view(self.world, self.ws, p.ps)
        if self.gentle:
            view, turn = told_view(view), told_turn(turn) if turn is not None else None
        return [Screen(view, turn, full), *self.screen_notes(p)]

    def screen_notes(self, p: Player) -> list[Output]:
        """Notes shown under a player's scene: who else is here, a class vote to cast."""
        notes: list[Output] = []
        here = self.presence(p)
        if here:
            notes.append(here)
        v = self.votes.here(p.key, p.ps)
        if v is not None:
            how = ("Secret ballot: only the totals are shown." if self.votes.secret else
                   "Open ballot: the class will see how each of you voted.")
            notes.append(Notice(f"CLASS VOTE ({v.id}): your choice here is your ballot, cast "
                                f"with your faction's seats. {how} The count is made when "
                                "every delegate of the class has voted, or when your teacher "
                                "closes it.", "warning"))
        return notes

    # -- students joining and leaving

    def join(self, name: str, role: str, seed: int, faction: str | None = None,
             pin: str = "") -> Result:
        """A new student. `pin` is "salt:hash" of their rejoin PIN (see codes.pin_hash)."""
        cleaned = clean_name(name)
        if cleaned is None:
            return Result(False, "that is not a name we can use")
        return self.apply({"t": "join", "name": cleaned, "role": role, "seed": seed,
                           "faction": faction, "pin": pin})

    def join_refusal(self, name: str, role: str | None = None) -> str | None:
        """Why `name` (as `role`) could not join now, or None (asked before the questions)."""
        key = name_key(name)
        if self.ended:
            return "the session has ended"
        if key in self.players:
            return f"the name {self.players[key].name} is taken"
        if self.locked:
            return "the class is closed to new names; ask your teacher"
        if role is None:
            return None
        want = self.assigned.get(key)
        if want is not None and want[0] != role:
            return f"your teacher has given you the role {self.world.roles[want[0]].name}"
        cap = self.caps.get(role)
        if want is None and cap is not None and self.role_counts()[role] >= cap:
            return f"{self.world.roles[role].name} is full; choose another role"
        return None

    def _do_join(self, rec: dict[str, Any]) -> Result:
        name = clean_name(str(rec["name"]))
        role = str(rec["role"])
        if name is None:
            return Result(False, "that is not a name we can use")
        if role not in self.world.roles:
            return Result(False, f"there is no role {role!r}")
        refusal = self.join_refusal(name, role)
        if refusal:
            return Result(False, refusal)
        faction = rec.get("faction")
        if faction is not None and faction not in self.factions_of_role(role):
            return Result(False, f"there is no faction {faction!r} for this role")
        p = Player(name=name, role=role, seed=int(rec["seed"]), faction=faction,
                   pin=str(rec.get("pin") or ""), connected=True)
        self.players[p.key] = p
        self._note("join", f"{name} joined as {self.role_name(p)}", name)
        self._begin_if_due(p)
        if p.ps is None:
            start = self.world.roles[role].start_time
            self._tell(p, Notice(f"Your part of the night begins at {self.hhmm(start)}. The "
                                 f"class clock is at {self.hhmm(self.now)}: you will begin "
                                 "when it gets there."))
        self._arrive(p, None)
        return Result(True)

    def _begin_if_due(self, p: Player) -> None:
        """Start a player's night once the class clock reaches their role's start, and bring
        a late joiner all the way to the class clock (what they missed comes as news)."""
        start = self.world.roles[p.role].start_time
        if p.ps is not None or self.now < start:
            return
        ws, ps, turn = eng.start(self.world, p.role, p.seed, player_id=p.name, shared=self.ws)
        self.ws, p.ps = ws, ps
        notes: list[Output] = []
        if self.now > ps.time:
            later, notes = self._bring(p, self.now, carry=True)
            p.last_action = f"brought to {self.hhmm(p.ps.time)}"
            turn = dataclasses.replace(later, narrations=turn.narrations + later.narrations)
        self._tell(p, *notes, *self._screen(p, turn))

    def connect(self, name: str) -> Result:
        """A student takes their seat again (the transport has checked their PIN)."""
        p = self.player(name)
        if p is None:
            return Result(False, "no such student")
        if p.connected:
            return Result(False, f"{p.name} is already connected")
        return self.apply({"t": "connect", "name": p.name})

    def _do_connect(self, rec: dict[str, Any]) -> Result:
        p = self.player(str(rec["name"]))
        if p is None:
            return Result(False, "no such student")
        if p.removed:
            return Result(False, "your teacher has removed this name from the class")
        if self.ended:
            return Result(False, "the session has ended")
        p.connected = True
        self._note("join", f"{p.name} is back", p.name)
        if p.ps is not None:
            self._tell(p, Notice(f"Welcome back, {p.name}. You are where you left off."),
                       *self._screen(p, None))
        else:
            self._tell(p, Notice(f"Welcome back, {p.name}. Your part of the night has not "
                                 "begun yet."))
        self._arrive(p, None)
        return Result(True)

    def disconnect(self, name: str) -> Result:
        p = self.player(name)
        if p is None or not p.connected:
            return Result(False, "not connected")
        return self.apply({"t": "disconnect", "name": p.name})

    def _do_disconnect(self, rec: dict[str, Any]) -> Result:
        p = self.player(str(rec["name"]))
        if p is None:
            return Result(False, "no such student")
        if p.connected:
            self._leave(p, self.place_of(p))
            p.connected = False
            self._note("leave", f"{p.name} disconnected (their place is kept)", p.name)
        return Result(True)

    def restart(self) -> Result:
        """The server has started again: nobody is connected until they rejoin."""
        return self.apply({"t": "restart"})

    def _do_restart(self, rec: dict[str, Any]) -> Result:
        for p in self.players.values():
            p.connected = False
        return Result(True)

    def set_pin(self, name: str, pin: str) -> Result:
        """A new rejoin PIN for a student ("salt:hash"), e.g. after the teacher let them in."""
        p = self.player(name)
        if p is None:
            return Result(False, f"no student called {name!r}")
        return self.apply({"t": "pin", "name": p.name, "pin": pin})

    def _do_pin(self, rec: dict[str, Any]) -> Result:
        p = self.player(str(rec["name"]))
        if p is None:
            return Result(False, "no such student")
        p.pin = str(rec["pin"])
        return Result(True)

    def _arrive(self, p: Player, old_place: str | None) -> None:
        place = self.place_of(p)
        if place is None or place == old_place or not p.connected:
            return
        for q in self.others_here(p):
            self._tell(q, Notice(f"{self.label(p)} comes in."))

    def _leave(self, p: Player, place: str | None) -> None:
        if place is None:
            return
        for q in self.players.values():
            if q is not p and q.connected and not q.removed and self.place_of(q) == place:
                self._tell(q, Notice(f"{self.label(p)} leaves."))

    # -- students acting

    def choose(self, name: str, index: int) -> Turn:
        return self._act({"t": "choose", "name": name, "index": index})

    def wait(self, name: str, minutes: int | None) -> Turn:
        return self._act({"t": "wait", "name": name, "minutes": minutes})

    def _act(self, rec: dict[str, Any]) -> Turn:
        self._last_turn = None
        res = self.apply(rec)
        turn = self._last_turn
        if res.ok and turn is not None:
            return told_turn(turn) if self.gentle else turn
        if turn is None:
            return Turn(refused=res.message)
        if turn.blocked_until is not None:
            p = self.player(str(rec["name"]))
            if p is not None:
                p.last_action = "waits for the clock"
            turn = dataclasses.replace(turn, refused=(
                f"Waiting for the clock: that would take you to "
                f"{self.hhmm(turn.blocked_until)}, and the class may act only until "
                f"{self.hhmm(self.limit)} for now. Your teacher will move the night on; "
                "meanwhile you can `look`, `say` something or choose something quicker"))
        return turn

    def may_act(self, p: Player | None) -> str | None:
        """Why this student cannot act now, or None."""
        if p is None or p.removed:
            return "you are not in the class"
        if self.ended:
            return "the session has ended"
        if p.ps is None:
            start = self.world.roles[p.role].start_time
            return (f"your part of the night begins at {self.hhmm(start)}; the class clock "
                    f"is at {self.hhmm(self.now)}")
        if not self.started:
            return "the night has not started yet: wait for your teacher to start it"
        if self.caucus_minutes:
            return "caucus break: talk with your faction (`say ...`); the night goes on soon"
        if self.paused:
            return "your teacher has paused the night for a moment"
        if p.frozen:
            return "your teacher has paused you for a moment"
        return None

    def _do_act(self, rec: dict[str, Any]) -> Result:
        p = self.player(str(rec["name"]))
        refusal = self.may_act(p)
        if refusal:
            return Result(False, refusal)
        assert p is not None and p.ps is not None
        before_ws, before_place = self.ws, self.place_of(p)
        if rec["t"] == "choose":
            ws, ps, turn = eng.choose(self.world, self.ws, p.ps, int(rec["index"]),
                                      limit=self.limit)
        else:
            minutes = rec.get("minutes")
            ws, ps, turn = eng.wait(self.world, self.ws, p.ps,
                                    None if minutes is None else int(minutes), limit=self.limit)
        self._last_turn = turn
        if turn.refused:
            return Result(False, turn.refused)
        # The journal keeps where the action left the student, so a replay that went
        # anywhere else is caught at the line where it parted ways.
        after = rec.get("after")
        if after is None:
            rec["after"] = [ps.scene, ps.time, ps.turn]
        elif list(after) != [ps.scene, ps.time, ps.turn]:
            return Result(False, f"{p.name} ended at {after}, the engine says "
                                 f"{[ps.scene, ps.time, ps.turn]}")
        self.ws, p.ps = ws, ps
        if rec["t"] == "choose":
            p.last_action = ps.history[-1].label if ps.history else "chose"
        else:
            p.last_action = f"waited {format_duration(turn.minutes)}"
        self._note("act", f"{p.name}: {p.last_action} -> {self.hhmm(ps.time)}, "
                          f"{self.place_name(p)}", p.name)
        new_place = self.place_of(p)
        if new_place != before_place and p.connected:
            self._leave(p, before_place)
            self._arrive(p, before_place)
        if self.ws.flags != before_ws.flags:
            self._refresh(before_ws, p)
        self._collect(p)
        self._count_if_all_in(p)
        return Result(True)

    def _refresh(self, before: WorldState, actor: Player | None = None) -> None:
        """Show others a scene that the shared night has changed under their feet (only
        students whose scene reads a flag that changed can have one)."""
        if self.replaying:
            return
        changed: set[str] | None = {k for k, v in self.ws.flags.items()
                                    if k not in before.flags or before.flags[k] != v}
        if before.fired != self.ws.fired:
            changed = None                     # an event happened: anything may show it
        elif not changed:
            return
        for q in self.players.values():
            if q is actor or not q.connected or q.removed or q.ps is None \
                    or q.ps.ending is not None:
                continue
            if changed is not None and changed.isdisjoint(self._reads.get(q.ps.scene, ())):
                continue
            old = eng.view(self.world, before, q.ps)
            new = eng.view(self.world, self.ws, q.ps)
            if (old.text, old.choices) != (new.text, new.choices):
                self._tell(q, Notice("Something has changed around you."),
                           *self._screen(q, None))

    # -- the clock brings everyone along

    def _bring(self, p: Player, to: int, carry: bool = False) -> tuple[Turn, list[Output]]:
        """Bring a student's own clock all the way up to `to`.

        Events on the way reach them (and may carry them elsewhere); a choice the scenario
        cannot do without (the faction) is made for them as they said when joining. With
        `carry` (hours the student could not play: before the night started, or before they
        joined) the story carries them along too: where nothing moves them, the first choice
        that leads on (not to an ending) is made for them, so they arrive where the night is,
        not in the morning's first scene. Returns the merged turn and notes for the student.
        """
        assert p.ps is not None
        ws, ps = self.ws, p.ps
        narrations: list[Any] = []
        notes: list[Output] = []
        carried: list[str] = []
        moved, start = None, ps.time
        for _ in range(MAX_HOPS):
            if ps.ending is not None or ps.time >= to:
                break
            step = self._essential_choice(p, ws, ps)
            if step is not None:
                notes.append(step[3])
            elif carry:
                step = self._carry_choice(ws, ps, to)
                if step is not None:
                    carried.append(step[3].text)
            if step is not None:
                ws, ps, turn = step[0], step[1], step[2]
                p.auto.add(len(ps.history) - 1)
            else:
                # Carried: wait a scene's worth at a time, then look at the choices again (a
                # way on may open with the hour). Otherwise: wait all the way where they are.
                until = to
                if carry:
                    until = min(to, ps.time + (self.world.scenes[ps.scene].wait or CARRY_STEP))
                ws, ps, turn = eng.advance(self.world, ws, ps, until)
                if turn.minutes <= 0:
                    break                  # nothing moves it on (an ending, the night's end)
            narrations += turn.narrations
            moved = turn.moved_by or moved
        self.ws, p.ps = ws, ps
        if carried:
            shown = carried if len(carried) <= 8 else ["...", *carried[-8:]]
            notes.insert(0, Info(f"The night had already begun: your story was carried to "
                                 f"{self.hhmm(ps.time)} for you", tuple(shown)))
        return Turn(narrations=tuple(narrations), moved_by=moved, ended=ps.ending,
                    minutes=ps.time - start), notes

    def _carry_choice(self, ws: WorldState, ps: PlayerState,
                      to: int) -> tuple[WorldState, PlayerState, Turn, Notice] | None:
        """The choice the story takes for a student it carries: the first one that leads to
        another scene, is not an ending and fits before `to`; None: wait where they are."""
        scene = self.world.scenes[ps.scene]
        if scene.ending is not None or ps.ending is not None:
            return None
        for c in eng.view(self.world, ws, ps).enabled():
            ch = scene.choices[c.index]
            dest = self.world.scenes.get(ch.go) if ch.go else None
            if dest is None or ch.go == ps.scene or dest.ending is not None \
                    or ps.time + ch.takes > to:
                continue
            ws2, ps2, turn = eng.choose(self.world, ws, ps, c.index)
            if turn.refused is not None or ps2.ending is not None:
                continue
            said = ps2.history[-1].remember or c.label
            return ws2, ps2, turn, Notice(f"{self.hhmm(ps.time)} {said}")
        return None

    def _essential_choice(self, p: Player, ws: WorldState,
                          ps: PlayerState) -> tuple[WorldState, PlayerState, Turn, Notice] | None:
        """If the student stands where the game asks their faction and has none yet: choose
        it for them (the one they said when joining, else the least played), with a note."""
        var = self.faction_variable
        options = self.factions_of_role(p.role)
        if var is None or not options or ps.vars.get(var) in options:
            return None
        found = []
        for c in eng.view(self.world, ws, ps).enabled():
            ws2, ps2, turn = eng.choose(self.world, ws, ps, c.index)
            if turn.refused is None and ps2.vars.get(var) in options:
                found.append((ps2.vars[var], ws2, ps2, turn))
        if not found:
            return None
        want = p.faction if p.faction in options else self.default_faction(p.role)
        fac, ws2, ps2, turn = next((f for f in found if f[0] == want), found[0])
        said = ", as you said when you joined" if fac == p.faction else ""
        title = self.world.scenes[ps.scene].title
        note = Notice(f"The class clock has moved past \"{title}\", where you would have "
                      f"chosen your faction: you are entered as {fac}{said}.")
        self._note("act", f"{p.name}: entered as {fac} (the clock passed the question)", p.name)
        return ws2, ps2, turn, note

    # -- talking (live only: nothing here is journaled)

    def say(self, name: str, text: str) -> Result:
        p = self.player(name)
        text = clean_text(text)
        if p is None or p.removed:
            return Result(False, "you are not in the class")
        if not text:
            return Result(False, "say what? Type `say` and the words, like `say hold the door`")
        if p.muted:
            self._note("say", f"(muted) {p.name}: {text}", p.name)
            return Result(False, "your teacher has muted you: nobody else hears you for now")
        fac = self.faction_of(p)
        if self.caucus_minutes and fac is not None:
            return self._caucus_say(p, fac, text)
        place = self.place_of(p)
        self._note("say", f"{p.name} @ {self.place_name(p)}: {text}", p.name)
        heard = 0
        if place is not None:
            for q in self.others_here(p):
                heard += 1
                self._tell(q, Notice(f'{self.label(p)} says: "{text}"'))
        who = "nobody else is here to hear it" if not heard else \
            f"heard by {heard} other{'s' if heard > 1 else ''} here"
        self._tell(p, Notice(f'You say: "{text}" ({who}).'))
        return Result(True)

    def _caucus_say(self, p: Player, fac: str, text: str) -> Result:
        self._note("say", f"[caucus {fac}] {p.name}: {text}", p.name)
        heard = 0
        for q in sorted(self.players.values(), key=lambda q: q.key):
            if q is p or q.removed or self.faction_of(q) != fac:
                continue
            heard += q.connected
            self._tell(q, Notice(f'[{fac} caucus] {p.name} says: "{text}"'))
        self._tell(p, Notice(f'You say to your faction: "{text}" (heard by {heard} '
                             f'other{"" if heard == 1 else "s"} of the {fac} delegates).'))
        return Result(True)

    def alert(self, name: str, text: str) -> Result:
        """A private alert from a student to the teacher (kept in memory, not on disk)."""
        p = self.player(name)
        if p is None or p.removed:
            return Result(False, "you are not in the class")
        text = clean_text(text)
        self.alerts.append((p.name, text))
        self._note("alert", f"ALERT from {p.name}" + (f": {text}" if text else ""), p.name)
        self._tell(p, Notice("Your teacher has been told, and nobody else. They will come to "
                             "you. You can carry on or just wait."))
        return Result(True)

    def broadcast(self, text: str) -> Result:
        text = clean_text(text, 500)
        if not text:
            return Result(False, "broadcast what?")
        self._note("admin", f"Broadcast: {text}")
        self._everyone(Notice(f"From your teacher: {text}"))
        return Result(True)

    # -- the teacher's clock

    def start(self, at: int | None = None) -> Result:
        """Open the night, at the class clock or first moving it on to `at`."""
        if self.started:
            return Result(False, "the night has already started")
        if at is not None:
            if at < self.now:
                return Result(False, f"the clock is already at {self.hhmm(self.now)}")
            if at > self.world.clock.end:
                return Result(False, f"the night ends at {self.hhmm(self.world.clock.end)}")
        return self.apply({"t": "start", "to": at})

    def _do_start(self, rec: dict[str, Any]) -> Result:
        if self.started:
            return Result(False, "the night has already started")
        to = rec.get("to")              # ("at" is the journal's: when it was written)
        if to is not None and int(to) > self.now:
            self._move_clock(int(to), teacher=False)
        self.started = True
        self.started_at = self.now
        self._note("clock", f"The night has started: {self.clock_line()}")
        for p in sorted(self.players.values(), key=lambda q: q.key):
            self._tell(p, Notice(f"Your teacher has started the night. It is "
                                 f"{self.hhmm(self.now)}; you may act until "
                                 f"{self.hhmm(self.limit)}."))
        return Result(True)

    def set_paused(self, paused: bool) -> Result:
        if paused == self.paused and not self.caucus_minutes:
            return Result(False, "already paused" if paused else "not paused")
        return self.apply({"t": "pause" if paused else "resume"})

    def _do_pause(self, rec: dict[str, Any]) -> Result:
        self.paused = True
        self._note("clock", "Paused: nobody can act until you `resume`.")
        self._everyone(Notice("Your teacher has paused the night."))
        return Result(True)

    def _do_resume(self, rec: dict[str, Any]) -> Result:
        self.paused = False
        self.caucus_minutes = 0
        self._note("clock", "Resumed.")
        self._everyone(Notice("The night goes on."))
        return Result(True)

    def advance(self, to: int, by: str = "teacher") -> Result:
        """Move the class clock to `to` (clock minutes): everyone behind is brought up to it."""
        if to <= self.now:
            return Result(False, f"the clock is already at {self.hhmm(self.now)}; give a "
                                 "later time")
        if to > self.world.clock.end:
            return Result(False, f"the night ends at {self.hhmm(self.world.clock.end)}")
        return self.apply({"t": "advance", "to": to, "by": by})

    def _do_advance(self, rec: dict[str, Any]) -> Result:
        to = int(rec["to"])
        if to <= self.now:
            return Result(False, "the clock is already past that time")
        teacher = rec.get("by", "teacher") == "teacher"
        self._move_clock(to, teacher)
        if teacher:
            self._note("clock", f"Clock moved on: {self.clock_line()}")
        return Result(True)

    def _move_clock(self, to: int, teacher: bool) -> None:
        """The class clock to `to`: votes held on the way are counted, everyone catches up."""
        to = min(to, self.world.clock.end)
        for v in self.votes.open_votes():
            if v.hold <= to:
                behind = len(self.eligible(v))
                # Counted as the clock passes its hold, at that time (not the time the clock
                # moved from); the teacher hears who had not voted, and how to wait for them.
                self._count(v, at=max(self.now, v.hold))
                if behind:
                    self._note("alert", f"Vote {v.id} was counted at {self.hhmm(v.hold)} as "
                                        f"the clock passed it: {behind} delegate"
                                        f"{'s' if behind != 1 else ''} of the class had not "
                                        f"voted. Next time, `advance` to a little before "
                                        f"{self.hhmm(v.hold)} and wait for `votes` to show "
                                        "every ballot.")
        self.now = to
        self.ws = eng.advance_world(self.world, self.ws, to)
        for p in sorted(self.players.values(), key=lambda q: q.key):
            if p.removed:
                continue
            if p.ps is None:
                self._begin_if_due(p)
                if p.ps is not None:
                    self._arrive(p, None)
                continue
            news = [Notice(self._clock_news())] if teacher else []
            if p.ps.ending is not None or p.ps.time >= to:
                self._tell(p, *news)
                continue
            old_place = self.place_of(p)
            # Before the night starts nobody can act: the story carries them. Once it runs,
            # a student who is behind waits where they are (their choices stay theirs).
            turn, notes = self._bring(p, to, carry=not self.started)
            p.last_action = f"brought to {self.hhmm(p.ps.time)}"
            happened = bool(turn.narrations or turn.moved_by or turn.ended or notes)
            if teacher or happened:
                self._tell(p, *news, *notes, *self._screen(p, turn, happened))
            if self.place_of(p) != old_place and p.connected:
                self._leave(p, old_place)
                self._arrive(p, old_place)

    def _clock_news(self) -> str:
        return (f"The class clock moves on: it is now {self.hhmm(self.now)}. You may act "
                f"until {self.hhmm(self.limit)}.")

    def set_window(self, minutes: int) -> Result:
        if not 0 <= minutes <= 6 * 60:
            return Result(False, "give the window in minutes, 0 to 360")
        return self.apply({"t": "window", "minutes": minutes})

    def _do_window(self, rec: dict[str, Any]) -> Result:
        self.window = int(rec["minutes"])
        self._note("clock", f"Students may now act {self.window} min ahead: "
                            f"{self.clock_line()}")
        return Result(True)

    def set_pace(self, per_minute: int) -> Result:
        if not 0 <= per_minute <= 120:
            return Result(False, "give the pace as game minutes per real minute, 0 to 120")
        return self.apply({"t": "pace", "per_minute": per_minute})

    def _do_pace(self, rec: dict[str, Any]) -> Result:
        n = int(rec["per_minute"])
        self.pace = n
        self._note("clock", f"Pace: {n} game minutes per real minute" if n else
                   "Pace off: the clock moves only when you advance it")
        return Result(True)

    # -- the teacher's other commands

    def set_locked(self, locked: bool) -> Result:
        return self.apply({"t": "lock", "locked": locked})

    def _do_lock(self, rec: dict[str, Any]) -> Result:
        self.locked = bool(rec["locked"])
        self._note("admin", "Lobby locked: only names already in the class can join" if
                   self.locked else "Lobby open: new names can join")
        return Result(True)

    def set_code(self, check: CodeCheck) -> Result:
        return self.apply({"t": "code", "code": check.to_json()})

    def _do_code(self, rec: dict[str, Any]) -> Result:
        self.code = CodeCheck.from_json(rec["code"])
        return Result(True)

    def set_flag(self, name: str, what: str, on: bool) -> Result:
        """mute, freeze or remove (what) a student by name."""
        p = self.player(name)
        if p is None:
            return Result(False, f"no student called {name!r}")
        if what == "remove" and p.removed:
            return Result(False, f"{p.name} is already removed")
        return self.apply({"t": what, "name": p.name, "on": on})

    def _do_mute(self, rec: dict[str, Any]) -> Result:
        p = self.players[name_key(str(rec["name"]))]
        p.muted = bool(rec["on"])
        self._note("admin", f"{p.name} {'muted' if p.muted else 'can speak again'}", p.name)
        self._tell(p, Notice("Your teacher has muted you." if p.muted else
                             "Your teacher has unmuted you."))
        return Result(True)

    def _do_freeze(self, rec: dict[str, Any]) -> Result:
        p = self.players[name_key(str(rec["name"]))]
        p.frozen = bool(rec["on"])
        self._note("admin", f"{p.name} {'frozen' if p.frozen else 'unfrozen'}", p.name)
        self._tell(p, Notice("Your teacher has paused you for a moment." if p.frozen else
                             "You can carry on."))
        return Result(True)

    def _do_remove(self, rec: dict[str, Any]) -> Result:
        p = self.players[name_key(str(rec["name"]))]
        self._tell(p, Notice("Your teacher has removed you from the class. Goodbye."))
        self._leave(p, self.place_of(p))
        p.removed, p.connected = True, False
        self._note("admin", f"{p.name} removed", p.name)
        return Result(True)

    def cap(self, role: str, n: int | None) -> Result:
        if role not in self.world.roles:
            return Result(False, f"no role {role!r}; roles: {', '.join(self.world.roles)}")
        return self.apply({"t": "cap", "role": role, "n": n})

    def _do_cap(self, rec: dict[str, Any]) -> Result:
        role, n = str(rec["role"]), rec.get("n")
        if n is None:
            self.caps.pop(role, None)
        else:
            self.caps[role] = int(n)
        self._note("admin", f"{self.world.roles[role].name}: " +
                   ("no cap" if n is None else f"at most {n} students"))
        return Result(True)

    def assign(self, name: str, role: str, faction: str | None = None) -> Result:
        """Hold a role (and a faction) for a student who has not joined yet."""
        cleaned = clean_name(name)
        if cleaned is None:
            return Result(False, f"{name!r} is not a name")
        if role not in self.world.roles:
            return Result(False, f"no role {role!r}; roles: {', '.join(self.world.roles)}")
        if faction is not None:
            options = self.factions_of_role(role)
            match = next((f for f in options if f.casefold() == faction.casefold()), None)
            if match is None:
                return Result(False, f"no faction {faction!r} for {self.world.roles[role].name}"
                              + (f"; factions: {', '.join(options)}" if options else ""))
            faction = match
        p = self.player(cleaned)
        if p is not None:
            return Result(False, f"{p.name} has already joined as {self.role_name(p)}")
        return self.apply({"t": "assign", "name": cleaned, "role": role, "faction": faction})

    def _do_assign(self, rec: dict[str, Any]) -> Result:
        faction = rec.get("faction")
        self.assigned[name_key(str(rec["name"]))] = (str(rec["role"]), faction)
        role = self.world.roles[str(rec["role"])].name
        self._note("admin", f"{rec['name']} will play {role}" +
                   (f" ({faction})" if faction else ""))
        return Result(True)

    def end(self) -> Result:
        if self.ended:
            return Result(False, "already ended")
        return self.apply({"t": "end"})

    def _do_end(self, rec: dict[str, Any]) -> Result:
        self._everyone(Notice("Your teacher has ended the session. Thank you for playing. "
                              "Goodbye."))
        self.ended = True
        self._note("admin", "Session ended.")
        return Result(True)

    def note_door(self, wrong: int, addresses: list[str]) -> Result:
        """Wrong class codes in the last minute, with the addresses that tried more than a
        typo's worth: kept in the journal, changes nothing in the night."""
        return self.apply({"t": "door", "wrong": wrong, "from": addresses})

    def _do_door(self, rec: dict[str, Any]) -> Result:
        return Result(True)

    # -- the class's votes

    def eligible(self, vote: Vote) -> list[Player]:
        """Students who could still vote: of the vote's role, in the night, not removed."""
        return [p for p in self.players.values()
                if p.role == vote.role and not p.removed and p.ps is not None
                and p.ps.ending is None and not self.votes.has_voted(vote, p.key)]

    def vote_status(self) -> list[str]:
        """Lines for the teacher: each vote, counted or how many have voted."""
        out = []
        for v in self.votes.by_hold():
            t = self.votes.counted.get(v.id)
            if t is not None:
                out.append(f"{v.id}: counted at {self.hhmm(t.at)} - {t.line()}")
            else:
                cast = len(self.votes.ballots.get(v.id, {}))
                out.append(f"{v.id}: open until {self.hhmm(v.hold)}; {cast} ballots cast, "
                           f"{len(self.eligible(v))} delegates still to vote")
        return out or ["No class votes in this session."]

    def _collect(self, p: Player) -> None:
        for v, option in self.votes.collect(p.key, p.name, self.faction_of(p), p.ps):
            shown = "(secret)" if self.votes.secret else option
            self._note("act", f"ballot {v.id}: {p.name} - {shown}", p.name)
            waiting = len(self.eligible(v))
            self._tell(p, Notice(f"Your ballot is in ({v.id}: {option}). " + (
                f"Waiting for {waiting} more delegate{'s' if waiting != 1 else ''} of the "
                "class." if waiting else "Every delegate of the class has voted.")))

    def _count_if_all_in(self, actor: Player | None = None) -> None:
        for v in self.votes.open_votes():
            if self.votes.ballots.get(v.id) and not self.eligible(v):
                self._count(v, actor)

    def close_vote(self, vote_id: str) -> Result:
        """The teacher closes a vote now: it is counted with the ballots cast so far."""
        if vote_id not in self.votes.votes:
            return Result(False, f"no vote {vote_id!r}; votes: "
                                 f"{', '.join(self.votes.votes) or 'none'}")
        if vote_id in self.votes.counted:
            return Result(False, f"{vote_id} has been counted already")
        return self.apply({"t": "vote_close", "vote": vote_id})

    def _do_vote_close(self, rec: dict[str, Any]) -> Result:
        v = self.votes.votes.get(str(rec["vote"]))
        if v is None or v.id in self.votes.counted:
            return Result(False, "no such open vote")
        self._count(v)
        return Result(True)

    def _count(self, v: Vote, actor: Player | None = None, at: int | None = None) -> None:
        """Count `v` now (or as at `at`); `actor` (whose ballot completed it) is shown their
        own screen by their own turn, so it is not refreshed here too."""
        t = self.votes.count(v, self.now if at is None else at,
                             {p.name: p.key for p in self.players.values()})
        before = self.ws
        flags = dict(self.ws.flags)
        flags[v.flag] = t.value
        if v.seats_flag:
            flags[v.seats_flag] = t.seats_of(v.yes)
        self.ws = WorldState(self.ws.time, flags, self.ws.fired, self.ws.decided)
        self._note("clock", f"Vote {v.id} counted: {t.line()}")
        news = f"The Congress has voted ({v.id}): {t.line()}."
        if not self.votes.secret and t.ballots:
            news += " In your class: " + ", ".join(f"{b.name} {b.option}"
                                                   for b in t.ballots) + "."
        for p in self.players.values():
            if p.role == v.role:
                self._tell(p, Notice(news))
        self._refresh(before, actor)

    # -- caucus breaks

    def caucus(self, minutes: int) -> Result:
        """Pause the night for a caucus break of `minutes` real minutes."""
        if not 1 <= minutes <= 60:
            return Result(False, "give the break in minutes, 1 to 60")
        if self.caucus_minutes:
            return Result(False, "a caucus break is already running; `caucus end` ends it")
        if self.ended:
            return Result(False, "the session has ended")
        return self.apply({"t": "caucus", "minutes": minutes})

    def _do_caucus(self, rec: dict[str, Any]) -> Result:
        self.caucus_minutes = int(rec["minutes"])
        self._note("clock", f"Caucus break: {self.caucus_minutes} min. Delegates' `say` "
                   "reaches only their own faction (you see every line).")
        for p in self.players.values():
            fac = self.faction_of(p)
            extra = f" Your `say` now reaches only the {fac} delegates." if fac else ""
            self._tell(p, Notice(f"Caucus break: the night is paused for "
                                 f"{self.caucus_minutes} minutes.{extra}"))
        return Result(True)

    def end_caucus(self) -> Result:
        if not self.caucus_minutes:
            return Result(False, "no caucus break is running")
        return self.apply({"t": "caucus_end"})

    def _do_caucus_end(self, rec: dict[str, Any]) -> Result:
        if not self.caucus_minutes:
            return Result(False, "no caucus break is running")
        self.caucus_minutes = 0
        self._note("clock", "Caucus break over: the night goes on.")
        self._everyone(Notice("The caucus break is over. The night goes on."))
        return Result(True)

    # ------------------------------------------------------------------ for screens

    def who_here(self, name: str) -> Info:
        p = self.players[name_key(name)]
        others = self.others_here(p)
        lines = [self.label(q) for q in others] or ["Nobody else from the class is here."]
        return Info(f"Here in {self.place_name(p)}", tuple(lines))

    def introduce(self, p: Player) -> str:
        """`You are Anna, a delegate (Left SR)`."""
        fac = self.faction_of(p)
        return (f"You are {p.name}, {role_phrase(self.world.roles[p.role].name)}"
                + (f" ({fac})" if fac else ""))

    def table(self) -> list[tuple[str, str, str, str, str, str]]:
        """Rows for the teacher: name, role, place, time, last action, link."""
        rows = []
        for p in sorted(self.players.values(), key=lambda q: q.key):
            t = self.hhmm(p.ps.time) if p.ps else "-"
            if p.ps is not None and p.ps.ending is not None:
                t += " end"
            marks = [m for m, on in (("muted", p.muted), ("frozen", p.frozen)) if on]
            link = "removed" if p.removed else ("on" if p.connected else "lost")
            if marks:
                link += " (" + ", ".join(marks) + ")"
            rows.append((p.name, self.role_name(p), self.place_name(p), t, p.last_action, link))
        return rows

    def connected_count(self) -> tuple[int, int]:
        """(connected, in the class): removed students are not counted."""
        present = self.present()
        return sum(p.connected for p in present), len(present)

    def snapshot(self) -> dict[str, Any]:
        """Everything that replay must reproduce (for tests and consistency checks)."""
        return {
            "world": self.ws.to_dict(), "now": self.now, "window": self.window,
            "pace": self.pace, "started": self.started, "started_at": self.started_at,
            "paused": self.paused, "locked": self.locked, "ended": self.ended,
            "code": self.code.to_json(), "caucus": self.caucus_minutes, "gentle": self.gentle,
            "caps": dict(sorted(self.caps.items())),
            "assigned": {k: list(v) for k, v in sorted(self.assigned.items())},
            "votes": self.votes.snapshot(),
            "players": {k: {"name": p.name, "role": p.role, "faction": p.faction,
                            "pin": p.pin, "muted": p.muted, "frozen": p.frozen,
                            "removed": p.removed, "connected": p.connected,
                            "auto": sorted(p.auto), "ps": p.ps.to_dict() if p.ps else None}
                        for k, p in sorted(self.players.items())},
        }


_HANDLERS: dict[str, Callable[[Room, dict[str, Any]], Result]] = {
    "join": Room._do_join, "connect": Room._do_connect, "disconnect": Room._do_disconnect,
    "restart": Room._do_restart, "pin": Room._do_pin,
    "choose": Room._do_act, "wait": Room._do_act,
    "start": Room._do_start, "pause": Room._do_pause, "resume": Room._do_resume,
    "advance": Room._do_advance, "window": Room._do_window, "pace": Room._do_pace,
    "lock": Room._do_lock, "code": Room._do_code, "mute": Room._do_mute,
    "freeze": Room._do_freeze, "remove": Room._do_remove, "cap": Room._do_cap,
    "assign": Room._do_assign, "end": Room._do_end, "door": Room._do_door,
    "vote_close": Room._do_vote_close, "caucus": Room._do_caucus,
    "caucus_end": Room._do_caucus_end,
}

__all__ = ["DEFAULT_WINDOW", "JOURNAL_VERSION", "LogLine", "Player", "Result", "Room",
           "RoomError", "clean_name", "clean_text", "name_key"]
