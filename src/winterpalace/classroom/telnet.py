"""Telnet transport, for machines without an SSH client. Off unless asked for: unencrypted.

Built on `prompt_toolkit.contrib.telnet`, with what the stock server lacks:
- the class code is asked at a prompt (not echoed), through the same door as SSH's password
  (connection caps, three tries, backoff per address, a limit for the whole server), with a
  time limit;
- keys arrive in memory (`keyinput.MemoryInput`), not through an OS pipe (no `select()`
  limit, one file descriptor per connection);
- a client that never answers the terminal-type query is not waited for forever: after a few
  seconds it gets a session anyway, 80x24 with plain text (and a NAWS of 0x0 is 80x24 too);
- input is decoded as UTF-8 with errors="replace" (a stray byte is a U+FFFD), and the CR LF or
  CR NUL a telnet client sends for Enter is one Enter, not two;
- the socket is non-blocking and output is queued: a client that stops reading cannot stall the
  class's event loop (past a limit it is cut off); a reset connection closes the session's
  input, so the prompt ends with EOFError and the player is kept, away, free to rejoin;
- everything else - names, roles, per-recipient rendering at this connection's width - is the
  same code as SSH (`connection.PlayerConnection`).
"""

from __future__ import annotations

import asyncio
import codecs
import contextvars
import socket
from collections.abc import Callable, Coroutine
from typing import Any

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.application import create_app_session, get_app_or_none
from prompt_toolkit.contrib.telnet.protocol import TTYPE, TelnetProtocolParser
from prompt_toolkit.contrib.telnet.server import TelnetConnection, TelnetServer
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import PipeInput
from prompt_toolkit.output.vt100 import Vt100_Output

from .connection import QUESTION_TIMEOUT, PlayerConnection, error_line
from .keyinput import MemoryInput
from .ptterminal import PromptTerminal
from .server import Classroom

NEGOTIATION_TIMEOUT = 3.0       # seconds to wait for a terminal type before going without
MAX_BACKLOG = 1 << 20           # bytes queued for a client that reads nothing: then cut off
DEFAULT_SIZE = Size(rows=24, columns=80)

WARNING = ("WARNING: telnet is not encrypted. The class code and everything students type "
           "travel in clear text over the network. Use it only on a network you trust, for "
           "machines that have no ssh.")

Interact = Callable[["ClassTelnetConnection"], Coroutine[Any, Any, None]]


