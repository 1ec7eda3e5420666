"""`winterpalace classroom`: run a shared night for a class over SSH."""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_ERROR, EXIT_BAD_SCENARIO = 0, 1, 2


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "classroom", help="run a shared night for a class: students join with ssh",
        description="Run one shared night for many students. Students join from their own "
                    "terminal with `ssh -p PORT NAME@THIS-COMPUTER` and type the class code "
                    "as the password. See docs/classroom.md.")
    p.add_argument("--host", default="0.0.0.0",
                   help="address to listen on (default: every network of this computer)")
    p.add_argument("--port", type=int, default=2222, help="port to listen on (default 2222)")
    p.add_argument("--telnet-port", type=int, metavar="N",
                   help="also accept telnet on port N, for machines with no ssh (off by "
                   "default; UNENCRYPTED: the class code travels in clear text)")
    p.add_argument("--code", help="the class code students type (default: made up, like "
                   "river-42)")
    p.add_argument("--saves", metavar="DIR", help="where session folders and the host key go "
                   "(default: ./winterpalace-classroom)")
    p.add_argument("--resume", nargs="?", const="", metavar="FOLDER",
                   help="carry on the latest session in --saves (or the session FOLDER)")
    p.add_argument("--scenes", metavar="DIR", help="another scenario folder")
    p.add_argument("--window", type=int, help="minutes players may act ahead of the class "
                   "clock (default 30)")
    p.add_argument("--stdin", action="store_true",
                   help="read console commands from standard input, one a line (automatic "
                   "when standard input is not a terminal)")
    p.add_argument("--secret-ballot", action="store_true",
                   help="class votes by secret ballot (default: open; the class sees who "
                   "voted how)")
    p.add_argument("--gentle", action="store_true",
                   help="content mode: violence is told, not shown (set before the session; "
                   "kept when it is resumed)")
    p.add_argument("--wrong-code-delay", type=float, default=1.0, help=argparse.SUPPRESS)
    p.add_argument("--pace-step", type=int, default=5, help=argparse.SUPPRESS)
    p.add_argument("--caucus-minute", type=float, default=60.0, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_classroom)

    # `winterpalace classroom purge|debrief ...`; plain `winterpalace classroom --port ...`
    # still runs a session (the action is optional).
    from ..lesson.cli import add_debrief_arguments, add_purge_arguments
    sub = p.add_subparsers(dest="classroom_action", metavar="[purge|debrief]")
    d = sub.add_parser("debrief", help="write the debrief of a session (default: the latest)",
                       description="Write debrief.md, debrief.html (with the timeline) and "
                       "the students' transcripts into a session folder, from its journal.")
    add_debrief_arguments(d)
    # SUPPRESS: a --saves/--scenes given before the action is kept, not reset to a default.
    d.set_defaults(func=_cmd_debrief)
    _suppress(d, "saves", "scenes")
    pg = sub.add_parser("purge", help="delete sessions older than a limit, like 30d",
                        description="Delete classroom session folders whose journal was last "
                        "written longer ago than --older-than (30d, 12h, 2w).")
    add_purge_arguments(pg)
    pg.set_defaults(func=_cmd_purge)
    _suppress(pg, "saves")


def _suppress(parser: argparse.ArgumentParser, *dests: str) -> None:
    for action in parser._actions:
        if action.dest in dests:
            action.default = argparse.SUPPRESS


def _saves_default(args: argparse.Namespace) -> None:
    from ..lesson.cli import DEFAULT_SAVES
    if not getattr(args, "saves", None):
        args.saves = DEFAULT_SAVES


def _cmd_debrief(args: argparse.Namespace) -> int:
    from ..lesson.cli import cmd_debrief
    _saves_default(args)
    return cmd_debrief(args)


def _cmd_purge(args: argparse.Namespace) -> int:
    from ..lesson.cli import cmd_purge
    _saves_default(args)
    return cmd_purge(args)


def _err(text: str) -> None:
    sys.stderr.write(f"winterpalace classroom: {text}\n")


