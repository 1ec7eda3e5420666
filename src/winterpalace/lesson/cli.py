"""Command line for the lesson: `winterpalace packets`, `winterpalace lesson ...`.

`purge` and `debrief` are also offered as functions (`add_purge_arguments`/`cmd_purge`,
`add_debrief_arguments`/`cmd_debrief`) so `winterpalace classroom purge|debrief` can use them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_ERROR, EXIT_BAD_SCENARIO = 0, 1, 2
DEFAULT_SAVES = "winterpalace-classroom"


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

    lp = subparsers.add_parser("lesson", help="after a classroom session: debrief, purge, "
                               "balance", description="The classroom lesson's tools.")
    sub = lp.add_subparsers(dest="lesson_command", metavar="ACTION", required=True)
    d = sub.add_parser("debrief", help="write the debrief of a classroom session")
    add_debrief_arguments(d)
    d.set_defaults(func=cmd_debrief)
    pg = sub.add_parser("purge", help="delete classroom sessions older than a limit")
    add_purge_arguments(pg)
    pg.set_defaults(func=cmd_purge)
    b = sub.add_parser("balance", help="share out roles and factions for a class")
    b.add_argument("names", nargs="+", metavar="NAME",
                   help="the students' names or handles, or one number (how many students)")
    b.add_argument("--seed", type=int, default=0, help="shuffle names with this seed")
    b.add_argument("--scenes", metavar="DIR", help="another scenario folder")
    b.set_defaults(func=cmd_balance)


def add_debrief_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", nargs="?", metavar="SESSION",
                   help="the session folder (default: the latest in --saves)")
    p.add_argument("--saves", metavar="DIR", default=DEFAULT_SAVES,
                   help=f"folder of sessions (default: ./{DEFAULT_SAVES})")
    p.add_argument("--scenes", metavar="DIR", help="the scenario the session played")
    p.add_argument("--title", help="a heading for the page")


def add_purge_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--older-than", required=True, metavar="AGE",
                   help="delete sessions last written longer ago than this: 30d, 12h, 2w")
    p.add_argument("--saves", metavar="DIR", default=DEFAULT_SAVES,
                   help=f"folder of sessions (default: ./{DEFAULT_SAVES})")
    p.add_argument("--dry-run", action="store_true", help="only list what would be deleted")


def cmd_packets(args: argparse.Namespace) -> int:
    from ..cli import load_or_report
    from .balance import BalanceError, describe, plan
    from .packets import PacketError, write_packets

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
    from ..cli import load_or_report
    from .balance import BalanceError, assign, describe, plan
    from .packets import slug

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
        _out(f"{name}: {world.roles[s.role].name}" + (f" ({s.faction})" if s.faction else "")
             + f" - sheet {sheet}.html; teacher: assign {name} {s.role}")
    return EXIT_OK


def latest_session(saves: Path) -> Path | None:
    from .purge import PurgeError, sessions
    try:
        found = sessions(saves)
    except PurgeError:
        return None
    return found[-1].folder if found else None


def cmd_debrief(args: argparse.Namespace) -> int:
    from ..classroom.journal import JournalError, read_journal
    from ..classroom.room import RoomError
    from ..cli import load_or_report
    from .debrief import make, summary_lines, write_debrief
    from .room import replay

    folder = Path(args.folder) if args.folder else latest_session(Path(args.saves))
    if folder is None:
        _err(f"no classroom session in {args.saves}; give the session folder")
        return EXIT_ERROR
    journal = folder / "journal.jsonl"
    if not journal.is_file():
        _err(f"{folder} is not a session folder (it has no journal.jsonl)")
        return EXIT_ERROR
    world = load_or_report(args.scenes)
    if world is None:
        return EXIT_BAD_SCENARIO
    try:
        room = replay(world, read_journal(journal))
    except (JournalError, RoomError) as e:
        _err(f"{journal}: {e}")
        return EXIT_ERROR
    try:
        paths = write_debrief(room, folder, args.title or "")
    except OSError as e:
        _err(f"cannot write the debrief into {folder}: {e.strerror or e}")
        return EXIT_ERROR
    for line in summary_lines(make(room, args.title or "")):
        _out(line)
    _out(f"Wrote {paths[0]} and {paths[1]} (and {len(paths) - 2} transcripts).")
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    from .purge import PurgeError, parse_age, purge

    try:
        limit = parse_age(args.older_than)
        gone = purge(Path(args.saves), limit, dry_run=args.dry_run)
    except PurgeError as e:
        _err(str(e))
        return EXIT_ERROR
    except OSError as e:
        _err(f"cannot delete in {args.saves}: {e.strerror or e}")
        return EXIT_ERROR
    verb = "Would delete" if args.dry_run else "Deleted"
    import time
    now = time.time()
    for s in gone:
        _out(f"{verb} {s.folder} (last written {s.age_days(now):.0f} days ago)")
    _out(f"{verb} {len(gone)} session{'s' if len(gone) != 1 else ''} older than "
         f"{args.older_than}.")
    return EXIT_OK
