"""Errors that only follow from another error are left out, so the real one stands alone.

- A file with a YAML syntax error is treated as unread: an "unknown scene/name/..." error
  elsewhere whose id that file seems to declare (a key of that name in its text) is a
  consequence, not a mistake of its own (and its "did you mean" would mislead).
- A clock that cannot be read (longer than 24 hours, ending before it starts) makes every
  `HH:MM` ambiguous: the time-order errors it causes are left out, and the clock comes first.
"""

from __future__ import annotations

import dataclasses
import re

from .errors import Problem

SYNTAX = "yaml-syntax"
CLOCK = "clock"
ROOT_CODES = (SYNTAX, CLOCK)

_UNKNOWN = re.compile(r"unknown (?:[a-z]+ )?(?:name|variable|scene|place|item|character|area|"
                      r"event|note) `([^`]+)`")
_KEY = re.compile(r"(?:^|[{,\-]|\s)\s*([A-Za-z_][\w]*)\s*:(?:\s|$)", re.MULTILINE)
_CLOCK_MESSAGES = ("the night is longer than 24 hours", "the clock ends before it starts",
                   "bad clock ")
_TIME_ORDER = ("`until` is not after `from`", "`before` is not later than `after`",
               "starts outside the clock", "is outside the clock")


def without_cascades(problems: list[Problem], sources: dict[str, str]) -> list[Problem]:
    """`problems` less those explained by a file that could not be read or a broken clock;
    the root causes carry a code (and are shown first)."""
    problems = [_tag(p) for p in problems]
    unread = {p.file for p in problems if p.code == SYNTAX}
    if unread:
        declared: set[str] = set()
        for f in unread:
            declared |= set(_KEY.findall(sources.get(f, "")))
        kept = []
        dropped: dict[str, int] = {}
        for p in problems:
            m = _UNKNOWN.search(p.message)
            if p.file not in unread and m and m.group(1) in declared:
                owner = next(f for f in sorted(unread) if m.group(1) in
                             _KEY.findall(sources.get(f, "")))
                dropped[owner] = dropped.get(owner, 0) + 1
                continue
            kept.append(p)
        problems = [_note(p, dropped[p.file]) if p.code == SYNTAX and p.file in dropped else p
                    for p in kept]
    if any(p.code == CLOCK for p in problems):
        problems = [p for p in problems if not any(m in p.message for m in _TIME_ORDER)]
    return problems


def _tag(p: Problem) -> Problem:
    if p.code:
        return p
    if p.message.startswith("YAML syntax"):
        return dataclasses.replace(p, code=SYNTAX)
    if p.message.startswith(_CLOCK_MESSAGES):
        return dataclasses.replace(p, code=CLOCK)
    return p


def _note(p: Problem, n: int) -> Problem:
    extra = (f"{n} error{'s' if n != 1 else ''} in other files naming what this file declares "
             f"{'are' if n != 1 else 'is'} left out until it can be read")
    return dataclasses.replace(p, hint=f"{p.hint}; {extra}" if p.hint else extra)
