"""A lean YAML composer: pyyaml's safe (C) parser, slim nodes that remember line and column.

pyyaml's own composer gives every node two `Mark` objects with a `__dict__`; for a scenario of
10,000 scenes that is most of a gigabyte's worth of bookkeeping per million nodes. These nodes
keep only what the loader reads: tag, value, style, and start/end positions.
"""

from __future__ import annotations

from sys import intern
from typing import Any

import yaml
from yaml import events as ev

try:
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - libyaml missing: the pure-Python parser does the same
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"

_MAYBE_NOT_TEXT = frozenset("0123456789+-.~")
_YAML_WORDS = frozenset(["null", "true", "false", "yes", "no", "on", "off", "y", "n"])
_resolver = yaml.resolver.Resolver()


class Mark:
    """A position in the source: 0-based line and column, as pyyaml's marks have."""

    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int):
        self.line = line
        self.column = column


class Node:
    """A YAML node. Its own `line` and `column` make it its own `start_mark`."""

    __slots__ = ("tag", "value", "style", "line", "column", "end_line", "end_column")

    def __init__(self, tag: str, value: Any, line: int, column: int, end_line: int,
                 end_column: int, style: Any = None):
        self.tag = tag
        self.value = value
        self.style = style
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column

    @property
    def start_mark(self) -> "Node":
        return self

    @property
    def end_mark(self) -> Mark:
        return Mark(self.end_line, self.end_column)


class ScalarNode(Node):
    __slots__ = ()


class MappingNode(Node):
    __slots__ = ()


class SequenceNode(Node):
    __slots__ = ()


def compose(text: str) -> Node | None:
    """The first document of `text` as slim nodes, or None if it is empty.

    Raises yaml.MarkedYAMLError (with a problem mark) for syntax errors.
    """
    parser = _Parser(text)
    anchors: dict[str, Node] = {}
    # Each open collection: its node and the flat list of its children. The innermost list's
    # `append` is kept at hand: this loop runs once per YAML event, hundreds of thousands of times.
    stack: list[tuple[Node, list[Node]]] = []
    add = None
    root: Node | None = None
    get = parser.get_event
    scalar_event, map_start, seq_start = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    map_end, seq_end = ev.MappingEndEvent, ev.SequenceEndEvent
    try:
        while True:
            e = get()
            t = type(e)
            if t is scalar_event:
                m0, m1 = e.start_mark, e.end_mark
                value = e.value
                if len(value) < 32:
                    value = intern(value)  # keys and ids repeat thousands of times
                tag = e.tag
                if tag is None or tag == "!":
                    if not e.implicit[0]:
                        tag = STR      # quoted or block scalar: text
                    elif value and value[0] not in _MAYBE_NOT_TEXT \
                            and value.lower() not in _YAML_WORDS:
                        tag = STR      # a plain word: text, as pyyaml's resolver would say
                    else:      # could be a number, boolean or null: ask pyyaml
                        tag = str(_resolver.resolve(yaml.ScalarNode, value, (True, False)))
                node: Node = ScalarNode(tag, value, m0.line, m0.column, m1.line, m1.column,
                                        e.style)
                if e.anchor:
                    anchors[e.anchor] = node
                if add is None:
                    root = node
                    break
                add(node)
            elif t is map_start or t is seq_start:
                m0 = e.start_mark
                cls = MappingNode if t is map_start else SequenceNode
                tag = e.tag if e.tag not in (None, "!") else (MAP if cls is MappingNode else SEQ)
                node = cls(tag, None, m0.line, m0.column, m0.line, m0.column, e.flow_style)
                if e.anchor:
                    anchors[e.anchor] = node
                if add is not None:
                    add(node)
                children: list[Node] = []
                stack.append((node, children))
                add = children.append
            elif t is map_end or t is seq_end:
                node, flat = stack.pop()
                node.value = list(zip(flat[::2], flat[1::2])) if t is map_end else flat
                if not stack:
                    root = node
                    break
                add = stack[-1][1].append
            elif t is ev.AliasEvent:
                target = anchors.get(e.anchor)
                if target is None:
                    raise yaml.composer.ComposerError(
                        None, None, f"found undefined alias {e.anchor!r}", e.start_mark)
                if add is None:
                    root = target
                    break
                add(target)
            elif t is ev.StreamEndEvent:
                break
            # StreamStart, DocumentStart/End: nothing to build
    finally:
        parser.dispose()
    return root
