"""The classroom room with the lesson in it: class votes, caucus breaks, content mode.

PURE, like the room it extends: every change is a record, so the journal replays it. What it
adds to `classroom.room.Room`:

- **Votes the class decides.** For each vote marked in the scenario's `lesson:` section, the
  single-player event that would decide it (`replaces:`) is switched off; students' ballots are
  read from their own choices at the decision; the count (`votes.tally`) sets the world flag for
  everyone. The class clock holds at the vote's `hold:` time until it is counted: when every
  student delegate still in the night has voted, when the teacher closes it, or when the
  teacher moves the clock past it.
- **Caucus breaks.** The teacher pauses the night; meanwhile a delegate's `say` reaches only
  the delegates of their own faction, wherever they are (the teacher still sees every line).
  The transport ends the break after N minutes (`caucus_end`); the room keeps no machine clock.
- **Content mode.** Set before the night starts: wherever the author wrote a `told:` text (a
  scene's text, a choice's result, an event's narration, an ending's epilogue), it is shown
  instead (violence told, not shown).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..classroom.room import Player, Result, Room, clean_text, name_key
from ..engine import engine as eng
from ..engine.events import Turn, View, told_turn, told_view
from ..engine.model import Vote
from ..engine.state import WorldState
from ..session import Notice, Output, Screen
from . import votes as vt

BALLOTS = ("open", "secret")


class LessonRoom(Room):
    """A `Room` that runs the lesson. Call `setup()` once, before anyone joins."""

    def __init__(self, world: Any, code: str, window: int | None = None):
        if window is None:
            super().__init__(world, code)
        else:
            super().__init__(world, code, window)
        self.lesson_on = False
        self.ballot_mode = "open"
        self.gentle = False
        self.ballots: dict[str, dict[str, vt.Ballot]] = {}   # vote -> player key -> ballot
        self.counted: dict[str, vt.Tally] = {}
        self.caucus_minutes = 0                              # > 0 while a caucus break runs
        self.caucus_log: list[tuple[int, str, str, str]] = []   # (time, faction, name, text)

    # ------------------------------------------------------------------ set-up

    @property
    def votes(self) -> dict[str, Vote]:
        lesson = self.world.lesson
        return dict(lesson.votes) if lesson is not None and self.lesson_on else {}

    def setup(self, ballot: str = "open", gentle: bool = False) -> Result:
        """Turn the lesson on: open or secret ballots, content mode on or off."""
        return self.apply({"t": "lesson", "ballot": ballot, "gentle": gentle})

    def _do_lesson(self, rec: dict[str, Any]) -> Result:
        ballot = str(rec.get("ballot", "open"))
        if ballot not in BALLOTS:
            return Result(False, "the ballot is `open` or `secret`")
        if self.started or self.players:
            return Result(False, "set the lesson up before anyone joins")
        first = not self.lesson_on
        self.lesson_on = True
        self.ballot_mode = ballot
        self.gentle = bool(rec.get("gentle", False))
        if first:
            off = {v.replaces for v in self.votes.values() if v.replaces}
            # Deciding an event without firing it keeps the single-player result out of a
            # night whose votes the class casts.
            self.ws = dataclasses.replace(self.ws, decided=self.ws.decided | frozenset(off))
        self._note("admin", f"Lesson: {ballot} ballots; violence "
                   f"{'told, not shown' if self.gentle else 'shown'}; "
                   f"{len(self.votes)} class votes")
        return Result(True)

    # ------------------------------------------------------------------ the clock holds

    @property
    def limit(self) -> int:
        base = super().limit
        for vid, v in self.votes.items():
            if vid not in self.counted and v.hold >= self.now:
                base = min(base, v.hold)
        return base

    def open_votes(self) -> list[Vote]:
        """Votes not yet counted whose hold is the next the class will reach."""
        return [v for vid, v in sorted(self.votes.items(), key=lambda kv: kv[1].hold)
                if vid not in self.counted]

    def eligible(self, vote: Vote) -> list[Player]:
        """Students who could still vote: of the vote's role, in the night, not removed."""
        return [p for p in self.players.values()
                if p.role == vote.role and not p.removed and p.ps is not None
                and p.ps.ending is None and p.key not in self.ballots.get(vote.id, {})]

    def vote_status(self) -> list[str]:
        """Lines for the teacher: each vote, counted or how many have voted."""
        out = []
        for vid, v in sorted(self.votes.items(), key=lambda kv: kv[1].hold):
            if vid in self.counted:
                out.append(f"{vid}: counted at {self.hhmm(self.counted[vid].at)} - "
                           f"{self.counted[vid].line()}")
            else:
                cast = len(self.ballots.get(vid, {}))
                waiting = len(self.eligible(v))
                out.append(f"{vid}: open until {self.hhmm(v.hold)}; {cast} ballots cast, "
                           f"{waiting} delegates still to vote")
        return out or ["No class votes in this session."]

    def vote_here(self, p: Player) -> Vote | None:
        """The open class vote this player stands at (their choice there is their ballot)."""
        if p.ps is None or p.ps.ending is not None:
            return None
        for v in self.votes.values():
            if (v.scene == p.ps.scene and v.role == p.role and v.id not in self.counted
                    and p.key not in self.ballots.get(v.id, {})):
                return v
        return None

    def screen_notes(self, p: Player) -> list[Output]:
        notes = super().screen_notes(p)
        v = self.vote_here(p)
        if v is not None:
            how = ("Open ballot: the class will see how each of you voted." if
                   self.ballot_mode == "open" else
                   "Secret ballot: only the totals are shown.")
            notes.append(Notice(f"CLASS VOTE ({v.id}): your choice here is your ballot, cast "
                                f"with your faction's seats. {how} The count is made when "
                                "every delegate of the class has voted, or when your teacher "
                                "closes it.", "warning"))
        return notes

    # ------------------------------------------------------------------ ballots

    def _do_act(self, rec: dict[str, Any]) -> Result:
        res = super()._do_act(rec)
        if res.ok and self.lesson_on:
            p = self.player(str(rec["name"]))
            if p is not None:
                self._collect(p)
            self._count_if_all_in()
        return res

    def _collect(self, p: Player) -> None:
        for vid, v in self.votes.items():
            got = self.ballots.setdefault(vid, {})
            if vid in self.counted or p.key in got or p.role != v.role or p.ps is None:
                continue
            option = vt.ballot_option(self.world, v, p.ps)
            if option is None:
                continue
            got[p.key] = vt.Ballot(p.name, vt.faction_of(self.world, p.ps), option,
                                   vt.ballot_time(v, p.ps))
            shown = option if self.ballot_mode == "open" else "(secret)"
            self._note("act", f"ballot {vid}: {p.name} - {shown}", p.name)
            waiting = len(self.eligible(v))
            self._tell(p, Notice(f"Your ballot is in ({vid}: {option}). " + (
                f"Waiting for {waiting} more delegate{'s' if waiting != 1 else ''} of the "
                "class." if waiting else "Every delegate of the class has voted.")))

    def _count_if_all_in(self) -> None:
        for v in self.open_votes():
            if self.ballots.get(v.id) and not self.eligible(v):
                self._count(v)

    def close_vote(self, vote_id: str) -> Result:
        """The teacher closes a vote now: it is counted with the ballots cast so far."""
        if vote_id not in self.votes:
            return Result(False, f"no vote {vote_id!r}; votes: {', '.join(self.votes) or 'none'}")
        if vote_id in self.counted:
            return Result(False, f"{vote_id} has been counted already")
        return self.apply({"t": "vote_close", "vote": vote_id})

    def _do_vote_close(self, rec: dict[str, Any]) -> Result:
        v = self.votes.get(str(rec["vote"]))
        if v is None or v.id in self.counted:
            return Result(False, "no such open vote")
        self._count(v)
        return Result(True)

    def _do_advance(self, rec: dict[str, Any]) -> Result:
        to = int(rec["to"])
        if to > self.now:
            for v in self.open_votes():
                if v.hold <= to:
                    self._count(v)
        return super()._do_advance(rec)

    def _count(self, v: Vote) -> None:
        ballots = sorted(self.ballots.get(v.id, {}).values(), key=lambda b: name_key(b.name))
        at = max([self.now] + [b.time for b in ballots])
        t = vt.tally(self.world, v, ballots, at=at, secret=self.ballot_mode == "secret")
        self.counted[v.id] = t
        before = self.ws
        flags = dict(self.ws.flags)
        flags[v.flag] = t.value
        if v.seats_flag:
            flags[v.seats_flag] = t.seats_of(v.yes)
        self.ws = WorldState(self.ws.time, flags, self.ws.fired, self.ws.decided)
        self._note("clock", f"Vote {v.id} counted: {t.line()}")
        news = f"The Congress has voted ({v.id}): {t.line()}."
        if self.ballot_mode == "open" and ballots:
            news += " In your class: " + ", ".join(f"{b.name} {b.option}" for b in ballots) + "."
        for p in self.players.values():
            if p.role == v.role:
                self._tell(p, Notice(news))
        self._refresh_all(before)

    def _refresh_all(self, before: WorldState) -> None:
        if self.replaying:
            return
        for q in self.players.values():
            if not q.connected or q.ps is None or q.ps.ending is not None:
                continue
            old = eng.view(self.world, before, q.ps)
            new = eng.view(self.world, self.ws, q.ps)
            if (old.text, old.choices) != (new.text, new.choices):
                self._tell(q, Notice("Something has changed around you."),
                           *self._screen(q, None))

    # ------------------------------------------------------------------ caucus breaks

    def caucus(self, minutes: int) -> Result:
        """Pause the night for a caucus break of `minutes` real minutes."""
        if not 1 <= minutes <= 60:
            return Result(False, "give the break in minutes, 1 to 60")
        if self.caucus_minutes:
            return Result(False, "a caucus break is already running; `caucus end` ends it")
        return self.apply({"t": "caucus", "minutes": minutes})

    def _do_caucus(self, rec: dict[str, Any]) -> Result:
        self.caucus_minutes = int(rec["minutes"])
        self.paused = True
        self._note("clock", f"Caucus break: {self.caucus_minutes} min. Delegates' `say` "
                   "reaches only their own faction (you see every line).")
        for p in self.players.values():
            fac = vt.faction_of(self.world, p.ps)
            extra = (f" Your `say` now reaches only the {fac} delegates." if fac else "")
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
        self.paused = False
        self._note("clock", "Caucus break over: the night goes on.")
        self._everyone(Notice("The caucus break is over. The night goes on."))
        return Result(True)

    def _may_act(self, p: Player | None) -> str | None:
        if self.caucus_minutes and p is not None and not p.removed:
            return "caucus break: talk with your faction (`say ...`); the night goes on soon"
        return super()._may_act(p)

    def _do_say(self, rec: dict[str, Any]) -> Result:
        p = self.player(str(rec["name"]))
        fac = vt.faction_of(self.world, p.ps) if p is not None else None
        if not self.caucus_minutes or p is None or fac is None:
            return super()._do_say(rec)
        text = clean_text(str(rec["text"]))
        t = p.ps.time if p.ps else self.now
        self.caucus_log.append((t, fac, p.name, text))
        self._note("say", f"[caucus {fac}] {p.name}: {text}", p.name)
        heard = 0
        for q in sorted(self.players.values(), key=lambda q: q.key):
            if q is p or q.removed or vt.faction_of(self.world, q.ps) != fac:
                continue
            heard += 1
            self._tell(q, Notice(f'[{fac} caucus] {p.name} says: "{text}"'))
        self._tell(p, Notice(f'You say to your faction: "{text}" (heard by {heard} '
                             f'other{"" if heard == 1 else "s"} of the {fac} delegates).'))
        return Result(True)

    # ------------------------------------------------------------------ content mode

    def view(self, name: str) -> View:
        return self.gentle_view(super().view(name))

    def _screen(self, p: Player, turn: Any, full: bool = True) -> list[Output]:
        outs = super()._screen(p, turn, full)
        if not self.gentle:
            return outs
        return [Screen(told_view(o.view), told_turn(o.turn) if o.turn else None, o.full)
                if isinstance(o, Screen) else o for o in outs]

    def _act(self, rec: dict[str, Any]) -> Turn:
        turn = super()._act(rec)   # what the acting student is shown of their own turn
        return told_turn(turn) if self.gentle else turn

    def gentle_view(self, view: View) -> View:
        """The view with the author's `told:` texts in place of the shown ones, in content mode."""
        return told_view(view) if self.gentle else view

    # ------------------------------------------------------------------ journal

    def opening_record(self) -> dict[str, Any]:
        rec = super().opening_record()
        rec["lesson"] = True
        return rec

    def snapshot(self) -> dict[str, Any]:
        snap = super().snapshot()
        snap["lesson"] = {"on": self.lesson_on, "ballot": self.ballot_mode,
                          "gentle": self.gentle,
                          "counted": {k: [t.value, {o: round(n, 3) for o, n in t.seats.items()}]
                                      for k, t in sorted(self.counted.items())},
                          "ballots": {k: sorted((b.name, b.option) for b in v.values())
                                      for k, v in sorted(self.ballots.items())},
                          "caucus": self.caucus_minutes}
        return snap


def replay(world: Any, records: list[dict[str, Any]]) -> LessonRoom:
    """Rebuild a lesson room from a session journal (a plain classroom journal works too)."""
    room = LessonRoom.replay(world, records)
    assert isinstance(room, LessonRoom)
    return room


__all__ = ["BALLOTS", "LessonRoom", "replay"]
