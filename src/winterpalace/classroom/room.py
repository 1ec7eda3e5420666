"""The classroom's shared night as plain data: roster, one WorldState, the facilitator's clock.

PURE: no I/O, no clocks of the machine, no randomness of its own. Every change is a *record*
(a small JSON-able dict) applied by `Room.apply`; the server journals the records, and replaying
them into a fresh room rebuilds exactly the same night (the engine is deterministic and the
seeds are in the records). What a change means for people comes out as data too: `outbox`
holds (player, Output) deliveries, `log` holds lines for the facilitator's console.

The clock: `now` is the class clock ("it is now 22:00"). Everyone's own clock is at least `now`
after the facilitator moves it on, so world events up to `now` have reached everyone, worded
for where each one is. Players may act ahead of `now` up to `limit` (`now + window`); an action
that would pass the limit waits for the clock.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..engine import engine as eng
from ..engine.clock import format_duration
from ..engine.events import Turn, View
from ..engine.model import World
from ..engine.state import PlayerState, WorldState
from ..session import Info, Notice, Output, Screen

JOURNAL_VERSION = 1
MAX_NAME = 20
MAX_SAY = 200
DEFAULT_WINDOW = 30


class RoomError(Exception):
    """A record that does not fit the room (a journal from another scenario, a bad line)."""


@dataclass
class Player:
    """One student in the room. `ps` is None until their part of the night begins."""

    name: str
    role: str
    seed: int
    ps: PlayerState | None = None
    connected: bool = False
    muted: bool = False
    frozen: bool = False
    removed: bool = False
    last_action: str = "joined"

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True, slots=True)
class LogLine:
    """A line for the facilitator: kind is join, leave, act, say, alert, clock or admin."""

    kind: str
    text: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    """What a facilitator or player request came to: ok, or a reason it was refused."""

    ok: bool
    message: str = ""


def name_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def clean_name(text: str) -> str | None:
    """A first name or nickname as typed, or None if it is not one.

    Letters, digits, `-`, `_`, `.` and single spaces; at most 20 characters; at least one
    letter. Anything else (markup, control characters, e-mail addresses) is refused rather than
    silently mangled, so the student sees why.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    text = " ".join(text.split())
    if not 1 <= len(text) <= MAX_NAME:
        return None
    if not all(ch.isalnum() or ch in "-_. " for ch in text):
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return text


def clean_text(text: str, limit: int = MAX_SAY) -> str:
    """A line a player says: printable characters only, spaces collapsed, length-limited."""
    text = "".join(ch for ch in text if ch.isprintable())
    return " ".join(text.split())[:limit]


