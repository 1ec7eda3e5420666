"""Keys typed by a remote student, handed to prompt_toolkit without a file descriptor.

prompt_toolkit's own `create_pipe_input()` (which its SSH and telnet servers use) makes an OS
pipe per connection: two file descriptors each, read through `select.select()`, which cannot
watch a descriptor numbered 1024 or more. Past about 350 students every new prompt failed
("filedescriptor out of range in select()"), in a loop. The transports already have the bytes
in memory, so this input keeps them there: `send_text` parses them and wakes the application
on the event loop. A connection then costs its socket and nothing else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from contextlib import AbstractContextManager, contextmanager

from prompt_toolkit.input import PipeInput
from prompt_toolkit.input.vt100_parser import Vt100Parser
from prompt_toolkit.key_binding import KeyPress


class MemoryInput(PipeInput):
    """A prompt_toolkit input fed from memory (`send_text`), closed with `close`."""

    def __init__(self) -> None:
        self._keys: list[KeyPress] = []
        self._parser = Vt100Parser(self._keys.append)
        self._callbacks: list[Callable[[], None]] = []
        self._closed = False
        self._scheduled = False

    # -- feeding

    def send_text(self, data: str) -> None:
        if self._closed:
            return
        self._parser.feed(data)
        self._wake()

    def send_bytes(self, data: bytes) -> None:
        self.send_text(data.decode("utf-8", "replace"))

    def close(self) -> None:
        """End the input: a waiting prompt raises EOFError."""
        if not self._closed:
            self._closed = True
            self._wake()

    def _wake(self) -> None:
        if self._callbacks and not self._scheduled:
            self._scheduled = True
            try:
                asyncio.get_running_loop().call_soon(self._ready)
            except RuntimeError:         # no loop: nobody is waiting
                self._scheduled = False

    def _ready(self) -> None:
        self._scheduled = False
        if self._callbacks:
            self._callbacks[-1]()

    # -- prompt_toolkit's Input

    def fileno(self) -> int:
        raise NotImplementedError("a MemoryInput has no file descriptor")

    def typeahead_hash(self) -> str:
        return f"memory-{id(self)}"

    def read_keys(self) -> list[KeyPress]:
        keys, self._keys[:] = list(self._keys), []
        return keys

    def flush_keys(self) -> list[KeyPress]:
        self._parser.flush()
        return self.read_keys()

    @property
    def closed(self) -> bool:
        return self._closed

    def raw_mode(self) -> AbstractContextManager[None]:
        return _nothing()

    def cooked_mode(self) -> AbstractContextManager[None]:
        return _nothing()

    def attach(self, input_ready_callback: Callable[[], None]) -> AbstractContextManager[None]:
        return self._attached(input_ready_callback)

    def detach(self) -> AbstractContextManager[None]:
        return self._detached()

    @contextmanager
    def _attached(self, callback: Callable[[], None]) -> Generator[None, None, None]:
        self._callbacks.append(callback)
        if self._keys or self._closed:
            self._wake()            # typed ahead (or closed) before the prompt was there
        try:
            yield
        finally:
            self._callbacks.remove(callback)

    @contextmanager
    def _detached(self) -> Generator[None, None, None]:
        saved, self._callbacks = self._callbacks, []
        try:
            yield
        finally:
            self._callbacks = saved
            if self._keys or self._closed:
                self._wake()


@contextmanager
def _nothing() -> Generator[None, None, None]:
    yield


__all__ = ["MemoryInput"]
