"""One student's conversation with the class, whatever the wire (SSH or telnet).

A transport gives each connection its own prompt_toolkit app session (input and output) and
runs `PlayerConnection(hub, terminal).run()` inside it; `terminal` answers the few questions
that differ between transports (name given at login, terminal type, width, whether the line is
gone) and can close the session's input so a waiting prompt ends with EOFError.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Any, Protocol

from prompt_toolkit.application import get_app_or_none, run_in_terminal
from prompt_toolkit.application.current import get_app_session

from ..session import Info, Notice, Output, QuitRequest, sentence
from .lineprompt import LinePrompt
from .player import ClassroomSession
from .render import color_system_for, render_outputs
from .room import clean_name, name_key
from .server import Classroom

WRONG_CODE_DELAY = 1.0


class Terminal(Protocol):
    """What a transport tells the conversation about one connection."""

    @property
    def username(self) -> str:
        """The name given when connecting ('' when the transport asks for none)."""

    @property
    def terminal_type(self) -> str | None:
        """The client's terminal type (TERM), or None when it sent none."""

    @property
    def lost(self) -> bool:
        """True once the client has gone."""

    def columns(self) -> int:
        """This connection's width now (never 0)."""

    def close_input(self) -> None:
        """End the session's input: a waiting prompt raises EOFError."""


async def check_code(given: str, want: str, wrong_delay: float = WRONG_CODE_DELAY) -> bool:
    """Whether `given` is the class code: constant-time, and slow to say no."""
    a = given.strip().lower().encode("utf-8", "replace")
    b = want.strip().lower().encode("utf-8", "replace")
    if hmac.compare_digest(a, b):
        return True
    await asyncio.sleep(wrong_delay)   # makes guessing codes slow
    return False


