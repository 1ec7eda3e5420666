"""YAML to nodes that remember line and column: pyyaml's safe loader with a quick tag resolver.

The nodes are pyyaml's own (`yaml.nodes`): `tag`, `value`, `style`, `start_mark`, `end_mark`.
`CSafeLoader` composes them in C (libyaml) but asks its Python resolver for the tag of every
node, which walks a list of regular expressions per scalar; for a scenario of 10,000 scenes that
is a third of the load time. Scenario files are mostly plain words and quoted text, whose tag is
always `str`, so those skip the expressions; anything that could be a number, boolean, null or
date still goes to pyyaml's resolver, so tags are exactly what the safe loader would give. Only
nodes are composed: no Python object is ever constructed from a tag.

A file is input from anyone, so composing it is bounded (engine/limits.py): at most
MAX_YAML_NODES values in all the files of a scenario, and in a big file one per
YAML_CHARS_PER_NODE characters (a node costs some 300 bytes; a file of `[a,a,a,...]` must not
cost gigabytes before it is refused; the resolver below counts them as it is asked); aliases
counted each time they are used (a "billion laughs" file of nested aliases is a few hundred
bytes); no alias inside its own anchor; nesting at most libyaml's 1,000
levels (MAX_YAML_DEPTH with the pure-Python composer, which recurses). Every refusal is a
yaml.MarkedYAMLError with a position, as a syntax error is.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterator
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.events import MappingEndEvent, MappingStartEvent, StreamEndEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from ..engine import MAX_YAML_DEPTH, MAX_YAML_NODES, YAML_CHARS_PER_NODE
from ..errors import WinterPalaceError
from ..sanitise import first_unsafe

__all__ = ["MappingNode", "Node", "ScalarNode", "SequenceNode", "compose", "stream"]

STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"

_MAYBE_NOT_TEXT = frozenset("0123456789+-.~=<")  # numbers, dates, null, `=`, `<<`
_YAML_WORDS = frozenset(["null", "true", "false", "yes", "no", "on", "off", "y", "n"])


def _quick(loader: type) -> type:
    """`loader` (pyyaml's CSafeLoader or SafeLoader) with the quick resolver."""

    class Quick(loader):  # type: ignore[misc]
        def resolve(self, kind: type, value: Any, implicit: Any) -> str:
            """The tag pyyaml's safe resolver would give, without its expressions for words."""
            if kind is ScalarNode:
                if not implicit[0]:
                    return STR   # quoted or block text
                # A plain word that cannot be a number, boolean, null or date is text. (The
                # YAML words are five letters at most.)
                if value and value[0] not in _MAYBE_NOT_TEXT and (
                        len(value) > 5 or value.lower() not in _YAML_WORDS):
                    return STR
                tag: str = super().resolve(ScalarNode, value, implicit)
                return tag
            return MAP if kind is MappingNode else SEQ

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass  # path resolvers are a pyyaml extension no scenario uses

        def ascend_resolver(self) -> None:
            pass

    Quick.__name__ = Quick.__qualname__ = "Quick" + loader.__name__
    if loader is yaml.SafeLoader:
        class QuickPython(Quick):
            """The pure-Python composer recurses once per level: bound it below Python's
            recursion limit (libyaml stops at 1,000 levels by itself)."""

            _depth = 0

            def compose_node(self, parent: Any, index: Any) -> Any:
                self._depth += 1
                try:
                    if self._depth > MAX_YAML_DEPTH:
                        raise ComposerError(None, None, f"nesting deeper than {MAX_YAML_DEPTH} "
                                            "levels", self.peek_event().start_mark)
                    return super().compose_node(parent, index)
                finally:
                    self._depth -= 1

        return QuickPython
    return Quick


class _TooManyNodes(WinterPalaceError):
    pass


def _counting(loader: Any, allowed: int) -> Any:
    """Give `loader` the quick resolver (as `Quick.resolve`) that also counts the values it
    is asked about, one per value composed, and stops at `allowed`; returns a function telling
    how many are left. A closure set on the instance: the composer finds it before the class's
    method, and a count in a cell costs little (about 1% of a load)."""
    left = allowed
    slow = types.MethodType(BaseResolver.resolve, loader)   # pyyaml's own, for the rare cases

    def counting(kind: type, value: Any, implicit: Any) -> str:
        nonlocal left
        left -= 1
        if left < 0:
            raise _TooManyNodes
        if kind is ScalarNode:
            if not implicit[0]:
                return STR
            if value and value[0] not in _MAYBE_NOT_TEXT and (
                    len(value) > 5 or value.lower() not in _YAML_WORDS):
                return STR
            tag: str = slow(ScalarNode, value, implicit)
            return tag
        return MAP if kind is MappingNode else SEQ

    loader.resolve = counting
    return lambda: left


# Over this many characters a file may hold one value per YAML_CHARS_PER_NODE characters only.
BIG_FILE = 200_000 * YAML_CHARS_PER_NODE


def node_budget(chars: int) -> int:
    """How many values a file of `chars` characters may hold."""
    return min(MAX_YAML_NODES, max(chars, BIG_FILE) // YAML_CHARS_PER_NODE)


class NodeBudget:
    """The values all the files of one scenario may still hold (MAX_YAML_NODES): the loader
    keeps some files' nodes until every file is read, so many files just under the limit
    must not add up to gigabytes."""

    def __init__(self, left: int | None = None):
        self.left = MAX_YAML_NODES if left is None else left


_PythonComposer = _quick(yaml.SafeLoader)
# libyaml's, where pyyaml was built with it (the Python one gives the same nodes, slower).
_Composer = _quick(yaml.CSafeLoader) if getattr(yaml, "__with_libyaml__", False) else None


_DOCUMENT_START = re.compile(r"^---", re.MULTILINE)


class _Streaming(Composer):
    """pyyaml's own composer (Python) over libyaml's events: a document composed a part at a
    time (see `stream`). The nesting is bounded as for the pure-Python composer."""

    _depth = 0
    peek_event: Callable[[], Any]   # the parser's, mixed in beside this composer

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise ComposerError(None, None, f"nesting deeper than {MAX_YAML_DEPTH} levels",
                                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _streaming(base: type) -> type:
    class Streaming(_Streaming, base):  # type: ignore[misc]
        def __init__(self, text: str):
            base.__init__(self, text)   # type: ignore[misc]  # the chosen parser's own
            Composer.__init__(self)
    Streaming.__name__ = Streaming.__qualname__ = "Streaming" + base.__name__
    return Streaming


_StreamComposer = _streaming(_Composer or _PythonComposer)


class Part:
    """What `stream` gives, in the order of the file."""

    __slots__ = ("id_key", "key", "kind", "value")

    def __init__(self, kind: str, key: Node | None, id_key: Node | None, value: Any):
        # "pair": a top-level pair; "entry": one of a section's; "end": a section's end;
        # "mapping": the root mapping's end (value: its marks and flow style)
        self.kind = kind
        self.key = key         # the top-level key
        self.id_key = id_key   # an entry's key
        self.value = value     # the value; for "end", the section's (empty) stand-in mapping


def stream(text: str, sections: frozenset[str] | set[str], budget: NodeBudget | None = None,
           raw: bytes | None = None) -> Iterator[Part]:
    """`compose` a part at a time, for big files: the top-level pairs of the first document,
    except that a top-level mapping under one of `sections` comes entry by entry (then an
    "end" part with an empty stand-in mapping where it was), and a "mapping" part with the
    root mapping's marks after its pairs. A caller that keeps only what it
    needs of each part never holds the whole file's nodes (1.5 million glossary terms composed
    at once took 1.2 GB). A root that is not a mapping comes as one "pair" without a key; a
    second document as a final "second" part whose value is its (line, column).

    The same bounds as `compose`, checked part by part, and the same yaml.MarkedYAMLError.
    `raw`, the text's UTF-8 bytes if the caller has them, is what libyaml reads (else it
    makes that copy of the text itself).
    """
    budget = budget or NodeBudget()
    own = node_budget(len(text))
    allowed = min(own, budget.left)
    aliases = "&" in text and "*" in text
    controls = _CONTROL_ESCAPE.search(text) is not None
    expanded = [0]      # values the parts so far stand for, aliases expanded

    def checked(node: Node) -> Node:
        if aliases:
            expanded[0] += _check_aliases(node, text, None, own - expanded[0])
        if controls:
            _check_controls(node, text)
        return node

    try:
        loader = _StreamComposer(raw if raw is not None and _Composer is not None else text)
    except yaml.reader.ReaderError as e:
        raise _reader_error(e, text, _Composer is not None) from None
    left = _counting(loader, allowed)
    try:
        try:
            yield from _parts(loader, sections, checked, text)
        finally:
            budget.left -= allowed - max(0, left())
            loader.dispose()
            del loader.resolve
    except yaml.reader.ReaderError as e:
        raise _reader_error(e, text, _Composer is not None) from None
    except _TooManyNodes:
        if allowed < own:
            raise _marked(text, 0, f"the scenario's files together hold more than "
                          f"{MAX_YAML_NODES:,} values (YAML nodes); this file was not read "
                          "to its end") from None
        raise _marked(text, 0, f"this file holds more than {own:,} values (YAML nodes): at "
                      f"most one per {YAML_CHARS_PER_NODE} characters, and {MAX_YAML_NODES:,} "
                      "in all; split it into several files") from None


def _parts(loader: Any, sections: Any, checked: Any, text: str) -> Iterator[Part]:
    loader.get_event()                                   # the stream's start
    if loader.check_event(StreamEndEvent):
        return
    loader.get_event()                                   # the document's start
    if not loader.check_event(MappingStartEvent) or loader.peek_event().anchor is not None:
        yield Part("pair", None, None, checked(loader.compose_node(None, None)))
    else:
        root = loader.get_event()
        loader.resolve(MappingNode, None, root.implicit)   # counted, as a composed one is
        streamed: set[str] = set()
        while not loader.check_event(MappingEndEvent):
            key = checked(loader.compose_node(None, None))
            name = key.value if isinstance(key, ScalarNode) else None
            if name is not None and name in sections and name not in streamed \
                    and loader.check_event(MappingStartEvent) \
                    and loader.peek_event().anchor is None:
                streamed.add(name)
                start = loader.get_event()
                loader.resolve(MappingNode, None, start.implicit)
                while not loader.check_event(MappingEndEvent):
                    id_key = checked(loader.compose_node(None, None))
                    value = checked(loader.compose_node(None, None))
                    yield Part("entry", key, id_key, value)
                end = loader.get_event()
                yield Part("end", key, None, MappingNode(MAP, [], start.start_mark,
                                                         end.end_mark, start.flow_style))
            else:
                yield Part("pair", key, None, checked(loader.compose_node(None, None)))
        close = loader.get_event()
        yield Part("mapping", None, None, (root.start_mark, close.end_mark, root.flow_style))
    end = loader.get_event()                             # the document's end
    try:
        more = not loader.check_event(StreamEndEvent)
    except yaml.MarkedYAMLError:
        more = True   # a broken second document is still a second document
    if more:
        m = _DOCUMENT_START.search(text, end.end_mark.index)
        at = (text.count("\n", 0, m.start()), 0) if m else (end.end_mark.line, 0)
        yield Part("second", None, None, at)


def compose(text: str, budget: NodeBudget | None = None
            ) -> tuple[Node | None, tuple[int, int] | None]:
    """The first document of `text` as nodes (None if there is none), and where a second
    document starts (0-based line and column) if the text has one: a mistake the loader
    reports, while the first document still counts. `budget`, shared by the files of one
    scenario, is charged with the values composed.

    Raises yaml.MarkedYAMLError (with a problem mark) for syntax errors in the first document,
    characters YAML does not allow, and files past the bounds above.
    """
    budget = budget or NodeBudget()
    composer = _Composer or _PythonComposer
    own = node_budget(len(text))
    allowed = min(own, budget.left)
    try:
        loader = composer(text)   # the Python reader checks the characters here
        left = _counting(loader, allowed)
        try:
            node = loader.get_node() if loader.check_node() else None
            budget.left -= allowed - max(0, left())
            if node is None:
                return None, None
            try:
                more = loader.check_node()
            except yaml.MarkedYAMLError:
                more = True   # a broken second document is still a second document
        finally:
            loader.dispose()
            # The counting resolver refers to the loader: without this cycle broken, the
            # loader and its copy of the text would wait for the garbage collector, which the
            # loader turns off while it reads.
            del loader.resolve
    except yaml.reader.ReaderError as e:
        raise _reader_error(e, text, composer is _Composer) from None
    except _TooManyNodes:
        if allowed < own:
            raise _marked(text, 0, f"the scenario's files together hold more than "
                          f"{MAX_YAML_NODES:,} values (YAML nodes); this file was not read "
                          "to its end") from None
        raise _marked(text, 0, f"this file holds more than {own:,} values (YAML nodes): at "
                      f"most one per {YAML_CHARS_PER_NODE} characters, and {MAX_YAML_NODES:,} "
                      "in all; split it into several files") from None
    if "&" in text and "*" in text:   # it may have aliases: count what they expand to
        _check_aliases(node, text)
    if _CONTROL_ESCAPE.search(text):  # a double-quoted escape may make a control character
        _check_controls(node, text)
    if not more:
        return node, None
    m = _DOCUMENT_START.search(text, node.end_mark.index)
    if m is None:
        return node, (node.end_mark.line, 0)
    return node, (text.count("\n", 0, m.start()), 0)


def _marked(text: str, index: int, problem: str) -> yaml.MarkedYAMLError:
    """A MarkedYAMLError at character `index` of `text`."""
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return yaml.MarkedYAMLError(problem=problem,
                                problem_mark=yaml.Mark("<file>", index, line, column, None, 0))


def _reader_error(e: yaml.reader.ReaderError, text: str, in_bytes: bool) -> yaml.MarkedYAMLError:
    """A character YAML does not allow (a NUL, an escape, ...) at its line and column. libyaml
    counts its position in bytes of UTF-8, the Python reader in characters."""
    index = e.position
    if in_bytes:
        index = len(text.encode("utf-8", "surrogatepass")[:index].decode("utf-8", "ignore"))
    char = e.character
    what = f"U+{char:04X}" if isinstance(char, int) else repr(char)
    return _marked(text, index, f"the character {what} is not allowed in a YAML file "
                   "(control characters other than tab and line breaks)")


def _check_aliases(root: Node, text: str, size: dict[int, int] | None = None,
                   budget: int | None = None) -> int:
    """Refuse an alias used inside its own anchor, and aliases that repeat a part so often the
    file would hold more values than its budget (the loader walks every repeat); the number
    of values `root` stands for (`budget`: what is left of the file's, when it is composed in
    parts). Iterative: the graph may be deep."""
    budget = node_budget(len(text)) if budget is None else budget
    size = {} if size is None else size
    open_: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            children = _children(node)
            total = 1 + sum(size[id(c)] for c in children)
            if total > budget:
                raise _marked(text, node.start_mark.index,
                              f"aliases (`*name`) repeat this part so often that the file "
                              f"would hold more than {budget:,} values")
            size[key] = total
            continue
        if key in size:
            continue
        if key in open_:
            raise _marked(text, node.start_mark.index,
                          "an alias (`*name`) is used inside its own anchor (`&name`): this "
                          "part would contain itself")
        if isinstance(node, ScalarNode):
            size[key] = 1
            continue
        open_.add(key)
        stack.append((node, True))
        for c in _children(node):
            if id(c) in open_:
                raise _marked(text, c.start_mark.index,
                              "an alias (`*name`) is used inside its own anchor (`&name`): "
                              "this part would contain itself")
            if id(c) not in size:
                stack.append((c, False))
    return size[id(root)]


# Escapes that may make an unsafe character in a double-quoted scalar (`"\e[2J"`, `"\x07"`,
# `"\u202e"`, `"\u200f"`): the reader refuses control characters written raw, not escaped. A
# scenario's texts reach a player's terminal, where they would be commands (clear the screen,
# set the clipboard) or would reorder or hide what is shown. Which characters are unsafe is
# `sanitise.unsafe`'s rule, the same as everywhere; this only says when to look.
_CONTROL_ESCAPE = re.compile(r"\\(?:[0abvfreNLP]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")


def _check_controls(root: Node, text: str) -> None:
    """Refuse a scalar holding an unsafe character (`sanitise.unsafe`; tabs and line breaks
    are text)."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            at = first_unsafe(node.value, "\t\n")
            if at >= 0:
                raise _marked(text, node.start_mark.index,
                              f"this text holds the control character U+{ord(node.value[at]):04X} "
                              "(from a `\\` escape): a scenario's texts reach a terminal, "
                              "where it would be a command or hide or reorder the text; "
                              "remove the escape")
        else:
            stack.extend(_children(node))


def too_deep(root: Node, limit: int) -> Node | None:
    """The first node nested more than `limit` levels deep, or None (iterative). For files
    whose values are built into Python objects, which recurses once per level."""
    stack = [(root, 1)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return node
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend((c, depth + 1) for c in _children(node))
    return None


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []
