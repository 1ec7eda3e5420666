"""The `winterpalace` command: parses arguments and wires a scenario to a front end.

No game rules live here. Each subcommand is a small function; other modules add theirs through
`SUBCOMMANDS` so the command grows without this file knowing their insides.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from . import __version__
from .engine.model import World
from .scenario import default_scenario_dir
from .scenario.report import load_or_report

EXIT_OK, EXIT_ERROR, EXIT_BAD_SCENARIO = 0, 1, 2

# Modules that add subcommands: each has `register(subparsers)` which sets `func` on its parser.
SUBCOMMANDS: list[str] = [
    "winterpalace.tools.check", "winterpalace.tools.testcmd", "winterpalace.tools.graph",
    "winterpalace.tools.schema", "winterpalace.tools.new",
    "winterpalace.classroom.cli", "winterpalace.handouts.cli",
]


def _stderr(text: str) -> None:
    sys.stderr.write(text + "\n")


def plain_wanted(args: argparse.Namespace) -> bool:
    """Plain text when asked, when input or output is not a terminal, or the terminal is dumb."""
    return bool(getattr(args, "plain", False) or os.environ.get("NO_COLOR")
                or os.environ.get("TERM") == "dumb"
                or not sys.stdin.isatty() or not sys.stdout.isatty())


def cmd_play(args: argparse.Namespace) -> int:
    world = load_or_report(args.scenes)
    if world is None:
        return EXIT_BAD_SCENARIO
    if args.role and args.role not in world.roles:
        _stderr(f"winterpalace: no role {args.role!r}; choose one of: {', '.join(world.roles)}")
        return EXIT_ERROR
    from .saves import SaveStore
    store = SaveStore(world, getattr(args, "saves", None))
    transcript = None
    if getattr(args, "transcript", None):
        try:
            transcript = open(args.transcript, "a", encoding="utf-8", errors="replace")
        except OSError as e:
            _stderr(f"winterpalace: cannot write the transcript {args.transcript}: "
                    f"{e.strerror}")
            return EXIT_ERROR
    watcher = None
    if getattr(args, "watch", False):
        from .tools.watch import Watcher
        watcher = Watcher(args.scenes or default_scenario_dir())
    try:
        if plain_wanted(args):
            return play_plain(world, args.role, args.seed, store=store,
                              resume=bool(getattr(args, "continue_", False)),
                              transcript=transcript, watcher=watcher,
                              gentle=bool(getattr(args, "gentle", False)))
        from .ui import terminal
        return terminal.play(world, args, store=store, transcript=transcript, watcher=watcher)
    finally:
        if transcript is not None:
            transcript.close()


def play_plain(world: World, role: str | None, seed: int | None, *, store: object = None,
               resume: bool = False, transcript: object = None, watcher: object = None,
               gentle: bool = False) -> int:
    """The scripted/plain game: commands from standard input, plain text to standard output.

    Input from a pipe is echoed after `> ` and the role is not confirmed, so a script of
    lines (`1`, `2`, `look`, ...) plays the same game every time with the same `seed`.
    SIGTERM and SIGHUP autosave before leaving.
    """
    import signal

    from .saves import SaveStore
    from .ui import plain
    from .ui.flow import Flow

    interactive = sys.stdin.isatty()
    flow = Flow(world, store=store if isinstance(store, SaveStore) else None, seed=seed,
                confirm=interactive, watcher=watcher, gentle=gentle)

    def leave(signum: int, frame: object) -> None:
        flow.hangup()
        raise SystemExit(EXIT_OK)

    for sig in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, sig):
            signal.signal(getattr(signal, sig), leave)
    opening = flow.start(role=role, resume=resume)
    try:
        return plain.run_flow(flow, plain.read_lines(sys.stdin.buffer), sys.stdout,
                              echo=not interactive, opening=opening,
                              transcript=transcript)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        flow.hangup()
        sys.stdout.write("\nInterrupted; your game is saved.\n")
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="winterpalace",
        description="One night in Petrograd, 25-26 October 1917: interactive fiction.")
    parser.add_argument("--version", action="version", version=f"winterpalace {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play the game (the default)")
    add_play_arguments(play)
    play.set_defaults(func=cmd_play)

    for name in SUBCOMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def add_play_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--role", help="start as this role (sinegub, delegate, sailor)")
    p.add_argument("--seed", type=int, help="random seed: the same seed and input give the "
                   "same game")
    p.add_argument("--scenes", metavar="DIR", help="play another scenario folder")
    p.add_argument("--plain", action="store_true",
                   help="plain text: no colour, boxes or toolbar (screen readers, pipes)")
    p.add_argument("--continue", dest="continue_", action="store_true",
                   help="go on with the last autosaved game")
    p.add_argument("--saves", metavar="DIR",
                   help="folder of saved games (default: $WINTERPALACE_SAVES, saves/ of a "
                   "checkout, or your data folder)")
    p.add_argument("--transcript", metavar="FILE",
                   help="also write everything shown and typed to FILE, as plain text")
    p.add_argument("--gentle", action="store_true",
                   help="content mode: violence told, not shown (the authors' gentler texts)")
    p.add_argument("--watch", action="store_true",
                   help="with --scenes: reload the scenario when its files change, keeping "
                   "your place (for authors)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["play", *argv]
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["play", *argv])
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        _stderr("\nInterrupted.")
        return 130
    except BrokenPipeError:
        return EXIT_OK
