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

Numbers are exact integers. `/` divides and rounds toward zero, `%` is the remainder with the sign
of the left number (so `a == (a / b) * b + a % b`), and dividing by zero gives 0 for both. The
bounds of engine/limits.py hold at load (literals, nesting, length: located errors) and when a
value is stored (an effect past ±MAX_NUMBER or MAX_TEXT raises LimitError, which the engine turns
into a refused turn); joining texts is checked before the text is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import WinterPalaceError
from .limits import (
    MAX_EXPRESSION_DEPTH,
    MAX_EXPRESSION_NESTING,
    MAX_EXPRESSION_TOKENS,
    MAX_LITERAL_DIGITS,
    MAX_NUMBER,
    MAX_TEXT,
    LimitError,
    clip_middle,
)

BOOL, INT, STR, TIME = "bool", "int", "str", "time"
TYPE_NAMES = {BOOL: "true/false", INT: "a number", STR: "text", TIME: "a time"}


class ExprError(WinterPalaceError):
    """A mistake in an expression, at a character offset of its source."""

    def __init__(self, message: str, offset: int = 0, length: int = 1, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.length = max(1, length)
        self.hint = hint


def suggest(name: str, options: Any, sym: Symbols | None = None) -> str | None:
    """`did you mean ...?` for a misspelt name, or None (always None with quiet symbols)."""
    if sym is not None and sym.quiet:
        return None
    if len(name) > 64:
        return None   # no one misspells a name that long, and comparing it costs
    import difflib  # only for mistakes: a game that starts has none
    close = difflib.get_close_matches(name, [o for o in options if len(o) <= 64], n=1,
                                      cutoff=0.6)
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

KEYWORDS = frozenset({"and", "or", "not", "true", "false"})


@dataclass(slots=True)
class Tok:
    kind: str
    text: str
    pos: int


def tokenize(src: str) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    while pos < len(src):
        if len(toks) >= MAX_EXPRESSION_TOKENS:
            raise ExprError(f"this expression is too long: more than {MAX_EXPRESSION_TOKENS:,} "
                            "words, numbers and operators", pos, 1,
                            "split it: work out a part in one effect, keep it in a variable")
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
            if kind == "name" and m.group() in KEYWORDS:
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
    args: list[Node] = field(default_factory=list)
    type: str = ""


class _Parser:
    def __init__(self, src: str):
        self.src = src
        self.toks = tokenize(src)
        self.i = 0
        self.nesting = 0   # parentheses and calls open now: the parser recurses into each

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
        terms = [self.and_()]
        while self.tok.kind == "or":
            self.take()
            terms.append(self.and_())
        return _balanced("or", terms)

    def and_(self) -> Node:
        terms = [self.not_()]
        while self.tok.kind == "and":
            self.take()
            terms.append(self.not_())
        return _balanced("and", terms)

    def not_(self) -> Node:
        nots = []   # `not not x` in a loop: a long run of them must not recurse
        while self.tok.kind == "not":
            nots.append(self.take())
        node = self.cmp()
        for t in reversed(nots):
            node = Node("not", t.pos, node.pos + node.length - t.pos, "not", [node])
        return node

    def open(self, t: Tok) -> None:
        """Enter a parenthesis or a call's arguments, within the nesting bound."""
        self.nesting += 1
        if self.nesting > MAX_EXPRESSION_NESTING:
            raise ExprError(f"this expression nests too deeply: more than "
                            f"{MAX_EXPRESSION_NESTING} parentheses or calls inside one another",
                            t.pos, 1, "split it: work out a part in one effect, keep it in a "
                            "variable")

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
        signs = []
        while self.tok.kind == "op" and self.tok.text == "-":
            signs.append(self.take())
        node = self.atom()
        for t in reversed(signs):
            node = Node("unary", t.pos, node.pos + node.length - t.pos, "-", [node])
        return node

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "number":
            self.take()
            digits = t.text.lstrip("0") or "0"
            # Checked before int(): a literal of thousands of digits must not reach Python's
            # limit on converting them (and keeps every result of an expression small).
            if len(digits) > MAX_LITERAL_DIGITS:
                raise ExprError(f"`{clip_middle(t.text, 40)}` has more than "
                                f"{MAX_LITERAL_DIGITS} digits", t.pos, len(t.text),
                                f"a variable holds at most ±{MAX_NUMBER:,}")
            return Node("lit", t.pos, len(t.text), int(digits), type=INT)
        if t.kind == "duration":
            self.take()
            from .clock import parse_duration
            minutes = parse_duration(t.text)
            if minutes is None:
                raise ExprError(f"`{clip_middle(t.text, 40)}` is too long a duration", t.pos,
                                len(t.text), "a night lasts at most 24 hours")
            return Node("lit", t.pos, len(t.text), minutes, type=INT)
        if t.kind == "time":
            self.take()
            return Node("time", t.pos, len(t.text), t.text, type=TIME)
        if t.kind == "string":
            self.take()
            if len(t.text) - 2 > MAX_TEXT:
                raise ExprError(f"this text is {len(t.text) - 2:,} characters long; a text "
                                f"holds at most {MAX_TEXT:,}", t.pos, len(t.text))
            return Node("lit", t.pos, len(t.text), t.text[1:-1], type=STR)
        if t.kind in ("true", "false"):
            self.take()
            return Node("lit", t.pos, len(t.text), t.kind == "true", type=BOOL)
        if t.kind == "name":
            self.take()
            if self.tok.kind == "op" and self.tok.text == "(":
                self.open(self.take())
                args: list[Node] = []
                if not (self.tok.kind == "op" and self.tok.text == ")"):
                    args.append(self.expr())
                    while self.tok.kind == "op" and self.tok.text == ",":
                        self.take()
                        args.append(self.expr())
                close = self.expect(")")
                self.nesting -= 1
                return Node("call", t.pos, close.pos + 1 - t.pos, t.text, args)
            return Node("name", t.pos, len(t.text), t.text)
        if t.kind == "op" and t.text == "(":
            self.open(self.take())
            inner = self.expr()
            self.expect(")")
            self.nesting -= 1
            return inner
        if t.kind == "end":
            raise ExprError("the expression ends too early", t.pos, 1,
                            "something is missing after the last operator")
        raise ExprError(f"unexpected `{t.text}`", t.pos, len(t.text))


def _balanced(kind: str, terms: list[Node]) -> Node:
    """`a and b and c ...` as a balanced tree: the same answer, in the same order, with the
    terms evaluated left to right and stopping early, but only log2(n) deep."""
    if len(terms) == 1:
        return terms[0]
    mid = len(terms) // 2
    left, right = _balanced(kind, terms[:mid]), _balanced(kind, terms[mid:])
    return Node(kind, left.pos, right.pos + right.length - left.pos, kind, [left, right])


def _check_depth(node: Node, tokens: int) -> None:
    """Refuse a tree deeper than MAX_EXPRESSION_DEPTH: checking, compiling and evaluating it
    recurse once per level."""
    if tokens <= MAX_EXPRESSION_DEPTH:
        return   # every level takes a token: a short expression cannot be too deep
    stack = [(node, 1)]
    while stack:
        n, d = stack.pop()
        if d > MAX_EXPRESSION_DEPTH:
            raise ExprError(f"this expression is too deep: more than {MAX_EXPRESSION_DEPTH} "
                            "operations applied one to the result of another", n.pos, n.length,
                            "split it: work out a part in one effect, keep it in a variable")
        stack.extend((a, d + 1) for a in n.args)


def parse(src: str) -> Node:
    """Parse a condition or value expression into a tree (not yet type-checked)."""
    if not src.strip():
        raise ExprError("the expression is empty", 0, 1)
    p = _Parser(src)
    node = p.expr()
    p.at_end()
    _check_depth(node, len(p.toks))
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
    # No `did you mean` hints (difflib over every name): the loader's first pass over a file
    # throws its errors away (a later file may declare the name), and hints were half its time.
    quiet: bool = field(default=False, compare=False, repr=False)

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
        return _check_name(node, sym)
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
        return _check_binary(node, sym, allow_random)
    raise ExprError("unsupported expression", node.pos, node.length)  # pragma: no cover


def _check_name(node: Node, sym: Symbols) -> str:
    """A bare name: `time`, `role`, a player variable or a world flag."""
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
                               + ["time", "role"], sym)
        if not hint and name.lower() in ("yes", "no", "on", "off", "none", "null", "and_"):
            hint = "booleans are `true` and `false`"
        raise ExprError(f"unknown name `{name}`", node.pos, node.length,
                        hint or "declare it under `variables:` or `world_flags:` in world.yaml")
    return node.type


