"""The `winterpalace` command: parses arguments and wires a scenario to a front end.

No game rules live here: this file only composes. `play` is here; the other subcommands are
registered lazily through `SUBCOMMANDS`, so the command grows without this file knowing
their insides.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any

from . import __version__
from .engine import World
from .errors import (
    EXIT_BAD_SCENARIO,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    WinterPalaceError,
    stderr,
)
from .program import add_cache_argument, internal_error, saved_on_leaving
from .sanitise import printable
from .scenario import cache, default_scenario_dir, load_or_report

if TYPE_CHECKING:
    from .menus import ScenarioWatcher
    from .saves import SaveStore

SEED_RANGE = 2**63          # --seed takes -2^63 .. 2^63-1


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


def plain_wanted(args: argparse.Namespace) -> bool:
    """Plain text when asked, when input or output is not a terminal, or the terminal is dumb."""
    return bool(getattr(args, "plain", False) or os.environ.get("NO_COLOR")
                or os.environ.get("TERM") == "dumb"
                or not _isatty(sys.stdin) or not _isatty(sys.stdout))


def _isatty(stream: IO[Any] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def _reserve_std_fds() -> None:
    """Put /dev/null on standard descriptors that were closed (`>&-`, `<&-`, `2>&-`).

    Python leaves `sys.stdout` (etc.) None for a closed one, which this program reports; but
    the descriptor number itself would be handed to the next file opened, and a save file on
    descriptor 2 would receive whatever is written to standard error.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def silence_stdout() -> None:
    """After standard output failed: point it at /dev/null so leaving cannot fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError:
        pass


class StreamLost(WinterPalaceError):
    """Standard input or output failed in the middle of a game (`where`: input or output)."""

    def __init__(self, where: str, error: OSError):
        super().__init__(where, error)
        self.where = where
        self.error = error

    def message(self) -> str:
        why = self.error.strerror or str(self.error)
        what = "write to standard output" if self.where == "output" else \
            "read standard input"
        return f"winterpalace: cannot {what} ({why})"


class GuardedOutput:
    """Standard output for the plain game: a failed write becomes StreamLost."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except OSError as e:
            raise StreamLost("output", e) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as e:
            raise StreamLost("output", e) from None


class WatchedStdout:
    """Standard output for the other subcommands: remembers whether a write to it failed,
    so that a full disk (`check >/dev/full`) is told apart from other errors."""

    def __init__(self, stream: IO[str]):
        self._stream = stream
        self.failed: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as e:
            self.failed = e
            raise

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as e:
            self.failed = e
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class Transcript:
    """`--transcript FILE`: a copy of the game; if writing it fails, the game goes on.

    The first failure is reported on standard error and writing stops; `failed` then says
    so, and the command's exit status is 1.
    """

    def __init__(self, path: str, stream: IO[str]):
        self.path = path
        self.stream: IO[str] | None = stream
        self.failed: str | None = None

    @classmethod
    def open(cls, path: str) -> Transcript:
        """Open FILE for appending without ever blocking (a FIFO with no reader is refused)."""
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOCTTY", 0) \
            | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags, 0o644)
        try:
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            stream = os.fdopen(fd, "a", encoding="utf-8", errors="replace")
        except BaseException:
            os.close(fd)
            raise
        return cls(path, stream)

    def write(self, text: str) -> None:
        self._do(lambda s: s.write(text))

    def flush(self) -> None:
        self._do(lambda s: s.flush())

    def close(self) -> None:
        self._do(lambda s: s.close())
        self.stream = None

    def _do(self, action: Callable[[IO[str]], object]) -> None:
        if self.stream is None:
            return
        try:
            action(self.stream)
        except (OSError, ValueError) as e:
            why = getattr(e, "strerror", None) or str(e)
            self.failed = why
            stderr(f"winterpalace: the transcript {self.path} could not be written ({why}); "
                   "it stops here, and the game goes on.")
            stream, self.stream = self.stream, None
            try:
                stream.close()
            except (OSError, ValueError):
                pass


def _find_role(world: World, wanted: str) -> str | None:
    """The role id for `--role`: its id or its name, in any case."""
    low = wanted.strip().lower()
    for rid, role in world.roles.items():
        if low in (rid.lower(), role.name.lower()):
            return rid
    return None


def _cannot_play(args: argparse.Namespace) -> tuple[str, int] | None:
    """Why `play` cannot start with these streams and options (before the scenario is read),
    and the exit status: a closed stream is EXIT_ERROR, a mistake in the options
    EXIT_BAD_SCENARIO."""
    if sys.stdout is None:
        return ("standard output is closed, so the game has nowhere to show itself; nothing "
                "was started.", EXIT_ERROR)
    if sys.stdin is None:
        return ("standard input is closed, so there is nothing to read commands from; "
                "nothing was started. (For no input at all, use </dev/null.)", EXIT_ERROR)
    if args.seed is not None and not -SEED_RANGE <= args.seed < SEED_RANGE:
        return "--seed takes a whole number between -2^63 and 2^63-1.", EXIT_BAD_SCENARIO
    if getattr(args, "saves", None) is not None and not args.saves.strip():
        return "--saves needs a folder.", EXIT_BAD_SCENARIO
    return None


