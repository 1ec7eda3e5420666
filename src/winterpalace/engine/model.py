"""The compiled scenario: what the loader builds and the engine trusts.

Everything here is read-only after loading. Positions (`Where`) are kept so that tools can point
an author at the line a warning is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .clock import Clock
from .expr import Condition, Effect


@dataclass(frozen=True, slots=True)
class Where:
    """A position in a scenario file (1-based line and column)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NOWHERE = Where("<scenario>", 0, 0)


@dataclass(frozen=True, slots=True)
class Template:
    """Text with `{expression}` holes, filled in when shown."""

    parts: tuple[Any, ...]   # str, or Condition whose value is shown

    def render(self, ctx: Any) -> str:
        parts = self.parts
        if len(parts) == 1 and parts[0].__class__ is str:
            return parts[0]
        return "".join(p if p.__class__ is str else ctx.show(p.fn(ctx)) for p in parts)

    @property
    def plain(self) -> str:
        """The text with holes shown as `{...}` (for tools)."""
        return "".join(p if isinstance(p, str) else "{" + p.source + "}" for p in self.parts)


EMPTY = Template(("",))


@dataclass(frozen=True, slots=True)
class Variant:
    """Text shown instead of (or after) a scene's text when a condition holds."""

    cond: Condition
    text: Template
    append: bool
    where: Where


@dataclass(frozen=True, slots=True)
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

    @property
    def key(self) -> str:
        return f"{self.scene}#{self.index}"


@dataclass(frozen=True, slots=True)
class Redirect:
    """On entering a scene: if the condition holds, go on to another scene at once."""

    cond: Condition
    go: str
    where: Where


@dataclass(frozen=True, slots=True)
class Ending:
    title: str
    epilogue: Template
    note: str                  # what really happened (historical note)
    historical: bool
    where: Where


@dataclass(frozen=True, slots=True)
class Decision:
    """A marked decision point: what the classroom debrief compares with history."""

    id: str
    question: str
    history: str               # what happened in 1917
    source: str                # where that is from
    prompts: tuple[tuple[str, str], ...]   # (stage, question): feelings, facts, learned, now
    where: Where


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    area: str | None
    detail: str                # e.g. "first floor"
    where: Where


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    name: str
    where: Where


@dataclass(frozen=True, slots=True)
class Stint:
    """One line of a character's schedule: at `place` from `start` until `end`."""

    start: int
    end: int
    place: str
    cond: Condition | None


@dataclass(frozen=True, slots=True)
class Character:
    id: str
    name: str
    description: str
    schedule: tuple[Stint, ...]
    historical: bool
    where: Where


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    name: str
    description: str
    where: Where


@dataclass(frozen=True, slots=True)
class Reach:
    """How an event reaches one player: the first case whose condition holds is used."""

    cond: Condition | None
    text: Template | None
    go: str | None
    effects: tuple[Effect, ...]
    where: Where


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happens in the world at a time, whoever is watching."""

    id: str
    title: str
    at: int
    cond: Condition | None     # about the world only
    effects: tuple[Effect, ...]
    reaches: tuple[Reach, ...]
    where: Where


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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

    def endings(self) -> dict[str, Scene]:
        return {sid: s for sid, s in self.scenes.items() if s.ending is not None}
