"""`winterpalace classroom`: run a shared night for a class over SSH; and after it,
`classroom debrief`, `classroom purge` and `classroom balance`.

The old spellings `winterpalace lesson debrief|purge|balance` still work (hidden from help).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_BAD_SCENARIO, EXIT_ERROR, EXIT_OK, stderr
from ..scenario import load_or_report
from ..session import quantity

if TYPE_CHECKING:       # the server's modules are imported only when a command needs them
    from ..engine import World
    from .console import FacilitatorConsole
    from .server import Classroom
    from .ssh import Listener
    from .telnet import TelnetListener
    from .web import WebClass

OLD_SESSION_DAYS = 30


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "classroom", help="run a shared night for a class: students join with ssh",
        description="Run one shared night for many students. Students join from their own "
                    "terminal with `ssh -p PORT NAME@THIS-COMPUTER` and type the class code "
                    "as the password. See docs/classroom.md.")
    p.add_argument("--host", default="0.0.0.0",
                   help="address to listen on (default: every network of this computer)")
    p.add_argument("--port", type=int, default=2222, help="port to listen on (default 2222)")
    p.add_argument("--advertise", metavar="ADDRESS",
                   help="the address (or name) of this computer in the join line students "
                   "type (default: its address on an ordinary network; the console lists "
                   "the others)")
    p.add_argument("--telnet-port", type=int, metavar="N",
                   help="also accept telnet on port N, for machines with no ssh (off by "
                   "default; UNENCRYPTED: the class code travels in clear text)")
    p.add_argument("--code", help="the class code students type (default: made up, like "
                   "otter-lamp-meadow-42)")
    p.add_argument("--saves", metavar="DIR", help="where session folders and the host key go "
                   "(default: your data folder; see `status`)")
    p.add_argument("--resume", nargs="?", const="", metavar="FOLDER",
                   help="carry on the latest session in --saves (or the session FOLDER)")
    p.add_argument("--scenes", metavar="DIR", help="another scenario folder")
    p.add_argument("--window", type=int, help="minutes students may act ahead of the class "
                   "clock (default 30)")
    p.add_argument("--max-connections", type=int, default=150, metavar="N",
                   help="at most N connections at once (default 150); more are refused "
                   "with a message")
    p.add_argument("--max-per-address", type=int, default=60, metavar="N",
                   help="at most N connections from one network address (default 60; raise "
                   "it when the whole class reaches you through one router's address)")
    p.add_argument("--stdin", action="store_true",
                   help="read console commands from standard input, one a line (automatic "
                   "when standard input is not a terminal)")
    p.add_argument("--secret-ballot", action="store_true",
                   help="class votes by secret ballot (default: open; the class sees who "
                   "voted how)")
    p.add_argument("--gentle", action="store_true",
                   help="content mode: violence is told, not shown (set before the session; "
                   "kept when it is resumed)")
    _add_web_options(p)
    # For tests and trials: shorter pauses and limits than a class needs.
    p.add_argument("--wrong-code-delay", type=float, default=1.0, help=argparse.SUPPRESS)
    p.add_argument("--pace-step", type=int, default=5, help=argparse.SUPPRESS)
    p.add_argument("--caucus-minute", type=float, default=60.0, help=argparse.SUPPRESS)
    p.add_argument("--question-timeout", type=float, help=argparse.SUPPRESS)
    p.add_argument("--idle-timeout", type=float, help=argparse.SUPPRESS)
    p.add_argument("--report-every", type=float, default=60.0, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_classroom)

    # `winterpalace classroom debrief|purge|balance ...`; plain `winterpalace classroom
    # --port ...` still runs a session (the action is optional).
    sub = p.add_subparsers(dest="classroom_action", metavar="[debrief|purge|balance]")
    _add_actions(sub, keep_parent=True)
    # The old spelling, `winterpalace lesson ...`: no help entry, so not listed.
    old = subparsers.add_parser("lesson", description="Old spelling of `winterpalace "
                                "classroom debrief|purge|balance`.")
    old_sub = old.add_subparsers(dest="lesson_command", metavar="ACTION", required=True)
    _add_actions(old_sub, keep_parent=False)


def _add_web_options(p: argparse.ArgumentParser) -> None:
    """The browser page's options (the page itself: classroom/web.py)."""
    p.add_argument("--web", metavar="PORT|off",
                   help="serve the browser page for students with no ssh (Chromebooks, iPads) "
                   "and the projector view, on PORT (default 8080); `off`: no page. Plain "
                   "HTTP, not encrypted, unless --tls-cert and --tls-key")
    p.add_argument("--tls-cert", metavar="FILE", help="a certificate (PEM) for the browser "
                   "page: it is then served over HTTPS, encrypted")
    p.add_argument("--tls-key", metavar="FILE", help="the certificate's private key (PEM)")
    p.add_argument("--projector-key", help=argparse.SUPPRESS)


