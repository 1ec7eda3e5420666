"""The condition and effect language: parsed and type-checked once, evaluated many times.

A source string becomes a tree, the tree is checked against a symbol table (which names are
variables, flags, scenes, items, ...), and the checked tree is turned into plain Python closures.
Nothing here calls `eval` or `exec`, and a scene file can name nothing but what the table holds.

Grammar (lowest precedence first)::

    expr   := or
    or     := and ('or' and)*
    and    := not ('and' not)*
    not    := 'not' not | cmp
    cmp    := sum (('=='|'!='|'<'|'<='|'>'|'>=') sum)?
    sum    := prod (('+'|'-') prod)*
    prod   := unary (('*'|'/'|'%') unary)*
    unary  := '-' unary | atom
    atom   := NUMBER | STRING | TIME | DURATION | 'true' | 'false' | NAME
            | NAME '(' [expr (',' expr)*] ')' | '(' expr ')'
    effect := NAME ('='|'+='|'-=') expr | NAME '(' args ')'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

BOOL, INT, STR, TIME = "bool", "int", "str", "time"
TYPE_NAMES = {BOOL: "true/false", INT: "a number", STR: "text", TIME: "a time"}


class ExprError(Exception):
    """A mistake in an expression, at a character offset of its source."""

    def __init__(self, message: str, offset: int = 0, length: int = 1, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.length = max(1, length)
        self.hint = hint


def suggest(name: str, options: Any) -> str | None:
    """`did you mean ...?` for a misspelt name, or None."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


# --------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<time>\d{1,2}:\d{2}(?![\d:]))
  | (?P<duration>\d+h(?:\d+m)?(?![A-Za-z0-9_])|\d+m(?![A-Za-z0-9_]))
  | (?P<number>\d+(?![A-Za-z_]))
  | (?P<string>"[^"\\\n]*"|'[^'\\\n]*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|\+=|-=|[-+*/%<>=(),])
