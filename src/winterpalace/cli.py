"""The `winterpalace` command: parses arguments and wires a scenario to a front end.

No game rules live here. Each subcommand is a small function; other modules add theirs through
`SUBCOMMANDS` so the command grows without this file knowing their insides.
"""

from __future__ import annotations

import argparse
import importlib
import os
import secrets
import sys
from pathlib import Path
from typing import Callable, Sequence

from . import __version__
from .engine.model import World
from .scenario import ScenarioError, default_scenario_dir, load_scenario

EXIT_OK, EXIT_ERROR, EXIT_BAD_SCENARIO = 0, 1, 2

# Modules that add subcommands: each has `register(subparsers)` which sets `func` on its parser.
SUBCOMMANDS: list[str] = []


def load_or_report(path: str | None, err: Callable[[str], None] | None = None) -> World | None:
    """Load a scenario, or print its problems (file:line:col) and return None."""
    root = Path(path) if path else default_scenario_dir()
    try:
        return load_scenario(root)
    except ScenarioError as e:
        (err or _stderr)(e.render())
        return None


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
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    if plain_wanted(args):
        return play_plain(world, args.role, seed)
    try:
        from .ui import terminal
    except ImportError:  # pragma: no cover - the rich front end ships with the package
        return play_plain(world, args.role, seed)
    return terminal.play(world, args)  # type: ignore[attr-defined,no-any-return]


def play_plain(world: World, role: str | None, seed: int) -> int:
    """The scripted/plain game: commands from standard input, plain text to standard output."""
    from .session import Screen, Session
    from .ui import plain

    out = sys.stdout
    lines = iter(plain.read_lines(sys.stdin.buffer))
    echo = not sys.stdin.isatty()
    if role is None:
        out.write("\n".join(plain.title_screen(world)) + "\n")
        roles = list(world.roles)
        while role is None:
            out.write(f"Choose a role, 1 to {len(roles)}:\n")
            out.flush()
            try:
                line = next(lines).strip()
            except StopIteration:
                return EXIT_OK
            if echo:
                out.write(f"> {line[:200]}\n")
            if line.isdigit() and 1 <= int(line) <= len(roles):
                role = roles[int(line) - 1]
            elif line.lower() in world.roles:
                role = line.lower()
            elif line.lower() in ("quit", "q", "exit"):
                return EXIT_OK
    session, turn = Session.new(world, role, seed)
    out.write("\n".join(plain.role_intro(world, role)) + "\n")
    return plain.run(session, lines, out, echo=echo, opening=Screen(session.view(), turn))


def cmd_check(args: argparse.Namespace) -> int:
    world = load_or_report(args.dir)
    if world is None:
        return EXIT_BAD_SCENARIO
    endings = sum(1 for s in world.scenes.values() if s.ending)
    print(f"{world.title}: {len(world.scenes)} scenes, {len(world.roles)} roles, "
          f"{len(world.events)} events, {endings} endings in {len(world.files)} files. No errors.")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="winterpalace",
        description="One night in Petrograd, 25-26 October 1917: interactive fiction.")
    parser.add_argument("--version", action="version", version=f"winterpalace {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play the game (the default)")
    add_play_arguments(play)
    play.set_defaults(func=cmd_play)

    check = sub.add_parser("check", help="load and validate a scenario folder")
    check.add_argument("dir", nargs="?", help="scenario folder (default: the shipped game)")
    check.set_defaults(func=cmd_check)

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
