"""`winterpalace packets`: print the role sheets for a class (and a balanced plan of roles)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..scenario.report import load_or_report
from .balance import BalanceError, assign, describe, plan
from .packets import PacketError, slug, write_packets

EXIT_OK, EXIT_ERROR, EXIT_BAD_SCENARIO = 0, 1, 2


def _err(text: str) -> None:
    sys.stderr.write(f"winterpalace: {text}\n")


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "packets", help="write printable role sheets (Markdown and HTML) for a class",
        description="Write one role sheet per role and per delegate faction, each as Markdown "
                    "and as a self-contained HTML page, with an easier-reading version.")
    p.add_argument("scenes", nargs="?", metavar="DIR", help="scenario folder (default: the "
                   "shipped night)")
    p.add_argument("--out", metavar="FOLDER", required=True, help="where to write the sheets")
    p.add_argument("--students", type=int, metavar="N",
                   help="also print a balanced plan of roles and factions for N students "
                   "(3 to 40)")
    p.set_defaults(func=cmd_packets)


def add_balance_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("names", nargs="+", metavar="NAME",
                   help="the students' names or handles, or one number (how many students)")
    p.add_argument("--seed", type=int, default=0, help="shuffle names with this seed")
    p.add_argument("--scenes", metavar="DIR", help="another scenario folder")


def cmd_packets(args: argparse.Namespace) -> int:
    world = load_or_report(args.scenes)
    if world is None:
        return EXIT_BAD_SCENARIO
    try:
        written = write_packets(world, Path(args.out))
    except PacketError as e:
        _err(str(e))
        return EXIT_ERROR
    except OSError as e:
        _err(f"cannot write to {args.out}: {e.strerror or e}")
        return EXIT_ERROR
    _out(f"Wrote {len(written)} files to {args.out} (open index.html to print them).")
    if args.students is not None:
        try:
            lines = describe(world, plan(world, args.students))
        except BalanceError as e:
            _err(str(e))
            return EXIT_ERROR
        _out(f"For {args.students} students:")
        for line in lines:
            _out(f"  {line}")
    return EXIT_OK


def cmd_balance(args: argparse.Namespace) -> int:
    """Share out roles and factions: one line per student with their sheet and console line."""
    world = load_or_report(args.scenes)
    if world is None:
        return EXIT_BAD_SCENARIO
    try:
        if len(args.names) == 1 and args.names[0].isdigit():
            for line in describe(world, plan(world, int(args.names[0]))):
                _out(line)
            return EXIT_OK
        seats = assign(world, args.names, args.seed)
    except BalanceError as e:
        _err(str(e))
        return EXIT_ERROR
    for name in args.names:
        s = seats[name]
        sheet = slug(s.role) + (f"-{slug(s.faction)}" if s.faction else "")
        faction = f" {s.faction}" if s.faction else ""
        _out(f"{name}: {world.roles[s.role].name}" + (f" ({s.faction})" if s.faction else "")
             + f" - sheet {sheet}.html; teacher: assign {name} {s.role}{faction}")
    return EXIT_OK
