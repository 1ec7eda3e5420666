"""The compiled scenario: what the loader builds and the engine trusts.

Everything here is read-only after loading. Positions (`Where`) are kept so that tools can point
an author at the line a warning is about.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock
from .expr import Condition, Effect
from .limits import LimitError

# Every class here is `@dataclass(slots=True, unsafe_hash=True)`, written out on each so the type
# checker sees the fields. The model is read-only by convention, not `frozen`: a frozen
# dataclass's __init__ costs about four times a plain one's, and a big scenario builds hundreds of
# thousands of these at load. They stay hashable (by value), as frozen ones were.


@dataclass(slots=True, unsafe_hash=True)
class Where:
    """A position in a scenario file (1-based line and column)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NOWHERE = Where("<scenario>", 0, 0)


@dataclass(slots=True, unsafe_hash=True)
class Template:
    """Text with `{expression}` holes and `{condition: conditional|text}`, filled in when shown."""

    parts: tuple[Any, ...]   # str, a Condition whose value is shown, or a TextIf

    def render(self, ctx: Any) -> str:
        parts = self.parts
        if len(parts) == 1 and parts[0].__class__ is str:
            return parts[0]
        show = ctx.show
        out = []   # a loop, not a comprehension: no function made and called every time
        try:
            for p in parts:
                out.append(p if p.__class__ is str else show(p.fn(ctx)))
        except LimitError:
            return self._render_each(ctx)
        return "".join(out)

    def _render_each(self, ctx: Any) -> str:
        """The text with each hole that would pass a bound shown as a short note instead: a
        text is never refused, only a turn is."""
        out = []
        for p in self.parts:
            if p.__class__ is str:
                out.append(p)
                continue
            try:
                out.append(ctx.show(p.fn(ctx)))
            except LimitError as e:
                out.append(f"[{e.what}]")
        return "".join(out)

    @property
    def plain(self) -> str:
        """The text with holes shown as `{...}` (for tools)."""
        return "".join(p if isinstance(p, str) else "{" + p.source + "}" for p in self.parts)

    @property
    def holes(self) -> list[Any]:
        """Every compiled expression in the text, conditional text's included (for tools)."""
        out: list[Any] = []
        for p in self.parts:
            if isinstance(p, TextIf):
                out += p.holes
            elif not isinstance(p, str):
                out.append(p)
        return out


EMPTY = Template(("",))


@dataclass(slots=True, unsafe_hash=True)
class TextIf:
    """Conditional text, `{condition: shown if true|shown if not}`: a part of a Template."""

    cond: Condition
    then: Template
    otherwise: Template

    def fn(self, ctx: Any) -> str:
        shown = self.then if self.cond.fn(ctx) else self.otherwise
        parts = shown.parts
        if len(parts) == 1 and parts[0].__class__ is str:
            return parts[0]          # a plain branch (Template.render's first case, in place)
        return shown.render(ctx)

    @property
    def source(self) -> str:
        other = self.otherwise.plain
        return f"{self.cond.source}: {self.then.plain}" + (f"|{other}" if other else "")

    @property
    def holes(self) -> list[Any]:
        """The condition and every hole inside the branches (expressions, for tools)."""
        out: list[Any] = [self.cond]
        for t in (self.then, self.otherwise):
            out += t.holes
        return out

    @property
    def reads(self) -> frozenset[str]:
        return frozenset().union(*(h.reads for h in self.holes))

    @property
    def calls(self) -> frozenset[tuple[str, str]]:
        return frozenset().union(*(h.calls for h in self.holes))


@dataclass(slots=True, unsafe_hash=True)
class Variant:
    """Text shown instead of (or after) a scene's text when a condition holds."""

    cond: Condition
    text: Template
    append: bool
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Choice:
    """One thing the player can do in a scene."""

    scene: str
    index: int
    label: Template
    go: str | None             # None: stay in the scene
    takes: int                 # minutes
    after: int | None          # enabled when time >= after
    before: int | None         # enabled when time < before
    cond: Condition | None
    otherwise: str | None      # None: hidden when unavailable; else the reason shown greyed
    show_when_off: bool
    once: bool
    effects: tuple[Effect, ...]
    result: Template | None
    remember: str | None       # a phrase for the ending summary ("spared the insurgent")
    where: Where
    told: Template | None = None   # the result told, not shown (content mode)
    # `scene#index`, how history, saves and once-only choices name it: made once, not on
    # every turn that asks.
    key: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        self.key = f"{self.scene}#{self.index}"


@dataclass(slots=True, unsafe_hash=True)
class Redirect:
    """On entering a scene: if the condition holds, go on to another scene at once."""

    cond: Condition
    go: str
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Ending:
    title: str
    epilogue: Template
    note: str                  # what really happened (historical note)
    historical: bool
    where: Where
    told: Template | None = None   # the epilogue told, not shown (content mode)


