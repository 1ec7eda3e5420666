"""The teacher's commands that are not the clock's or the votes': the lobby, the class code,
muting, freezing and removing a student, caps and assigned roles, the end; and the door's
report of wrong codes (journaled, changing nothing).
"""

from __future__ import annotations

from typing import Any

from ...session import Notice, quantity
from ..codes import CodeCheck
from ..names import clean_name, name_key
from .state import Result
from .students import RoomStudents


class RoomTeacher(RoomStudents):
    """The teacher's other commands."""

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
                   ("no cap" if n is None else f"at most {quantity(int(n), 'student')}"))
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


__all__ = ["RoomTeacher"]
