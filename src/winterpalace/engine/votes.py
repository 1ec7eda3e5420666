"""Counting the Congress's marked votes: the class's ballots, and 1917 for everyone else.

PURE: plain data in, a `Tally` out. A faction that students play casts its 1917 seats with
them, shared equally among its students who voted; a faction nobody in the class voted for
votes as it did in 1917. A student whose faction has no seat count carries one seat.

In single-player the player is one delegate among 670: their ballot is counted as one seat and
everyone else votes as in 1917, so the result is history's (as the delegate's scenes say).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Vote, World
from .state import PlayerState

ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class Ballot:
    """One student's ballot: their handle, their faction (or None), the option they chose."""

    name: str
    faction: str | None
    option: str
    time: int = 0


@dataclass(frozen=True)
class Tally:
    """A counted vote."""

    vote: Vote
    seats: dict[str, float]                    # option (and `absent`) -> seats
    by_faction: dict[str, dict[str, float]]    # faction -> option -> seats
    from_class: frozenset[str]                 # factions whose seats the students cast
    ballots: tuple[Ballot, ...]
    carried: bool
    value: Any                                 # what the vote's flag becomes
    at: int = 0                                # clock minute it was counted
    secret: bool = False
    notes: tuple[str, ...] = field(default=())

    def seats_of(self, option: str) -> int:
        return round(self.seats.get(option, 0.0))

    def line(self) -> str:
        """`carried: for 370, against 300, abstain 0 (absent 0)`."""
        parts = [f"{o} {self.seats_of(o)}" for o, _ in self.vote.options]
        if self.seats.get(ABSENT):
            parts.append(f"not in the hall {self.seats_of(ABSENT)}")
        word = "carried" if self.carried else ("lost" if self.vote.rule == "majority"
                                                else "nobody")
        if self.vote.rule == "any":
            word = "yes" if self.carried else "no"
        return f"{word}: " + ", ".join(parts)


def faction_of(world: World, ps: PlayerState | None) -> str | None:
    """The player's faction (the lesson's faction variable), or None."""
    lesson = world.lesson
    if lesson is None or lesson.faction_variable is None or ps is None:
        return None
    value = ps.vars.get(lesson.faction_variable)
    return value if isinstance(value, str) and value in lesson.factions else None


def ballot_option(world: World, vote: Vote, ps: PlayerState | None) -> str | None:
    """The option this player chose at the vote's decision, or None if they have not voted.

    A player has voted once they have taken a choice in the decision's scene and left it; the
    option is read from the ballot variable that choice set.
    """
    if ps is None or ps.role != vote.role or ps.scene == vote.scene:
        return None
    if not any(s.scene == vote.scene and s.kind == "choice" for s in ps.history):
        return None
    value = ps.vars.get(vote.ballot)
    for option, v in vote.options:
        if v == value and type(v) is type(value):
            return option
    return None


def ballot_time(vote: Vote, ps: PlayerState) -> int:
    """When the player's ballot was in: the moment they left the decision's scene."""
    left = None
    for i, (_, s) in enumerate(ps.trail):
        if s == vote.scene and i + 1 < len(ps.trail):
            left = ps.trail[i + 1][0]
    return left if left is not None else ps.time


def tally(world: World, vote: Vote, ballots: list[Ballot], at: int = 0,
          secret: bool = False) -> Tally:
    """Count a vote from the class's ballots, with 1917 for the factions nobody played."""
    lesson = world.lesson
    factions = lesson.factions if lesson else {}
    seats: dict[str, float] = {o: 0.0 for o, _ in vote.options}
    seats[ABSENT] = 0.0
    by_faction: dict[str, dict[str, float]] = {}
    groups: dict[str, list[Ballot]] = {}
    loose: list[Ballot] = []
    for b in ballots:
        if b.faction in factions:
            groups.setdefault(b.faction, []).append(b)
        else:
            loose.append(b)
    notes = []
    for fid, f in factions.items():
        if f.role != vote.role:
            continue
        share: dict[str, float] = {}
        if fid in groups:
            each = f.seats / len(groups[fid])
            for b in groups[fid]:
                share[b.option] = share.get(b.option, 0.0) + each
        else:
            hist = vote.history.get(fid)
            if hist is None:
                notes.append(f"{fid}: no 1917 record given; counted as not in the hall")
                hist = ((ABSENT, 1.0),)
            for option, part in hist:
                share[option] = share.get(option, 0.0) + f.seats * part
        by_faction[fid] = share
        for option, n in share.items():
            seats[option] = seats.get(option, 0.0) + n
    for b in loose:
        seats[b.option] = seats.get(b.option, 0.0) + 1.0
        by_faction.setdefault("(no faction)", {})
        by_faction["(no faction)"][b.option] = by_faction["(no faction)"].get(b.option, 0) + 1
    return _decide(vote, seats, by_faction, frozenset(groups), tuple(ballots), at, secret,
                   tuple(notes))


def single_player(world: World, vote: Vote, option: str | None, faction: str | None,
                  at: int = 0) -> Tally:
    """The vote in a one-player night: the player is one delegate, the rest as in 1917.

    `option` None means the player was not in the hall for it.
    """
    lesson = world.lesson
    factions = lesson.factions if lesson else {}
    seats: dict[str, float] = {o: 0.0 for o, _ in vote.options}
    seats[ABSENT] = 0.0
    by_faction: dict[str, dict[str, float]] = {}
    for fid, f in factions.items():
        if f.role != vote.role:
            continue
        n = f.seats - (1 if fid == faction else 0)
        share: dict[str, float] = {}
        for opt, part in vote.history.get(fid, ((ABSENT, 1.0),)):
            share[opt] = share.get(opt, 0.0) + n * part
        if fid == faction:
            key = option or ABSENT
            share[key] = share.get(key, 0.0) + 1
        by_faction[fid] = share
        for opt, k in share.items():
            seats[opt] = seats.get(opt, 0.0) + k
    if faction not in factions:
        seats[option or ABSENT] = seats.get(option or ABSENT, 0.0) + 1
    ballots = (Ballot("you", faction, option),) if option else ()
    return _decide(vote, seats, by_faction, frozenset(), ballots, at, False, ())


def _decide(vote: Vote, seats: dict[str, float], by_faction: dict[str, dict[str, float]],
            from_class: frozenset[str], ballots: tuple[Ballot, ...], at: int, secret: bool,
            notes: tuple[str, ...]) -> Tally:
    yes = seats.get(vote.yes, 0.0)
    if vote.rule == "any":
        carried = yes >= 0.5
    else:
        carried = yes > seats.get(vote.no or "", 0.0)
    return Tally(vote, seats, by_faction, from_class, ballots, carried,
                 vote.carried if carried else vote.lost, at, secret, notes)


def historical(world: World, vote: Vote) -> Tally:
    """The vote as 1917 cast it (nobody from the class): what the debrief compares with."""
    return tally(world, vote, [])


__all__ = ["ABSENT", "Ballot", "Tally", "ballot_option", "ballot_time", "faction_of",
           "historical", "single_player", "tally"]
