"""The world clock: minutes counted from midnight of the clock's first day, and how to show them.

A scenario's night is at most 24 hours long, so a bare `HH:MM` is unambiguous: it means the
first such moment at or after the clock's start. `01:30` in a night that starts at 06:00 on
25 October is 01:30 on the 26th.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

MINUTES_PER_DAY = 24 * 60
_HHMM = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))   # every turn shows one

_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# `1h30m`, `90 min`, `2 hours 15 minutes`, `2h30` (minutes after hours may leave out their unit);
# `2w`, `3 days 4h` where weeks and days are allowed (`long=True`).
_DURATION_RE = re.compile(r"""
    (?:(?P<w>\d+)\s*(?:weeks?|wks?|w)(?![a-z])\s*,?\s*(?:and\s+)?)?
    (?:(?P<d>\d+)\s*(?:days?|d)(?![a-z])\s*,?\s*(?:and\s+)?)?
    (?:(?P<h>\d+)\s*(?:hours?|hrs?|h)(?![a-z])\s*,?\s*(?:and\s+)?)?
    (?:(?P<m>\d+)\s*(?P<unit>minutes?|mins?|m)?)?
""", re.VERBOSE | re.IGNORECASE | re.ASCII)
_TIME_SHAPE_RE = re.compile(r"\d{1,2}:\d{2}")
UNTIL_WORDS = ("until", "till", "til", "to")
_STAMP_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T]([01]?\d|2[0-3]):([0-5]\d)$")


def parse_hhmm(text: str) -> int | None:
    """Minutes after midnight for `HH:MM`, or None if `text` is not a time of day."""
    m = _TIME_RE.match(text.strip())
    if not m:
        return None
    return int(m.group(1)) * 60 + int(m.group(2))


def parse_duration(text: str, bare: bool = False, *, long: bool = False) -> int | None:
    """Minutes for a duration, or None if `text` is not one.

    The one grammar for durations, in scene files, at the prompt and on the command line:
    `10m`, `1h`, `1h30m`, `2h30`, `90 min`, `2 hours 15 minutes` (units in any case, spaces
    optional; `m` is minutes). A bare number (`30`) is a duration only when `bare` is true, as
    minutes: the prompt allows it, the scene format asks for a unit. Weeks and days before the
    hours (`2w`, `30d`, `1d12h`, `3 days`, `1 week 2 days`) only when `long` is true: a night
    is at most a day long, so scene files and the prompt do not take them, while
    `classroom purge --older-than` does.
    """
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text) if bare else None
    m = _DURATION_RE.fullmatch(text)
    if not m:
        return None
    w, d, h, mins = m.group("w", "d", "h", "m")
    if (w is not None or d is not None) and not long:
        return None
    if w is None and d is None and h is None and mins is None:
        return None
    if max(len(g or "") for g in (w, d, h, mins)) > 15:
        return None   # more minutes than any night; and int() of thousands of digits fails
    if h is None and m.group("unit") is None and mins is not None:
        return None      # minutes need their unit unless they follow hours (`2h30`)
    return ((int(w or 0) * 7 + int(d or 0)) * 24 + int(h or 0)) * 60 + int(mins or 0)


def until_time(text: str) -> str | None:
    """The time in `until 22:00` (or `till`, `til`, `to`), as typed; None if `text` is not
    one word of those and one more. The other half of the grammar of a wait, beside
    `parse_duration`: `wait 30`, `wait 1h30m`, `wait until 22:00`."""
    words = text.split()
    if len(words) == 2 and words[0].lower() in UNTIL_WORDS:
        return words[1]
    return None


def time_shaped(text: str) -> bool:
    """Whether `text` has the shape of a time of day, `H:MM` or `HH:MM` (a wait asks for one
    and says so if it is not a time of the night)."""
    return _TIME_SHAPE_RE.fullmatch(text) is not None


def format_duration(minutes: int) -> str:
    """`75` -> `1 h 15 min`, `10` -> `10 min`."""
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} h {m} min"
    if h:
        return f"{h} h"
    return f"{m} min"


@dataclass(frozen=True, slots=True)
class Reading:
    """What a clock shows at one moment, as data a front end formats."""

    minutes: int
    hhmm: str
    weekday: str
    day: int
    month: str
    year: int
    new_style: str | None  # e.g. "8 Nov" when the scenario's calendar is Julian
    part_of_day: str

    def line(self) -> str:
        """`01:40 · Thu 26 Oct 1917 (O.S.) / 8 Nov (N.S.)`."""
        date = f"{self.weekday[:3]} {self.day} {self.month[:3]} {self.year}"
        if self.new_style:
            return f"{self.hhmm} · {date} (O.S.) / {self.new_style} (N.S.)"
        return f"{self.hhmm} · {date}"

    def short(self) -> str:
        """`01:40 · Thu 26 Oct 1917 O.S.`: the line for a narrow screen."""
        date = f"{self.weekday[:3]} {self.day} {self.month[:3]} {self.year}"
        return f"{self.hhmm} · {date}" + (" O.S." if self.new_style else "")

    def sentence(self) -> str:
        """`01:40, Thursday 26 October 1917 (Old Style); 8 November (New Style).`"""
        date = f"{self.weekday} {self.day} {self.month} {self.year}"
        if self.new_style:
            return f"{self.hhmm}, {date} (Old Style); {self.new_style_long} (New Style)."
        return f"{self.hhmm}, {date}."

    @property
    def new_style_long(self) -> str:
        if not self.new_style:
            return ""
        day, mon = self.new_style.split()
        return f"{day} {_MONTHS_LONG[_MONTHS_SHORT.index(mon)]}"


_MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]
_MONTHS_SHORT = [m[:3] for m in _MONTHS_LONG]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True, slots=True)
class Clock:
    """The scenario's clock: a first day, a start and an end in minutes from its midnight."""

    first_day: _dt.date
    start: int
    end: int
    julian: bool = True

    @classmethod
    def parse_stamp(cls, text: str) -> tuple[_dt.date, int] | None:
        """`1917-10-25 06:00` -> (date, minutes after midnight)."""
        m = _STAMP_RE.match(text.strip())
        if not m:
            return None
        try:
            day = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        return day, int(m.group(4)) * 60 + int(m.group(5))

    def resolve(self, hhmm_minutes: int) -> int:
        """Place a time of day in the night: the first such moment at or after the start."""
        start_of_day = self.start % MINUTES_PER_DAY
        day_offset = self.start - start_of_day
        if hhmm_minutes < start_of_day:
            return day_offset + hhmm_minutes + MINUTES_PER_DAY
        return day_offset + hhmm_minutes

    def parse_time(self, text: str) -> int | None:
        """A `HH:MM` literal as clock minutes, or None."""
        tod = parse_hhmm(text)
        return None if tod is None else self.resolve(tod)

    def hhmm(self, minutes: int) -> str:
        return _HHMM[minutes % MINUTES_PER_DAY]

    def read(self, minutes: int) -> Reading:
        """The reading of the clock at `minutes` (memoised: a night has at most 1,441 of them;
        by the clock itself, not its hash, which a frozen record works out on every call)."""
        got = _READINGS.get(id(self))
        if got is None or got[0] is not self:
            if len(_READINGS) >= 64:
                _READINGS.clear()    # clocks of worlds long gone (tests make many)
            got = _READINGS[id(self)] = (self, {})
        reading = got[1].get(minutes)
        if reading is None:
            reading = got[1][minutes] = self._read(minutes)
        return reading

    def _read(self, minutes: int) -> Reading:
        day = self.first_day + _dt.timedelta(days=minutes // MINUTES_PER_DAY)
        # The stored date is the scenario's own calendar; the real weekday is the Gregorian one.
        real = day + _dt.timedelta(days=_julian_offset(day)) if self.julian else day
        new_style = f"{real.day} {_MONTHS_SHORT[real.month - 1]}" if self.julian else None
        tod = minutes % MINUTES_PER_DAY
        return Reading(minutes=minutes, hhmm=self.hhmm(minutes), weekday=_WEEKDAYS[real.weekday()],
                       day=day.day, month=_MONTHS_LONG[day.month - 1], year=day.year,
                       new_style=new_style, part_of_day=_part_of_day(tod))


_READINGS: dict[int, tuple[Clock, dict[int, Reading]]] = {}   # id(clock) -> (clock, readings)


def _julian_offset(day: _dt.date) -> int:
    """Days the Julian calendar runs behind the Gregorian one (13 in 1900-2099)."""
    century = day.year // 100
    return century - century // 4 - 2


def _part_of_day(tod: int) -> str:
    h = tod // 60
    if h < 5:
        return "night"
    if h < 8:
        return "dawn"
    if h < 12:
        return "morning"
    if h < 17:
        return "afternoon"
    if h < 21:
        return "evening"
    return "night"