def _check_binary(node: Node, sym: Symbols, allow_random: bool) -> str:
    """A comparison or arithmetic: which types each operator takes, and what it gives."""
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


def _role_literal(name_node: Node, lit: Node, sym: Symbols) -> None:
    if name_node.kind == "name" and name_node.value == "role" and lit.kind == "lit" \
            and lit.type == STR and lit.value not in sym.roles:
        raise ExprError(f"there is no role `{lit.value}`", lit.pos, lit.length,
                        suggest(lit.value, sym.roles, sym) or f"roles: {', '.join(sym.roles)}")


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
                    suggest(fn, list(REFERENCE_FUNCTIONS) + list(VALUE_FUNCTIONS), sym))


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
                        suggest(ident, ids, sym))
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


def _compile(node: Node, sym: Symbols, src: str = "") -> Compiled:
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
        a = _compile(node.args[0], sym, src)
        return lambda ctx: not a(ctx)
    if k == "and":
        a, b = (_compile(x, sym, src) for x in node.args)
        return lambda ctx: a(ctx) and b(ctx)
    if k == "or":
        a, b = (_compile(x, sym, src) for x in node.args)
        return lambda ctx: a(ctx) or b(ctx)
    if k == "unary":
        a = _compile(node.args[0], sym, src)
        return lambda ctx: -a(ctx)
    if k == "binary":
        return _compile_binary(node, sym, src)
    if k == "call":
        return _compile_call(node, sym, src)
    raise ExprError("unsupported expression", node.pos, node.length)  # pragma: no cover