""", re.VERBOSE)

_KEYWORDS = {"and", "or", "not", "true", "false"}


@dataclass(slots=True)
class Tok:
    kind: str
    text: str
    pos: int


def tokenize(src: str) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN_RE.match(src, pos)
        if not m:
            ch = src[pos]
            hint = None
            if ch == "&":
                hint = "write `and`"
            elif ch == "|":
                hint = "write `or`"
            elif ch == "!":
                hint = "write `not`"
            elif ch == ".":
                hint = "attribute access is not part of the language; name a variable directly"
            raise ExprError(f"unexpected character {ch!r}", pos, 1, hint)
        kind = m.lastgroup or ""
        if kind == "time":
            h, mm = m.group().split(":")
            if int(h) > 23 or int(mm) > 59:
                raise ExprError(f"`{m.group()}` is not a time of day", pos, len(m.group()),
                                "times run from 00:00 to 23:59")
        if kind != "ws":
            if kind == "name" and m.group() in _KEYWORDS:
                kind = m.group()
            toks.append(Tok(kind, m.group(), pos))
        pos = m.end()
    toks.append(Tok("end", "", len(src)))
    return toks


# --------------------------------------------------------------------------- trees


@dataclass(slots=True)
class Node:
    kind: str                 # lit, name, call, unary, binary, and, or, not
    pos: int
    length: int
    value: Any = None         # literal value, name, operator
    args: list["Node"] = field(default_factory=list)
    type: str = ""


class _Parser:
    def __init__(self, src: str):
        self.src = src
        self.toks = tokenize(src)
        self.i = 0

    @property
    def tok(self) -> Tok:
        return self.toks[self.i]

    def take(self) -> Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text: str) -> Tok:
        if self.tok.text != text or self.tok.kind == "string":
            raise ExprError(f"expected `{text}` here, found {self._found()}", self.tok.pos,
                            len(self.tok.text) or 1)
        return self.take()

    def _found(self) -> str:
        return "the end of the expression" if self.tok.kind == "end" else f"`{self.tok.text}`"

    def at_end(self) -> None:
        if self.tok.kind != "end":
            hint = None
            if self.tok.text == "=":
                hint = "to compare, write `==`"
            raise ExprError(f"unexpected {self._found()}", self.tok.pos, len(self.tok.text), hint)

    def expr(self) -> Node:
        left = self.and_()
        while self.tok.kind == "or":
            t = self.take()
            right = self.and_()
            left = Node("or", left.pos, right.pos + right.length - left.pos, t.text, [left, right])
        return left

    def and_(self) -> Node:
        left = self.not_()
        while self.tok.kind == "and":
            t = self.take()
            right = self.not_()
            left = Node("and", left.pos, right.pos + right.length - left.pos, t.text, [left, right])
        return left

    def not_(self) -> Node:
        if self.tok.kind == "not":
            t = self.take()
            operand = self.not_()
            return Node("not", t.pos, operand.pos + operand.length - t.pos, "not", [operand])
        return self.cmp()

    def cmp(self) -> Node:
        left = self.sum()
        if self.tok.kind == "op" and self.tok.text in ("==", "!=", "<", "<=", ">", ">="):
            t = self.take()
            right = self.sum()
            node = Node("binary", left.pos, right.pos + right.length - left.pos, t.text,
                        [left, right])
            if self.tok.kind == "op" and self.tok.text in ("==", "!=", "<", "<=", ">", ">="):
                raise ExprError("comparisons cannot be chained", self.tok.pos, len(self.tok.text),
                                "join two comparisons with `and`")
            return node
        return left

    def sum(self) -> Node:
        left = self.prod()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            t = self.take()
            right = self.prod()
            left = Node("binary", left.pos, right.pos + right.length - left.pos, t.text,
                        [left, right])
        return left

    def prod(self) -> Node:
        left = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "%"):
            t = self.take()
            right = self.unary()
            left = Node("binary", left.pos, right.pos + right.length - left.pos, t.text,
                        [left, right])
        return left

    def unary(self) -> Node:
        if self.tok.kind == "op" and self.tok.text == "-":
            t = self.take()
            operand = self.unary()
            return Node("unary", t.pos, operand.pos + operand.length - t.pos, "-", [operand])
        return self.atom()

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "number":
            self.take()
            return Node("lit", t.pos, len(t.text), int(t.text), type=INT)
        if t.kind == "duration":
            self.take()
            from .clock import parse_duration
            return Node("lit", t.pos, len(t.text), parse_duration(t.text), type=INT)
        if t.kind == "time":
            self.take()
            return Node("time", t.pos, len(t.text), t.text, type=TIME)
        if t.kind == "string":
            self.take()
            return Node("lit", t.pos, len(t.text), t.text[1:-1], type=STR)
        if t.kind in ("true", "false"):
            self.take()
            return Node("lit", t.pos, len(t.text), t.kind == "true", type=BOOL)
        if t.kind == "name":
            self.take()
            if self.tok.kind == "op" and self.tok.text == "(":
                self.take()
                args: list[Node] = []
                if not (self.tok.kind == "op" and self.tok.text == ")"):
                    args.append(self.expr())
                    while self.tok.kind == "op" and self.tok.text == ",":
                        self.take()
                        args.append(self.expr())
                close = self.expect(")")
                return Node("call", t.pos, close.pos + 1 - t.pos, t.text, args)
            return Node("name", t.pos, len(t.text), t.text)
        if t.kind == "op" and t.text == "(":
            self.take()
            inner = self.expr()
            self.expect(")")
            return inner
        if t.kind == "end":
            raise ExprError("the expression ends too early", t.pos, 1,
                            "something is missing after the last operator")
        raise ExprError(f"unexpected `{t.text}`", t.pos, len(t.text))


def parse(src: str) -> Node:
    """Parse a condition or value expression into a tree (not yet type-checked)."""
    if not src.strip():
        raise ExprError("the expression is empty", 0, 1)
    p = _Parser(src)
    node = p.expr()
    p.at_end()
    return node


# --------------------------------------------------------------------------- symbols

# Functions whose single argument names a thing of a kind: (kind, result type).
REFERENCE_FUNCTIONS: dict[str, tuple[str, str]] = {
    "has": ("item", BOOL),
    "visited": ("scene", BOOL),
    "visits": ("scene", INT),
    "present": ("character", BOOL),
    "at": ("place", BOOL),
    "within": ("area", BOOL),
    "fired": ("event", BOOL),
    "knows": ("note", BOOL),
}
EFFECT_FUNCTIONS: dict[str, str] = {"give": "item", "take": "item", "learn": "note"}
VALUE_FUNCTIONS = {"min", "max", "random"}


@dataclass
class Symbols:
    """What names an expression may use, and their types."""

    player_vars: dict[str, str]
    world_flags: dict[str, str]
    things: dict[str, Any]          # kind -> collection of ids (scene, item, character, ...)
    roles: Any
    time_of: Callable[[str], int | None]  # resolves an `HH:MM` literal to clock minutes
    # What the loader has compiled against these symbols, by source: each text or expression
    # is compiled once however often it is written.
    compiled: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def names(self) -> list[str]:
        return (["time", "role"] + list(self.player_vars) + list(self.world_flags)
                + list(REFERENCE_FUNCTIONS) + list(VALUE_FUNCTIONS))


def _check(node: Node, sym: Symbols, allow_random: bool) -> str:
    """Annotate `node` with its type; raise ExprError for unknown names and type mistakes."""
    k = node.kind
    if k == "lit":
        return node.type
    if k == "time":
        resolved = sym.time_of(node.value)
        if resolved is None:
            raise ExprError(f"`{node.value}` is not a time of day", node.pos, node.length)
        node.kind, node.value, node.type = "lit", resolved, TIME
        return TIME
    if k == "name":
        name = node.value
        if name == "time":
            node.type = TIME
        elif name == "role":
            node.type = STR
        elif name in sym.player_vars:
            node.type = sym.player_vars[name]
        elif name in sym.world_flags:
            node.type = sym.world_flags[name]
        else:
            kind = next((kd for kd, ids in sym.things.items() if name in ids), None)
            hint = None
            if kind:  # a known id used bare: say which function takes it
                fn = {v[0]: f for f, v in REFERENCE_FUNCTIONS.items()}.get(kind)
                hint = f"`{name}` is a {kind}; write `{fn}({name})`" if fn else None
            hint = hint or suggest(name, list(sym.player_vars) + list(sym.world_flags)
                                   + ["time", "role"])
            if not hint and name.lower() in ("yes", "no", "on", "off", "none", "null", "and_"):
                hint = "booleans are `true` and `false`"
            raise ExprError(f"unknown name `{name}`", node.pos, node.length,
                            hint or "declare it under `variables:` or `world_flags:` in world.yaml")
        return node.type
    if k == "call":
        return _check_call(node, sym, allow_random)
    if k == "not":
        t = _check(node.args[0], sym, allow_random)
        _want(node.args[0], t, BOOL, "`not` needs true/false")
        node.type = BOOL
        return BOOL
    if k in ("and", "or"):
        for a in node.args:
            _want(a, _check(a, sym, allow_random), BOOL, f"`{k}` joins true/false conditions")
        node.type = BOOL
        return BOOL
    if k == "unary":
        _want(node.args[0], _check(node.args[0], sym, allow_random), INT, "`-` needs a number")
        node.type = INT
        return INT
    if k == "binary":
        op = node.value
        left, right = node.args
        lt, rt = _check(left, sym, allow_random), _check(right, sym, allow_random)
        if op in ("==", "!="):
            _role_literal(left, right, sym)
            _role_literal(right, left, sym)
            if lt != rt:
                raise ExprError(f"cannot compare {TYPE_NAMES[lt]} with {TYPE_NAMES[rt]}",
                                node.pos, node.length)
            node.type = BOOL
            return BOOL
        if op in ("<", "<=", ">", ">="):
            if lt != rt or lt not in (INT, TIME):
                raise ExprError(f"`{op}` compares two numbers or two times, not "
                                f"{TYPE_NAMES[lt]} and {TYPE_NAMES[rt]}", node.pos, node.length)
            node.type = BOOL
            return BOOL
        if op == "+" and lt == STR and rt == STR:
            node.type = STR
            return STR
        if op in ("+", "-") and lt == TIME and rt == INT:
            node.type = TIME
            return TIME
        if op == "-" and lt == TIME and rt == TIME:
            node.type = INT
            return INT
        if lt != INT or rt != INT:
            raise ExprError(f"`{op}` needs numbers, not {TYPE_NAMES[lt]} and {TYPE_NAMES[rt]}",
                            node.pos, node.length)
        node.type = INT
        return INT
    raise ExprError("unsupported expression", node.pos, node.length)  # pragma: no cover


def _role_literal(name_node: Node, lit: Node, sym: Symbols) -> None:
    if name_node.kind == "name" and name_node.value == "role" and lit.kind == "lit" \
            and lit.type == STR and lit.value not in sym.roles:
        raise ExprError(f"there is no role `{lit.value}`", lit.pos, lit.length,
                        suggest(lit.value, sym.roles) or f"roles: {', '.join(sym.roles)}")


def _want(node: Node, got: str, want: str, why: str) -> None:
    if got != want:
        raise ExprError(f"{why}; this is {TYPE_NAMES[got]}", node.pos, node.length)


def _check_call(node: Node, sym: Symbols, allow_random: bool) -> str:
    fn = node.value
    if fn in REFERENCE_FUNCTIONS:
        kind, result = REFERENCE_FUNCTIONS[fn]
        _reference_arg(node, kind, sym)
        node.type = result
        return result
    if fn in ("min", "max"):
        if len(node.args) < 2:
            raise ExprError(f"`{fn}` takes two or more numbers", node.pos, node.length)
        for a in node.args:
            _want(a, _check(a, sym, allow_random), INT, f"`{fn}` takes numbers")
        node.type = INT
        return INT
    if fn == "random":
        if not allow_random:
            raise ExprError("`random` can only be used in effects (`do:`)", node.pos, node.length,
                            "conditions must give the same answer every time they are read")
        if len(node.args) != 2:
            raise ExprError("`random(low, high)` takes two numbers", node.pos, node.length)
        for a in node.args:
            _want(a, _check(a, sym, allow_random), INT, "`random` takes numbers")
        node.type = INT
        return INT
    if fn in EFFECT_FUNCTIONS:
        raise ExprError(f"`{fn}(...)` is an effect, not a value", node.pos, node.length,
                        "put it in a `do:` list")
    raise ExprError(f"unknown function `{fn}`", node.pos, len(fn),
                    suggest(fn, list(REFERENCE_FUNCTIONS) + list(VALUE_FUNCTIONS)))


def _reference_arg(node: Node, kind: str, sym: Symbols) -> None:
    fn = node.value
    if len(node.args) != 1 or node.args[0].kind not in ("name", "lit") or (
            node.args[0].kind == "lit" and node.args[0].type != STR):
        raise ExprError(f"`{fn}` takes the id of one {kind}, e.g. `{fn}(some_{kind})`",
                        node.pos, node.length)
    arg = node.args[0]
    ident = arg.value
    ids = sym.things.get(kind, ())
    if ident not in ids:
        raise ExprError(f"unknown {kind} `{ident}` in `{fn}(...)`", arg.pos, arg.length,
                        suggest(ident, ids))
    arg.kind, arg.type = "ref", kind


# --------------------------------------------------------------------------- compiling

# A compiled expression is a function of an evaluation context (see engine.Context).
Compiled = Callable[[Any], Any]

_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _const(v: Any) -> Compiled:
    return lambda ctx: v


def _compile(node: Node, sym: Symbols) -> Compiled:
    k = node.kind
    if k == "lit":
        return _const(node.value)
    if k == "name":
        name = node.value
        if name == "time":
            return lambda ctx: ctx.time
        if name == "role":
            return lambda ctx: ctx.role
        if name in sym.player_vars:
            return lambda ctx: ctx.vars[name]
        return lambda ctx: ctx.flags[name]
    if k == "not":
        a = _compile(node.args[0], sym)
        return lambda ctx: not a(ctx)
    if k == "and":
        a, b = (_compile(x, sym) for x in node.args)
        return lambda ctx: a(ctx) and b(ctx)
    if k == "or":
        a, b = (_compile(x, sym) for x in node.args)
        return lambda ctx: a(ctx) or b(ctx)
    if k == "unary":
        a = _compile(node.args[0], sym)
        return lambda ctx: -a(ctx)
    if k == "binary":
        op = node.value
        left, right = node.args
        a = _compile(left, sym)
        # The commonest conditions compare a variable with a constant: keep them one call deep.
        if right.kind == "lit" and op in _CMP:
            c = right.value
            if left.kind == "name" and left.value in sym.player_vars:
                n = left.value
                return {"==": lambda ctx: ctx.vars[n] == c, "!=": lambda ctx: ctx.vars[n] != c,
                        "<": lambda ctx: ctx.vars[n] < c, "<=": lambda ctx: ctx.vars[n] <= c,
                        ">": lambda ctx: ctx.vars[n] > c, ">=": lambda ctx: ctx.vars[n] >= c}[op]
            f = _CMP[op]
            return lambda ctx: f(a(ctx), c)
        b = _compile(right, sym)
        if op in _CMP:
            f = _CMP[op]
            return lambda ctx: f(a(ctx), b(ctx))
        if op == "+":
            return lambda ctx: a(ctx) + b(ctx)
        if op == "-":
            return lambda ctx: a(ctx) - b(ctx)
        if op == "*":
            return lambda ctx: a(ctx) * b(ctx)
        if op == "/":
            # Integer division that never raises: dividing by zero gives zero.
            return lambda ctx: _div(a(ctx), b(ctx))
        if op == "%":
            return lambda ctx: _mod(a(ctx), b(ctx))
    if k == "call":
        fn = node.value
        if fn in REFERENCE_FUNCTIONS:
            ident = node.args[0].value
            if fn == "has":
                return lambda ctx: ident in ctx.items
            if fn == "visited":
                return lambda ctx: ident in ctx.visits
            if fn == "visits":
                return lambda ctx: ctx.visits.get(ident, 0)
            if fn == "present":
                return lambda ctx: ctx.present(ident)
            if fn == "at":
                return lambda ctx: ctx.place == ident
            if fn == "within":
                return lambda ctx: ctx.area == ident
            if fn == "fired":
                return lambda ctx: ident in ctx.fired
            if fn == "knows":
                return lambda ctx: ident in ctx.notes
        args = [_compile(x, sym) for x in node.args]
        if fn == "min":
            return lambda ctx: min(f(ctx) for f in args)
        if fn == "max":
            return lambda ctx: max(f(ctx) for f in args)
        if fn == "random":
            lo, hi = args
            return lambda ctx: ctx.random(lo(ctx), hi(ctx))
    raise ExprError("unsupported expression", node.pos, node.length)  # pragma: no cover


def _div(a: int, b: int) -> int:
    return 0 if b == 0 else int(a / b)


def _mod(a: int, b: int) -> int:
    return 0 if b == 0 else a % b


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled true/false expression and the names it reads."""

    source: str
    fn: Compiled
    reads: frozenset[str]
    calls: frozenset[tuple[str, str]]  # (function, argument), e.g. ("has", "revolver")

    def __call__(self, ctx: Any) -> bool:
        return self.fn(ctx)


