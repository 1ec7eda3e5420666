"""SSH transport: students join with their own `ssh`, one prompt_toolkit session each.

Built on `prompt_toolkit.contrib.ssh`, with what the stock server lacks:
- password authentication by class code (constant-time compare, a pause after a wrong code);
- `connection_lost` closes the session's input, so a killed client's prompt ends with EOFError
  and the player is marked away instead of leaking; SSH keepalives notice a closed lid;
- a 0x0 terminal (`ssh -T`) is treated as 80x24;
- the channel decodes with errors="replace": a stray non-UTF-8 byte is a U+FFFD, not a hang-up;
- output is rendered per connection (its width, its colours, an explicit environment) and
  written through that connection's own prompt_toolkit output, from its own app-session task.
Nothing here opens a shell, runs a command or touches files for a client.
"""

from __future__ import annotations

import asyncio
import hmac
import os
from pathlib import Path
from typing import Any, Callable

import asyncssh
from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app_or_none, run_in_terminal
from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.contrib.ssh import PromptToolkitSSHServer, PromptToolkitSSHSession
from prompt_toolkit.data_structures import Size

from ..session import Info, Notice, Output, QuitRequest
from .player import ClassroomSession
from .render import color_system_for, render_outputs
from .room import clean_name, name_key
from .server import Classroom

WRONG_CODE_DELAY = 1.0
KEEPALIVE_INTERVAL = 15
KEEPALIVE_COUNT_MAX = 4


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """The server's host key: generated once, kept (mode 600) so students' ssh trusts it."""
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.export_private_key())
    return key


class ClassSSHSession(PromptToolkitSSHSession):
    """The stock session, fixed for dropped clients, 0x0 terminals and our printer."""

    lost = False

    def _get_size(self) -> Size:
        size = super()._get_size()
        if size.rows <= 0 or size.columns <= 0:
            return Size(rows=24, columns=80)
        return size

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self._input is not None:
            self._input.close()      # the prompt raises EOFError; the player is kept, away

    def eof_received(self) -> bool:
        if self._input is not None:
            self._input.close()
        return True

    def data_received(self, data: str, datatype: object) -> None:
        if not self.lost:
            super().data_received(data, datatype)


class ClassSSHServer(PromptToolkitSSHServer):
    """Password authentication with the class code; no other way in."""

    def __init__(self, interact: Any, code: Callable[[], str],
                 wrong_delay: float = WRONG_CODE_DELAY,
                 registry: set[asyncssh.SSHServerConnection] | None = None):
        super().__init__(interact, enable_cpr=False)
        self._code = code
        self._wrong_delay = wrong_delay
        self._registry = registry if registry is not None else set()
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._registry.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._registry.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    async def validate_password(self, username: str, password: str) -> bool:
        given = password.strip().lower().encode("utf-8", "replace")
        want = self._code().strip().lower().encode("utf-8", "replace")
        if hmac.compare_digest(given, want):
            return True
        await asyncio.sleep(self._wrong_delay)   # makes guessing codes slow
        return False

    def session_requested(self) -> ClassSSHSession:
        return ClassSSHSession(self.interact, enable_cpr=self.enable_cpr)


class PlayerConnection:
    """One student's connection: their prompt, their printer, their seat in the room."""

    def __init__(self, hub: Classroom, ssh: ClassSSHSession):
        self.hub = hub
        self.ssh = ssh
        chan = ssh._chan
        self.username = str(chan.get_extra_info("username") or "") if chan else ""
        self.color_system = color_system_for(chan.get_terminal_type() if chan else None)
        self.pending: list[Output] = []           # delivered, not yet printed
        self.wake = asyncio.Event()                # the printer has something to do
        self.kicked = False                        # the hub has closed this seat
        self.done = False                          # the conversation is over
        self.print_lock = asyncio.Lock()           # one print at a time, in order
        self.name: str | None = None
        self.session: ClassroomSession | None = None
        self.closing = False
        self.prompt: PromptSession[str] | None = None

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
        redraw of the prompt, one write to the channel, however many changes came in.
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
                if self.ssh._input is not None:
                    self.ssh._input.close()
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
        if not outs or self.ssh.lost:
            return
        width = self.ssh._get_size().columns
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
        if self.closing or self.ssh.lost:
            raise EOFError
        assert self.prompt is not None
        while True:
            try:
                return await self.prompt.prompt_async(message)
            except KeyboardInterrupt:
                self.show([Notice("(Type `quit` to leave.)")])

    # -- the conversation

    async def run(self) -> None:
        self.prompt = PromptSession()
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
                self.show([Notice(_sentence(res.message), "warning")])
                typed = None
                continue
            self.name = name
            self.show([Info(f"You are {name}, {room.world.roles[role].name}",
                            (room.world.roles[role].intro.strip(), "",
                             "Type a number to choose, `say` to speak to people here, "
                             "`help` for more."))])
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
            self.show([Notice(_sentence(res.message), "warning")])
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


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


class Listener:
    """The listening server and its live connections."""

    def __init__(self, hub: Classroom):
        self.hub = hub
        self.acceptor: asyncssh.SSHAcceptor | None = None
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self.tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        assert self.acceptor is not None
        return int(self.acceptor.sockets[0].getsockname()[1])

    async def close(self, goodbye: float = 0.3) -> None:
        """Stop listening, say goodbye to everyone, close every connection."""
        if self.acceptor is not None:
            self.acceptor.close()
        for key, link in list(self.hub.links.items()):
            self.hub.links.pop(key, None)
            link.kick([])
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=goodbye + 2)
        for conn in list(self.connections):
            conn.close()
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=2)
        for t in self.tasks:
            t.cancel()


async def start_ssh(hub: Classroom, host: str, port: int, host_key: Path,
                    wrong_delay: float = WRONG_CODE_DELAY) -> Listener:
    """Listen for students on host:port (port 0: any free port)."""
    key = load_or_create_host_key(host_key)
    listener = Listener(hub)

    async def interact(ssh_session: PromptToolkitSSHSession) -> None:
        assert isinstance(ssh_session, ClassSSHSession)
        task = asyncio.current_task()
        assert task is not None
        listener.tasks.add(task)
        try:
            await PlayerConnection(hub, ssh_session).run()
        except Exception as e:  # one student's trouble must never stop the class
            hub.on_log([_error_line(e)])
        finally:
            listener.tasks.discard(task)

    listener.acceptor = await asyncssh.create_server(
        lambda: ClassSSHServer(interact, lambda: hub.room.code, wrong_delay,
                               listener.connections),
        host, port, server_host_keys=[key],
        encoding="utf-8", errors="replace",
        keepalive_interval=KEEPALIVE_INTERVAL, keepalive_count_max=KEEPALIVE_COUNT_MAX,
        login_timeout=120, agent_forwarding=False, x11_forwarding=False, allow_scp=False,
        public_key_auth=False, host_based_auth=False, gss_auth=False, gss_kex=False,
        line_editor=False, reuse_address=True)
    return listener


def _error_line(e: Exception) -> Any:
    from .room import LogLine
    return LogLine("alert", f"internal error in a connection: {type(e).__name__}: {e}")
