"""YAML to nodes that remember line and column: pyyaml's safe loader with a quick tag resolver.

The nodes are pyyaml's own (`yaml.nodes`): `tag`, `value`, `style`, `start_mark`, `end_mark`.
`CSafeLoader` composes them in C (libyaml) but asks its Python resolver for the tag of every
node, which walks a list of regular expressions per scalar; for a scenario of 10,000 scenes that
is a third of the load time. Scenario files are mostly plain words and quoted text, whose tag is
always `str`, so those skip the expressions; anything that could be a number, boolean, null or
date still goes to pyyaml's resolver, so tags are exactly what the safe loader would give. Only
nodes are composed: no Python object is ever constructed from a tag.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["MappingNode", "Node", "ScalarNode", "SequenceNode", "compose"]

STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"

_MAYBE_NOT_TEXT = frozenset("0123456789+-.~=<")  # numbers, dates, null, `=`, `<<`
_YAML_WORDS = frozenset(["null", "true", "false", "yes", "no", "on", "off", "y", "n"])


def _quick(loader: type) -> type:
    """`loader` (pyyaml's CSafeLoader or SafeLoader) with the quick resolver."""

    class Quick(loader):  # type: ignore[misc, valid-type]
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
                return super().resolve(ScalarNode, value, implicit)
            return MAP if kind is MappingNode else SEQ

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass  # path resolvers are a pyyaml extension no scenario uses

        def ascend_resolver(self) -> None:
            pass

    Quick.__name__ = Quick.__qualname__ = "Quick" + loader.__name__
    return Quick


_PythonComposer = _quick(yaml.SafeLoader)
# libyaml's, where pyyaml was built with it (the Python one gives the same nodes, slower).
_Composer = _quick(yaml.CSafeLoader) if getattr(yaml, "__with_libyaml__", False) else None


_DOCUMENT_START = re.compile(r"^---", re.MULTILINE)


def compose(text: str) -> tuple[Node | None, tuple[int, int] | None]:
    """The first document of `text` as nodes (None if there is none), and where a second
    document starts (0-based line and column) if the text has one: a mistake the loader
    reports, while the first document still counts.

    Raises yaml.MarkedYAMLError (with a problem mark) for syntax errors in the first document.
    libyaml refuses nesting deeper than 1,000 levels with an error, so the C composer's
    recursion stays bounded.
    """
    loader = (_Composer or _PythonComposer)(text)
    try:
        node = loader.get_node() if loader.check_node() else None
        if node is None:
            return None, None
        try:
            more = loader.check_node()
        except yaml.MarkedYAMLError:
            more = True   # a broken second document is still a second document
    finally:
        loader.dispose()
    if not more:
        return node, None
    m = _DOCUMENT_START.search(text, node.end_mark.index)
    if m is None:
        return node, (node.end_mark.line, 0)
    return node, (text.count("\n", 0, m.start()), 0)
