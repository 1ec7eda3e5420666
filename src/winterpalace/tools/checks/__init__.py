"""`check`'s analysis: the arrival-time bounds (arrival.py), candidate states (states.py),
what the checks share (common.py), and one module per check family.

Each family's module has `check(a: Analysis) -> None`, adding warnings to `a.problems`; they
are run by `analysis.analyse`, with the arrival bounds at hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .common import Analysis

__all__ = ["run_all"]


def run_all(a: Analysis) -> None:
    """Every check family, in turn; the warnings go to `a.problems`."""
    from . import (
        conditions,
        growth,
        labels,
        loops,
        names,
        reachability,
        roles,
        values,
        waiting,
        windows,
    )
    for module in (reachability, windows, conditions, names, growth,
                   labels, loops, values, roles, waiting):
        module.check(a)