def _compile_binary(node: Node, sym: Symbols, src: str) -> Compiled:
    op = node.value
    left, right = node.args
    a = _compile(left, sym, src)
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
    b = _compile(right, sym, src)
    if op in _CMP:
        f = _CMP[op]
        return lambda ctx: f(a(ctx), b(ctx))
    if op == "+" and node.type == STR:
        return _join(a, b, src[node.pos:node.pos + node.length] or "+")
    if op == "+":
        # Numbers need no check here: every leaf has at most MAX_LITERAL_DIGITS digits and
        # an expression at most MAX_EXPRESSION_TOKENS of them, so even a product of all of
        # them is cheap to compute. What is stored is checked (effects), what is shown too.
        return lambda ctx: a(ctx) + b(ctx)
    if op == "-":
        return lambda ctx: a(ctx) - b(ctx)
    if op == "*":
        return lambda ctx: a(ctx) * b(ctx)
    if op == "/":
        # Exact integer division that never raises: dividing by zero gives zero.
        return lambda ctx: _div(a(ctx), b(ctx))
    if op == "%":
        return lambda ctx: _mod(a(ctx), b(ctx))
    raise ExprError("unsupported expression", node.pos, node.length)  # pragma: no cover


def _compile_call(node: Node, sym: Symbols, src: str) -> Compiled:
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
    args = [_compile(x, sym, src) for x in node.args]
    if fn == "min":
        return lambda ctx: min(f(ctx) for f in args)
    if fn == "max":
        return lambda ctx: max(f(ctx) for f in args)
    if fn == "random":
        lo, hi = args
        return lambda ctx: ctx.random(lo(ctx), hi(ctx))
    raise ExprError("unsupported expression", node.pos, node.length)  # pragma: no cover


def _div(a: int, b: int) -> int:
    """`a / b` rounded toward zero, exactly (no float on the way); 0 when b is 0."""
    if b == 0:
        return 0
    q = a // b
    if q < 0 and q * b != a:
        q += 1   # floor division rounded down; toward zero is one up
    return q


def _mod(a: int, b: int) -> int:
    """The remainder of `a / b`, with the sign of `a`; 0 when b is 0."""
    if b == 0:
        return 0
    return a - b * _div(a, b)


