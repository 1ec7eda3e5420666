"""The teacher's console: commands to run the night, and a live view of the class.

Two faces on the same commands:
- on a terminal, a prompt with a live table of students under it (prompt_toolkit toolbar,
  drawn with rich) and the class's news printed above it as it happens;
- without one (tests, scripts, `... < commands.txt`), commands are read line by line from
  standard input and everything is printed as plain lines.

The commands are one `CommandTable` (`COMMANDS`): each entry's usage (its first word is the
command), its aliases, what it does, and the method that does it; `help` is made from the same
table, so the help and what the console understands cannot disagree.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import threading
from collections.abc import Callable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..commands import Command, CommandTable
from ..engine import parse_duration
from ..sanitise import printable
from ..session import quantity
from ..ui.plain import TextOutput
from . import codes
from .room import LogLine, Result, Room
from .server import Classroom

# A console command's method: (console, the word typed, the rest of the line) -> lines to show.
Handler = Callable[["FacilitatorConsole", str, str], list[str]]


class FacilitatorConsole:
    """Turns the teacher's commands into room changes and the room's news into lines."""

    def __init__(self, hub: Classroom, join_hint: str, out: TextOutput | None = None,
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
                    "leave": "[class] ", "admin": "[admin] ", "door": "[door] ",
                    "act": "  "}.get(ln.kind, "")
            self.print_line(mark + ln.text)

    def status_lines(self) -> list[str]:
        r = self.room
        code = self.hub.code or ("the same as before (kept only as a check, not readable: "
                                 "`code` makes a new one)")
        on, total = r.connected_count()
        return [f"Class code: {code}    Students join with: {self.join_hint}",
                f"Session folder: {self.hub.folder}",
                f"{r.clock_line()}; {on} of {quantity(total, 'student')} connected"
                + ("; lobby locked" if r.locked else "")]

    def next_step(self) -> str:
        """What the teacher can do now, for the line under the status."""
        r = self.room
        if r.ended:
            return "The session has ended."
        if not r.started:
            return "Type `help` for the commands, `start` (or `start 18:00`) to begin the night."
        return (f"The night is running at {r.hhmm(r.now)}. Type `help` for the commands, "
                "`advance HH:MM` to move the clock on.")

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
        line = printable(line)
        if not line:
            return []
        word, _, rest = line.partition(" ")
        word, rest = word.lower(), rest.strip()
        cmd = COMMANDS.find(word)
        if cmd is None:
            meant = COMMANDS.closest(word)
            guess = f" Did you mean `{meant}`?" if meant else ""
            return [f"Unknown command `{word[:30]}`.{guess} Type `help` for the list."]
        return cmd.run(self, word, rest)

    def _time_arg(self, rest: str) -> int | None:
        """`HH:MM` on the night's clock, or `+` and a duration from now (`+30`, `+1h30m`: the
        engine's one duration grammar, a bare number being minutes)."""
        rest = rest.strip()
        if rest.startswith("+"):
            minutes = parse_duration(rest[1:], bare=True)
            return None if minutes is None else self.room.now + minutes
        return self.hub.world.clock.parse_time(rest)

    def _help(self, word: str, rest: str) -> list[str]:
        return [f"  {usage:<28} {what}" for usage, what in COMMANDS.help().items()]

    def _who(self, word: str, rest: str) -> list[str]:
        return [self.table_text(self.width or 100).rstrip("\n")]

    def _status(self, word: str, rest: str) -> list[str]:
        return self.status_lines()

    def _alerts(self, word: str, rest: str) -> list[str]:
        return [f"  {n}: {t or '(no words)'}" for n, t in self.room.alerts] or ["  No alerts."]

    def _start(self, word: str, rest: str) -> list[str]:
        at = None
        if rest:
            at = self.hub.world.clock.parse_time(rest)
            if at is None:
                return ["Give the time as HH:MM, like `start 18:00`."]
        return [_msg(self.room.start(at), "Started.")]

    def _pause(self, word: str, rest: str) -> list[str]:
        return [_msg(self.room.set_paused(word == "pause"))]

    def _advance(self, word: str, rest: str) -> list[str]:
        to = self._time_arg(rest)
        if to is None:
            return ["Give a time like `advance 22:00`, or minutes like `advance +30`."]
        return [_msg(self.room.advance(to))]

    def _window(self, word: str, rest: str) -> list[str]:
        if not rest.isdigit():
            return ["Give minutes, like `window 30`."]
        return [_msg(self.room.set_window(int(rest)))]

    def _pace(self, word: str, rest: str) -> list[str]:
        n = 0 if rest.lower() in ("off", "0", "stop") else int(rest) if rest.isdigit() else None
        if n is None:
            return ["Give game minutes per real minute, like `pace 5`, or `pace off`."]
        return [_msg(self.room.set_pace(n))]

    def _broadcast(self, word: str, rest: str) -> list[str]:
        return [_msg(self.room.broadcast(rest), "Sent.")]

    def _lock(self, word: str, rest: str) -> list[str]:
        return [_msg(self.room.set_locked(word == "lock"))]

    def _code(self, word: str, rest: str) -> list[str]:
        code = rest or codes.new_code()
        if not 3 <= len(code) <= 60 or not code.isprintable():
            return ["A class code is 3 to 60 characters, like `otter-lamp-meadow-42`."]
        out = [_msg(self.hub.set_code(code))]
        return out + weak_code_warning(code)

    def _flag(self, word: str, rest: str) -> list[str]:
        if not rest:
            return [f"`{word}` whom? Give a student's name."]
        what = {"unmute": "mute", "unfreeze": "freeze", "kick": "remove"}.get(word, word)
        return [_msg(self.room.set_flag(rest, what, not word.startswith("un")))]

    def _cap(self, word: str, rest: str) -> list[str]:
        parts = rest.split()
        if len(parts) != 2 or not (parts[1].isdigit() or parts[1] == "off"):
            return ["Use `cap ROLE N` or `cap ROLE off`."]
        return [_msg(self.room.cap(parts[0].lower(), None if parts[1] == "off" else
                                   int(parts[1])))]

    def _assign(self, word: str, rest: str) -> list[str]:
        parts = rest.split(maxsplit=2)
        if len(parts) < 2:
            return ["Use `assign NAME ROLE` or `assign NAME delegate FACTION`."]
        faction = parts[2] if len(parts) == 3 else None
        return [_msg(self.room.assign(parts[0], parts[1].lower(), faction))]

    def _unblock(self, word: str, rest: str) -> list[str]:
        shut = self.hub.door.unblock()
        return [f"The door forgets every wrong code: {shut} network address"
                f"{'es' if shut != 1 else ''} shut out may try again."]

    def _admit(self, word: str, rest: str) -> list[str]:
        if not rest:
            return ["`admit` whom? Give the name of the student waiting to be let in."]
        return [_msg(self.hub.admit(rest), f"{rest} is let in and given a new PIN.")]

    def _caucus(self, word: str, rest: str) -> list[str]:
        if not self.room.votes.votes and not self.room.factions:
            return ["This night has no factions: no caucus breaks."]
        if rest.lower() == "end":
            return [_msg(self.hub.end_caucus(), "Caucus over: the clock runs again.")]
        if not rest.isdigit():
            return ["Use `caucus 5` (minutes) or `caucus end`."]
        return [_msg(self.hub.caucus(int(rest)), f"Caucus break for {quantity(int(rest), 'minute')}; it "
                     "ends by itself (or `caucus end`).")]

    def _votes(self, word: str, rest: str) -> list[str]:
        return ["  " + ln for ln in self.room.vote_status()]

    def _vote(self, word: str, rest: str) -> list[str]:
        parts = rest.split()
        if len(parts) != 2 or parts[0].lower() != "close":
            return ["Use `vote close ID` (see `votes` for the ids)."]
        vid = parts[1].lower()
        res = self.room.close_vote(vid)
        counted = self.room.votes.counted.get(vid)
        return [_msg(res, f"Vote {vid} counted: {counted.line() if counted else ''}")]

    def _debrief(self, word: str, rest: str) -> list[str]:
        return ["(`debrief` needs the running server.)"]

    def _end(self, word: str, rest: str) -> list[str]:
        return [_msg(self.room.end())]

    async def execute(self, line: str) -> None:
        # `debrief` writes files: it is awaited here, not run as a table command (whose
        # entry only makes its help and answers when there is no server loop).
        if printable(line).partition(" ")[0].lower() == "debrief":
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
                        f"debrief.md and {quantity(max(0, len(paths) - 2), 'transcript')} beside it.")

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
        from prompt_toolkit.application.current import get_app_session
        from prompt_toolkit.formatted_text import ANSI
        from prompt_toolkit.patch_stdout import patch_stdout

        def show(text: str) -> None:
            print_formatted_text(ANSI(text))

        self.print_line = show

        def toolbar() -> ANSI:
            cols = get_app_session().output.get_size().columns
            return ANSI(self.table_text(max(40, cols - 1), "256").rstrip("\n"))

        prompt_session: PromptSession[str] = PromptSession(bottom_toolbar=toolbar,
                                                           refresh_interval=1.0)
        with patch_stdout():
            while not self.room.ended:
                try:
                    line = await prompt_session.prompt_async("teacher> ")
                except KeyboardInterrupt:
                    show("(Type `end` to end the session, Ctrl-D to stop the server and "
                         "resume later, or `help`.)")
                    continue
                except EOFError:
                    return   # stop the server; the session stays open for --resume
                await self.execute(line)


