"""A one-line prompt for a classroom connection: prompt_toolkit with the smallest layout.

`PromptSession` builds a layout for completion menus, toolbars, search and validation, and walks
all of it on every key and redraw. A server with a hundred students at the prompt spent half of
its time there. A student here needs a line editor with history (the emacs keys, arrows,
Home/End), Enter, Ctrl-C and Ctrl-D, which a single window gives at a fraction of the cost.
"""

from __future__ import annotations

import asyncio
from typing import Any

from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import BufferControl, Layout, Window
from prompt_toolkit.layout.processors import BeforeInput

from .terminal import IdleTimeout


def _keys() -> KeyBindings:
    kb = KeyBindings()

    @kb.add("enter")
    def _accept(event: KeyPressEvent) -> None:
        buf = event.current_buffer
        buf.append_to_history()
        event.app.exit(result=buf.text)

    @kb.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt)

    @kb.add("c-d")
    def _end(event: KeyPressEvent) -> None:
        buf = event.current_buffer
        if buf.text:
            buf.delete()          # as in a shell: Ctrl-D deletes, and ends only an empty line
        else:
            event.app.exit(exception=EOFError)

    return kb


class LinePrompt:
    """Ask for one line at a time, with history across the lines of one connection.

    Made inside the connection's prompt_toolkit app session (it takes its input and output).
    One application serves every line: building one loads all of prompt_toolkit's default key
    bindings, which is slower than the whole of a turn.
    """

    def __init__(self) -> None:
        self.message: Any = ""
        self.buffer = Buffer(history=InMemoryHistory(), multiline=False)
        window = Window(BufferControl(self.buffer,
                                      input_processors=[BeforeInput(lambda: self.message)]),
                        dont_extend_height=True, wrap_lines=True)
        self.app: Application[str] = Application(layout=Layout(window), key_bindings=_keys(),
                                                 erase_when_done=False)

    async def prompt_async(self, message: Any, timeout: float | None = None) -> str:
        """The line typed after `message`. Raises KeyboardInterrupt (Ctrl-C), EOFError
        (Ctrl-D on an empty line, or the connection's input closed) or IdleTimeout (nothing
        typed for `timeout` seconds; a key pressed starts the wait again)."""
        self.message = message
        self.buffer.reset()
        if timeout is None:
            return await self.app.run_async(handle_sigint=False)
        loop = asyncio.get_running_loop()
        state = {"last": loop.time()}
        handle: asyncio.TimerHandle | None = None

        def typed(_: object) -> None:
            state["last"] = loop.time()

        def check() -> None:
            nonlocal handle
            left = state["last"] + timeout - loop.time()
            if left > 0:
                handle = loop.call_later(left, check)
            elif self.app.future is not None and not self.app.future.done():
                self.app.exit(exception=IdleTimeout)

        self.buffer.on_text_changed += typed
        handle = loop.call_later(timeout, check)
        try:
            return await self.app.run_async(handle_sigint=False)
        finally:
            handle.cancel()
            self.buffer.on_text_changed -= typed
