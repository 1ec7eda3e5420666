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

`Room` is built in layers, one module each, lowest first: `state` (the state and what can
be read from it), `news` (what the room tells people), `votes` (votes and caucus
breaks), `clock` (the teacher's clock, everyone brought along), `students` (joining
and acting), `teacher` (the teacher's other commands); this module puts them together
with the journal: the table of record kinds, `apply` and `replay`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ... import engine
from ...engine import World
from ..codes import CodeCheck
from ..names import clean_name, clean_text, name_key
from .state import DEFAULT_WINDOW, JOURNAL_VERSION, LogLine, Player, Result, RoomError
from .teacher import RoomTeacher


class Room(RoomTeacher):
    """The shared night. Change it only through the public methods (each makes one record)."""

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
            except (KeyError, TypeError, ValueError, engine.EngineError) as e:
                raise RoomError(f"journal line {n}: {type(e).__name__}: {e}") from None
            if not res.ok:
                raise RoomError(f"journal line {n} does not replay: {res.message}")
        room.replaying = False
        room.outbox.clear()
        room.log.clear()
        room.records.clear()
        return room

    def apply(self, rec: dict[str, Any]) -> Result:
        """Apply one record. Accepted records are added to `records` (for the journal)."""
        handler = _BY_KIND.get(str(rec.get("t")))
        if handler is None:
            return Result(False, f"unknown record {rec.get('t')!r}")
        res: Result = handler(self, rec)
        if res.ok and not self.replaying:
            self.records.append(rec)
        return res

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


# Every kind of record the room journals, and the method that applies it (live and in replay).
_BY_KIND: dict[str, Callable[[Room, dict[str, Any]], Result]] = {
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
