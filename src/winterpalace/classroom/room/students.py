"""Students joining, rejoining, leaving and acting: each a record the room applies.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ... import engine
from ...engine import Turn, format_duration, told_turn
from ...session import Notice
from ..names import clean_name, name_key
from .clock import RoomClock
from .state import Player, Result


class RoomStudents(RoomClock):
    """A student's seat and their actions."""

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

    def choose(self, name: str, index: int) -> Turn:
        return self._act({"t": "choose", "name": name, "index": index})

    def wait(self, name: str, minutes: int | None) -> Turn:
        return self._act({"t": "wait", "name": name, "minutes": minutes})

    def _act(self, rec: dict[str, Any]) -> Turn:
        self._last_turn = None
        res = self.apply(rec)
        turn = self._take_last_turn()
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

    def _take_last_turn(self) -> Turn | None:
        """The turn the record just applied made (`_do_act` leaves it here), if any."""
        turn, self._last_turn = self._last_turn, None
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
            ws, ps, turn = engine.choose(self.world, self.ws, p.ps, int(rec["index"]),
                                      limit=self.limit)
        else:
            minutes = rec.get("minutes")
            ws, ps, turn = engine.wait(self.world, self.ws, p.ps,
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


__all__ = ["RoomStudents"]