class _Wire:
    """The connection's stdout for Vt100_Output: never blocks, queues what the socket refuses."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, conn: socket.socket, on_broken: Callable[[], None]):
        self._conn = conn
        self._on_broken = on_broken
        self._buf = bytearray()
        self._waiting = False        # a writer callback is registered
        self.closed = False

    def isatty(self) -> bool:
        return True

    def write(self, data: str) -> None:
        if self.closed:
            return
        data = data.replace("\r\n", "\n").replace("\n", "\r\n")
        self._buf += data.encode("utf-8", "replace")

    def flush(self) -> None:
        if self.closed or not self._buf:
            return
        if not self._waiting:
            self._send()
            if not self._buf or self.closed:
                return
            self._waiting = True
            asyncio.get_running_loop().add_writer(self._conn, self._drain)
        if len(self._buf) > MAX_BACKLOG:
            self._on_broken()     # the client has stopped reading; do not hoard for it

    def _send(self) -> None:
        try:
            n = self._conn.send(self._buf)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._on_broken()
            return
        del self._buf[:n]

    def _drain(self) -> None:
        self._send()
        if not self._buf or self.closed:
            self._stop_waiting()
        elif len(self._buf) > MAX_BACKLOG:
            self._on_broken()

    def _stop_waiting(self) -> None:
        if self._waiting:
            self._waiting = False
            try:
                asyncio.get_running_loop().remove_writer(self._conn)
            except (RuntimeError, ValueError, OSError):
                pass

    def close(self) -> None:
        """Send what is queued if the socket takes it now (a goodbye), then stop."""
        if self.closed:
            return
        if self._buf:
            self._send()
        self.closed = True
        self._stop_waiting()
        self._buf.clear()


class _Parser(TelnetProtocolParser):
    """The stock parser, also told when a client refuses the terminal-type option."""

    def __init__(self, data: Callable[[bytes], None], size: Callable[[int, int], None],
                 ttype: Callable[[str], None], no_ttype: Callable[[], None]):
        super().__init__(data, size, ttype)
        self._no_ttype = no_ttype

    def wont_received(self, data: bytes) -> None:
        if data == TTYPE:
            self._no_ttype()


class ClassTelnetConnection(TelnetConnection):
    """One telnet client: the stock connection, fixed as the module docstring says.

    Also the `connection.Terminal` for its PlayerConnection.
    """

    def __init__(self, conn: socket.socket, addr: tuple[str, int], interact: Interact,
                 server: TelnetServer, vt100_input: PipeInput,
                 negotiation_timeout: float = NEGOTIATION_TIMEOUT):
        self.term_type: str | None = None
        self.admitted = False
        self.negotiation_timeout = negotiation_timeout
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._after_cr = False
        super().__init__(conn, addr, interact, server, encoding="utf-8", style=None,  # type: ignore[arg-type]
                         vt100_input=vt100_input, enable_cpr=False)
        self.size = DEFAULT_SIZE
        self.stdout = _Wire(conn, self.close)  # type: ignore[assignment]
        self.parser = _Parser(self._data, self._size, self._ttype, self._ready.set)

    # -- what the parser finds

    def _data(self, data: bytes) -> None:
        text = self._decoder.decode(data)
        out = []
        for ch in text:
            if ch == "\n" and self._after_cr:
                self._after_cr = False      # CR LF from a telnet client is one Enter
                continue
            self._after_cr = ch == "\r"
            out.append(ch)
        if out and not self._closed:
            self.vt100_input.send_text("".join(out))

    def _size(self, rows: int, columns: int) -> None:
        self.size = Size(rows=rows, columns=columns) if rows > 0 and columns > 0 \
            else DEFAULT_SIZE
        if self.context is not None:
            def resize() -> None:
                app = get_app_or_none()
                if app is not None and app.is_running:
                    app._on_resize()
            self.context.run(resize)

    def _ttype(self, ttype: str) -> None:
        if self.term_type is None:
            self.term_type = ttype.strip() or None
        self._ready.set()

    # -- running

    def _readable(self) -> None:
        try:
            data = self.conn.recv(4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""           # reset by the client: as good as closed
        if data:
            self.feed(data)
        else:
            self.close()

    async def run_application(self) -> None:
        """Wait (not forever) for the terminal type, then run the conversation."""
        loop = asyncio.get_running_loop()
        loop.add_reader(self.conn, self._readable)
        try:
            try:
                await asyncio.wait_for(self._ready.wait(), self.negotiation_timeout)
            except TimeoutError:
                pass         # a client that ignores negotiation: plain text, 80x24
            if self._closed:
                return
            self.vt100_output = Vt100_Output(self.stdout, lambda: self.size,
                                             term=self.term_type, enable_cpr=False)
            with create_app_session(input=self.vt100_input, output=self.vt100_output):
                self.context = contextvars.copy_context()
                await self.interact(self)
        finally:
            self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._ready.set()
        self.vt100_input.close()        # a waiting prompt raises EOFError
        self.stdout.close()
        try:
            asyncio.get_running_loop().remove_reader(self.conn)
        except (RuntimeError, ValueError, OSError):
            pass
        self.conn.close()

    # -- the connection.Terminal protocol

    @property
    def username(self) -> str:
        return ""      # telnet has no login name: the conversation asks for one

    @property
    def terminal_type(self) -> str | None:
        return self.term_type

    @property
    def address(self) -> str:
        return str(self.addr[0]) if self.addr else "?"

    @property
    def lost(self) -> bool:
        return self._closed

    def columns(self) -> int:
        return self.size.columns

    def close_input(self) -> None:
        self.vt100_input.close()


class TelnetListener(TelnetServer):
    """The listening telnet server and its live connections."""

    def __init__(self, hub: Classroom, host: str, port: int, interact: Interact,
                 negotiation_timeout: float = NEGOTIATION_TIMEOUT):
        super().__init__(host=host, port=port, interact=interact,  # type: ignore[arg-type]
                         enable_cpr=False)
        self.hub = hub
        self.negotiation_timeout = negotiation_timeout
        self.sock: socket.socket | None = None
        self.tasks: set[asyncio.Task[None]] = set()
        self.runner: asyncio.Task[None] | None = None

    def _create_socket(self, host: str, port: int) -> socket.socket:  # type: ignore[override]
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
            s.listen(64)
            s.setblocking(False)
        except OSError:
            s.close()
            raise
        self.sock = s
        self.port = int(s.getsockname()[1])     # the real one, when asked for port 0
        return s

    def _accept(self, listen_socket: socket.socket) -> None:
        try:
            conn, addr = listen_socket.accept()
        except OSError:          # gone before we took it, or no more to take
            return
        conn.setblocking(False)
        try:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)  # a closed lid
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        task = asyncio.get_running_loop().create_task(self._serve(conn, addr))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _serve(self, conn: socket.socket, addr: Any) -> None:
        address = str(addr[0]) if addr else "?"
        refusal = self.hub.door.arrive(address)
        if refusal is not None:
            try:
                conn.send((refusal + "\r\n").encode("utf-8"))
            except OSError:
                pass
            conn.close()
            return
        vt100_input = MemoryInput()
        try:
            c = ClassTelnetConnection(conn, addr, self.interact, self, vt100_input,
                                      self.negotiation_timeout)
        except OSError:
            conn.close()
            self.hub.door.leave(address, False)
            return
        self.connections.add(c)
        try:
            await c.run_application()
        except EOFError:
            pass
        except Exception as e:  # one student's trouble must never stop the class
            self.hub.on_log([error_line(e)])
        finally:
            self.connections.discard(c)
            c.close()
            self.hub.door.leave(address, c.admitted)

    async def close(self, goodbye: float = 0.3) -> None:
        """Stop listening, say goodbye to everyone, close every connection."""
        if self.runner is not None:
            self.runner.cancel()
            try:
                await self.runner
            except (asyncio.CancelledError, OSError):
                pass
        self.hub.say_goodbye()      # each conversation then marks its student away itself
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=goodbye + 2)
        for c in list(self.connections):
            c.close()
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=2)
        for t in list(self.tasks):
            t.cancel()


async def _ask_code(conn: ClassTelnetConnection, hub: Classroom, timeout: float) -> bool:
    """The class code, typed at a prompt that does not echo it, through the door."""
    prompt: PromptSession[str] = PromptSession()
    door = hub.door
    print_formatted_text("Winter Palace classroom. Type the class code your teacher gave you.")
    for n in range(door.limits.tries_per_connection):
        refusal = door.may_try(conn.address)
        if refusal is not None:
            print_formatted_text(refusal)
            return False
        try:
            given = await asyncio.wait_for(prompt.prompt_async("Class code: ", is_password=True),
                                           timeout)
        except (TimeoutError, KeyboardInterrupt):
            return False
        if await hub.check_code(given):
            conn.admitted = True
            door.admitted(conn.address)
            return True
        await asyncio.sleep(door.wrong(conn.address))
        if n < door.limits.tries_per_connection - 1:
            print_formatted_text("That is not the class code. Try again.")
    print_formatted_text("That is not the class code. Ask your teacher for it and join again.")
    return False


async def start_telnet(hub: Classroom, host: str, port: int,
                       negotiation_timeout: float = NEGOTIATION_TIMEOUT,
                       question_timeout: float = QUESTION_TIMEOUT) -> TelnetListener:
    """Listen for telnet students on host:port (port 0: any free port); OSError if it cannot."""

    async def interact(conn: ClassTelnetConnection) -> None:
        try:
            if await _ask_code(conn, hub, question_timeout):
                await PlayerConnection(hub, PromptTerminal(conn),
                                       question_timeout=question_timeout).run()
        except EOFError:
            pass

    listener = TelnetListener(hub, host, port, interact, negotiation_timeout)
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    def now_ready() -> None:
        if not ready.done():
            ready.set_result(None)

    listener.runner = asyncio.create_task(listener.run(ready_cb=now_ready))
    await asyncio.wait({ready, listener.runner}, return_when=asyncio.FIRST_COMPLETED)
    if not ready.done():
        ready.cancel()
        listener.runner.result()    # raises the OSError of a port that cannot be had
    return listener