def _open_transcript(path: str) -> Transcript | None:
    """`--transcript FILE` opened, or None after saying on stderr why it cannot be."""
    try:
        return Transcript.open(path)
    except OSError as e:
        why = "no program is reading that pipe" if e.errno == errno.ENXIO else \
            (e.strerror or str(e))
        stderr(f"winterpalace: cannot write the transcript {path}: {why}.")
        return None


def cmd_play(args: argparse.Namespace) -> int:
    refused = _cannot_play(args)
    if refused is not None:
        stderr(f"winterpalace: {refused[0]}")
        return refused[1]
    world = load_or_report(args.scenes)
    if world is None:
        return EXIT_BAD_SCENARIO
    if args.role is not None:
        role = _find_role(world, args.role)
        if role is None:
            shown = printable(args.role, 40, strip=False)
            stderr(f"winterpalace: no role `{shown}`; choose one of: "
                   f"{', '.join(world.roles)}.")
            return EXIT_BAD_SCENARIO
        args.role = role
    from .saves import SaveStore
    store = SaveStore(world, getattr(args, "saves", None))
    problem = store.usable()
    if problem is not None:
        stderr(f"winterpalace: saves cannot be kept: {problem}. Choose another folder with "
               "--saves DIR.")
        return EXIT_ERROR
    store.tidy()
    if getattr(args, "web", None) is not None:
        return play_web(world, store, args)
    transcript = None
    if getattr(args, "transcript", None) is not None:
        transcript = _open_transcript(args.transcript)
        if transcript is None:
            return EXIT_ERROR
    watcher = None
    if getattr(args, "watch", False):
        from .tools import Watcher
        watcher = Watcher(args.scenes or default_scenario_dir())
    try:
        if plain_wanted(args):
            code = play_plain(world, args.role, args.seed, store=store,
                              resume=bool(getattr(args, "continue_", False)),
                              transcript=transcript, watcher=watcher,
                              gentle=bool(getattr(args, "gentle", False)))
        else:
            from .ui import terminal
            code = terminal.play(world, args, store=store,
                                 transcript=transcript,
                                 watcher=watcher, on_error=internal_error)
    finally:
        if transcript is not None:
            transcript.close()
    if transcript is not None and transcript.failed and code == EXIT_OK:
        return EXIT_ERROR
    return code


def play_web(world: World, store: Any, args: argparse.Namespace) -> int:
    """`play --web`: the game served to a browser on this computer (web/play.py)."""
    if not 1 <= args.web <= 65535:
        stderr("winterpalace: --web takes a port from 1 to 65535 (8000 is usual).")
        return EXIT_BAD_SCENARIO
    for option in ("transcript", "watch", "plain"):
        if getattr(args, option, None):
            stderr(f"winterpalace: --{option} is for the terminal game, not --web.")
            return EXIT_BAD_SCENARIO
    try:
        from .web.play import run
    except ImportError as e:     # a broken install: aiohttp is one of the dependencies
        stderr(f"winterpalace: the web front end cannot start ({e}); reinstall Winter Palace.")
        return EXIT_ERROR
    return run(world, store, args.role, args.seed, bool(getattr(args, "continue_", False)),
               bool(getattr(args, "gentle", False)), args.web)


