"""The class's votes and caucus breaks: ballots collected as delegates choose, a vote counted
when every delegate has voted (or the teacher closes it, or the clock passes its hold), and a
caucus break that stops the night while factions talk.
"""

from __future__ import annotations

from typing import Any

from ...engine import Vote, WorldState
from ...session import Notice, quantity
from .news import RoomNews
from .state import Player, Result


class RoomVotes(RoomNews):
    """Votes and caucus breaks."""

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
                out.append(f"{v.id}: open until {self.hhmm(v.hold)}; "
                           f"{quantity(cast, 'ballot')} cast, "
                           f"{quantity(len(self.eligible(v)), 'delegate')} still to vote")
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
                                 f"{quantity(self.caucus_minutes, 'minute')}.{extra}"))
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


__all__ = ["RoomVotes"]