@dataclass(slots=True, unsafe_hash=True)
class Decision:
    """A marked decision point: what the classroom debrief compares with history."""

    id: str
    question: str
    history: str               # what happened in 1917
    source: str                # where that is from
    prompts: tuple[tuple[str, str], ...]   # (stage, question): feelings, facts, learned, now
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Excerpt:
    """A short passage or fact from the historical record, with where it comes from."""

    text: str
    source: str
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Packet:
    """A printable role sheet (the `lesson:` section): for a role, or one faction of it."""

    id: str                    # the role id, or the faction's value of the faction variable
    name: str
    who: str                   # who you are
    goal: str                  # what you want tonight
    secret_goal: str           # hidden from other factions; revealed in the debrief
    knows: tuple[str, ...]     # what you know at the start
    excerpts: tuple[Excerpt, ...]
    glossary: tuple[str, ...]  # glossary terms this role meets
    easy: dict[str, Any]       # easier-reading texts: who, goal, secret_goal, knows
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Faction:
    """A party group of a role (delegates): its seats in 1917 and its role sheet."""

    id: str                    # the value of the lesson's faction variable, e.g. "Left SR"
    role: str
    seats: int
    packet: Packet
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Vote:
    """A marked vote: every student of `role` at the decision casts a ballot; the count sets
    `flag` for everyone (the lesson's classroom layer does the counting)."""

    id: str
    decision: str              # the decision id it belongs to
    scene: str                 # the scene that carries that decision
    role: str
    ballot: str                # the player variable the decision's choices set
    options: tuple[tuple[str, Any], ...]   # (option, value of the ballot variable)
    yes: str                   # the option that carries the motion
    no: str | None             # the option it is counted against (None: `rule: any`)
    rule: str                  # "majority": yes > no; "any": any seats for yes
    flag: str                  # the world flag the result sets
    carried: Any
    lost: Any
    replaces: str | None       # the event that decides the flag when nobody votes
    hold: int                  # the class clock waits here until the vote is counted
    seats_flag: str | None     # a number world flag given the seats for `yes`
    history: dict[str, tuple[tuple[str, float], ...]]   # faction -> (option, share) in 1917
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Lesson:
    """The classroom lesson's data: role sheets, factions and marked votes."""

    faction_variable: str | None
    packets: dict[str, Packet]         # role id -> sheet
    factions: dict[str, Faction]
    votes: dict[str, Vote]


@dataclass(slots=True, unsafe_hash=True)
class Scene:
    id: str
    title: str
    place: str
    text: Template
    variants: tuple[Variant, ...]
    choices: tuple[Choice, ...]
    ending: Ending | None
    wait: int | None           # minutes one wait takes here; None: no waiting
    on_enter: tuple[Effect, ...]
    redirects: tuple[Redirect, ...]
    where: Where
    content_notes: tuple[str, ...] = ()
    decision: Decision | None = None
    told: Template | None = None   # violence told, not shown: used when content mode is on
    brief: Template | None = None  # the short text for a return visit (default: the first
                                   # paragraph of the text)


@dataclass(slots=True, unsafe_hash=True)
class Place:
    id: str
    name: str
    area: str | None
    detail: str                # e.g. "first floor"
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Area:
    id: str
    name: str
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Stint:
    """One line of a character's schedule: at `place` from `start` until `end`."""

    start: int
    end: int
    place: str
    cond: Condition | None


@dataclass(slots=True, unsafe_hash=True)
class Character:
    id: str
    name: str
    description: str
    schedule: tuple[Stint, ...]
    historical: bool
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Item:
    id: str
    name: str
    description: str
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Reach:
    """How an event reaches one player: the first case whose condition holds is used."""

    cond: Condition | None
    text: Template | None
    go: str | None
    effects: tuple[Effect, ...]
    where: Where
    told: Template | None = None   # the text told, not shown (content mode)
    remember: str | None = None    # a phrase for the ending summary ("heard the Aurora fire")


@dataclass(slots=True, unsafe_hash=True)
class Event:
    """Something that happens in the world at a time, whoever is watching."""

    id: str
    title: str
    at: int
    cond: Condition | None     # about the world only
    effects: tuple[Effect, ...]
    reaches: tuple[Reach, ...]
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Role:
    id: str
    name: str
    title: str                 # short line for the role menu
    intro: str
    start: str
    start_time: int
    time_out: str              # the ending scene when the clock runs out
    variables: dict[str, Any]  # overrides of the initial values
    where: Where


@dataclass(slots=True, unsafe_hash=True)
class Stat:
    """One of a role's qualities that the `stats` screen shows (world.yaml `stats:`)."""

    var: str                   # the player variable
    name: str                  # what the screen calls it
    about: str                 # a few words on what it means ("" for none)
    out_of: int | None         # numbers: shown as `3 of 5`
    when_true: str | None      # true/false: the words for each (default `yes`/`no`)
    when_false: str | None
    where: Where
    values: tuple[tuple[str, str], ...] = ()   # text: words for some of its values

    def show(self, value: Any) -> str:
        """The value as the screen words it."""
        if isinstance(value, bool):
            return (self.when_true or "yes") if value else (self.when_false or "no")
        if isinstance(value, str):
            return dict(self.values).get(value, value)
        if isinstance(value, int) and self.out_of is not None:
            return f"{value} of {self.out_of}"
        return str(value)


@dataclass(slots=True, unsafe_hash=True)
class World:
    """A whole scenario, validated and compiled."""

    id: str
    title: str
    subtitle: str
    clock: Clock
    default_takes: int
    roles: dict[str, Role]
    places: dict[str, Place]
    areas: dict[str, Area]
    characters: dict[str, Character]
    items: dict[str, Item]
    variables: dict[str, Any]
    world_flags: dict[str, Any]
    scenes: dict[str, Scene]
    events: tuple[Event, ...]  # in time order
    glossary: dict[str, str]
    notes: dict[str, str]
    files: tuple[str, ...]
    root: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    lesson: Lesson | None = None
    stats: dict[str, tuple[Stat, ...]] = field(default_factory=dict)   # role -> its qualities

    def endings(self) -> dict[str, Scene]:
        return {sid: s for sid, s in self.scenes.items() if s.ending is not None}


# Every record a World is made of (the compiled-scenario cache rebuilds these, and only these).
MODEL_RECORDS: tuple[type, ...] = tuple(
    c for c in list(globals().values())
    if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == __name__)
