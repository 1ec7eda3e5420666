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
import os
from pathlib import Path
from typing import Any, Callable

import asyncssh
from prompt_toolkit.contrib.ssh import PromptToolkitSSHServer, PromptToolkitSSHSession
from prompt_toolkit.data_structures import Size

from .connection import WRONG_CODE_DELAY, PlayerConnection, check_code, error_line
from .server import Classroom

__all__ = ["WRONG_CODE_DELAY", "Listener", "PlayerConnection", "start_ssh"]
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

    # -- the connection.Terminal protocol

    @property
    def username(self) -> str:
        return str(self._chan.get_extra_info("username") or "") if self._chan else ""

    @property
    def terminal_type(self) -> str | None:
        return self._chan.get_terminal_type() if self._chan else None

    def columns(self) -> int:
        return self._get_size().columns

    def close_input(self) -> None:
        if self._input is not None:
            self._input.close()


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
        return await check_code(password, self._code(), self._wrong_delay)

    def session_requested(self) -> ClassSSHSession:
        return ClassSSHSession(self.interact, enable_cpr=self.enable_cpr)


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
            hub.on_log([error_line(e)])
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
