"""What a student's conversation needs from a transport: read a line, write above the prompt.

A transport (SSH, telnet, later a browser's WebSocket) gives each connection one `Terminal`;
`connection.PlayerConnection` talks to the student only through it, so the conversation, the
room and the door are the same whatever the wire.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

Prompt = str | Callable[[], str]


class IdleTimeout(Exception):
    """Nothing was typed at a prompt for the time allowed.

    Plain `Exception`, not `WinterPalaceError`, on purpose: it is control flow (the
    conversation unwinds to say goodbye), not a problem to report to anyone, and a front end
    that reports every `WinterPalaceError` must not catch it on the way."""


class Terminal(Protocol):
    """One student's connection, as the conversation sees it."""

    @property
    def username(self) -> str:
        """The name given when connecting ('' when the transport asks for none)."""

    @property
    def terminal_type(self) -> str | None:
        """The client's terminal type (TERM), or None when it sent none."""

    @property
    def address(self) -> str:
        """The client's network address (for the teacher's console; never journaled)."""

    @property
    def lost(self) -> bool:
        """True once the client has gone."""

    def columns(self) -> int:
        """This connection's width now (never 0)."""

    async def read_line(self, prompt: Prompt, timeout: float | None) -> str:
        """Show `prompt` (a callable is asked again whenever the prompt is redrawn) and
        return the line typed. Raises EOFError (the line is gone, or Ctrl-D on an empty
        line), KeyboardInterrupt (Ctrl-C) or IdleTimeout (nothing typed for `timeout`)."""

    def write(self, text: str) -> None:
        """Show `text` (lines ending in "\\n", ANSI colours allowed) above the prompt, keeping
        the prompt and anything half-typed below it."""

    def close_input(self) -> None:
        """End the input: a waiting `read_line` raises EOFError."""


__all__ = ["IdleTimeout", "Prompt", "Terminal"]