def _reads(node: Node, out: set[str], calls: set[tuple[str, str]]) -> None:
    if node.kind == "name":
        out.add(node.value)
    elif node.kind == "call" and node.value in REFERENCE_FUNCTIONS and node.args:
        calls.add((node.value, node.args[0].value))
    for a in node.args:
        _reads(a, out, calls)


def compile_expr(src: str, sym: Symbols, want: str | None = BOOL,
                 allow_random: bool = False) -> Condition:
    """Parse, check and compile `src`; `want` is the type it must have (None: any)."""
    node = parse(src)
    got = _check(node, sym, allow_random)
    if want is not None and got != want:
        hint = None
        if got != BOOL and want == BOOL and node.kind == "name":
            hint = f"compare it, e.g. `{node.value} > 0`"
        raise ExprError(f"this should be {TYPE_NAMES[want]} but is {TYPE_NAMES[got]}",
                        node.pos, node.length, hint)
    reads: set[str] = set()
    calls: set[tuple[str, str]] = set()
    _reads(node, reads, calls)
    return Condition(src, _compile(node, sym), frozenset(reads), frozenset(calls))


@dataclass(frozen=True, slots=True)
class Effect:
    """A compiled effect: what it changes and how."""

    source: str
    fn: Callable[[Any], None]
    writes: frozenset[str]
    reads: frozenset[str]
    calls: frozenset[tuple[str, str]]   # ("give", "revolver"), ("learn", "ultimatum"), ...
    world: bool                          # whether it changes the shared world

    def __call__(self, ctx: Any) -> None:
        self.fn(ctx)


