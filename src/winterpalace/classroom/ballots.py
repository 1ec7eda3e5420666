"""The class's votes: the scenario's marked votes, the ballots students cast, the counts.

PURE. The room owns one `ClassVotes` and tells it who chose what; the counting itself is the
engine's (`engine.votes`). For each marked vote the single-player event that would decide it
(`replaces:`) is switched off in the shared night; students' ballots are read from their own
choices at the decision; the class clock holds at the vote's `hold:` time until it is counted.
"""

from __future__ import annotations

from ..engine import Ballot, PlayerState, Tally, Vote, World, ballot_option, ballot_time, tally

BALLOTS = ("open", "secret")


class ClassVotes:
    """Ballots and counts for every vote the scenario marks (none when it marks none)."""

    def __init__(self, world: World, secret: bool = False):
        lesson = world.lesson
        self.world = world
        self.votes: dict[str, Vote] = dict(lesson.votes) if lesson is not None else {}
        self.secret = secret
        self.ballots: dict[str, dict[str, Ballot]] = {}   # vote -> player key -> ballot
        self.counted: dict[str, Tally] = {}

    def replaced_events(self) -> frozenset[str]:
        """The single-player events the class's votes take the place of."""
        return frozenset(v.replaces for v in self.votes.values() if v.replaces)

    def by_hold(self) -> list[Vote]:
        return sorted(self.votes.values(), key=lambda v: (v.hold, v.id))

    def open_votes(self) -> list[Vote]:
        """Votes not yet counted, the nearest hold first."""
        return [v for v in self.by_hold() if v.id not in self.counted]

    def hold(self, now: int, limit: int) -> int:
        """`limit`, cut back to the hold of any vote still open at or after `now`."""
        for v in self.open_votes():
            if v.hold >= now:
                limit = min(limit, v.hold)
        return limit

    def has_voted(self, vote: Vote, key: str) -> bool:
        return key in self.ballots.get(vote.id, {})

    def here(self, key: str, ps: PlayerState | None) -> Vote | None:
        """The open vote a player stands at (their choice there is their ballot)."""
        if ps is None or ps.ending is not None:
            return None
        for v in self.votes.values():
            if (v.scene == ps.scene and v.role == ps.role and v.id not in self.counted
                    and not self.has_voted(v, key)):
                return v
        return None

    def collect(self, key: str, name: str, faction: str | None,
                ps: PlayerState | None) -> list[tuple[Vote, str]]:
        """Ballots the player's choices have cast since last asked: (vote, option) each."""
        cast = []
        for v in self.votes.values():
            if v.id in self.counted or ps is None or ps.role != v.role \
                    or self.has_voted(v, key):
                continue
            option = ballot_option(self.world, v, ps)
            if option is None:
                continue
            self.ballots.setdefault(v.id, {})[key] = Ballot(name, faction, option,
                                                               ballot_time(v, ps))
            cast.append((v, option))
        return cast

    def count(self, vote: Vote, now: int, key_of: dict[str, str]) -> Tally:
        """Count `vote` now with the ballots cast so far; `key_of` orders them by name."""
        ballots = sorted(self.ballots.get(vote.id, {}).values(),
                         key=lambda b: key_of.get(b.name, b.name))
        at = max([now] + [b.time for b in ballots])
        counted = tally(self.world, vote, ballots, at=at, secret=self.secret)
        self.counted[vote.id] = counted
        return counted

    def snapshot(self) -> dict[str, object]:
        return {"secret": self.secret,
                "counted": {k: [t.value, {o: round(n, 3) for o, n in t.seats.items()}]
                            for k, t in sorted(self.counted.items())},
                "ballots": {k: sorted((b.name, b.option, b.faction or "") for b in v.values())
                            for k, v in sorted(self.ballots.items())}}


__all__ = ["BALLOTS", "ClassVotes"]
