"""What the engine tells a front end: typed records, never markup."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    told: str | None = None    # the text told, not shown (content mode), where the author wrote one


@dataclass(slots=True)
class ChoiceView:
    """A choice as the player sees it now."""

    index: int                 # position in the scene's choices (what `choose` takes)
    number: int                # the number shown to the player, 1-based
    label: str
    takes: int
    enabled: bool
    reason: str | None         # why it is greyed out
    done: bool = False         # taken while the player has been here, and not to be taken again
                               # (it keeps its number until the player leaves the scene)


@dataclass(slots=True)
class NightSummary:
    """The shape of a player's night, for the ending screen."""

    trail: tuple[tuple[str, str, str], ...]   # (hh:mm, scene title, place name) per new place
    mattered: tuple[str, ...]                 # the `remember:` phrases of choices taken
    choices: int
    minutes: int
    moments: tuple[tuple[str, str], ...] = ()  # (hh:mm, what) the night's moments that
                                               # mattered: remembered choices, events heard


@dataclass(slots=True)
class EndingView:
    id: str
    title: str
    epilogue: str
    note: str
    historical: bool
    summary: NightSummary
    told: str | None = None    # the epilogue told, not shown (content mode)


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
    told: str | None = None    # the scene's text told, not shown (content mode)

    def enabled(self) -> list[ChoiceView]:
        return [c for c in self.choices if c.enabled]


@dataclass(slots=True)
class Stop:
    """A moment that mattered to one player while they waited (and, when `Turn.stopped`, the
    one that ended the wait early).

    kind: `moved` (an event carried the player off), `scene` (the scene changed on the clock:
    a timed redirect), `opens` (a choice can be taken now), `closes` (the last minute a choice
    can be taken), `closed` (a choice can no longer be taken), `event` (an event reached the
    player), `arrives`/`leaves` (a character), `ended` (the night ended for the player).
    `subject` names it: the event's or scene's title, the choice's label, the character's name.
    """

    time: int
    hhmm: str
    kind: str
    subject: str
    until: str | None = None   # `closes`: the time the choice closes


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
    result_told: str | None = None     # the result told, not shown (content mode)
    stopped: Stop | None = None        # a wait that ended early: the moment that stopped it
    passed: tuple[Stop, ...] = ()      # `wait on`: moments waited through (arrivals, ...)
    interrupted: str | None = None     # the label of a choice an event cut short (not taken)


# Content mode ("violence told, not shown"): a front end that has it on shows these instead.

def told_view(view: View) -> View:
    """`view` with the told texts in place of the shown ones, where the author wrote them."""
    ending = view.ending
    if ending is not None and ending.told is not None:
        ending = replace(ending, epilogue=ending.told)
    if view.told is None and ending is view.ending:
        return view
    return replace(view, text=view.told if view.told is not None else view.text, ending=ending)


def told_turn(turn: Turn) -> Turn:
    """`turn` with told results and narrations in place of the shown ones."""
    if turn.result_told is None and all(n.told is None for n in turn.narrations):
        return turn
    narrations = tuple(replace(n, text=n.told) if n.told is not None else n
                       for n in turn.narrations)
    result = turn.result_told if turn.result_told is not None else turn.result
    return replace(turn, narrations=narrations, result=result)
