"""What the engine tells a front end: typed records, never markup."""

from __future__ import annotations

from dataclasses import dataclass

from .clock import Reading


@dataclass(slots=True)
class Narration:
    """A world event as it reached one player."""

    time: int
    hhmm: str
    event: str
    title: str
    text: str
    moved: bool = False        # the event carried the player elsewhere


@dataclass(slots=True)
class ChoiceView:
    """A choice as the player sees it now."""

    index: int                 # position in the scene's choices (what `choose` takes)
    number: int                # the number shown to the player, 1-based
    label: str
    takes: int
    enabled: bool
    reason: str | None         # why it is greyed out


@dataclass(slots=True)
class NightSummary:
    """The shape of a player's night, for the ending screen."""

    trail: tuple[tuple[str, str, str], ...]   # (hh:mm, scene title, place name) per new place
    mattered: tuple[str, ...]                 # the `remember:` phrases of choices taken
    choices: int
    minutes: int


@dataclass(slots=True)
class EndingView:
    id: str
    title: str
    epilogue: str
    note: str
    historical: bool
    summary: NightSummary


@dataclass(slots=True)
class View:
    """Everything a front end needs to show the player's situation now."""

    scene: str
    title: str
    place: str
    place_name: str
    area_name: str
    detail: str
    role: str
    role_name: str
    time: int
    clock: Reading
    text: str
    choices: tuple[ChoiceView, ...]
    wait: int | None           # minutes one wait takes, or None where waiting is not allowed
    present: tuple[str, ...]   # names of characters here now
    ending: EndingView | None

    def enabled(self) -> list[ChoiceView]:
        return [c for c in self.choices if c.enabled]


@dataclass(slots=True)
class Turn:
    """What happened when the player acted."""

    narrations: tuple[Narration, ...] = ()
    result: str | None = None          # the choice's own `result:` text
    refused: str | None = None         # the action was not possible; nothing changed
    blocked_until: int | None = None   # shared night: the clock has not reached that far yet
    moved_by: str | None = None        # id of an event that carried the player elsewhere
    ended: str | None = None           # id of the ending reached
    minutes: int = 0                   # time that passed
