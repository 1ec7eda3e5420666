"""What the authoring tools share: loading a folder and showing its problems in colour.

Exit statuses and plain stderr lines are `errors.EXIT_*` and `errors.stderr`, as everywhere."""

from __future__ import annotations

import os
import sys
from typing import IO

from rich.console import Console
from rich.markup import escape

from ..engine import World
from ..scenario import (
    Problem,
    ScenarioError,
    Sources,
    load_or_report,
    render_problems,
)


def console(file: IO[str] | None = None) -> Console:
    """A rich console that stays plain when the output is not a terminal or NO_COLOR is set."""
    f = file or sys.stdout
    plain = bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb" or \
        not getattr(f, "isatty", lambda: False)()
    return Console(file=f, no_color=plain, color_system=None if plain else "auto",
                   highlight=False, soft_wrap=True, emoji=False)


def print_problems(con: Console, problems: list[Problem], context: bool = True) -> None:
    """Problems as `file:line:col: message; hint` with the source line and a caret."""
    sources = Sources()   # each file read once, however many problems it has
    out: list[str] = []   # printed in one go: 700 warnings printed one line at a time took
    for p in problems:    # a third of a second of rich's work
        block = render_problems([p], context, sources).splitlines()
        style = "bold red" if p.severity == "error" else "bold yellow"
        head = block[0] if block else p.headline()
        tag = f" [{p.code}]" if p.code else ""
        out.append(f"[{style}]{escape(head)}[/]{escape(tag)}")
        for line in block[1:]:
            out.append(f"[dim]{escape(line)}[/]" if "|" in line.split("^")[0] and "^" not in line
                       else f"[{style}]{escape(line)}[/]")
    if out:
        con.print("\n".join(out))


def load_or_print(path: str | None, con: Console, context: bool = True) -> World | None:
    """Load a scenario (`load_or_report`), or print all its load errors on `con` and return
    None (the caller exits `EXIT_BAD_SCENARIO`)."""
    return load_or_report(path, show=lambda e: print_error(con, e, context))


def print_error(con: Console, error: ScenarioError, context: bool = True) -> None:
    """A scenario's load errors, each with its source line, then how many there are."""
    print_problems(con, error.problems, context)
    con.print(escape(error.summary()))
