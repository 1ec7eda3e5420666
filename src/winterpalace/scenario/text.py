"""Authored text with holes: `{expression}`, and `{condition: this|that}` for conditional text.

    Your resolve is {resolve}.
    {resolve > 3: You feel brave here.|You feel uncertain here.}
    {has(revolver): The revolver is heavy in your coat.}
    {gold > 0: You carry {gold} gold.|Your purse is empty.}

A hole whose text has a colon at its top level (outside quotes, not between two digits as in
`22:00`) is conditional: the condition before the colon, then the text shown when it holds, and
after a `|` the text shown when it does not (none if there is no `|`). Spaces around each branch
are trimmed. Branches are text again, so they may hold holes and conditional text of their own.
`{{` and `}}` are literal braces. Conditional text nests at most MAX_TEXT_NESTING deep (reading,
compiling and showing it recurse once per level).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..engine import BOOL, MAX_TEXT_NESTING, ExprError, Template, TextIf

# compile(source, want) -> Condition; raises ExprError with an offset into `source`.
Compile = Callable[[str, "str | None"], Any]


def compile_text(text: str, compile: Compile) -> Template:
    """The text as a Template. Raises ExprError whose offset is an index into `text`."""
    if "{" not in text and "}" not in text:
        return Template((text,))
    return Template(_parts(text, 0, len(text), compile))


_BRACE = re.compile(r"[{}]")
# A hole with no braces, quotes or time literals inside: an expression, or a condition with
# branches of plain text.
_SIMPLE = re.compile(r"\{([^{}:\"'|]*)(?::([^{}|:]*)(?:\|([^{}|:]*))?)?\}")
_IN_COND = re.compile(r"[{}\"':]")    # what matters while reading an expression part
_IN_BRANCHES = re.compile(r"[{}|]")


def _parts(text: str, start: int, end: int, compile: Compile,
           depth: int = 0) -> tuple[Any, ...]:
    parts: list[Any] = []
    plain = ""
    i = start
    while i < end:
        m = _BRACE.search(text, i, end)
        if m is None:
            plain += text[i:end]
            break
        j = m.start()
        plain += text[i:j]
        if j + 1 < end and text[j + 1] == text[j]:  # `{{` or `}}`: a literal brace
            plain += text[j]
            i = j + 2
        elif text[j] == "}":
            raise ExprError("a `}` without its `{`", j, 1, "write `}}` for a brace in the text")
        else:
            if plain:
                parts.append(plain)
                plain = ""
            m = _SIMPLE.match(text, j, end)
            if m is not None:  # the usual `{name}` or `{cond: text|text}`: no nesting, no quotes
                cond, then, other = m.groups()
                if then is None:
                    parts.append(_compile(text, j + 1, m.end() - 1, None, compile))
                else:
                    parts.append(TextIf(_compile(text, j + 1, m.start(2) - 1, BOOL, compile),
                                        Template((then.strip(),)),
                                        Template(((other or "").strip(),))))
                i = m.end()
                continue
            if depth >= MAX_TEXT_NESTING:
                raise ExprError(f"conditional text nests too deeply: more than "
                                f"{MAX_TEXT_NESTING} levels inside one another", j, 1,
                                "split it into variants (`variants:`) or simpler texts")
            colon, close = _bounds(text, j, end)
            parts.append(_hole(text, j + 1, colon, close, compile, depth + 1))
            i = close + 1
    if plain:
        parts.append(plain)
    return tuple(parts) or ("",)


def _bounds(text: str, at: int, end: int) -> tuple[int | None, int]:
    """For the `{` at `at`: the colon that makes the hole conditional (None if there is none)
    and the `}` that closes it (braces nest inside a hole).

    Quotes count only in the expression part (a `}` or `:` in a string is not one); in a
    conditional's branches they are prose: apostrophes.
    """
    depth = 0
    quote = None
    colon = None
    for m in _IN_COND.finditer(text, at, end):
        c = m.group()
        if quote:
            if c == quote:
                quote = None
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return colon, m.start()
        elif depth == 1 and colon is None:
            if c != ":":
                quote = c
            elif not _time_colon(text, m.start(), end):
                colon = m.start()
    raise ExprError("a `{` without its `}`", at, 1, "write `{{` for a brace in the text")


def _time_colon(text: str, j: int, end: int) -> bool:
    """Whether the colon at `j` is inside a time literal like 22:00."""
    return j > 0 and text[j - 1].isdigit() and j + 1 < end and text[j + 1].isdigit()


def _hole(text: str, start: int, colon: int | None, end: int, compile: Compile,
          depth: int) -> Any:
    """What is between `{` (just before `start`) and `}` (at `end`)."""
    if colon is None:
        return _compile(text, start, end, None, compile)
    cond = _compile(text, start, colon, BOOL, compile)
    bars = _bars(text, colon + 1, end)
    if len(bars) > 1:
        raise ExprError("conditional text has at most two branches", bars[1], 1,
                        "write `{condition: text if true|text if not}`")
    split = bars[0] if bars else end
    then = _branch(text, colon + 1, split, compile, depth)
    otherwise = _branch(text, split + 1, end, compile, depth) if bars else Template(("",))
    return TextIf(cond, then, otherwise)


def _bars(text: str, start: int, end: int) -> list[int]:
    """The `|` separators at the top level of a conditional's branches."""
    out = []
    depth = 0
    for m in _IN_BRANCHES.finditer(text, start, end):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0:
            out.append(m.start())
    return out


def _branch(text: str, start: int, end: int, compile: Compile, depth: int) -> Template:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Template(_parts(text, start, end, compile, depth))


def _compile(text: str, start: int, end: int, want: str | None, compile: Compile) -> Any:
    src = text[start:end]
    if not src.strip():
        what = "a condition" if want == BOOL else "an expression"
        raise ExprError(f"`{{}}` needs {what} inside", max(0, start - 1), 2,
                        "e.g. `{resolve}`; write `{{}}` for braces in the text")
    try:
        return compile(src, want)
    except ExprError as e:
        raise ExprError(e.message, start + e.offset, e.length, e.hint) from None
