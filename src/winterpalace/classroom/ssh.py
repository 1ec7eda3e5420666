"""SSH transport: students join with their own `ssh`, one prompt_toolkit session each.

Built on asyncssh (and its line editor), with what a class needs:
- the class code as the password, through the door (`door.py`): connection caps with a clear
  refusal, three tries per connection, backoff per address and a limit for the whole server;
- no pipe or prompt_toolkit application per student: a connection costs its socket and
  nothing else, and no `select()` limit is ever reached;
- `connection_lost` closes the session's input, so a killed client's prompt ends with
  EOFError and the student is marked away instead of leaking; SSH keepalives notice a lid;
- a client that stops reading is cut off past `MAX_BACKLOG` bytes, not buffered for;
- one session per connection; no shell, command, forwarding, SFTP or SCP for anyone;
- a 0x0 terminal (`ssh -T`) is treated as 80x24; the channel decodes with errors="replace";
- output is rendered per connection (its width, its colours, an explicit environment) and
  written above the student's half-typed line by asyncssh's line editor.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import asyncssh

from .asyncssh_patch import share_printable_pattern
from .connection import PlayerConnection, error_line
from .server import Classroom
from .terminal import IdleTimeout, Prompt

__all__ = ["Listener", "PlayerConnection", "start_ssh"]
KEEPALIVE_INTERVAL = 15
KEEPALIVE_COUNT_MAX = 4
LOGIN_TIMEOUT = 60
MAX_BACKLOG = 1 << 20           # bytes queued for a client that reads nothing: then cut off
DISC_REFUSED = 11               # SSH_DISCONNECT_BY_APPLICATION: OpenSSH prints our reason
MAX_REFUSING = 20               # refused connections told why at once; more are just closed
MAX_LINE = 1000                 # characters in one typed line
MAX_TYPEAHEAD = 50              # lines typed ahead of the questions; more are dropped

share_printable_pattern()        # see asyncssh_patch: once, before the first student joins


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """The server's host key: generated once, kept (mode 600) so students' ssh trusts it."""
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.export_private_key())
    return key


class ClassSSHSession(asyncssh.SSHServerSession[str]):
    """One student's terminal session, and the `terminal.Terminal` of their conversation.

    Line editing is asyncssh's own (echo, history, arrows, Home/End, Ctrl-A/E/U/K, Ctrl-C,
    Ctrl-D): the server sees whole lines, and output written while the student types is put
    above their half-typed line, which the editor draws again. A prompt_toolkit application
    per student did the same at several times the CPU per turn.
    """

    def __init__(self, server: ClassSSHServer):
        self.server = server
        self.chan: Any = None
        self.lines: asyncio.Queue[str | BaseException] = asyncio.Queue()
        self.lost = False
        self.task: asyncio.Task[None] | None = None
        self.prompt: Prompt | None = None       # shown now, while a line is awaited
        self._raw = ""                          # no terminal (ssh -T): lines come as typed
        self._out: list[str] = []               # written, not yet sent

    # -- asyncssh

    def connection_made(self, chan: Any) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: Any, term_modes: Any) -> bool:
        return True

    def shell_requested(self) -> bool:
        if self.server.shells:
            return False            # one student's session per connection
        self.server.shells += 1
        return True

    def exec_requested(self, command: str) -> bool:
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def session_started(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._interact())

    def data_received(self, data: str, datatype: Any) -> None:
        if self.lost:
            return
        if self.chan is not None and self.chan.get_terminal_type():
            self._put(data.rstrip("\r\n"))        # the line editor hands whole lines
            return
        self._raw += data                         # no terminal: split lines ourselves
        while True:
            cut = min((i for i in (self._raw.find("\n"), self._raw.find("\r")) if i >= 0),
                      default=-1)
            if cut < 0:
                break
            line, self._raw = self._raw[:cut], self._raw[cut + 1:].lstrip("\n")
            self._put(line)
        if len(self._raw) > MAX_LINE:
            self._raw = ""

    def _put(self, line: str) -> None:
        if self.lines.qsize() < MAX_TYPEAHEAD:
            self.lines.put_nowait(line[:MAX_LINE])

    def break_received(self, msec: int) -> bool:
        self.lines.put_nowait(KeyboardInterrupt())
        return True

    def soft_eof_received(self) -> None:
        self.lines.put_nowait(EOFError())

    def eof_received(self) -> bool:
        self.close_input()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.close_input()       # the prompt raises EOFError; the student is kept, away

    def terminal_size_changed(self, width: int, height: int, pixwidth: int,
                              pixheight: int) -> None:
        pass                     # the editor rewraps; every print asks for the width anew

    async def _interact(self) -> None:
        try:
            await self.server.listener.interact(self)
        finally:
            self.close_input()
            if self.chan is not None:
                self.chan.close()

    # -- the terminal.Terminal protocol

    @property
    def username(self) -> str:
        return str(self.chan.get_extra_info("username") or "") if self.chan else ""

    @property
    def terminal_type(self) -> str | None:
        return self.chan.get_terminal_type() if self.chan else None

    @property
    def address(self) -> str:
        return self.server.address

    def columns(self) -> int:
        if self.chan is None:
            return 80
        width = self.chan.get_terminal_size()[0]
        return width if width > 0 else 80

    async def read_line(self, prompt: Prompt, timeout: float | None) -> str:
        if self.lost and self.lines.empty():
            raise EOFError
        self.prompt = prompt
        self._send(_text(prompt))
        try:
            got = await asyncio.wait_for(self.lines.get(), timeout)
        except TimeoutError:
            raise IdleTimeout from None
        finally:
            self.prompt = None
        if isinstance(got, BaseException):
            if isinstance(got, EOFError):
                self.lines.put_nowait(got)        # stays ended for the next question
            elif isinstance(got, KeyboardInterrupt):
                if hasattr(self.chan, "clear_input"):
                    self.chan.clear_input()       # Ctrl-C drops the half-typed line
                self._send("^C\n")
            raise got
        return got

    def write(self, text: str) -> None:
        if self.prompt is not None:
            # The editor has taken its half-typed line away; the prompt goes too, and both
            # come back under the text.
            text = "\r\x1b[K" + text + _text(self.prompt)
        self._send(text)

    def close_input(self) -> None:
        self.lines.put_nowait(EOFError())

    def _send(self, text: str) -> None:
        """Queue `text`; everything written in one turn of the loop goes out as one write
        (one SSH packet, one system call, where a turn writes five or six pieces)."""
        if self.chan is None or self.lost:
            return
        self._out.append(text)
        if len(self._out) == 1:
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        text, self._out = "".join(self._out), []
        chan = self.chan
        if not text or chan is None or self.lost:
            return
        try:
            if chan.get_write_buffer_size() > MAX_BACKLOG:
                self.cut_off()           # the client has stopped reading: do not hoard
                return
            if not chan.get_terminal_type():
                text = text.replace("\n", "\r\n")    # no editor to do it
            chan.write(text)
        except (BrokenPipeError, ConnectionError, OSError, asyncssh.Error):
            self.cut_off()

    def cut_off(self) -> None:
        self.lost = True
        self.close_input()
        if self.chan is not None:
            self.chan.close()


def _text(prompt: Prompt) -> str:
    return prompt() if callable(prompt) else prompt


class ClassSSHServer(asyncssh.SSHServer):
    """Password authentication with the class code, through the door; no other way in."""

    def __init__(self, listener: Listener):
        self.listener = listener
        self.hub = listener.hub
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.refusal: str | None = None
        self.counted = False
        self.admitted = False
        self.tries = 0
        self.shells = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else "?"
        self.refusal = self.hub.door.arrive(self.address)
        if self.refusal is not None:
            # Said once the keys are exchanged (before, the client could not show it); past
            # a handful of connections waiting to be told, the rest are just closed.
            self.listener.refusing += 1
            if self.listener.refusing > MAX_REFUSING:
                conn.abort()
            return
        self.counted = True
        self.listener.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.conn is not None:
            self.listener.connections.discard(self.conn)
        if self.refusal is not None:
            self.refusal = None
            self.listener.refusing -= 1
        if self.counted:
            self.counted = False
            self.hub.door.leave(self.address, self.admitted)

    def begin_auth(self, username: str) -> bool:
        if self.refusal is not None and self.conn is not None:
            self.conn.disconnect(DISC_REFUSED, self.refusal)
        return True

    def password_auth_supported(self) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    async def validate_password(self, username: str, password: str) -> bool:
        door = self.hub.door
        refusal = door.may_try(self.address)
        if refusal is not None:
            self._refuse(refusal)
            return False
        if await self.hub.check_code(password):
            self.admitted = True
            door.admitted(self.address)
            return True
        self.tries += 1
        await asyncio.sleep(door.wrong(self.address))
        if self.tries >= door.limits.tries_per_connection:
            self._refuse("Wrong class code three times. Ask your teacher for the code, "
                         "then join again.")
        return False

    def _refuse(self, reason: str) -> None:
        if self.conn is not None:
            self.conn.disconnect(DISC_REFUSED, reason)

    def session_requested(self) -> ClassSSHSession | bool:
        if not self.admitted or self.shells:
            return False            # one student's session per connection
        return ClassSSHSession(self)


class Listener:
    """The listening server and its live connections."""

    def __init__(self, hub: Classroom, question_timeout: float | None = None,
                 play_timeout: float | None = None):
        self.hub = hub
        self.acceptor: asyncssh.SSHAcceptor | None = None
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.refusing = 0                 # refused connections not yet told why
        self.timeouts: dict[str, float] = {}
        if question_timeout is not None:
            self.timeouts["question_timeout"] = question_timeout
        if play_timeout is not None:
            self.timeouts["play_timeout"] = play_timeout

    @property
    def port(self) -> int:
        assert self.acceptor is not None
        return int(self.acceptor.sockets[0].getsockname()[1])

    async def interact(self, session: ClassSSHSession) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            await PlayerConnection(self.hub, session, **self.timeouts).run()
        except Exception as e:  # one student's trouble must never stop the class
            self.hub.on_log([error_line(e)])
        finally:
            self.tasks.discard(task)

    async def close(self, goodbye: float = 0.3) -> None:
        """Stop listening, say goodbye to everyone, close every connection (bounded time)."""
        if self.acceptor is not None:
            self.acceptor.close()
        self.hub.say_goodbye()      # each conversation then marks its student away itself
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=goodbye + 1)
        for conn in list(self.connections):
            conn.close()
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=1)
        for t in self.tasks:
            t.cancel()


async def start_ssh(hub: Classroom, host: str, port: int, host_key: Path,
                    question_timeout: float | None = None,
                    play_timeout: float | None = None) -> Listener:
    """Listen for students on host:port (port 0: any free port)."""
    key = load_or_create_host_key(host_key)
    listener = Listener(hub, question_timeout, play_timeout)
    listener.acceptor = await asyncssh.create_server(
        lambda: ClassSSHServer(listener), host, port, server_host_keys=[key],
        encoding="utf-8", errors="replace",
        keepalive_interval=KEEPALIVE_INTERVAL, keepalive_count_max=KEEPALIVE_COUNT_MAX,
        login_timeout=LOGIN_TIMEOUT, agent_forwarding=False, x11_forwarding=False,
        allow_scp=False, public_key_auth=False, host_based_auth=False, gss_auth=False,
        gss_kex=False, kbdint_auth=False, line_editor=True, line_history=100,
        max_line_length=MAX_LINE, reuse_address=True, allow_pty=True)
    return listener