def _web_options_problem(args: argparse.Namespace) -> str | None:
    """Why the browser page's options cannot be used (a sentence), or None."""
    web = (args.web or "").strip().lower()
    if web and web != "off" and not (web.isdigit() and 1 <= int(web) <= 65535):
        return f"--web {args.web}: give a port from 1 to 65535 (8080 is usual), or `off`"
    if web.isdigit() and int(web) in (args.port, args.telnet_port):
        return f"--web {web}: that port is already --port or --telnet-port"
    if bool(args.tls_cert) != bool(args.tls_key):
        return "--tls-cert and --tls-key go together: give both files, or neither"
    if args.tls_cert and web == "off":
        return "--tls-cert and --tls-key are for the browser page, which --web off turns off"
    for opt, given in (("--tls-cert", args.tls_cert), ("--tls-key", args.tls_key)):
        if given and not Path(given).expanduser().is_file():
            return f"{opt} {given}: no such file"
    return None


def _add_actions(sub: Any, keep_parent: bool) -> None:
    from ..handouts.cli import add_balance_arguments, cmd_balance

    d = sub.add_parser("debrief", help="write the debrief of a session (default: the latest)",
                       description="Write debrief.md, debrief.html (with the timeline) and "
                       "the students' transcripts into a session folder, from its journal "
                       "(also one cut short by a crash).")
    add_debrief_arguments(d)
    d.set_defaults(func=cmd_debrief)
    pg = sub.add_parser("purge", help="delete sessions older than a limit, like 30d",
                        description="Delete classroom session folders whose journal was last "
                        "written longer ago than --older-than (30d, 12h, 2w, 90m, 1h30m). A session "
                        "a server is running is never deleted.")
    add_purge_arguments(pg)
    pg.set_defaults(func=cmd_purge)
    b = sub.add_parser("balance", help="share out roles and factions for a class",
                       description="One line per student: their role (and faction), the "
                       "sheet to hand them and the console command that holds it.")
    add_balance_arguments(b)
    b.set_defaults(func=cmd_balance)
    if keep_parent:
        # SUPPRESS: a --saves/--scenes given before the action is kept, not reset.
        for parser, dests in ((d, ("saves", "scenes")), (pg, ("saves",)), (b, ("scenes",))):
            for action in parser._actions:
                if action.dest in dests:
                    action.default = argparse.SUPPRESS


def add_debrief_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", nargs="?", metavar="SESSION",
                   help="the session folder (default: the latest in --saves)")
    p.add_argument("--saves", metavar="DIR", help="folder of sessions (default: your data "
                   "folder)")
    p.add_argument("--scenes", metavar="DIR", help="the scenario the session played")
    p.add_argument("--title", help="a heading for the page")


def add_purge_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--older-than", required=True, metavar="AGE",
                   help="delete sessions last written longer ago than this: 30d, 12h, 2w, 90m, "
                   "1h30m")
    p.add_argument("--saves", metavar="DIR", help="folder of sessions (default: your data "
                   "folder)")
    p.add_argument("--dry-run", action="store_true", help="only list what would be deleted")


def _saves(args: argparse.Namespace) -> Path:
    from .class_folder import default_saves
    given = getattr(args, "saves", None)
    return Path(given).expanduser() if given else default_saves()


def _err(text: str) -> None:
    stderr(f"winterpalace classroom: {text}")


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


# ------------------------------------------------------------------------ after a session