def weak_code_warning(code: str) -> list[str]:
    """A warning for a class code short enough to be guessed during a lesson."""
    if codes.strength_bits(code) >= 30:
        return []
    return [f"!! `{code}` is short enough to be guessed by someone on the network trying "
            "codes all lesson. Prefer a made-up one (`code` with nothing after it) or three "
            "words and a number."]


def _msg(res: Result, ok_text: str = "") -> str:
    if res.ok:
        return ok_text
    return "Not done: " + res.message


C = FacilitatorConsole
COMMANDS: CommandTable[Handler] = CommandTable([
    Command("start [HH:MM]", "open the night (optionally at that time)", C._start),
    Command("advance HH:MM | +N",
            "move the class clock on; everyone is brought all the way up to it", C._advance,
            aliases=("clock", "goto")),
    Command("window N",
            "how many minutes ahead of the clock students may act (default 30)", C._window),
    Command("pace N | pace off",
            "let the clock run by itself: N game minutes per real minute", C._pace),
    Command("pause | resume",
            "stop everyone acting for a moment, then carry on", C._pause, aliases=("resume",)),
    Command("broadcast TEXT", "a message to every student", C._broadcast,
            aliases=("bc", "announce")),
    Command("mute | unmute NAME", "stop (or allow) a student's `say`", C._flag,
            aliases=("unmute",)),
    Command("freeze | unfreeze NAME", "stop (or allow) one student acting", C._flag,
            aliases=("unfreeze",)),
    Command("remove NAME", "send a student out of the class (the name cannot rejoin)",
            C._flag, aliases=("kick",)),
    Command("lock | unlock", "close (or open) the class to new names; rejoining still works",
            C._lock, aliases=("unlock",)),
    Command("code [NEW]",
            "change the class code (a new one is made up if you give none)", C._code),
    Command("admit NAME",
            "let in a student who lost their PIN (they get a new one)", C._admit),
    Command("unblock",
            "let addresses shut out for wrong codes try again (a class behind one router)",
            C._unblock),
    Command("cap ROLE N | cap ROLE off", "at most N students in a role", C._cap),
    Command("assign NAME ROLE [FACTION]",
            "hold a role (and a delegate's faction) for a student before they join",
            C._assign),
    Command("who", "the table of students", C._who, aliases=("table", "list")),
    Command("alerts", "the alerts students have sent you", C._alerts),
    Command("status", "the clock, the class code and how to join", C._status),
    Command("caucus N | caucus end",
            "a caucus break of N minutes: the clock stops, delegates' `say` reaches only "
            "their faction; it ends by itself", C._caucus),
    Command("votes", "the class votes: open, ballots cast, results", C._votes),
    Command("vote close ID", "count a vote now, with the ballots cast so far", C._vote),
    Command("debrief",
            "write the debrief (Markdown, HTML page with the timeline) into the session "
            "folder and show its summary", C._debrief),
    Command("end", "end the session for everyone and write the debrief", C._end,
            aliases=("quit", "exit")),
    Command("help", "this list", C._help, aliases=("?",)),
])
