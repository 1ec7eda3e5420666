"""Load a scenario for a command, or print its problems: the one way every subcommand does it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from ..engine.model import World
from .errors import ScenarioError
from .load import default_scenario_dir, load_scenario


def load_or_report(path: str | None, err: Callable[[str], None] | None = None) -> World | None:
    """Load a scenario (the shipped night when `path` is None), or print its problems
    (file:line:col) and return None."""
    root = Path(path) if path else default_scenario_dir()
    try:
        return load_scenario(root)
    except ScenarioError as e:
        (err or _stderr)(e.render())
        return None


def _stderr(text: str) -> None:
    sys.stderr.write(text + "\n")


__all__ = ["load_or_report"]
