"""The authoring tools: `check` (analysis.py, checks/), `test` (randomtest.py, exhaustive.py,
walkthrough.py, with simulated_players.py), `graph`, `schema`, `new`, the language server
(lsp/) and `play --watch` (watch.py).

The public names are listed in `__all__` and imported on first use: the `winterpalace`
command loads a subcommand's module only when it runs (cli.py), and importing this package
must not import every tool.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # the checker sees the names; at run time they come on first use
    from .analysis import Analysis, analyse
    from .check import check_world
    from .common import load_or_print, print_problems
    from .exhaustive import explore
    from .schema import build_schema
    from .walkthrough import WalkthroughError, run_file
    from .watch import Reload, Watcher, reload_into

__all__ = ["Analysis", "Reload", "WalkthroughError", "Watcher", "analyse", "build_schema",
           "check_world", "explore", "load_or_print", "print_problems", "reload_into",
           "run_file"]

_HOMES = {
    "Analysis": "analysis", "analyse": "analysis",
    "check_world": "check",
    "load_or_print": "common", "print_problems": "common",
    "explore": "exhaustive",
    "build_schema": "schema",
    "WalkthroughError": "walkthrough", "run_file": "walkthrough",
    "Reload": "watch", "Watcher": "watch", "reload_into": "watch",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