def _join(a: Compiled, b: Compiled, source: str) -> Compiled:
    """Text `+` text, refused before the text is built when it would pass MAX_TEXT."""
    def join(ctx: Any) -> str:
        x, y = a(ctx), b(ctx)
        if len(x) + len(y) > MAX_TEXT:
            raise LimitError(f"`{clip_middle(source, 60)}` would be a text of "
                             f"{len(x) + len(y):,} characters; a text holds at most "
                             f"{MAX_TEXT:,}")
        joined: str = x + y
        return joined
    return join


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled true/false expression and the names it reads."""

    source: str
    fn: Compiled
    reads: frozenset[str]
    calls: frozenset[tuple[str, str]]  # (function, argument), e.g. ("has", "revolver")

    def __call__(self, ctx: Any) -> bool:
        holds: bool = self.fn(ctx)
        return holds


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
    try:
        return _compile_expr(src, sym, want, allow_random)
    except RecursionError:   # the bounds above should make this unreachable; never a traceback
        raise ExprError("this expression nests too deeply", 0, 1) from None


def _compile_expr(src: str, sym: Symbols, want: str | None, allow_random: bool) -> Condition:
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
    return Condition(src, _compile(node, sym, src), frozenset(reads), frozenset(calls))


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
    """Compile `name = expr`, `name += expr`, `name -= expr`, `give(x)`, `take(x)`, `learn(x)`.

    A number or text stored by an effect is checked against the bounds first: past them the
    effect raises LimitError and stores nothing.
    """
    try:
        return _compile_effect(src, sym)
    except RecursionError:   # the bounds should make this unreachable; never a traceback
        raise ExprError("this effect nests too deeply", 0, 1) from None


def _compile_effect(src: str, sym: Symbols) -> Effect:
    if not src.strip():
        raise ExprError("the effect is empty", 0, 1)
    m = _EFFECT_RE.match(src)
    if m:
        return _compile_assignment(m, src, sym)
    return _compile_effect_call(src, sym)


def _compile_assignment(m: re.Match[str], src: str, sym: Symbols) -> Effect:
    """`name = expr`, `name += expr` or `name -= expr` (`m`: the name and the operator)."""
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
                        suggest(name, list(sym.player_vars) + list(sym.world_flags), sym)
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
    if node.kind == "lit" and node.type == INT and not -MAX_NUMBER <= node.value <= MAX_NUMBER:
        raise ExprError(f"`{name}` may hold at most ±{MAX_NUMBER:,}; this effect would "
                        "always be refused", node.pos + rest_at, node.length)
    value = _compile(node, sym, rest)
    reads: set[str] = set()
    calls: set[tuple[str, str]] = set()
    _reads(node, reads, calls)
    fn = _store(name, op, vtype, "flags" if world else "vars", value, src)
    return Effect(src, fn, frozenset([name]), frozenset(reads), frozenset(calls), world)


def _compile_effect_call(src: str, sym: Symbols) -> Effect:
    """`give(item)`, `take(item)` or `learn(note)`."""
    node = parse(src)
    if node.kind != "call" or node.value not in EFFECT_FUNCTIONS:
        hint = None
        if node.kind == "binary" and node.value == "==":
            hint = "to set a variable, write `=`"
        elif node.kind == "call":
            hint = suggest(node.value, EFFECT_FUNCTIONS, sym) or "effects: `x = ...`, `x += ...`, " \
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
                ctx.own("items").append(ident)
    elif fn_name == "take":
        def fn(ctx: Any) -> None:
            if ident in ctx.items:
                ctx.own("items").remove(ident)
    else:
        def fn(ctx: Any) -> None:
            if ident not in ctx.notes:
                ctx.own("notes").append(ident)
    return Effect(src, fn, frozenset(), frozenset(), frozenset([(fn_name, ident)]), False)


def _store(name: str, op: str, vtype: str, store: str, value: Compiled,
           src: str) -> Callable[[Any], None]:
    """The effect's function: work out the value, check it against the bounds, store it (in
    `ctx.own(store)`: the context's own `vars` or `flags`, copied at the first change)."""
    shown = clip_middle(src.strip(), 80)

    def too_big() -> LimitError:
        return LimitError(f"`{shown}` would make `{name}` pass ±{MAX_NUMBER:,}, the largest "
                          "number a night may hold")

    if op == "=" and vtype == STR:
        def fn(ctx: Any) -> None:
            v = value(ctx)
            if len(v) > MAX_TEXT:
                raise LimitError(f"`{shown}` would make `{name}` {len(v):,} characters long; "
                                 f"a text holds at most {MAX_TEXT:,}")
            ctx.own(store)[name] = v
    elif op == "=" and vtype in (INT, TIME):
        def fn(ctx: Any) -> None:
            v = value(ctx)
            if not -MAX_NUMBER <= v <= MAX_NUMBER:
                raise too_big()
            ctx.own(store)[name] = v
    elif op == "=":
        def fn(ctx: Any) -> None:
            ctx.own(store)[name] = value(ctx)
    elif op == "+=":
        def fn(ctx: Any) -> None:
            d = ctx.own(store)
            v = d[name] + value(ctx)
            if not -MAX_NUMBER <= v <= MAX_NUMBER:
                raise too_big()
            d[name] = v
    else:
        def fn(ctx: Any) -> None:
            d = ctx.own(store)
            v = d[name] - value(ctx)
            if not -MAX_NUMBER <= v <= MAX_NUMBER:
                raise too_big()
            d[name] = v
    return fn


def value_type(value: Any) -> str | None:
    """The language type of a YAML initial value, or None if it has none."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, str):
        return STR
    return None
