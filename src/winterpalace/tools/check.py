"""`winterpalace check [DIR]`: load errors, then warnings from the analysis of the scenario.

Exit status: 0 clean (or only warnings), 1 warnings under `--strict`, 2 load errors.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from rich.markup import escape

from ..engine import World
from ..errors import EXIT_BAD_SCENARIO, EXIT_ERROR, EXIT_OK
from ..scenario import Problem, ScenarioError, load_or_report
from . import analysis, suppress
from .common import console, print_error, print_problems


def register(sub: Any) -> None:
    p = sub.add_parser("check", help="load and validate a scenario folder, with warnings",
                       description="Load a scenario, report every error, then analyse it: "
                       "unreachable scenes, time windows no one can meet, dead ends, unused "
                       "variables and items, unreachable endings.")
    p.add_argument("dir", nargs="?", help="scenario folder (default: the shipped game)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text for people, json for editors and CI")
    p.add_argument("--no-context", action="store_true",
                   help="headlines only, without the source lines")
    p.set_defaults(func=cmd_check)


def check_world(world: World) -> suppress.Applied:
    """The warnings about a loaded scenario, and those silenced by `lint:` fields."""
    return suppress.apply(world, analysis.analyse(world).problems)


def summary(world: World) -> dict[str, int]:
    return {"scenes": len(world.scenes), "roles": len(world.roles), "events": len(world.events),
            "endings": sum(1 for s in world.scenes.values() if s.ending),
            "files": len(world.files)}


def cmd_check(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    strict = bool(getattr(args, "strict", False))
    fmt = getattr(args, "format", "text")

    def show(e: ScenarioError) -> None:
        if fmt == "json":
            _json({"ok": False, "errors": len(e.problems), "warnings": 0,
                   "problems": [p.to_dict() for p in e.problems]})
        else:
            print_error(console(sys.stderr), e, not getattr(args, "no_context", False))

    world = load_or_report(args.dir, show=show)
    if world is None:
        return EXIT_BAD_SCENARIO
    applied = check_world(world)
    warnings = applied.problems
    if strict:
        warnings = [Problem(p.file, p.line, p.col, p.message, p.hint, p.length, "error", p.code)
                    for p in warnings]
    failed = strict and bool(warnings)
    elapsed = time.perf_counter() - t0
    if fmt == "json":
        _json({"ok": not failed, "scenario": world.id, "title": world.title,
               "errors": len(warnings) if strict else 0,
               "warnings": 0 if strict else len(warnings), **summary(world),
               "seconds": round(elapsed, 3), "problems": [p.to_dict() for p in warnings],
               "suppressed": applied.suppressed_dicts()})
        return EXIT_ERROR if failed else EXIT_OK
    con = console(sys.stdout if not warnings else sys.stderr)
    if warnings:
        print_problems(con, warnings, not getattr(args, "no_context", False))
    s = summary(world)
    head = (f"{world.title}: {s['scenes']} scenes, {s['roles']} roles, {s['events']} events, "
            f"{s['endings']} endings in {s['files']} files.")
    n = len(warnings)
    if applied.suppressed:
        k = len(applied.suppressed)
        head += (f" {k} warning{'s' if k != 1 else ''} silenced by `lint:` (their reasons: "
                 "--format json).")
    if not n:
        con.print(f"{escape(head)} [green]No errors, no warnings.[/]")
    elif strict:
        con.print(f"{escape(head)} [bold red]{n} warning{'s' if n != 1 else ''} "
                  "(errors under --strict).[/]")
    else:
        con.print(f"{escape(head)} No errors; [yellow]{n} warning{'s' if n != 1 else ''}[/].")
    return EXIT_ERROR if failed else EXIT_OK


def _json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