_EFFECT_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\+=|-=|=(?!=))")


def compile_effect(src: str, sym: Symbols) -> Effect:
    """Compile `name = expr`, `name += expr`, `name -= expr`, `give(x)`, `take(x)`, `learn(x)`."""
    if not src.strip():
        raise ExprError("the effect is empty", 0, 1)
    m = _EFFECT_RE.match(src)
    if m:
        name, op = m.group(1), m.group(2)
        name_pos = m.start(1)
        if name in sym.player_vars:
            vtype, world = sym.player_vars[name], False
        elif name in sym.world_flags:
            vtype, world = sym.world_flags[name], True
        elif name in ("time", "role"):
            raise ExprError(f"`{name}` cannot be set by an effect", name_pos, len(name),
                            "time passes with `takes:`; the role is chosen at the start")
        else:
            raise ExprError(f"unknown variable `{name}`", name_pos, len(name),
                            suggest(name, list(sym.player_vars) + list(sym.world_flags))
                            or "declare it under `variables:` or `world_flags:` in world.yaml")
        rest_at = m.end()
        rest = src[rest_at:]
        try:
            node = parse(rest)
            got = _check(node, sym, allow_random=True)
        except ExprError as e:
            raise ExprError(e.message, e.offset + rest_at, e.length, e.hint) from None
        if op in ("+=", "-=") and vtype not in (INT, TIME):
            raise ExprError(f"`{op}` needs a number; `{name}` is {TYPE_NAMES[vtype]}",
                            name_pos, len(name))
        want = INT if op in ("+=", "-=") else vtype
        if got != want:
            raise ExprError(f"`{name}` is {TYPE_NAMES[vtype]}, but this is {TYPE_NAMES[got]}",
                            node.pos + rest_at, node.length)
        value = _compile(node, sym)
        reads: set[str] = set()
        calls: set[tuple[str, str]] = set()
        _reads(node, reads, calls)
        store = "flags" if world else "vars"
        if op == "=":
            def fn(ctx: Any) -> None:
                getattr(ctx, store)[name] = value(ctx)
        elif op == "+=":
            def fn(ctx: Any) -> None:
                d = getattr(ctx, store)
                d[name] = d[name] + value(ctx)
        else:
            def fn(ctx: Any) -> None:
                d = getattr(ctx, store)
                d[name] = d[name] - value(ctx)
        return Effect(src, fn, frozenset([name]), frozenset(reads), frozenset(calls), world)

    node = parse(src)
    if node.kind != "call" or node.value not in EFFECT_FUNCTIONS:
        hint = None
        if node.kind == "binary" and node.value == "==":
            hint = "to set a variable, write `=`"
        elif node.kind == "call":
            hint = suggest(node.value, EFFECT_FUNCTIONS) or "effects: `x = ...`, `x += ...`, " \
                "`x -= ...`, `give(item)`, `take(item)`, `learn(note)`"
        raise ExprError("this is not an effect", node.pos, node.length, hint or
                        "effects: `x = ...`, `x += ...`, `x -= ...`, `give(item)`, "
                        "`take(item)`, `learn(note)`")
    fn_name = node.value
    kind = EFFECT_FUNCTIONS[fn_name]
    _reference_arg(node, kind, sym)
    ident = node.args[0].value
    if fn_name == "give":
        def fn(ctx: Any) -> None:
            if ident not in ctx.items:
                ctx.items.append(ident)
    elif fn_name == "take":
        def fn(ctx: Any) -> None:
            if ident in ctx.items:
                ctx.items.remove(ident)
    else:
        def fn(ctx: Any) -> None:
            if ident not in ctx.notes:
                ctx.notes.append(ident)
    return Effect(src, fn, frozenset(), frozenset(), frozenset([(fn_name, ident)]), False)


def value_type(value: Any) -> str | None:
    """The language type of a YAML initial value, or None if it has none."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, str):
        return STR
    return None
