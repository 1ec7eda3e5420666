"""The door: who may try the class code, how often, and how many may be inside at once.

Transport-neutral (SSH, telnet, and later the browser use the same door). Nothing here knows
the code; it only counts, refuses and says how long to wait:

- **connections**: at most `max_connections` open at once, `max_per_address` from one
  address and `max_pending` still at the class code; a connection over a cap is refused at
  once with a sentence saying why;
- **tries**: `tries_per_connection` codes per connection; after `free_per_address` wrong codes
  from one address in a minute, each further wrong code waits twice as long as the last (up to
  `max_delay`); `lock_per_address` wrong codes in ten minutes shut that address out for the
  rest of the ten minutes;
- **overall**: at most `overall_per_minute` wrong codes a minute for the whole server; past
  that, codes are not even checked until the minute has passed. This caps guessing whatever
  the number of addresses: at 60 a minute, a school day is about 30,000 guesses against the
  2.4e10 codes `codes.new_code` makes.

Wrong codes are reported once a minute (`take_report`), for the console and the journal.
`RateLimit` is the token bucket the server also uses for `say`, alerts and typed lines.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

MINUTE = 60.0
LOCK_WINDOW = 600.0


@dataclass(frozen=True, slots=True)
class DoorLimits:
    max_connections: int = 150
    max_per_address: int = 60
    max_pending: int = 40
    tries_per_connection: int = 3
    free_per_address: int = 5
    lock_per_address: int = 30
    overall_per_minute: int = 60
    wrong_delay: float = 1.0
    max_delay: float = 30.0


@dataclass
class _Address:
    open: int = 0
    pending: int = 0
    wrong: deque[float] = field(default_factory=deque)   # times of wrong codes (10 minutes)
    reported: int = 0                                    # wrong codes not yet reported


class Door:
    """Counts connections and wrong codes; says whether to let a connection or a try in."""

    def __init__(self, limits: DoorLimits | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.limits = limits or DoorLimits()
        self.clock = clock
        self.addresses: dict[str, _Address] = {}
        self.open_count = 0
        self.pending_count = 0
        self.wrong_all: deque[float] = deque()           # the whole server, last minute

    def _addr(self, address: str) -> _Address:
        a = self.addresses.get(address)
        if a is None:
            a = self.addresses[address] = _Address()
        return a

    def _forget_old(self, a: _Address, now: float) -> None:
        while a.wrong and now - a.wrong[0] > LOCK_WINDOW:
            a.wrong.popleft()
        while self.wrong_all and now - self.wrong_all[0] > MINUTE:
            self.wrong_all.popleft()

    # -- connections

    def arrive(self, address: str) -> str | None:
        """A new connection from `address`: None to let it in (counted), else why not."""
        lim = self.limits
        a = self._addr(address)
        self._forget_old(a, self.clock())
        if self.open_count >= lim.max_connections:
            return (f"The class is full: {lim.max_connections} connection"
                    f"{'s are' if lim.max_connections != 1 else ' is'} open. Ask "
                    "your teacher.")
        if a.open >= lim.max_per_address:
            return (f"Too many connections from your network ({lim.max_per_address}). Close "
                    "one, or ask your teacher.")
        if self.pending_count >= lim.max_pending:
            return "Too many people are typing the class code right now. Try again in a moment."
        if len(a.wrong) >= lim.lock_per_address:
            return ("Too many wrong class codes from your network: wait ten minutes, or ask "
                    "your teacher.")
        a.open += 1
        a.pending += 1
        self.open_count += 1
        self.pending_count += 1
        return None

    def admitted(self, address: str) -> None:
        """The connection gave the right code: no longer waiting at the door."""
        a = self._addr(address)
        if a.pending > 0:
            a.pending -= 1
            self.pending_count -= 1

    def leave(self, address: str, admitted: bool) -> None:
        """A connection counted by `arrive` has closed."""
        a = self._addr(address)
        if not admitted and a.pending > 0:
            a.pending -= 1
            self.pending_count -= 1
        a.open = max(0, a.open - 1)
        self.open_count = max(0, self.open_count - 1)
        if not a.open and not a.wrong and not a.reported:
            del self.addresses[address]

    # -- codes

    def may_try(self, address: str) -> str | None:
        """Whether a code from `address` may be checked now (None), else why not."""
        now = self.clock()
        a = self._addr(address)
        self._forget_old(a, now)
        if len(self.wrong_all) >= self.limits.overall_per_minute:
            return ("The server is refusing wrong class codes from many computers just now. "
                    "Wait a minute, then try again.")
        if len(a.wrong) >= self.limits.lock_per_address:
            return "Too many wrong class codes from your network: wait ten minutes."
        return None

    def wrong(self, address: str) -> float:
        """Count a wrong code from `address`; returns how long to wait before saying no."""
        now = self.clock()
        a = self._addr(address)
        self._forget_old(a, now)
        a.wrong.append(now)
        a.reported += 1
        self.wrong_all.append(now)
        recent = sum(1 for t in a.wrong if now - t <= MINUTE)
        over = recent - self.limits.free_per_address
        delay = self.limits.wrong_delay * (2 ** over if over > 0 else 1)
        return min(delay, self.limits.max_delay)

    def unblock(self) -> int:
        """Forget every wrong code (the teacher's `unblock`): addresses shut out may try again.
        Returns how many addresses were shut out."""
        shut = sum(1 for a in self.addresses.values()
                   if len(a.wrong) >= self.limits.lock_per_address)
        for a in self.addresses.values():
            a.wrong.clear()
        self.wrong_all.clear()
        return shut

    def take_report(self) -> list[tuple[str, int]]:
        """(address, wrong codes) since the last report, most first; resets the counts."""
        out = [(addr, a.reported) for addr, a in self.addresses.items() if a.reported]
        for addr, _ in out:
            self.addresses[addr].reported = 0
        for addr in [k for k, a in self.addresses.items()
                     if not a.open and not a.reported and not a.wrong]:
            del self.addresses[addr]
        return sorted(out, key=lambda x: (-x[1], x[0]))


class RateLimit:
    """A token bucket: `burst` at once, then `per_second` on average."""

    def __init__(self, per_second: float, burst: float,
                 clock: Callable[[], float] = time.monotonic):
        self.rate, self.burst, self.clock = per_second, burst, clock
        self.tokens = burst
        self.last = clock()

    def wait(self) -> float:
        """Take a token: 0.0 if allowed now, else the seconds until one is free (not taken)."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


__all__ = ["Door", "DoorLimits", "RateLimit"]
