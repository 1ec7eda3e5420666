"""A `terminal.Terminal` made of prompt_toolkit: its one-line prompt and its output.

For transports that bring no line editor of their own (telnet): keys arrive in memory
(`keyinput.MemoryInput`), the line is edited by `lineprompt.LinePrompt`, and text is written
above the prompt with `run_in_terminal`, which hides the prompt and draws it again.
Made inside the connection's prompt_toolkit app session.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from prompt_toolkit.application import run_in_terminal
from prompt_toolkit.application.current import get_app_session

from .lineprompt import LinePrompt
from .terminal import Prompt


class Wire(Protocol):
    """What the transport's connection tells about itself (telnet's connection is one)."""

    @property
    def username(self) -> str: ...

    @property
    def terminal_type(self) -> str | None: ...

    @property
    def address(self) -> str: ...

    @property
    def lost(self) -> bool: ...

    def columns(self) -> int: ...

    def close_input(self) -> None: ...


class PromptTerminal:
    """One connection's terminal, edited by prompt_toolkit."""

    def __init__(self, wire: Wire):
        self.wire = wire
        self.line = LinePrompt()
        self.output = get_app_session().output
        self._writes: set[asyncio.Future[None]] = set()

    @property
    def username(self) -> str:
        return str(self.wire.username)

    @property
    def terminal_type(self) -> str | None:
        return self.wire.terminal_type

    @property
    def address(self) -> str:
        return str(self.wire.address)

    @property
    def lost(self) -> bool:
        return bool(self.wire.lost)

    def columns(self) -> int:
        return int(self.wire.columns())

    def close_input(self) -> None:
        self.wire.close_input()

    async def read_line(self, prompt: Prompt, timeout: float | None) -> str:
        return await self.line.prompt_async(prompt, timeout)

    def write(self, text: str) -> None:
        text = text.replace("\n", "\r\n")
        output = self.output

        def emit() -> None:
            output.reset_attributes()
            output.enable_autowrap()
            output.write_raw(text)
            output.reset_attributes()
            output.flush()

        if self.line.app.is_running:
            fut = asyncio.ensure_future(run_in_terminal(emit))   # in order: one at a time
            self._writes.add(fut)
            fut.add_done_callback(self._writes.discard)
        else:
            emit()


__all__ = ["PromptTerminal"]
