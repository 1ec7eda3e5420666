"""The teacher's clock: starting, pausing, moving the class clock on, the window and the pace;
and how a moving clock brings every student along (events on the way reach them, a choice the
scenario cannot do without is made for them, a late joiner is carried to where the night is).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ... import engine
from ...engine import PlayerState, Turn, WorldState
from ...session import Info, Notice, Output
from .state import CARRY_STEP, MAX_HOPS, Player, Result
from .votes import RoomVotes


class RoomClock(RoomVotes):
    """The class clock and everyone brought along with it."""

    def _begin_if_due(self, p: Player) -> bool:
        """Start a player's night once the class clock reaches their role's start, and bring
        a late joiner all the way to the class clock (what they missed comes as news).
        Whether their night began just now."""
        start = self.world.roles[p.role].start_time
        if p.ps is not None or self.now < start:
            return False
        ws, ps, turn = engine.start(self.world, p.role, p.seed, player_id=p.name, shared=self.ws)
        self.ws, p.ps = ws, ps
        notes: list[Output] = []
        if self.now > ps.time:
            later, notes = self._bring(p, self.now, carry=True)
            p.last_action = f"brought to {self.hhmm(p.ps.time)}"
            turn = dataclasses.replace(later, narrations=turn.narrations + later.narrations)
        self._tell(p, *notes, *self._screen(p, turn))
        return True

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
                ws, ps, turn = engine.advance(self.world, ws, ps, until)
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
        for c in engine.view(self.world, ws, ps).enabled():
            ch = scene.choices[c.index]
            dest = self.world.scenes.get(ch.go) if ch.go else None
            if dest is None or ch.go == ps.scene or dest.ending is not None \
                    or ps.time + ch.takes > to:
                continue
            ws2, ps2, turn = engine.choose(self.world, ws, ps, c.index)
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
        for c in engine.view(self.world, ws, ps).enabled():
            ws2, ps2, turn = engine.choose(self.world, ws, ps, c.index)
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
        self.ws = engine.advance_world(self.world, self.ws, to)
        for p in sorted(self.players.values(), key=lambda q: q.key):
            if p.removed:
                continue
            if p.ps is None:
                if self._begin_if_due(p):
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


__all__ = ["RoomClock"]