def cmd_debrief(args: argparse.Namespace) -> int:
    from .class_folder import latest
    from .debrief import make, summary_lines, write_debrief
    from .journal import JournalError, read_journal
    from .room import Room, RoomError

    saves = _saves(args)
    folder = Path(args.folder).expanduser() if args.folder else latest(saves)
    # A folder that is not there, or holds no session, is a mistake in the command line.
    if folder is None:
        _err(f"no classroom session in {saves}"
             + ("" if saves.is_dir() else " (no such folder)") + "; give the session folder")
        return EXIT_BAD_SCENARIO
    journal = folder / "journal.jsonl"
    if not journal.is_file():
        _err(f"{folder}: no such folder" if not folder.exists() else
             f"{folder} is not a session folder (it has no journal.jsonl)")
        return EXIT_BAD_SCENARIO
    world = load_or_report(getattr(args, "scenes", None))
    if world is None:
        return EXIT_BAD_SCENARIO
    try:
        room = Room.replay(world, read_journal(journal))
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
    _out(f"Wrote {paths[0]} and {paths[1]} (and {quantity(len(paths) - 2, 'transcript')}).")
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    from .class_folder import ClassFolderError, NoClassFolder, describe_age, parse_age, purge

    saves = _saves(args)
    try:
        limit = parse_age(args.older_than)
    except ClassFolderError as e:     # a mistake in the command line
        _err(str(e))
        return EXIT_BAD_SCENARIO
    try:
        gone, busy = purge(saves, limit, dry_run=args.dry_run)
    except NoClassFolder as e:
        if getattr(args, "saves", None):
            _err(str(e))           # the --saves given is not there: a command-line mistake
            return EXIT_BAD_SCENARIO
        gone, busy = [], []        # the default folder, before any class: nothing to delete
    except ClassFolderError as e:
        _err(str(e))
        return EXIT_ERROR
    except OSError as e:
        _err(f"cannot delete in {saves}: {e.strerror or e}")
        return EXIT_ERROR
    verb = "Would delete" if args.dry_run else "Deleted"
    now = time.time()
    for s in gone:
        _out(f"{verb} {s.folder} (last written {describe_age(s.age(now))} ago)")
    for s in busy:
        _out(f"Kept {s.folder}: a classroom server is running it (stop it first)")
    _out(f"{verb} {len(gone)} session{'s' if len(gone) != 1 else ''} older than "
         f"{args.older_than}.")
    return EXIT_OK


# ------------------------------------------------------------------------ running one


def cmd_classroom(args: argparse.Namespace) -> int:
    try:
        import asyncssh  # noqa: F401
    except ImportError:   # a broken install: asyncssh is one of the package's dependencies
        _err("asyncssh is missing: reinstall Winter Palace (pip install -e . in its folder)")
        return EXIT_ERROR
    from .console import weak_code_warning

    world = load_or_report(args.scenes)
    if world is None:
        return EXIT_BAD_SCENARIO
    problem = _options_problem(args)
    if problem:
        _err(problem)
        return EXIT_BAD_SCENARIO
    saves = _saves(args)
    hub = _open_class(world, args, saves)
    if isinstance(hub, int):
        return hub
    _set_limits(hub, args)
    if args.resume is not None and (args.secret_ballot or args.gentle):
        _err("note: --secret-ballot and --gentle are set when a session begins; the resumed "
             "session keeps its own settings")
    for line in weak_code_warning(args.code) if args.code else []:
        _err(line.removeprefix("!! "))
    _more_files()
    # The journal's thread must get the interpreter back quickly after each fsync: a
    # student's answer waits for it (the default 5 ms handover showed in every turn).
    sys.setswitchinterval(0.0005)
    try:
        return asyncio.run(_serve(hub, args, saves))
    except KeyboardInterrupt:
        return EXIT_OK


def _options_problem(args: argparse.Namespace) -> str | None:
    """Why the server's options cannot be used (a sentence), or None."""
    if not 1 <= args.port <= 65535:
        return f"--port {args.port}: give a port from 1 to 65535 (2222 is usual)"
    telnet_port = args.telnet_port
    if telnet_port is not None and not (1 <= telnet_port <= 65535 and telnet_port != args.port):
        return (f"--telnet-port {telnet_port}: give a port from 1 to 65535 other than --port "
                "(2323 is usual)")
    problem = _web_options_problem(args)
    if problem:
        return problem
    for opt, value in (("--max-connections", args.max_connections),
                       ("--max-per-address", args.max_per_address)):
        if not 1 <= value <= 10_000:
            return f"{opt}: give a number from 1 to 10000"
    return None


