"""What the room tells people: each student's screen and the notes under it, who comes and
goes, a scene the shared night changed under someone's feet, what students say (live only:
nothing here is journaled), and the teacher's table of students.
"""

from __future__ import annotations

from ... import engine
from ...engine import Turn, WorldState, told_turn, told_view
from ...session import Info, Notice, Output, Screen
from ..names import clean_text, name_key, role_phrase
from .state import Player, Result, RoomState


class RoomNews(RoomState):
    """The room's words to students and to the teacher."""

    def presence(self, p: Player) -> Notice | None:
        """Who else is in the player's place, or None if nobody."""
        others = self.others_here(p)
        if not others:
            return None
        names = ", ".join(self.label(q) for q in others)
        verb = "is" if len(others) == 1 else "are"
        return Notice(f"{names} {verb} here with you.")

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

    def _screen(self, p: Player, turn: Turn | None, full: bool = True) -> list[Output]:
        assert p.ps is not None
        view = engine.view(self.world, self.ws, p.ps)
        if self.gentle:
            view, turn = told_view(view), told_turn(turn) if turn is not None else None
        return [Screen(view, turn, full), *self.screen_notes(p)]

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
            old = engine.view(self.world, before, q.ps)
            new = engine.view(self.world, self.ws, q.ps)
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


__all__ = ["RoomNews"]
