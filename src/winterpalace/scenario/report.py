"""Load a scenario for a command, or print its problems: the one way every subcommand does it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..engine import World
from ..errors import stderr
from .errors import ScenarioError
from .load import default_scenario_dir, load_scenario


def load_or_report(path: str | None, err: Callable[[str], None] | None = None, *,
                   show: Callable[[ScenarioError], None] | None = None) -> World | None:
    """Load a scenario (the shipped night when `path` is None), or report its problems
    (file:line:col) and return None: as text to `err` (standard error by default), or, for a
    command that shows them its own way (colours, JSON), the error to `show`."""
    root = Path(path) if path else default_scenario_dir()
    try:
        return load_scenario(root)
    except ScenarioError as e:
        if show is not None:
            show(e)
        else:
            (err or stderr)(e.render())
        return None


__all__ = ["load_or_report"]