def play_plain(world: World, role: str | None, seed: int | None, *,
               store: SaveStore | None = None, resume: bool = False,
               transcript: Transcript | None = None, watcher: ScenarioWatcher | None = None,
               gentle: bool = False) -> int:
    """The scripted/plain game: commands from standard input, plain text to standard output.

    Input from a pipe is echoed after `> ` and the role is not confirmed, so a script of
    lines (`1`, `2`, `look`, ...) plays the same game every time with the same `seed`.
    SIGTERM and SIGHUP autosave before leaving; so does losing standard input or output.
    """
    import signal

    from .menus import Flow
    from .ui import plain

    interactive = _isatty(sys.stdin)
    flow = Flow(world, store=store, seed=seed,
                confirm=interactive, watcher=watcher, gentle=gentle)

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(saved_on_leaving(flow))

    for sig in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, sig):
            signal.signal(getattr(signal, sig), leave)
    out = GuardedOutput(sys.stdout)

    def lines() -> Any:
        try:
            if interactive:       # a person at a terminal: a prompt, and Ctrl-C asks first
                yield from plain.prompted_lines(sys.stdin.buffer, out)
            else:
                yield from plain.read_lines(sys.stdin.buffer)
        except OSError as e:
            raise StreamLost("input", e) from None

    try:
        opening = flow.start(role=role, resume=resume)
        code = plain.run_flow(flow, lines(), out, echo=not interactive,
                              opening=opening, transcript=transcript)
    except StreamLost as e:
        if e.where == "output":
            silence_stdout()
        code = saved_on_leaving(flow)
        if e.error.errno != errno.EPIPE:     # a reader that stopped reading (`| head`): quiet
            stderr(e.message() + ("; your game is saved." if flow.session else "."))
            return EXIT_ERROR
        return code
    except KeyboardInterrupt:
        code = saved_on_leaving(flow)
        try:
            out.write("\nInterrupted; your game is saved.\n")
            out.flush()
        except StreamLost:
            pass
        return EXIT_INTERRUPTED if code == EXIT_OK else code
    except Exception as e:
        return internal_error(e, flow)
    return code


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser, complete for `command` (its module is imported); the other
    subcommands are listed with their help line only, and are complete when they are run."""
    parser = argparse.ArgumentParser(
        prog="winterpalace",
        description="One night in Petrograd, 25-26 October 1917: interactive fiction.")
    parser.add_argument("--version", action="version", version=f"winterpalace {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser(
        "play", help="play the game (the default)",
        description="Play one night in Petrograd, 25-26 October 1917, as Lieutenant Sinegub, a\n"
        "delegate to the Congress of Soviets, or a sailor. Type the number of a choice or\n"
        "a few words of it; `help` at the prompt lists the commands (`wait`, `next`,\n"
        "`undo`, `save`, `map`, ...). Every turn is autosaved. With input from a pipe the\n"
        "game reads one command per line and prints plain text.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        "  winterpalace                                  the title screen: choose a role\n"
        "  winterpalace play --continue                  go on with your last night\n"
        "  winterpalace play --role sailor --seed 7      straight into the sailor's night\n"
        "  winterpalace play --plain                     plain text, for screen readers\n"
        "  winterpalace play --saves ~/wp-saves          keep saves in ~/wp-saves/winter-palace/\n"
        "  printf '1\\n2\\nwait 30\\n' | winterpalace play --role sailor --seed 1\n"
        "  winterpalace play --scenes docs/example --watch   play a scenario you are writing\n"
        "\nmore: docs/playing.md")
    add_play_arguments(play)
    play.set_defaults(func=cmd_play)
    complete = [play]

    complete += add_subcommands(sub, command)
    for p in complete:
        add_cache_argument(p)
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
                   help="keep saved games under DIR: each scenario in a folder of its own, "
                   "DIR/<scenario id>/ (DIR/winter-palace/ for this game). Default: "
                   "$WINTERPALACE_SAVES, saves/ of a checkout, or your data folder")
    p.add_argument("--transcript", metavar="FILE",
                   help="also write everything shown and typed to FILE, as plain text")
    p.add_argument("--gentle", action="store_true",
                   help="content mode: violence told, not shown (the authors' gentler texts)")
    p.add_argument("--web", nargs="?", const=8000, type=int, metavar="PORT",
                   help="play in a web browser on this computer instead of the terminal "
                   "(http://127.0.0.1:PORT, 8000 by default; the same saves)")
    p.add_argument("--watch", action="store_true",
                   help="with --scenes: reload the scenario when its files change, keeping "
                   "your place (for authors)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    _reserve_std_fds()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["play", *argv]
    parser = build_parser(argv[0] if argv else None)
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            args = parser.parse_args(["play", *argv])
    except SystemExit as e:       # --help, --version, or a usage error (argparse said why)
        code = e.code if isinstance(e.code, int) else EXIT_ERROR
        return _finish_output(code)
    watched = None
    if args.func is not cmd_play and sys.stdout is not None:
        watched = WatchedStdout(sys.stdout)
        sys.stdout = watched
    try:
        with cache.turned_off(getattr(args, "no_cache", False)):
            code = int(args.func(args))
    except KeyboardInterrupt:
        stderr("\nInterrupted.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_OK
    except OSError as e:
        if watched is None or watched.failed is None:
            raise
        silence_stdout()
        stderr(f"winterpalace: cannot write to standard output ({e.strerror or e}).")
        return EXIT_ERROR
    return _finish_output(code)


def _finish_output(code: int) -> int:
    """Flush standard output now, so that a full disk is reported, not left to the exit."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    except OSError as e:
        silence_stdout()
        stderr(f"winterpalace: cannot write to standard output ({e.strerror or e}).")
        return code or EXIT_ERROR
    except ValueError:
        pass
    return code
