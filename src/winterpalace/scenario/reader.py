"""Reading YAML nodes into checked values, with located problems: what every section's compiler
uses (`NodeReader`), and a declaration waiting to be compiled (`Entry`).

`Loader` (loader.py) is a `NodeReader` that also reads the files; the compilers of each section
(roles.py, places.py, values.py, scenes.py, choices.py, endings.py, events.py, stats.py,
lesson.py, lint.py) are given one and report their problems through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..engine import (
    BOOL,
    MAX_NUMBER,
    MAX_PROBLEMS,
    MAX_TEXT,
    Clock,
    Condition,
    Effect,
    ExprError,
    Symbols,
    Template,
    Where,
    clip_middle,
    compile_effect,
    compile_expr,
    parse_duration,
    parse_hhmm,
    suggest,
)
from ..errors import WinterPalaceError
from .errors import Problem
from .fields import Fields
from .text import compile_text
from .yamlnodes import MappingNode, Node, ScalarNode, SequenceNode

if TYPE_CHECKING:
    from .lint import Suppression

__all__ = ["Entry", "NodeReader", "ProblemList", "TooManyProblems", "effect", "expression",
           "flow_comma_hint", "tidy"]


class TooManyProblems(WinterPalaceError):
    """MAX_PROBLEMS errors are reported: the loader stops (a broken 50 MB file would otherwise
    make millions of them)."""


class ProblemList(list[Problem]):
    """The loader's problems, up to MAX_PROBLEMS."""

    def append(self, problem: Problem) -> None:
        if len(self) >= MAX_PROBLEMS:
            raise TooManyProblems
        super().append(problem)


# What an entry's nodes become once they are no longer needed: nodes are most of a big
# scenario's memory. An empty node rather than None, so that every compiler takes `e.node` as
# the Node it is while the entry waits to be compiled.
LET_GO: Node = ScalarNode("tag:yaml.org,2002:null", "")


@dataclass(slots=True)
class Entry:
    """A declaration waiting to be compiled: its id, its node, and where it came from.

    A note's text (`text`) and a file's glossary (`terms`) are read at once and their nodes let
    go (a glossary may have a million terms: their nodes would be most of the memory)."""

    id: str
    key: Node
    node: Node
    file: str
    line: int = 0   # the key's line and column, kept for messages after the nodes are let go
    col: int = 0
    text: str = ""                      # a note's text
    terms: dict[str, str] | None = None  # a file's glossary: term -> text

    @classmethod
    def glossary(cls, terms: dict[str, str], file: str) -> Entry:
        """A file's glossary: one entry holding its terms and their texts, read at once (no
        nodes are kept for a glossary)."""
        return cls("glossary", LET_GO, LET_GO, file, terms=terms)

    def __post_init__(self) -> None:
        if self.key is not LET_GO:
            self.line = self.key.start_mark.line + 1
            self.col = self.key.start_mark.column + 1

    def let_go(self) -> None:
        """Drop the nodes (compiled, or read into `text`); the line and column stay."""
        self.node = self.key = LET_GO


