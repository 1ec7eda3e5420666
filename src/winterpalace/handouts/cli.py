"""`winterpalace packets`: print the role sheets for a class (and a balanced plan of roles)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import EXIT_BAD_SCENARIO, EXIT_ERROR, EXIT_OK, stderr
from ..scenario import load_or_report
from .balance import BalanceError, assign, describe, plan
from .packets import PacketError, packet_name, stem_of, too_long, write_packets
from .sheetstyle import BOX_HEIGHT_MM


def _err(text: str) -> None:
    stderr(f"winterpalace: {text}")


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "packets", help="write printable role sheets for a class: one packet to print",
        description="Write the class packet (the plan, then every student's sheet) for A4 "
                    "and US Letter paper, and each role's and faction's sheet as Markdown and "
                    "as a self-contained HTML page, each with an easier-reading version.")
    p.add_argument("scenes", nargs="?", metavar="DIR", help="scenario folder (default: the "
                   "shipped night)")
    p.add_argument("--out", metavar="FOLDER", required=True, help="where to write the sheets")
    p.add_argument("--students", type=int, metavar="N",
                   help="a sheet per student, for N students (3 to 40), shared out by a "
                   "balanced plan of roles and factions (default: one of every sheet)")
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
        lines = describe(world, plan(world, args.students)) if args.students is not None \
            else []
        written = write_packets(world, Path(args.out), args.students)
    except BalanceError as e:         # --students outside what the lesson is made for
        _err(str(e))
        return EXIT_BAD_SCENARIO
    except PacketError as e:
        _err(str(e))
        return EXIT_ERROR
    except OSError as e:
        _err(f"cannot write to {args.out}: {e.strerror or e}")
        return EXIT_ERROR
    out = Path(args.out)
    _out(f"Wrote {len(written)} files to {out}.")
    who = f"for {args.students} students" if args.students is not None else \
        "one of every sheet (add --students N for a sheet per student)"
    _out(f"Print the class packet, {who}: {out / packet_name('a4')} (A4) or "
         f"{out / packet_name('letter')} (US Letter); easier reading: "
         f"{packet_name('a4', True)}, {packet_name('letter', True)}. Single sheets: "
         f"{out / 'index.html'}.")
    for sh in too_long(world):
        _err(f"warning: the sheet {sh.stem!r} does not fit its page even in smaller type "
             f"(about {sh.estimate_mm:.0f} mm of text for a {BOX_HEIGHT_MM} mm page): it will "
             "print on more pages. Shorten its texts, passages or glossary in the scenario's "
             "`lesson:` section.")
    if lines:
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
    except BalanceError as e:         # too few, too many or twice the same name
        _err(str(e))
        return EXIT_BAD_SCENARIO
    for name in args.names:
        s = seats[name]
        sheet = stem_of(s.role, s.faction)
        faction = f" {s.faction}" if s.faction else ""
        _out(f"{name}: {world.roles[s.role].name}" + (f" ({s.faction})" if s.faction else "")
             + f" - sheet {sheet}.html; teacher: assign {name} {s.role}{faction}")
    return EXIT_OK
