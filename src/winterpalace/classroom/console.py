"""The facilitator's console: commands to run the night, and a live view of the class.

Two faces on the same commands:
- on a terminal, a prompt with a live table of players under it (prompt_toolkit toolbar,
  drawn with rich) and the class's news printed above it as it happens;
- without one (tests, scripts, `... < commands.txt`), commands are read line by line from
  standard input and everything is printed as plain lines.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import threading
from typing import IO, Callable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..lesson.room import LessonRoom
from .room import LogLine, Result, Room
from .server import Classroom, new_code

HELP = [
    ("start [HH:MM]", "open the night (optionally at that time)"),
    ("advance HH:MM | +N", "move the class clock on; everyone behind is brought up to it"),
    ("window N", "how many minutes ahead of the clock players may act (default 30)"),
    ("pace N | pace off", "let the clock run by itself: N game minutes per real minute"),
    ("pause | resume", "stop everyone acting for a moment, then carry on"),
    ("broadcast TEXT", "a message to every student"),
    ("mute | unmute NAME", "stop (or allow) a student's `say`"),
    ("freeze | unfreeze NAME", "stop (or allow) one student acting"),
    ("remove NAME", "send a student out of the class (the name cannot rejoin)"),
    ("lock | unlock", "close (or open) the class to new names; rejoining still works"),
    ("code [NEW]", "change the class code (a new one is made up if you give none)"),
    ("cap ROLE N | cap ROLE off", "at most N students in a role"),
    ("assign NAME ROLE", "give a student a role before they join"),
    ("who", "the table of students"),
    ("alerts", "the `pause` alerts students have sent"),
    ("status", "the clock and how to join"),
    ("caucus N | caucus end", "a caucus break of N minutes: the clock stops, delegates' `say` "
     "reaches only their faction; it ends by itself"),
    ("votes", "the class votes: open, ballots cast, results"),
    ("vote close ID", "count a vote now, with the ballots cast so far"),
    ("debrief", "write the debrief (Markdown, HTML page with the timeline) into the session "
     "folder and show its summary"),
    ("end", "end the session for everyone and write the debrief (it stays in the journal)"),
]


class FacilitatorConsole:
    """Turns the teacher's commands into room changes and the room's news into lines."""

    def __init__(self, hub: Classroom, join_hint: str, out: IO[str] | None = None,
                 width: int | None = None):
        self.hub = hub
        self.join_hint = join_hint
        self.out = out or sys.stdout
        self.width = width
        self.print_line: Callable[[str], None] = self._write

    @property
    def room(self) -> Room:
        return self.hub.room

    def _write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    # ---------------------------------------------------------------- news

    def on_log(self, lines: list[LogLine]) -> None:
        for ln in lines:
            mark = {"alert": "!! ", "say": "[say] ", "clock": "[clock] ", "join": "[class] ",
                    "leave": "[class] ", "admin": "[admin] ", "act": "  "}.get(ln.kind, "")
            self.print_line(mark + ln.text)

    def status_lines(self) -> list[str]:
        r = self.room
        return [f"Class code: {r.code}    Students join with: {self.join_hint}",
                f"Session folder: {self.hub.folder}",
                f"{r.clock_line()}; {sum(p.connected for p in r.players.values())} of "
                f"{len(r.players)} students connected"
                + ("; lobby locked" if r.locked else "")]

    def table_text(self, width: int = 100, color_system: str | None = None) -> str:
        """The live table of students, rendered by rich at `width`."""
        table = Table(title=Text(self.status_lines()[2]), expand=False, show_lines=False)
        for col in ("student", "role", "place", "time", "last action", "link"):
            table.add_column(col, overflow="fold")
        for row in self.room.table():
            table.add_row(*(Text(c) for c in row))   # Text: names are never markup
        if not self.room.players:
            table.add_row(Text("(nobody yet)"), *([Text("")] * 5))
        buf = io.StringIO()
        Console(file=buf, width=width, color_system=color_system,  # type: ignore[arg-type]
                force_terminal=color_system is not None, no_color=color_system is None,
                highlight=False, emoji=False, markup=False, legacy_windows=False,
                _environ={}).print(table)
        return buf.getvalue()

    # ---------------------------------------------------------------- commands

    def command(self, line: str) -> list[str]:
        """Do one console command; returns lines to show the teacher (never raises)."""
        line = "".join(ch for ch in line if ch.isprintable()).strip()
        if not line:
            return []
        word, _, rest = line.partition(" ")
        word, rest = word.lower(), rest.strip()
        r = self.room
        clock = self.hub.world.clock
        if word in ("help", "?"):
            return [f"  {u:<26} {w}" for u, w in HELP]
        if word in ("who", "table", "list"):
            return [self.table_text(self.width or 100).rstrip("\n")]
        if word == "status":
            return self.status_lines()
        if word == "alerts":
            return [f"  {n}: {t or '(no words)'}" for n, t in r.alerts] or ["  No alerts."]
        if word == "start":
            if rest:
                to = clock.parse_time(rest)
                if to is None:
                    return ["Give the time as HH:MM, like `start 21:00`."]
                if to > r.now:
                    res = r.advance(to)
                    if not res.ok:
                        return [_msg(res)]
            return [_msg(r.start(), "Started.")]
        if word == "pause":
            return [_msg(r.set_paused(True))]
        if word == "resume":
            return [_msg(r.set_paused(False))]
        if word in ("advance", "clock", "goto"):
            to = self._time_arg(rest)
            if to is None:
                return ["Give a time like `advance 22:00`, or minutes like `advance +30`."]
            return [_msg(r.advance(to))]
        if word == "window":
            if not rest.isdigit():
                return ["Give minutes, like `window 30`."]
            return [_msg(r.set_window(int(rest)))]
        if word == "pace":
            n = 0 if rest.lower() in ("off", "0", "stop") else \
                int(rest) if rest.isdigit() else None
            if n is None:
                return ["Give game minutes per real minute, like `pace 5`, or `pace off`."]
            return [_msg(r.set_pace(n))]
        if word in ("broadcast", "bc", "announce"):
            return [_msg(r.broadcast(rest), "Sent.")]
        if word in ("lock", "unlock"):
            return [_msg(r.set_locked(word == "lock"))]
        if word == "code":
            return [_msg(r.set_code(rest or new_code()))]
        if word in ("mute", "unmute", "freeze", "unfreeze", "remove", "kick"):
            if not rest:
                return [f"`{word}` whom? Give a student's name."]
            what = {"unmute": "mute", "unfreeze": "freeze", "kick": "remove"}.get(word, word)
            return [_msg(r.set_flag(rest, what, not word.startswith("un")))]
        if word == "cap":
            parts = rest.split()
            if len(parts) != 2 or not (parts[1].isdigit() or parts[1] == "off"):
                return ["Use `cap ROLE N` or `cap ROLE off`."]
            return [_msg(r.cap(parts[0].lower(), None if parts[1] == "off" else
                               int(parts[1])))]
        if word == "assign":
            parts = rest.split()
            if len(parts) != 2:
                return ["Use `assign NAME ROLE`."]
            return [_msg(r.assign(parts[0], parts[1].lower()))]
        if word == "caucus":
            caucus = getattr(self.hub, "caucus", None)
            if caucus is None or not isinstance(r, LessonRoom):
                return ["This session has no lesson: no caucus breaks."]
            if rest.lower() == "end":
                return [_msg(self.hub.end_caucus(), "Caucus over: the clock runs again.")]
            if not rest.isdigit():
                return ["Use `caucus 5` (minutes) or `caucus end`."]
            return [_msg(caucus(int(rest)), f"Caucus break for {int(rest)} minutes; it ends "
                         "by itself (or `caucus end`).")]
        if word == "votes":
            if not isinstance(r, LessonRoom):
                return ["No class votes in this session."]
            return ["  " + ln for ln in r.vote_status()]
        if word == "vote":
            parts = rest.split()
            if len(parts) != 2 or parts[0].lower() != "close" or not isinstance(r, LessonRoom):
                return ["Use `vote close ID` (see `votes` for the ids)."]
            res = r.close_vote(parts[1].lower())
            return [_msg(res, f"Vote {parts[1].lower()} counted: "
                         f"{r.counted[parts[1].lower()].line() if res.ok else ''}")]
        if word == "debrief":
            return ["(`debrief` needs the running server.)"]
        if word in ("end", "quit", "exit"):
            return [_msg(r.end())]
        return [f"Unknown command `{word[:30]}`. Type `help` for the list."]

    def _time_arg(self, rest: str) -> int | None:
        clock = self.hub.world.clock
        rest = rest.strip()
        if rest.startswith("+") and rest[1:].isdigit():
            return self.room.now + int(rest[1:])
        return clock.parse_time(rest)

    async def execute(self, line: str) -> None:
        word = "".join(ch for ch in line if ch.isprintable()).strip().partition(" ")[0].lower()
        if word == "debrief":
            await self.debrief()
            return
        was_ended = self.room.ended
        for text in self.command(line):
            if text:
                self.print_line(text)
        if self.room.ended and not was_ended:
            # Before the commit: once it is delivered the server starts shutting down.
            await self.debrief()
        await self.hub.commit()

    async def debrief(self) -> None:
        """Write the debrief into the session folder; show its summary here."""
        try:
            summary, paths = await self.hub.write_debrief()
        except OSError as e:
            self.print_line(f"!! The debrief was not written: {e.strerror or e}. The journal "
                            f"is safe; try `winterpalace classroom debrief {self.hub.folder}`.")
            return
        for text in summary:
            self.print_line(text)
        html = next((p for p in paths if p.name == "debrief.html"), paths[0])
        self.print_line(f"Debrief written: {html} (open it in a browser to project it), "
                        f"debrief.md and {max(0, len(paths) - 2)} transcripts beside it.")

    # ---------------------------------------------------------------- driving

    async def run_stdin(self, fd: int | None = None) -> None:
        """Commands from standard input, one a line, until it ends or the session does."""
        source = sys.stdin.fileno() if fd is None else fd
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[bytes] = asyncio.Queue()

        def put(raw: bytes) -> bool:
            try:
                loop.call_soon_threadsafe(lines.put_nowait, raw)
                return True
            except RuntimeError:    # the loop has closed: the server is stopping
                return False

        def reader() -> None:
            # A daemon thread on the raw descriptor: a blocked read holds no Python lock, so
            # it can neither delay the exit nor trip over the interpreter shutting down.
            pending = b""
            while True:
                try:
                    chunk = os.read(source, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    if pending:
                        put(pending)
                    put(b"")
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if not put(line + b"\n"):
                        return

        threading.Thread(target=reader, name="console-stdin", daemon=True).start()
        while not self.room.ended:
            raw = await lines.get()
            if not raw:
                return   # input ended: the class runs on until stopped or `end`
            await self.execute(raw.decode("utf-8", errors="replace"))

    async def run_terminal(self) -> None:
        """The live console: a prompt with the table beneath, news printed above."""
        from prompt_toolkit import PromptSession, print_formatted_text
        from prompt_toolkit.formatted_text import ANSI
        from prompt_toolkit.patch_stdout import patch_stdout
        from prompt_toolkit.shortcuts.utils import get_app_session

        def show(text: str) -> None:
            print_formatted_text(ANSI(text))

        self.print_line = show

        def toolbar() -> ANSI:
            cols = get_app_session().output.get_size().columns
            return ANSI(self.table_text(max(40, cols - 1), "256").rstrip("\n"))

        session: PromptSession[str] = PromptSession(bottom_toolbar=toolbar,
                                                    refresh_interval=1.0)
        with patch_stdout():
            while not self.room.ended:
                try:
                    line = await session.prompt_async("teacher> ")
                except KeyboardInterrupt:
                    show("(Type `end` to end the session, Ctrl-D to stop the server and "
                         "resume later, or `help`.)")
                    continue
                except EOFError:
                    return   # stop the server; the session stays open for --resume
                await self.execute(line)


def _msg(res: Result, ok_text: str = "") -> str:
    if res.ok:
        return ok_text
    return "Not done: " + res.message