class NodeReader:
    """Reads YAML nodes as the scenario format's values (mappings of fields, text, numbers,
    times, durations, expressions, text with holes); each mistake becomes a `Problem`."""

    def __init__(self) -> None:
        self.problems: list[Problem] = ProblemList()
        self.texts: dict[str, str] = {}    # each file's text, by its name in messages
        self.suppressions: dict[tuple[str, int, int], Suppression] = {}

    def error(self, file: str, node: Node | None, message: str, hint: str | None = None,
              length: int | None = None, offset: tuple[int, int] | None = None) -> None:
        if node is LET_GO:      # an entry's node let go: the file, as for no node
            node = None
        if offset is not None:
            line, col = offset
        elif node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        else:
            line, col = 0, 0
        if length is None and isinstance(node, ScalarNode) and node.start_mark.line == \
                node.end_mark.line:
            length = max(1, node.end_mark.column - node.start_mark.column)
        self.problems.append(Problem(file, line, col, message, hint, length or 1))

    def where(self, file: str, node: Node) -> Where:
        return Where(file, node.start_mark.line + 1, node.start_mark.column + 1)

    def mapping(self, file: str, node: Node, what: str) -> dict[str, tuple[Node, Node]]:
        """A YAML mapping as {key: (key node, value node)}; reports duplicates and non-mappings."""
        if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
            return {}
        if not isinstance(node, MappingNode):
            self.error(file, node, f"`{what}` should be a mapping of names to values",
                       "indent `name: value` lines under it")
            return {}
        pairs = node.value
        try:
            # The usual case in one step: only text keys (a list or mapping as a key would be
            # unhashable here) and no duplicates (the dict would come out shorter).
            out = {k.value: (k, v) for k, v in pairs}
            if len(out) == len(pairs):
                return out
        except TypeError:
            pass
        out = {}
        for k, v in pairs:
            if not isinstance(k, ScalarNode):
                self.error(file, k, f"a key in `{what}` must be a plain name")
                continue
            key = k.value
            if key in out:
                self.error(file, k, f"duplicate key `{key}` in `{what}`",
                           f"it was first given at line {out[key][0].start_mark.line + 1}")
                continue
            out[key] = (k, v)
        return out

    def fields(self, file: str, node: Node, allowed: dict[str, bool],
               what: str) -> dict[str, tuple[Node, Node]] | None:
        """Check a mapping's keys: unknown ones (with a suggestion) and missing required ones."""
        if not isinstance(node, MappingNode):
            self.error(file, node, f"{what} should be a mapping (`field: value` lines)")
            return None
        got = self.mapping(file, node, what)
        if not got.keys() <= allowed.keys():
            for key, (k, _) in got.items():
                if key not in allowed:
                    hint = suggest(key, allowed) or flow_comma_hint(node, k) \
                        or f"fields: {', '.join(allowed)}"
                    self.error(file, k, f"`{key}` is not a field of {what}", hint,
                               length=len(key))
        required = allowed.required if isinstance(allowed, Fields) else \
            [k for k, r in allowed.items() if r]
        for key in required:
            if key not in got:
                self.error(file, node, f"{what} needs `{key}:`")
        return got

    def scalar(self, file: str, node: Node, what: str) -> Any:
        if not isinstance(node, ScalarNode):
            self.error(file, node, f"`{what}` should be a single value, not a list or mapping")
            return None
        tag = node.tag
        if tag.endswith(":null"):
            return None
        if tag.endswith(":bool"):
            return node.value.lower() in ("true", "yes", "on", "y")
        if tag.endswith(":int"):
            text = node.value.replace("_", "")
            # Checked before int(): thousands of digits must not reach Python's limit on
            # converting them, nor a number past the bounds a night may hold.
            if ":" not in text and len(text.lstrip("+-")) > len(str(MAX_NUMBER)) + 2:
                return self._too_big(file, node)
            try:
                value = int(text, 0)
            except ValueError:
                return node.value  # sexagesimal (22:00) and other YAML 1.1 oddities: keep the text
            if not -MAX_NUMBER <= value <= MAX_NUMBER:
                return self._too_big(file, node)
            return value
        if tag.endswith(":float"):
            try:
                return float(node.value)
            except ValueError:
                return node.value
        return node.value

    def _too_big(self, file: str, node: ScalarNode) -> None:
        self.error(file, node, f"`{clip_middle(node.value, 40)}` is past ±{MAX_NUMBER:,}, the "
                   "largest number a scenario may hold")

    def string(self, file: str, node: Node, what: str, allow_empty: bool = False) -> str | None:
        if not isinstance(node, ScalarNode):
            self.error(file, node, f"`{what}` should be text")
            return None
        if node.tag.endswith(":null") or (not allow_empty and not node.value.strip()):
            self.error(file, node, f"`{what}` is empty")
            return None
        text: str = node.value
        return text

    def boolean(self, file: str, node: Node, what: str) -> bool:
        value = self.scalar(file, node, what)
        if not isinstance(value, bool):
            self.error(file, node, f"`{what}` should be true or false")
            return False
        return value

    def time_of_day(self, file: str, node: Node, what: str, clock: Clock | None) -> int | None:
        if not isinstance(node, ScalarNode):
            self.error(file, node, f"`{what}` should be a time like \"22:00\"")
            return None
        # Raw text, not the constructed value: YAML 1.1 reads an unquoted 22:00 as the number 1320.
        text = node.value.strip()
        tod = parse_hhmm(text)
        if tod is None:
            self.error(file, node, f"bad time `{text}` in `{what}`",
                       "write a 24-hour time like \"21:40\"")
            return None
        return clock.resolve(tod) if clock else tod

    def duration(self, file: str, node: Node, what: str) -> int | None:
        if not isinstance(node, ScalarNode):
            self.error(file, node, f"`{what}` should be a duration like 10m or 1h30m")
            return None
        d = parse_duration(node.value)
        if d is None:
            hint = "add a unit: `10m`, `1h`, `1h30m`" if node.value.strip().isdigit() \
                else "write a duration like 10m, 1h or 1h30m"
            self.error(file, node, f"bad duration `{node.value}` in `{what}`", hint)
        return d

    def list_of(self, file: str, node: Node, what: str) -> list[Node]:
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
            return []
        if isinstance(node, ScalarNode):
            return [node]  # a single effect may be written without brackets
        self.error(file, node, f"`{what}` should be a list")
        return []

    def expr_pos(self, file: str, node: ScalarNode, offset: int) -> tuple[int, int]:
        """The line and column of character `offset` inside a scalar's text."""
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        style = node.style
        if style in (None, "", "'", '"'):
            return line, col + offset + (1 if style in ("'", '"') else 0)
        if style == "|":
            text = node.value[:offset]
            nl = text.count("\n")
            src = self.texts.get(file, "").splitlines()
            body_line = line + 1 + nl
            indent = 0
            if 0 < body_line <= len(src):
                raw = src[body_line - 1]
                indent = len(raw) - len(raw.lstrip(" "))
            return body_line, indent + 1 + (offset - (text.rfind("\n") + 1))
        return line + 1, col

    def cond(self, file: str, node: Node, sym: Symbols, what: str,
             want: str | None = BOOL) -> Condition | None:
        if not isinstance(node, ScalarNode) or node.tag.endswith(":null"):
            self.error(file, node, f"`{what}` should be an expression, e.g. `resolve > 1`")
            return None
        src = node.value
        if node.tag.endswith(":bool"):
            src = "true" if self.scalar(file, node, what) else "false"
        try:
            return expression(sym, src, want)
        except ExprError as e:
            self.expr_error(file, node, e, what)
            return None

    def effects(self, file: str, node: Node, sym: Symbols, what: str) -> tuple[Effect, ...]:
        out = []
        for item in self.list_of(file, node, what):
            if not isinstance(item, ScalarNode) or item.tag.endswith(":null"):
                self.error(file, item, f"each entry of `{what}` should be an effect like "
                           "`resolve += 1`")
                continue
            src = item.value
            try:
                got = effect(sym, src)
            except ExprError as e:
                err = e
                if src.count("(") > src.count(")") and not item.style:
                    # `do: [x = min(a, b)]` splits at the comma inside a [...] list.
                    err = ExprError(e.message, e.offset, e.length,
                                       "in a [...] list a comma starts the next entry: "
                                       "put quotes around an effect that contains a comma")
                self.expr_error(file, item, err, what)
            else:
                out.append(got)
        return tuple(out)

    def expr_error(self, file: str, node: ScalarNode, e: ExprError, what: str,
                   base: int = 0) -> None:
        self.error(file, node, f"in `{what}`: {e.message}", e.hint, e.length,
                   offset=self.expr_pos(file, node, base + e.offset))

    def template(self, file: str, node: Node, sym: Symbols, what: str) -> Template | None:
        cache = sym.compiled
        key = ("text", node.value, node.tag, getattr(node, "style", None)) \
            if isinstance(node, ScalarNode) else None
        got: Template | None = cache.get(key)
        if got is not None:
            return got   # the same text was compiled before: labels and short texts repeat
        got = self._template(file, node, sym, what)
        if got is not None and key is not None:
            cache[key] = got
        return got

    def _template(self, file: str, node: Node, sym: Symbols, what: str) -> Template | None:
        text = self.string(file, node, what)
        if text is None:
            return None
        assert isinstance(node, ScalarNode)
        text = tidy(text, node.style)
        if "{" not in text and "}" not in text:
            return Template((text,))
        try:
            return compile_text(text, lambda src, want: expression(sym, src, want))
        except ExprError as e:
            self._template_error(file, node, node.value, text, e.offset, what,
                                 ExprError(e.message, 0, e.length, e.hint))
            return None

    def _template_error(self, file: str, node: ScalarNode, raw: str, text: str, at: int,
                        what: str, e: ExprError) -> None:
        # `at` is an index into the tidied text; tidying only took newlines off the front.
        base = at + len(raw) - len(raw.lstrip("\n"))
        self.expr_error(file, node, e, what, base=base)

    def field_str(self, file: str, fields: dict[str, tuple[Node, Node]], key: str,
                   required: bool = True) -> str | None:
        if key not in fields:
            return None
        text = self.string(file, fields[key][1], key, allow_empty=not required)
        return tidy(text, getattr(fields[key][1], "style", None)) if text is not None else None

    def told(self, file: str, fields: dict[str, tuple[Node, Node]], sym: Symbols,
              shown: str) -> Template | None:
        """A `told:` text: the gentler version of the `shown` field, used in content mode."""
        if "told" not in fields:
            return None
        if shown not in fields:
            self.error(file, fields["told"][0], f"`told:` is a gentler `{shown}:`, and there is "
                       f"no `{shown}:` here", f"add a `{shown}:` or remove `told:`")
            return None
        return self.template(file, fields["told"][1], sym, "told")

    def too_long(self, file: str, node: Node, name: str, value: str) -> None:
        self.error(file, node, f"`{name}` starts as a text of {len(value):,} characters; a text "
                   f"holds at most {MAX_TEXT:,}", length=1)


def flow_comma_hint(node: Node, key: Node) -> str | None:
    """In `{ name: a, b }` the comma ended the value: `b` became a key without a value."""
    value = next((v for k, v in node.value if k is key), None)
    if getattr(node, "flow_style", False) and isinstance(value, ScalarNode) \
            and value.tag.endswith(":null") and not value.value:
        return "in a `{...}` mapping a comma ends the value before it: put quotes around " \
            "text that holds a comma"
    return None


def expression(sym: Symbols, src: str, want: str | None) -> Condition:
    """`src` compiled as an expression of type `want` (None: any). Raises ExprError."""
    got = sym.compiled.get((src, want))
    if got is None:
        got = sym.compiled[(src, want)] = compile_expr(src, sym, want)
    return got


def effect(sym: Symbols, src: str) -> Effect:
    """`src` compiled as an effect. Raises ExprError."""
    got = sym.compiled.get(src)
    if got is None:
        got = sym.compiled[src] = compile_effect(src, sym)
    return got


def tidy(text: str | None, style: str | None) -> str:
    """Normalise authored text: strip the trailing newline of block scalars, keep paragraphs."""
    if text is None:
        return ""
    return text.strip("\n").rstrip()