def cmd_classroom(args: argparse.Namespace) -> int:
    try:
        import asyncssh  # noqa: F401
    except ImportError:
        _err("the classroom needs asyncssh: pip install 'winterpalace[classroom]'")
        return EXIT_ERROR
    from ..cli import load_or_report
    from .server import Classroom, SessionDirError

    world = load_or_report(args.scenes)
    if world is None:
        return EXIT_BAD_SCENARIO
    if not 1 <= args.port <= 65535:
        _err(f"--port {args.port}: give a port from 1 to 65535 (2222 is usual)")
        return EXIT_ERROR
    telnet_port = getattr(args, "telnet_port", None)
    if telnet_port is not None and not (1 <= telnet_port <= 65535 and telnet_port != args.port):
        _err(f"--telnet-port {telnet_port}: give a port from 1 to 65535 other than --port "
             "(2323 is usual)")
        return EXIT_ERROR
    saves = Path(args.saves or "winterpalace-classroom")
    try:
        saves.mkdir(parents=True, exist_ok=True)
        if args.resume is not None:
            hub = Classroom.resume(world, saves, Path(args.resume) if args.resume else None)
        else:
            hub = Classroom.create(world, saves, args.code, args.window,
                                   ballot="secret" if args.secret_ballot else "open",
                                   gentle=args.gentle)
    except SessionDirError as e:
        _err(str(e))
        return EXIT_ERROR
    except OSError as e:
        _err(f"{saves}: {e.strerror or e}")
        return EXIT_ERROR
    hub.pace_step = max(1, args.pace_step)
    hub.minute = max(0.01, args.caucus_minute)
    if args.resume is not None and (args.secret_ballot or args.gentle):
        console_note = ("note: --secret-ballot and --gentle are set when a session begins; "
                        "the resumed session keeps its own settings")
        _err(console_note)
    try:
        return asyncio.run(_serve(hub, args, saves))
    except KeyboardInterrupt:
        return EXIT_OK


async def _serve(hub: Any, args: argparse.Namespace, saves: Path) -> int:
    from .console import FacilitatorConsole
    from .ssh import start_ssh

    hub.start_background()
    if args.resume is not None and args.code:
        hub.room.set_code(args.code)
    if args.resume is not None and args.window:
        hub.room.set_window(args.window)
    try:
        listener = await start_ssh(hub, args.host, args.port, saves / "host_key",
                                   wrong_delay=args.wrong_code_delay)
    except OSError as e:
        _err(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}. Is another "
             "classroom already running? Try another --port.")
        await hub.close()
        return EXIT_ERROR
    telnet = None
    if getattr(args, "telnet_port", None) is not None:
        from .telnet import start_telnet
        try:
            telnet = await start_telnet(hub, args.host, args.telnet_port,
                                        wrong_delay=args.wrong_code_delay)
        except OSError as e:
            _err(f"cannot listen for telnet on {args.host}:{args.telnet_port}: "
                 f"{e.strerror or e}. Try another --telnet-port.")
            await listener.close()
            await hub.close()
            return EXIT_ERROR
    hint = join_hint(args.host, args.port)
    if telnet is not None:
        hint += f"  (no ssh: telnet {hint.rsplit('@', 1)[1]} {args.telnet_port})"
    console = FacilitatorConsole(hub, hint)
    hub.on_log = console.on_log
    if telnet is not None:
        from .telnet import WARNING
        console.print_line(WARNING)
    use_terminal = not args.stdin and sys.stdin.isatty() and sys.stdout.isatty()
    for line in console.status_lines():
        console.print_line(line)
    await hub.commit()        # the set-up's own lines (lesson settings, a changed code)
    if hub.room.players:
        console.print_line(f"Resumed: {len(hub.room.players)} students can rejoin with "
                           "their names.")
    console.print_line("Type `help` for the commands, `start` to begin the night.")

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - not on Windows
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
    if telnet is not None:
        await telnet.close()
    await listener.close()     # goodbyes reach the students, their places are journaled
    await hub.close()
    if hub.room.ended:
        console.print_line(f"Session ended. The journal is in {hub.folder}.")
    else:
        console.print_line(f"Server stopped. Carry on later with: winterpalace classroom "
                           f"--resume --saves {saves}")
    sys.stdout.flush()
    return EXIT_OK


def join_hint(host: str, port: int) -> str:
    """The exact command students type; names this computer without any network traffic."""
    if host in ("0.0.0.0", "::", ""):
        name = socket.gethostname()
        try:
            addrs = sorted({ai[4][0] for ai in socket.getaddrinfo(name, None, socket.AF_INET)
                            if not ai[4][0].startswith("127.")})
        except OSError:
            addrs = []
        host = addrs[0] if addrs else name
    p = "" if port == 22 else f"-p {port} "
    return f"ssh {p}<your name>@{host}"
