"""Applying authors' `lint:` suppressions to `check`'s warnings.

A suppression silences the warnings with its codes inside the lines of its choice, scene or
file. Suppressions are findings too: one naming an unknown code, or one that silenced nothing
(the warning it was written for is gone), is reported, so they never outlive their reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..engine import World, suggest
from ..scenario import Problem, Suppression
from .codes import CODES


@dataclass
class Applied:
    """The warnings left, and those silenced with the suppression that did it."""

    problems: list[Problem]
    suppressed: list[tuple[Problem, Suppression]] = field(default_factory=list)

    def suppressed_dicts(self) -> list[dict[str, Any]]:
        return [{**p.to_dict(), "why": s.why, "by": str(s.where), "scope": s.scope}
                for p, s in self.suppressed]


def suppressions(world: World) -> list[Suppression]:
    return list(world.extra.get("lint", ()))


def apply(world: World, problems: list[Problem]) -> Applied:
    sups = suppressions(world)
    out = Applied([])
    used: set[int] = set()
    for p in problems:
        hit = next((i for i, s in enumerate(sups) if s.covers(p.file, p.line, p.code)), None)
        if hit is None:
            out.problems.append(p)
        else:
            used.add(hit)
            out.suppressed.append((p, sups[hit]))
    for i, s in enumerate(sups):
        unknown = [c for c in s.codes if c not in CODES]
        w = s.where
        for c in unknown:
            out.problems.append(Problem(w.file, w.line, w.col,
                                        f"`lint:` ignores `{c}`, which is not a code of check",
                                        suggest(c, CODES) or "the codes are printed in "
                                        "[brackets] after each warning", 4, "warning",
                                        "lint-unknown-code"))
        if i not in used and not unknown:
            out.problems.append(Problem(w.file, w.line, w.col,
                                        f"`lint:` ignores {', '.join(f'`{c}`' for c in s.codes)}"
                                        f" here, but there is no such warning to silence",
                                        "remove the `lint:` field (the finding is gone)", 4,
                                        "warning", "lint-unused"))
    out.problems.sort(key=lambda p: (p.file, p.line, p.col, p.code))
    return out
