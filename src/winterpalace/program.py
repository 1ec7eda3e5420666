"""What every subcommand of the `winterpalace` program shares: what a fault in the program
itself does, how leaving reports the save, and the lazy registry of
subcommands (`*/cli.py` modules each `register(subparsers)` their own).

This sits above every package and below the `*/cli.py` modules and `cli.py`, which compose it.
"""

from __future__ import annotations

import argparse
import importlib
import os
from typing import TYPE_CHECKING

from .errors import EXIT_ERROR, EXIT_OK, stderr

if TYPE_CHECKING:
    from .menus import Flow

__all__ = [
    "NO_CACHE_HELP", "SUBCOMMANDS", "add_cache_argument", "add_subcommands", "internal_error",
    "saved_on_leaving",
]

# The subcommands other than `play`: name -> (module, one-line help). A module has
# `register(subparsers)`, which adds its parser(s) and sets `func`; it is imported only when its
# command is run (or asked for help), so starting the game does not import the tools, the
# language server and the classroom. The help lines are those the modules give
# (tests/test_cli_lazy.py keeps them so); None: an old spelling kept working but not listed.
SUBCOMMANDS: dict[str, tuple[str, str | None]] = {
    "check": ("winterpalace.tools.check", "load and validate a scenario folder, with warnings"),
    "test": ("winterpalace.tools.testcmd",
             "play-test a scenario: random, exhaustive, walkthroughs, record"),
    "graph": ("winterpalace.tools.graph", "draw the scene graph (dot, mermaid or svg)"),
    "schema": ("winterpalace.tools.schema", "print a JSON Schema of the scene format"),
    "new": ("winterpalace.tools.new", "write a minimal valid scenario to start from"),
    "lsp": ("winterpalace.tools.lsp", "run the language server for editors (stdio)"),
    "classroom": ("winterpalace.classroom.cli",
                  "run a shared night for a class: students join with ssh"),
    "packets": ("winterpalace.handouts.cli",
                "write printable role sheets for a class: one packet to print"),
    "lesson": ("winterpalace.classroom.cli", None),    # `classroom debrief|purge|balance`
}

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


def add_subcommands(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                    command: str | None) -> list[argparse.ArgumentParser]:
    """Add every subcommand of SUBCOMMANDS to `sub`: the one `command` names complete (its
    module imported and registered), the others with their help line only. Returns the
    parsers made complete."""
    wanted = SUBCOMMANDS[command][0] if command in SUBCOMMANDS else None
    complete: list[argparse.ArgumentParser] = []
    for name, (module, help_line) in SUBCOMMANDS.items():
        if name in sub.choices:
            continue              # registered with another command of its module
        if module == wanted:
            before = set(sub.choices)
            importlib.import_module(module).register(sub)
            complete += [p for n, p in sub.choices.items() if n not in before]
        elif help_line is None:
            sub.add_parser(name, add_help=False)           # not listed
        else:
            sub.add_parser(name, help=help_line, add_help=False)
    return complete


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
