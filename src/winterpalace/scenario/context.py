"""What compiling a scenario's sections shares: the declared ids of every kind, the references
to them (`References`), and what world.yaml sets up for the rest (`Setup`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import Clock, Scene, Symbols, suggest
from .reader import Entry, NodeReader
from .yamlnodes import Node, ScalarNode

__all__ = ["KINDS", "SECTION_KINDS", "References", "Setup"]

KINDS = ("scene", "place", "area", "character", "item", "event", "note")
SECTION_KINDS = {"scenes": "scene", "places": "place", "areas": "area", "characters": "character",
                 "items": "item", "events": "event", "notes": "note"}


@dataclass
class Setup:
    """What compiling a scene needs from world.yaml, known as soon as that file is read."""

    fields: dict[str, tuple[Node, Node]]
    clock: Clock | None
    default_takes: int
    role_nodes: dict[str, tuple[Node, Node]]
    sym: Symbols          # what a player's expressions may name
    world_sym: Symbols    # what an event's expressions may name: no player variables
    ref: References


class References:
    """Checks references to ids of a kind, with a suggestion for near misses.

    Until every file is read (`final`), an id not declared yet may still come: it is noted and
    looked up again by `finish`.
    """

    def __init__(self, reader: NodeReader, ids: dict[str, dict[str, Entry]]):
        self.reader = reader
        self.ids = ids
        self.final = False
        self.pending: list[tuple[str, int, int, str, str, str]] = []
        self.role_targets: list[tuple[str, Node | None, str]] = []

    def check(self, file: str, node: Node, kind: str, what: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag.endswith(":null"):
            self.reader.error(file, node, f"`{what}` should name a {kind}")
            return None
        ident: str = node.value
        if ident in self.ids[kind]:
            return ident
        field_name = _field_name(kind, what)
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if not self.final:
            self.pending.append((file, line, col, kind, ident, field_name))
            return ident
        self._unknown(file, line, col, kind, ident, field_name)
        return None

    def _unknown(self, file: str, line: int, col: int, kind: str, ident: str,
                 field_name: str) -> None:
        hint = suggest(ident, self.ids[kind])
        if not hint:
            other = next((k for k in KINDS if ident in self.ids[k]), None)
            hint = f"`{ident}` is a {other}, not a {kind}" if other else None
        self.reader.error(file, None, f"unknown {kind} `{ident}` in `{field_name}:`", hint,
                          length=len(ident), offset=(line, col))

    def finish(self, scenes: dict[str, Scene]) -> None:
        for file, line, col, kind, ident, field_name in self.pending:
            if ident not in self.ids[kind]:
                self._unknown(file, line, col, kind, ident, field_name)
        for file, node, what in self.role_targets:
            if node is None or not isinstance(node, ScalarNode):
                continue
            scene = scenes.get(node.value)
            if scene is not None and scene.ending is None:
                self.reader.error(file, node, f"`{what}` must name an ending scene",
                                  "give that scene an `ending:`")


def _field_name(kind: str, what: str) -> str:
    """The field an unknown reference was written in, from the loader's `what`."""
    if "`" in what:   # "scene `a`", "role `r` start": the field is the last plain word
        words = [w for w in what.split() if "`" not in w]
        return words[-1] if words and words[-1] != what.split()[0] else kind
    return what.split()[-1] if what.split() else what


