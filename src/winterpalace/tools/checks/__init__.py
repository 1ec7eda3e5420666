"""`check`'s checks beyond reachability and time, one module per family.

Each module has `check(a: Analysis) -> None`, adding warnings to `a.problems`. They are run
after the core analysis (`analysis.analyse`), with its arrival bounds at hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..analysis import Analysis


def run_all(a: Analysis) -> None:
    from . import labels, loops, roles, values, waiting
    for module in (labels, loops, values, roles, waiting):
        module.check(a)