def _open_class(world: World, args: argparse.Namespace, saves: Path) -> Classroom | int:
    """The class session begun (or resumed) in `saves`; else, said why, the exit status (a
    folder to resume that is not there, or holds no session: a command-line mistake)."""
    from .class_folder import ClassFolderError, NoClassFolder, make_private_dir
    from .server import Classroom

    try:
        if args.resume is not None:      # nothing is made: there must be a session there
            return Classroom.resume(world, saves,
                                    Path(args.resume).expanduser() if args.resume else None)
        make_private_dir(saves)
        return Classroom.create(world, saves, args.code, args.window,
                                ballot="secret" if args.secret_ballot else "open",
                                gentle=args.gentle)
    except NoClassFolder as e:
        _err(str(e))
        return EXIT_BAD_SCENARIO
    except ClassFolderError as e:
        _err(str(e))
    except OSError as e:
        _err(f"{saves}: {e.strerror or e}")
    return EXIT_ERROR


def _set_limits(hub: Classroom, args: argparse.Namespace) -> None:
    """The door's limits and the clock's steps from the options (some only for tests)."""
    from .door import DoorLimits

    hub.pace_step = max(1, args.pace_step)
    hub.minute = max(0.01, args.caucus_minute)
    hub.report_every = max(0.05, args.report_every)
    hub.door.limits = DoorLimits(max_connections=args.max_connections,
                                 max_per_address=min(args.max_per_address,
                                                     args.max_connections),
                                 wrong_delay=max(0.0, args.wrong_code_delay))


def _more_files() -> None:
    """Let the server hold as many connections as the system allows (1024 is a low default)."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = hard if hard != resource.RLIM_INFINITY else 65536
        if soft != resource.RLIM_INFINITY and soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, 65536), hard))
    except (ImportError, ValueError, OSError):   # pragma: no cover - Windows, or not allowed
        pass


async def _serve(hub: Classroom, args: argparse.Namespace, saves: Path) -> int:
    """Run the class until it ends or the server is stopped: the listeners, the console."""
    hub.start_background()
    if args.resume is not None and args.code:
        hub.set_code(args.code)
    if args.resume is not None and args.window:
        hub.room.set_window(args.window)
    listening = await _listen(hub, args, saves)
    if listening is None:
        hub.discard()            # a new class that never opened leaves no folder to resume
        return EXIT_ERROR
    listener, telnet = listening
    hint, notes = join_line(args.host, args.port, args.advertise)
    if telnet is not None:
        hint += f"  (no ssh: telnet {hint.rsplit('@', 1)[1]} {args.telnet_port})"
    from .web import start_from_args as start_web_from_args
    web, web_lines, problem = await start_web_from_args(hub, args, hint.rsplit("@", 1)[1])
    if problem:
        _err(problem)
        await _shut(hub, listener, telnet, None)
        hub.discard()
        return EXIT_ERROR
    if web is not None:
        hint += f"  (no ssh: open {web.url} in a browser)"
    console = await _open_console(hub, hint, web_lines, notes, telnet is not None, saves)
    use_terminal = not args.stdin and sys.stdin.isatty() and sys.stdout.isatty()
    await _run_until_stopped(hub, console, use_terminal)
    # Every step of stopping has a time limit: a server always stops, and saves.
    try:
        await asyncio.wait_for(_shut(hub, listener, telnet, web), 10)
    except TimeoutError:
        hub.journal.close()
    if hub.room.ended:
        console.print_line(f"Session ended. The journal is in {hub.folder}.")
    else:
        again = "" if args.saves is None else f" --saves {args.saves}"
        console.print_line(f"Server stopped. Carry on later with: winterpalace classroom "
                           f"--resume{again}")
    sys.stdout.flush()
    return EXIT_OK


async def _listen(hub: Classroom, args: argparse.Namespace,
                  saves: Path) -> tuple[Listener, TelnetListener | None] | None:
    """The SSH listener (and telnet's, if asked); None, said why and closed, if one cannot."""
    from .ssh import start_ssh

    try:
        listener = await start_ssh(hub, args.host, args.port, saves / "host_key",
                                   question_timeout=args.question_timeout,
                                   play_timeout=args.idle_timeout)
    except OSError as e:
        _err(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}. Is another "
             "classroom already running? Try another --port.")
        await hub.close()
        return None
    if args.telnet_port is None:
        return listener, None
    from .telnet import start_telnet
    try:
        telnet = await start_telnet(hub, args.host, args.telnet_port,
                                    **({"question_timeout": args.question_timeout}
                                       if args.question_timeout else {}))
    except OSError as e:
        _err(f"cannot listen for telnet on {args.host}:{args.telnet_port}: "
             f"{e.strerror or e}. Try another --telnet-port.")
        await listener.close()
        await hub.close()
        return None
    return listener, telnet