class PlayerConnection:
    """One student's connection: their prompt, their printer, their seat in the room."""

    def __init__(self, hub: Classroom, term: Terminal):
        self.hub = hub
        self.term = term
        self.username = term.username
        self.color_system = color_system_for(term.terminal_type)
        self.pending: list[Output] = []           # delivered, not yet printed
        self.wake = asyncio.Event()                # the printer has something to do
        self.kicked = False                        # the hub has closed this seat
        self.done = False                          # the conversation is over
        self.print_lock = asyncio.Lock()           # one print at a time, in order
        self.name: str | None = None
        self.session: ClassroomSession | None = None
        self.closing = False
        self.prompt: LinePrompt | None = None

    # -- the Link protocol (called by the hub, from any task: only queues)

    def deliver(self, outputs: list[Output]) -> None:
        self.pending.extend(outputs)
        self.wake.set()

    def kick(self, outputs: list[Output]) -> None:
        self.pending.extend(outputs)
        self.kicked = True
        self.wake.set()

    # -- printing, only ever from this connection's own task

    async def _printer(self) -> None:
        """Print what others' actions and the clock bring, above the prompt.

        Everything delivered since the last print goes out as one block: one render, one
        redraw of the prompt, one write to the connection, however many changes came in.
        """
        while True:
            await self.wake.wait()
            self.wake.clear()
            if self.pending:
                async with self.print_lock:
                    outs, self.pending = self.pending, []
                    await self._print(outs)
            if self.kicked:
                self.closing = True
                self.term.close_input()
                return
            if self.done:
                return

    async def print_now(self, outs: list[Output]) -> None:
        """Print what is pending and then `outs`, in that order, from the player's own task.

        Called between two prompts, when no prompt is on the screen: the text is written
        straight out, without hiding and redrawing a prompt around it.
        """
        async with self.print_lock:
            outs, self.pending = self.pending + outs, []
            await self._print(outs)

    async def _print(self, outs: list[Output]) -> None:
        """Print above this student's prompt, through their own prompt_toolkit output."""
        if not outs or self.term.lost:
            return
        width = self.term.columns()
        # Rich has already made the escapes for this student's terminal (and stripped control
        # characters from every text it got), so the block goes out as it is: parsing it back
        # into prompt_toolkit fragments only to re-emit the same escapes cost more than
        # rendering it.
        text = render_outputs(outs, width, self.color_system).replace("\r", "")
        text = text.replace("\n", "\r\n")
        output = get_app_session().output    # this connection's: the task runs in its context

        def emit() -> None:
            output.reset_attributes()
            output.enable_autowrap()
            output.write_raw(text)
            output.reset_attributes()
            output.flush()

        app = get_app_or_none()
        if app is not None and app.is_running:
            await run_in_terminal(emit)
        else:
            emit()

    def show(self, outs: list[Output]) -> None:
        self.deliver(outs)

    async def ask(self, message: Any) -> str:
        if self.closing or self.term.lost:
            raise EOFError
        assert self.prompt is not None
        while True:
            try:
                return await self.prompt.prompt_async(message)
            except KeyboardInterrupt:
                self.show([Notice("(Type `quit` to leave.)")])

    # -- the conversation

    async def run(self) -> None:
        self.prompt = LinePrompt()
        printer = asyncio.create_task(self._printer())
        try:
            if await self.enter():
                await self.play()
        except EOFError:
            pass
        finally:
            if self.name is not None:
                self.hub.detach(self.name, self)
                p = self.hub.room.player(self.name)
                if p is not None and p.connected:
                    self.hub.room.disconnect(self.name)
                    await self.hub.commit()
            if not printer.done():
                self.done = True
                self.wake.set()
                try:
                    await asyncio.wait_for(printer, 5)
                except asyncio.TimeoutError:
                    printer.cancel()

    def _welcome(self) -> list[Output]:
        w = self.hub.world
        lines = [w.subtitle, "", "A shared night with your class. Everyone you meet here is a "
                 "classmate; what you do can change what they see."]
        return [Info(w.title.upper(), tuple(x for x in lines if x is not None))]

    async def enter(self) -> bool:
        """Greet, find or make the player; True once they are in the room."""
        room = self.hub.room
        self.show(self._welcome())
        typed = clean_name(self.username)
        if typed is not None and room.player(typed) is not None:
            back = await self._rejoin(typed)
            if back is not None:
                return back
            typed = None
        while True:
            if room.ended:
                self.show([Notice("The session has ended. Thank you for playing.")])
                return False
            default = f" (press Enter to be {typed})" if typed else \
                " (or press Enter for a handle)"
            if room.locked:
                self.show([Notice("The class is closed to new names. If you joined before, "
                                  "type the name you used.")])
                default = ""
            answer = (await self.ask(f"Your first name or a nickname{default}: ")).strip()
            name = typed if not answer and typed else (clean_name(answer) if answer else None)
            if answer and name is None:
                self.show([Notice("Use letters, digits, - or _, at most 20 characters, like "
                                  "`Misha` or `Sailor-2`. No surnames needed.", "warning")])
                continue
            if name is not None and room.player(name) is not None:
                back = await self._rejoin(name)
                if back is not None:
                    return back
                continue
            if room.locked:
                self.show([Notice("Nobody joined with that name.", "warning")])
                continue
            role = room.assigned.get(name_key(name)) if name else None
            if role is not None:
                self.show([Notice(f"Your teacher has given you the role "
                                  f"{room.world.roles[role].name}.")])
            else:
                role = await self._pick_role()
            if name is None:
                name = room.offer_handle(role)
            self.attach(name)
            res = room.join(name, role, self.hub.new_seed())
            if not res.ok:
                self.hub.detach(name, self)
                self.show([Notice(sentence(res.message), "warning")])
                typed = None
                continue
            self.name = name
            # The intro's own line breaks are the YAML file's: one line per paragraph here,
            # so each wraps at this student's width.
            intro: list[str] = []
            for para in room.world.roles[role].intro.split("\n\n"):
                if para.strip():
                    intro += [" ".join(para.split()), ""]
            self.show([Info(f"You are {name}, {room.world.roles[role].name}",
                            (*intro, "Type a number to choose, `say` to speak to people "
                             "here, `help` for more."))])
            await self.hub.commit()
            self.session = ClassroomSession.seat(room, name)
            return True

    def attach(self, name: str) -> None:
        self.hub.attach(name, self)

    async def _rejoin(self, name: str) -> bool | None:
        """Resume an existing player. None: the name is busy, ask for another."""
        room = self.hub.room
        p = room.player(name)
        assert p is not None
        if p.connected:
            self.show([Notice(f"Someone called {p.name} is connected right now. If that is "
                              "you on another screen, close it first; or choose another "
                              "name.", "warning")])
            return None
        self.attach(p.name)
        res = room.connect(p.name)
        if not res.ok:
            self.hub.detach(p.name, self)
            self.show([Notice(sentence(res.message), "warning")])
            return False
        self.name = p.name
        await self.hub.commit()
        self.session = ClassroomSession.seat(room, p.name)
        return True

    async def _pick_role(self) -> str:
        room = self.hub.room
        roles = list(room.world.roles)
        counts = room.role_counts()
        lines = []
        for n, rid in enumerate(roles, 1):
            r = room.world.roles[rid]
            cap = room.caps.get(rid)
            full = " (full)" if cap is not None and counts[rid] >= cap else ""
            lines.append(f"{n}. {r.name}{full}, from {room.world.clock.hhmm(r.start_time)}: "
                         f"{r.title} ({counts[rid]} playing)")
        self.show([Info("Roles", tuple(lines))])
        while True:
            answer = (await self.ask(f"Choose a role, 1 to {len(roles)}: ")).strip().lower()
            if answer.isdigit() and 1 <= int(answer) <= len(roles):
                return roles[int(answer) - 1]
            if answer in room.world.roles:
                return answer
            self.show([Notice(f"Type a number from 1 to {len(roles)}.", "warning")])

    def _prompt_text(self) -> str:
        room = self.hub.room
        p = room.player(self.name or "")
        if p is None or p.ps is None:
            return f"[{room.hhmm(room.now)}] > "
        return f"{room.hhmm(p.ps.time)} > "

    async def play(self) -> None:
        assert self.session is not None
        while True:
            line = await self.ask(self._prompt_text)
            outs = self.session.handle(line)
            await self.hub.commit()
            quitting = any(isinstance(o, QuitRequest) for o in outs)
            outs = [o for o in outs if not isinstance(o, QuitRequest)]
            if quitting:
                outs.append(Notice("Goodbye for now. Your place is kept: join again with the "
                                   "same name and class code to carry on."))
            # Printed here, before the next prompt is drawn, so the screen is written once.
            await self.print_now(outs)
            if quitting:
                return



def error_line(e: Exception) -> Any:
    """The console's alert for an unexpected error in one student's connection."""
    from .room import LogLine
    return LogLine("alert", f"internal error in a connection: {type(e).__name__}: {e}")