class Room:
    """The shared night. Mutate only through the public methods (each makes one record)."""

    def __init__(self, world: World, code: str, window: int = DEFAULT_WINDOW):
        self.world = world
        self.code = code
        self.ws: WorldState = eng.new_world(world)
        self.players: dict[str, Player] = {}
        self.now = world.clock.start
        self.window = window
        self.pace = 0                      # game minutes per real minute; 0 = the clock waits
        self.started = False
        self.paused = False
        self.locked = False
        self.ended = False
        self.caps: dict[str, int] = {}
        self.assigned: dict[str, str] = {}
        self.says: list[tuple[int, str, str, str]] = []    # (time, name, place, text)
        self.alerts: list[tuple[str, str]] = []              # (name, text)
        self.outbox: list[tuple[str, Output]] = []
        self.log: list[LogLine] = []
        self.records: list[dict[str, Any]] = []
        self.replaying = False
        self._last_turn: Turn | None = None

    # ------------------------------------------------------------------ building

    def opening_record(self) -> dict[str, Any]:
        """The journal's first line: what the night is and how it was set up."""
        return {"t": "open", "v": JOURNAL_VERSION, "scenario": self.world.id, "code": self.code,
                "window": self.window}

    @classmethod
    def replay(cls, world: World, records: list[dict[str, Any]]) -> "Room":
        """Rebuild a room from its journal. Raises RoomError if the journal does not fit."""
        if not records or records[0].get("t") != "open":
            raise RoomError("the journal does not begin with an `open` line")
        head = records[0]
        if head.get("v") != JOURNAL_VERSION:
            raise RoomError(f"journal version {head.get('v')!r}; this program reads "
                            f"{JOURNAL_VERSION}")
        if head.get("scenario") != world.id:
            raise RoomError(f"the journal is for scenario {head.get('scenario')!r}, "
                            f"not {world.id!r}")
        room = cls(world, str(head["code"]), int(head.get("window", DEFAULT_WINDOW)))
        room.replaying = True
        for n, rec in enumerate(records[1:], 2):
            try:
                res = room.apply(rec)
            except (KeyError, TypeError, ValueError, eng.EngineError) as e:
                raise RoomError(f"journal line {n}: {type(e).__name__}: {e}") from None
            if not res.ok:
                raise RoomError(f"journal line {n} does not replay: {res.message}")
        room.replaying = False
        for p in room.players.values():
            p.connected = False        # after a restart nobody is connected yet
        room.outbox.clear()
        room.log.clear()
        room.records.clear()
        return room

    # ------------------------------------------------------------------ looking

    @property
    def limit(self) -> int:
        """How far a player may act ahead: the end of the current phase."""
        return min(self.now + self.window, self.world.clock.end)

    def hhmm(self, t: int) -> str:
        return self.world.clock.hhmm(t)

    def player(self, name: str) -> Player | None:
        return self.players.get(name_key(name))

    def view(self, name: str) -> View:
        p = self.players[name_key(name)]
        assert p.ps is not None
        return eng.view(self.world, self.ws, p.ps)

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

    def label(self, p: Player) -> str:
        """`Misha (A sailor)`: how others see a player."""
        return f"{p.name} ({self.world.roles[p.role].name})"

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
        counts = {r: 0 for r in self.world.roles}
        for p in self.players.values():
            if not p.removed:
                counts[p.role] += 1
        return counts

    def offer_handle(self, role: str) -> str:
        """A handle nobody has, like `Sailor-2`, for a student who would rather not type a name."""
        word = self.world.roles[role].name.split()[-1].capitalize()
        word = clean_name(word) or "Student"
        n = 1
        while name_key(f"{word}-{n}") in self.players:
            n += 1
        return f"{word}-{n}"

    def clock_line(self) -> str:
        state = "ended" if self.ended else "paused" if self.paused else \
            "running" if self.started else "not started"
        pace = f", pace {self.pace} min per minute" if self.pace else ""
        return (f"class clock {self.hhmm(self.now)} (players may act until "
                f"{self.hhmm(self.limit)}), {state}{pace}")

    # ------------------------------------------------------------------ changing

    def apply(self, rec: dict[str, Any]) -> Result:
        """Apply one record. Accepted records are added to `records` (for the journal)."""
        handler = getattr(self, "_do_" + str(rec.get("t")), None)
        if handler is None:
            return Result(False, f"unknown record {rec.get('t')!r}")
        res: Result = handler(rec)
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

    def _screen(self, p: Player, turn: Turn | None, full: bool = True) -> list[Output]:
        assert p.ps is not None
        outs: list[Output] = [Screen(eng.view(self.world, self.ws, p.ps), turn, full)]
        outs.extend(self.screen_notes(p))
        return outs

    def screen_notes(self, p: Player) -> list[Output]:
        """Notes shown under a player's scene: who else is here (subclasses add more)."""
        here = self.presence(p)
        return [here] if here else []

    # -- players joining and leaving

    def join(self, name: str, role: str, seed: int) -> Result:
        return self.apply({"t": "join", "name": name, "role": role, "seed": seed})

    def _do_join(self, rec: dict[str, Any]) -> Result:
        name = clean_name(str(rec["name"]))
        role = str(rec["role"])
        if name is None:
            return Result(False, "that is not a name we can use")
        key = name_key(name)
        if self.ended:
            return Result(False, "the session has ended")
        if key in self.players:
            return Result(False, f"the name {name} is taken")
        if self.locked:
            return Result(False, "the class is closed to new names; ask your teacher")
        if role not in self.world.roles:
            return Result(False, f"there is no role {role!r}")
        want = self.assigned.get(key)
        if want is not None and want != role:
            return Result(False, f"your teacher has given you the role "
                                 f"{self.world.roles[want].name}")
        cap = self.caps.get(role)
        if want is None and cap is not None and self.role_counts()[role] >= cap:
            return Result(False, f"{self.world.roles[role].name} is full; choose another role")
        p = Player(name=name, role=role, seed=int(rec["seed"]), connected=True)
        self.players[key] = p
        self._note("join", f"{name} joined as {self.world.roles[role].name}", name)
        self._begin_if_due(p)
        if p.ps is None:
            start = self.world.roles[role].start_time
            self._tell(p, Notice(f"Your part of the night begins at {self.hhmm(start)}. The "
                                 f"class clock is at {self.hhmm(self.now)}: you will begin "
                                 "when it gets there."))
        self._arrive(p, None)
        return Result(True)

    def _begin_if_due(self, p: Player) -> None:
        """Start a player's night once the class clock reaches their role's start."""
        start = self.world.roles[p.role].start_time
        if p.ps is not None or self.now < start - 1:
            return
        ws, ps, turn = eng.start(self.world, p.role, p.seed, player_id=p.name, shared=self.ws)
        if self.now > ps.time:
            # A late joiner meets the class where it is; what they missed comes as news.
            ws, ps, later = eng.advance(self.world, ws, ps, self.now)
            turn = dataclasses.replace(later, narrations=turn.narrations + later.narrations)
        self.ws, p.ps = ws, ps
        self._tell(p, *self._screen(p, turn))

    def connect(self, name: str) -> Result:
        return self.apply({"t": "connect", "name": name})

    def _do_connect(self, rec: dict[str, Any]) -> Result:
        p = self.player(str(rec["name"]))
        if p is None:
            return Result(False, "no such player")
        if p.removed:
            return Result(False, "your teacher has removed this name from the class")
        if p.connected:
            return Result(False, f"{p.name} is already connected")
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
        return self.apply({"t": "disconnect", "name": name})

    def _do_disconnect(self, rec: dict[str, Any]) -> Result:
        p = self.player(str(rec["name"]))
        if p is None or not p.connected:
            return Result(False, "not connected")
        self._leave(p, self.place_of(p))
        p.connected = False
        self._note("leave", f"{p.name} disconnected (their place is kept)", p.name)
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
            if q is not p and q.connected and self.place_of(q) == place:
                self._tell(q, Notice(f"{self.label(p)} leaves."))

    # -- players acting

    def choose(self, name: str, index: int) -> Turn:
        return self._act({"t": "choose", "name": name, "index": index})

    def wait(self, name: str, minutes: int | None) -> Turn:
        return self._act({"t": "wait", "name": name, "minutes": minutes})

    def _act(self, rec: dict[str, Any]) -> Turn:
        self._last_turn = None
        res = self.apply(rec)
        turn = self._last_turn
        if res.ok and turn is not None:
            return turn
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

    def _may_act(self, p: Player | None) -> str | None:
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
        if self.paused:
            return "your teacher has paused the night for a moment"
        if p.frozen:
            return "your teacher has paused you for a moment"
        return None

    def _engine_act(self, p: Player, rec: dict[str, Any]) -> tuple[WorldState, PlayerState, Turn]:
        assert p.ps is not None
        if rec["t"] == "choose":
            return eng.choose(self.world, self.ws, p.ps, int(rec["index"]), limit=self.limit)
        minutes = rec.get("minutes")
        return eng.wait(self.world, self.ws, p.ps, None if minutes is None else int(minutes),
                        limit=self.limit)

    def _do_choose(self, rec: dict[str, Any]) -> Result:
        return self._do_act(rec)

    def _do_wait(self, rec: dict[str, Any]) -> Result:
        return self._do_act(rec)

    def _do_act(self, rec: dict[str, Any]) -> Result:
        p = self.player(str(rec["name"]))
        refusal = self._may_act(p)
        if refusal:
            return Result(False, refusal)
        assert p is not None and p.ps is not None
        before_ws, before_place = self.ws, self.place_of(p)
        ws, ps, turn = self._engine_act(p, rec)
        self._last_turn = turn
        if turn.refused:
            return Result(False, turn.refused)
        # The journal keeps where the action left the player, so a replay that went
        # anywhere else is caught at the line where it parted ways.
        after = rec.get("after")
        if after is None:
            rec["after"] = [ps.scene, ps.time, ps.turn]
        elif list(after) != [ps.scene, ps.time, ps.turn]:
            return Result(False, f"{p.name} ended at {after}, the engine says "
                                 f"{[ps.scene, ps.time, ps.turn]}")
        self.ws, p.ps = ws, ps
        if rec["t"] == "choose":
            label = ps.history[-1].label if ps.history else "chose"
            p.last_action = label
        else:
            p.last_action = f"waited {format_duration(turn.minutes)}"
        self._note("act", f"{p.name}: {p.last_action} -> {self.hhmm(ps.time)}, "
                          f"{self.place_name(p)}", p.name)
        new_place = self.place_of(p)
        if new_place != before_place and p.connected:
            self._leave(p, before_place)
            self._arrive(p, before_place)
        if ws.flags != before_ws.flags:
            self._refresh_others(p, before_ws)
        return Result(True)

    def _refresh_others(self, actor: Player, before: WorldState) -> None:
        """Show others a scene that one player's action has changed under their feet."""
        if self.replaying:
            return
        for q in self.players.values():
            if q is actor or not q.connected or q.ps is None or q.ps.ending is not None:
                continue
            old = eng.view(self.world, before, q.ps)
            new = eng.view(self.world, self.ws, q.ps)
            if (old.text, old.choices) != (new.text, new.choices):
                self._tell(q, Notice("Something has changed around you."),
                           *self._screen(q, None))

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
        return self.apply({"t": "say", "name": p.name, "text": text})

    def _do_say(self, rec: dict[str, Any]) -> Result:
        p = self.player(str(rec["name"]))
        if p is None:
            return Result(False, "no such player")
        text = clean_text(str(rec["text"]))
        place = self.place_of(p)
        self.says.append((p.ps.time if p.ps else self.now, p.name, place or "", text))
        where = self.place_name(p)
        self._note("say", f"{p.name} @ {where}: {text}", p.name)
        heard = 0
        if place is not None:
            for q in self.others_here(p):
                heard += 1
                self._tell(q, Notice(f'{self.label(p)} says: "{text}"'))
        who = "nobody else is here to hear it" if not heard else \
            f"heard by {heard} other{'s' if heard > 1 else ''} here"
        self._tell(p, Notice(f'You say: "{text}" ({who}).'))
        return Result(True)

    def alert(self, name: str, text: str) -> Result:
        """A private `pause` alert from a student to the teacher."""
        p = self.player(name)
        if p is None or p.removed:
            return Result(False, "you are not in the class")
        return self.apply({"t": "alert", "name": p.name, "text": clean_text(text)})

    def _do_alert(self, rec: dict[str, Any]) -> Result:
        p = self.player(str(rec["name"]))
        if p is None:
            return Result(False, "no such player")
        text = clean_text(str(rec.get("text", "")))
        self.alerts.append((p.name, text))
        self._note("alert", f"PAUSE from {p.name}" + (f": {text}" if text else ""), p.name)
        self._tell(p, Notice("Your teacher has been told, and nobody else. They will come to "
                             "you. You can carry on or just wait."))
        return Result(True)

    # -- the facilitator

    def start(self) -> Result:
        return self.apply({"t": "start"})

    def _do_start(self, rec: dict[str, Any]) -> Result:
        if self.started:
            return Result(False, "the night has already started")
        self.started = True
        self._note("clock", f"The night has started: {self.clock_line()}")
        self._everyone(Notice(f"Your teacher has started the night. It is "
                              f"{self.hhmm(self.now)}; you may act until "
                              f"{self.hhmm(self.limit)}."))
        return Result(True)

    def set_paused(self, paused: bool) -> Result:
        return self.apply({"t": "pause" if paused else "resume"})

    def _do_pause(self, rec: dict[str, Any]) -> Result:
        if self.paused:
            return Result(False, "already paused")
        self.paused = True
        self._note("clock", "Paused: nobody can act until you `resume`.")
        self._everyone(Notice("Your teacher has paused the night."))
        return Result(True)

    def _do_resume(self, rec: dict[str, Any]) -> Result:
        if not self.paused:
            return Result(False, "not paused")
        self.paused = False
        self._note("clock", "Resumed.")
        self._everyone(Notice("The night goes on."))
        return Result(True)

    def advance(self, to: int, by: str = "teacher") -> Result:
        """Move the class clock to `to` (clock minutes): everyone behind is brought up to it."""
        return self.apply({"t": "advance", "to": to, "by": by})

    def _do_advance(self, rec: dict[str, Any]) -> Result:
        to = int(rec["to"])
        if to <= self.now:
            return Result(False, f"the clock is already at {self.hhmm(self.now)}; give a "
                                 "later time")
        if to > self.world.clock.end:
            return Result(False, f"the night ends at {self.hhmm(self.world.clock.end)}")
        teacher = rec.get("by", "teacher") == "teacher"
        self.now = to
        self.ws = eng.advance_world(self.world, self.ws, to)
        if teacher:
            self._note("clock", f"Clock moved on: {self.clock_line()}")
        for p in sorted(self.players.values(), key=lambda q: q.key):
            if p.removed:
                continue
            if p.ps is None:
                self._begin_if_due(p)
                if p.ps is not None:
                    self._arrive(p, None)
                continue
            if p.ps.ending is not None or p.ps.time >= to:
                if teacher:
                    self._tell(p, Notice(self._clock_news()))
                continue
            old_place = self.place_of(p)
            self.ws, p.ps, turn = eng.advance(self.world, self.ws, p.ps, to)
            if teacher or turn.narrations or turn.moved_by or turn.ended:
                if teacher:
                    self._tell(p, Notice(self._clock_news()))
                full = bool(turn.narrations or turn.moved_by or turn.ended)
                self._tell(p, *self._screen(p, turn, full))
            if self.place_of(p) != old_place and p.connected:
                self._leave(p, old_place)
                self._arrive(p, old_place)
        return Result(True)

    def _clock_news(self) -> str:
        return (f"The class clock moves on: it is now {self.hhmm(self.now)}. You may act "
                f"until {self.hhmm(self.limit)}.")

    def set_window(self, minutes: int) -> Result:
        return self.apply({"t": "window", "minutes": minutes})

    def _do_window(self, rec: dict[str, Any]) -> Result:
        m = int(rec["minutes"])
        if not 0 <= m <= 6 * 60:
            return Result(False, "give the window in minutes, 0 to 360")
        self.window = m
        self._note("clock", f"Players may now act {m} min ahead: {self.clock_line()}")
        return Result(True)

    def set_pace(self, per_minute: int) -> Result:
        return self.apply({"t": "pace", "per_minute": per_minute})

    def _do_pace(self, rec: dict[str, Any]) -> Result:
        n = int(rec["per_minute"])
        if not 0 <= n <= 120:
            return Result(False, "give the pace as game minutes per real minute, 0 to 120")
        self.pace = n
        self._note("clock", f"Pace: {n} game minutes per real minute" if n else
                   "Pace off: the clock moves only when you advance it")
        return Result(True)

    def broadcast(self, text: str) -> Result:
        text = clean_text(text, 500)
        if not text:
            return Result(False, "broadcast what?")
        return self.apply({"t": "broadcast", "text": text})

    def _do_broadcast(self, rec: dict[str, Any]) -> Result:
        text = clean_text(str(rec["text"]), 500)
        self._note("admin", f"Broadcast: {text}")
        self._everyone(Notice(f"From your teacher: {text}"))
        return Result(True)

    def set_locked(self, locked: bool) -> Result:
        return self.apply({"t": "lock", "locked": locked})

    def _do_lock(self, rec: dict[str, Any]) -> Result:
        self.locked = bool(rec["locked"])
        self._note("admin", "Lobby locked: only names already in the class can join" if
                   self.locked else "Lobby open: new names can join")
        return Result(True)

    def set_code(self, code: str) -> Result:
        code = code.strip()
        if not 3 <= len(code) <= 40 or not code.isprintable() or " " in code:
            return Result(False, "a class code is 3 to 40 characters without spaces")
        return self.apply({"t": "code", "code": code})

    def _do_code(self, rec: dict[str, Any]) -> Result:
        self.code = str(rec["code"])
        self._note("admin", f"Class code is now: {self.code}")
        return Result(True)

    def set_flag(self, name: str, what: str, on: bool) -> Result:
        """mute, freeze or remove (what) a player by name."""
        p = self.player(name)
        if p is None:
            return Result(False, f"no student called {name!r}")
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
        if p.removed:
            return Result(False, f"{p.name} is already removed")
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
                   ("no cap" if n is None else f"at most {n} players"))
        return Result(True)

    def assign(self, name: str, role: str) -> Result:
        if clean_name(name) is None:
            return Result(False, f"{name!r} is not a name")
        if role not in self.world.roles:
            return Result(False, f"no role {role!r}; roles: {', '.join(self.world.roles)}")
        if self.player(name) is not None:
            return Result(False, f"{name} has already joined as "
                                 f"{self.world.roles[self.players[name_key(name)].role].name}")
        return self.apply({"t": "assign", "name": clean_name(name), "role": role})

    def _do_assign(self, rec: dict[str, Any]) -> Result:
        self.assigned[name_key(str(rec["name"]))] = str(rec["role"])
        self._note("admin", f"{rec['name']} will play {self.world.roles[rec['role']].name}")
        return Result(True)

    def end(self) -> Result:
        return self.apply({"t": "end"})

    def _do_end(self, rec: dict[str, Any]) -> Result:
        if self.ended:
            return Result(False, "already ended")
        self._everyone(Notice("Your teacher has ended the session. Thank you for playing. "
                              "Goodbye."))
        self.ended = True
        self._note("admin", "Session ended.")
        return Result(True)

    def _everyone(self, out: Output) -> None:
        for p in self.players.values():
            self._tell(p, out)

    # ------------------------------------------------------------------ for screens

    def who_here(self, name: str) -> Info:
        p = self.players[name_key(name)]
        others = self.others_here(p)
        lines = [self.label(q) for q in others] or ["Nobody else from the class is here."]
        return Info(f"Here in {self.place_name(p)}", tuple(lines))

    def table(self) -> list[tuple[str, str, str, str, str, str]]:
        """Rows for the facilitator: name, role, place, time, last action, link."""
        rows = []
        for p in sorted(self.players.values(), key=lambda q: q.key):
            t = self.hhmm(p.ps.time) if p.ps else "-"
            if p.ps is not None and p.ps.ending is not None:
                t += " end"
            marks = [m for m, on in (("muted", p.muted), ("frozen", p.frozen)) if on]
            link = "removed" if p.removed else ("on" if p.connected else "lost")
            if marks:
                link += " (" + ", ".join(marks) + ")"
            rows.append((p.name, self.world.roles[p.role].name, self.place_name(p), t,
                         p.last_action, link))
        return rows

    def snapshot(self) -> dict[str, Any]:
        """Everything that replay must reproduce (for tests and consistency checks)."""
        return {
            "world": self.ws.to_dict(), "now": self.now, "window": self.window,
            "pace": self.pace, "started": self.started, "paused": self.paused,
            "locked": self.locked, "ended": self.ended, "code": self.code,
            "players": {k: {"name": p.name, "role": p.role, "muted": p.muted,
                            "frozen": p.frozen, "removed": p.removed,
                            "ps": p.ps.to_dict() if p.ps else None}
                        for k, p in sorted(self.players.items())},
            "says": len(self.says), "alerts": len(self.alerts),
        }


__all__ = ["JOURNAL_VERSION", "LogLine", "Player", "Result", "Room", "RoomError", "clean_name",
           "clean_text", "name_key"]