async def _open_console(hub: Classroom, hint: str, web_lines: list[str],
                        join_notes: list[str], telnet: bool, saves: Path) -> FacilitatorConsole:
    """The teacher's console, with what they need to know first printed on it."""
    from .console import FacilitatorConsole

    console = FacilitatorConsole(hub, hint)
    hub.on_log = console.on_log
    if telnet:
        from .telnet import WARNING
        console.print_line(WARNING)
    for line in [*web_lines, *console.status_lines(), *join_notes]:
        console.print_line(line)
    await hub.commit()        # the set-up's own lines (a changed code)
    if hub.resumed and hub.room.players:
        total = hub.room.connected_count()[1]
        console.print_line(f"Resumed: {quantity(total, 'student')} can rejoin with their "
                           "names and PINs.")
    old = _old_sessions(saves)
    if old:
        console.print_line(f"{old} session folder{'s' if old != 1 else ''} here "
                           f"{'are' if old != 1 else 'is'} older than {OLD_SESSION_DAYS} "
                           f"days: `winterpalace classroom purge --older-than "
                           f"{OLD_SESSION_DAYS}d` deletes them.")
    console.print_line(console.next_step())
    return console


async def _run_until_stopped(hub: Classroom, console: FacilitatorConsole,
                             use_terminal: bool) -> None:
    """The console runs until the session ends or the server is told to stop (a signal; on a
    terminal, Ctrl-D too)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if stop.is_set():
            os._exit(130)          # a second signal: stop now (the journal is on disk)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            loop.add_signal_handler(sig, on_signal)
        except (NotImplementedError, RuntimeError, AttributeError):  # pragma: no cover
            pass
    runner = asyncio.create_task(console.run_terminal() if use_terminal else
                                 console.run_stdin())
    ended = asyncio.create_task(hub.ended.wait())
    stopped = asyncio.create_task(stop.wait())
    # On a terminal, leaving the console (Ctrl-D) stops the server; a script's input ending
    # does not, so `... < commands.txt` keeps the class running.
    waits = {ended, stopped, runner} if use_terminal else {ended, stopped}
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for t in (runner, ended, stopped):
        t.cancel()


async def _shut(hub: Classroom, listener: Listener, telnet: TelnetListener | None,
                web: WebClass | None) -> None:
    hub.say_goodbye()          # every transport's students hear it at once
    if web is not None:
        await web.close()
    if telnet is not None:
        await telnet.close()
    await listener.close()     # goodbyes reach the students, their places are journaled
    await hub.close()


def _old_sessions(saves: Path) -> int:
    from .class_folder import ClassFolderError, class_folders
    try:
        found = class_folders(saves)
    except (ClassFolderError, OSError):
        return 0
    now = time.time()
    return sum(1 for s in found if s.age(now) > OLD_SESSION_DAYS * 86400)


def join_hint(host: str, port: int) -> str:
    """The exact command students type (see `join_line`)."""
    return join_line(host, port)[0]


def join_line(host: str, port: int, advertise: str | None = None) -> tuple[str, list[str]]:
    """The exact command students type, and lines for the teacher about this computer's
    addresses: which one the line uses, the others (a VPN's, a container network's), and
    `--advertise` to take another. Sends nothing over the network."""
    from .addresses import candidates, choose

    p = "" if port == 22 else f"-p {port} "
    notes: list[str] = []
    if advertise:
        found = candidates()
        shown = advertise
        if advertise.replace(".", "").isdigit() and all(a.ip != advertise for a in found):
            notes.append(f"note: {advertise} is not one of this computer's addresses ("
                         + (", ".join(a.describe() for a in found) or "none") + "): students "
                         "reach it only if it leads here.")
    elif host in ("0.0.0.0", "::", ""):
        found = candidates()
        pick = choose(found)
        shown = pick.ip if pick else (found[0].ip if found else socket.gethostname())
        if pick is None:
            notes.append("!! This computer is on no ordinary network"
                          + (f" (only {', '.join(a.describe() for a in found)})" if found
                             else "") + ": students' machines may not reach it. Join the "
                          "class's Wi-Fi or a hotspot (docs/classroom.md, section 3), then "
                          "start again, or give --advertise ADDRESS.")
        elif len(found) > 1:
            notes.append("This computer's addresses: "
                         + ", ".join(a.describe() for a in found) + f". The join line uses "
                         f"{shown}; if students cannot reach it, start again with "
                         "--advertise ADDRESS (one of the others).")
    else:
        shown = host
    return f"ssh {p}<your name>@{shown}", notes
