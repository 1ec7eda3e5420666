"""The command line's helpers: how the program leaves a game (saved, and saying where), what a
fault in the program itself does, and the `--no-cache` option every subcommand takes.

Above every package, below `cli.py` (which holds the lazy registry of subcommands and composes
the rest; each `*/cli.py` module only `register(subparsers)`s its own commands).
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from .errors import EXIT_ERROR, EXIT_OK, stderr

if TYPE_CHECKING:
    from .menus import Flow

__all__ = ["NO_CACHE_HELP", "add_cache_argument", "internal_error", "saved_on_leaving"]


NO_CACHE_HELP = ("read the scenario's files, not the compiled-scenario cache (also: "
                 "WINTERPALACE_NO_CACHE=1)")



def saved_on_leaving(flow: Flow) -> int:
    """Autosave on the way out; EXIT_OK, or EXIT_ERROR after saying on stderr why it failed."""
    notice = flow.hangup()
    if notice is None:
        return EXIT_OK
    stderr(f"winterpalace: {notice.text}")
    return EXIT_ERROR


def internal_error(error: Exception, flow: Flow) -> int:
    """A fault in the program itself: save the game, say so in one line, exit 1.

    `WINTERPALACE_DEBUG=1` shows the traceback instead, for developers.
    """
    if os.environ.get("WINTERPALACE_DEBUG"):
        raise error
    saved = saved_on_leaving(flow) == EXIT_OK and flow.session is not None
    stderr(f"winterpalace: an internal error stopped the game ({type(error).__name__}: "
           f"{str(error)[:200]})" + ("; your game is saved." if saved else "."))
    return EXIT_ERROR


def add_cache_argument(p: argparse.ArgumentParser) -> None:
    """`--no-cache` on a command and every action under it (`lesson debrief --no-cache`)."""
    try:
        p.add_argument("--no-cache", action="store_true", default=argparse.SUPPRESS,
                       help=NO_CACHE_HELP)
    except argparse.ArgumentError:
        pass                      # the command has its own
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                add_cache_argument(child)
