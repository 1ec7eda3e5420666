"""The interactive terminal: rich screens above a prompt_toolkit prompt with a toolbar.

Entry points:

- ``play(world, args, store=..., transcript=...)``: `winterpalace play` in a local terminal
  (a thin synchronous wrapper).
- ``await run_async(flow, prompt_session, write, ...)``: the loop itself, as a coroutine. It
  reads lines with ``prompt_session.prompt_async`` and shows every output by calling
  ``write(text)`` with text that carries ANSI escapes, rendered by ui/render.py at the width of
  ``prompt_session``'s output. A classroom SSH connection runs it with the connection's
  ``PromptSession`` and a ``write`` that sends to that connection.

Keys: Tab completes choices and commands; Ctrl-C asks before quitting; Ctrl-D autosaves and
leaves. SIGTERM and SIGHUP (a closed terminal) autosave and leave too (local play only), and so
does a terminal that is gone without a signal (reads and writes fail with EIO). Escape
sequences pasted at the prompt are ignored, never an error.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable, Iterable
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.application import run_in_terminal
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.styles import Style

from ..engine import World
from ..errors import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, stderr
from ..menus import Flow, FlowOutput, Goodbye, RoleIntro, ScenarioWatcher, TitleScreen
from ..saves import SaveStore
from . import plain
from .render import render_to_ansi

PROMPT_STYLE = Style.from_dict({
    "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
    "bottom-toolbar.role": "bold",
    "bottom-toolbar.clock": "bold #ffd75f",
    "bottom-toolbar.hint": "#a8a8a8",
    "prompt": "bold #5fafd7",
})


class FlowCompleter(Completer):
    """Completes what can be typed now: choice labels, command words, glossary terms, saves."""

    def __init__(self, flow: Flow):
        self.flow = flow

    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterable[Completion]:
        text = document.text_before_cursor
        low = text.lower()
        word, sep, rest = low.partition(" ")
        session = self.flow.session
        if sep and self.flow.store is not None and word in ("load", "save", "delete",
                                                              "continue") \
                and self.flow.state in ("title", "play", "ended"):
            for info in self.flow.store.saves():
                if info.slot.startswith(rest) and (info.problem is None or word == "delete"):
                    yield Completion(info.slot, start_position=-len(rest))
            return
        if sep and session is not None and self.flow.state in ("play", "ended"):
            command = session.COMMANDS.find(word)     # `glossary`, `g`: what the table says
            if command is not None and command.word == "glossary":
                for term in session.glossary_lookup(rest) if rest else \
                        sorted(session.world.glossary, key=str.lower):
                    yield Completion(term, start_position=-len(rest))
                return
        if not low.strip():
            return
        seen = set()
        for cand in self.flow.completions():
            c = cand.lower()
            if c in seen:
                continue
            if c.startswith(low) or (len(low) >= 2 and f" {low}" in f" {c}"):
                seen.add(c)
                yield Completion(cand, start_position=-len(text))


def toolbar_text(flow: Flow, width: int) -> FormattedText:
    """The bottom toolbar: role · place · clock · what to type, never cut off.

    The clock and the place are always there, from 40 columns up; as the terminal narrows, the
    hint shortens, the area and then the role give way, and a long place name is shortened
    last.
    """
    room = max(1, width - 1)
    hint = flow.prompt_hint()
    short_hint = "? for help"
    session = flow.session
    if session is None or flow.state not in ("play", "ended"):
        title = f" {flow.world.title} · "
        for h in (hint, short_hint, ""):
            if len(title) + len(h) <= room:
                return FormattedText([("class:bottom-toolbar.role", title if h else
                                       title.rstrip(" ·") + " "),
                                      ("class:bottom-toolbar.hint", h)])
        return FormattedText([("class:bottom-toolbar.role", _fit(f" {flow.world.title}", room))])
    v = session.view()
    place = f"{v.area_name} › {v.place_name}" if v.area_name and v.area_name != v.place_name \
        else v.place_name
    clock = v.clock.hhmm
    role = v.role_name
    layouts = [(role, place, hint), (role, place, short_hint), (role, v.place_name, short_hint),
               ("", v.place_name, short_hint), ("", v.place_name, "")]
    for who, where, h in layouts:
        parts: list[tuple[str, str]] = []
        if who:
            parts += [("class:bottom-toolbar.role", f" {who} "), ("", "· ")]
        parts += [("", f"{where} " if who else f" {where} "), ("", "· "),
                  ("class:bottom-toolbar.clock", f"{clock} ")]
        if h:
            parts += [("", "· "), ("class:bottom-toolbar.hint", h)]
        if sum(len(t) for _, t in parts) <= room:
            return FormattedText(parts)
    # Very narrow, or a very long place name: the clock first, then as much of the place as fits.
    return FormattedText([("class:bottom-toolbar.clock", f" {clock} "), ("", "· "),
                          ("", _fit(v.place_name, room - len(clock) - 4))])


def _fit(text: str, room: int) -> str:
    """`text`, shortened with an ellipsis to at most `room` characters."""
    if len(text) <= room:
        return text
    return text[:max(0, room - 1)].rstrip() + "…"


def _columns(prompt_session: PromptSession[str]) -> int:
    try:
        return max(20, int(prompt_session.app.output.get_size().columns))
    except Exception:
        return 80


async def run_async(flow: Flow, prompt_session: PromptSession[str],
                    write: Callable[[str], None], *,
                    opening: list[FlowOutput] | None = None,
                    color_system: str | None = "truecolor",
                    width: int | None = None,
                    transcript: plain.TextOutput | None = None,
                    hangup: asyncio.Event | None = None) -> int:
    """Play `flow` until the player leaves; returns the exit status.

    Args:
        flow: the game's flow (title, roles, night, ending); `Flow.start()` not yet shown.
        prompt_session: reads the player's lines (its output also gives the width).
        write: shows text with ANSI escapes (e.g. `sys.stdout.write`, or an SSH channel's).
        opening: outputs to show first (default: what `flow.start()` returns).
        color_system: rich's colour system for the escapes; None for no colour.
        width: a fixed width; by default the prompt session's output width, read each time
            so a resized terminal gets re-flowed text.
        transcript: gets a plain-text copy of everything shown and typed.
        hangup: an event that `hang_up()` sets (e.g. from a SIGTERM handler): the game is
            autosaved and the loop returns without another word.
    """
    screen = _Screen(prompt_session, write, color_system, width, transcript)
    completer = FlowCompleter(flow)
    if width is None:
        prompt_session.app.before_render += screen.reflow
    screen.show(opening if opening is not None else flow.start())

    async def ask(message: str, **kw: Any) -> str:
        if hangup is not None and hangup.is_set():
            raise EOFError
        return await prompt_session.prompt_async(
            FormattedText([("class:prompt", message)]), style=PROMPT_STYLE,
            bottom_toolbar=lambda: toolbar_text(flow, screen.cols()),
            set_exception_handler=False, **kw)

    try:
        while not flow.done:
            try:
                line = await ask("› ", completer=completer, complete_while_typing=False)
            except KeyboardInterrupt:
                if await _interrupted(flow, screen, ask, transcript):
                    break
                continue
            except OSError:
                # The terminal is gone (a closed window: reads and writes fail with EIO).
                _log(transcript, "> (the terminal went away)")
                flow.hangup()
                return EXIT_OK
            except EOFError:
                _log(transcript, "> (Ctrl-D)")
                _leave(flow, screen, hangup)
                break
            _log(transcript, f"> {line[:500]}")
            screen.show(flow.handle(line))
    finally:
        if width is None:
            prompt_session.app.before_render -= screen.reflow
        flow.hangup()
    return EXIT_OK


class _Screen:
    """What `run_async` shows: each output rendered at the terminal's width (and copied to the
    transcript), and the last full screen shown again, re-flowed, when the width changes."""

    def __init__(self, prompt_session: PromptSession[str], write: Callable[[str], None],
                 color_system: str | None, width: int | None,
                 transcript: plain.TextOutput | None):
        self.prompt_session = prompt_session
        self.write = write
        self.color_system = color_system
        self.width = width
        self.transcript = transcript
        self.last: list[FlowOutput] = []      # the last full screen, re-shown after a resize
        self.shown_width = 0

    def cols(self) -> int:
        return self.width or _columns(self.prompt_session)

    def show(self, outputs: list[FlowOutput]) -> None:
        if not outputs:
            return
        w = self.cols()
        self.shown_width = w
        self._write("\n" + render_to_ansi(outputs, w, self.color_system))
        transcript = self.transcript
        if transcript is not None:
            for o in outputs:
                lines = plain.output_lines(o, w)
                if lines:
                    transcript.write("\n".join(lines) + "\n\n")
            transcript.flush()
        if any(_is_full(o) for o in outputs):
            self.last[:] = [o for o in outputs if _is_full(o)]

    def reflow(self, _app: Any) -> None:
        # Called before each render of the prompt: a new width means the terminal was resized,
        # so show the current screen again, wrapped to fit.
        w = self.cols()
        if self.shown_width and w != self.shown_width and self.last:
            self.shown_width = w
            last = self.last

            def again() -> None:
                self._write(render_to_ansi(last, w, self.color_system))
            run_in_terminal(again)  # schedules itself: prints above the prompt, redraws it

    def _write(self, text: str) -> None:
        try:
            self.write(text)
        except OSError:
            pass  # the terminal is gone; the game is saved on the way out


async def _interrupted(flow: Flow, screen: _Screen, ask: Callable[..., Any],
                       transcript: plain.TextOutput | None) -> bool:
    """Ctrl-C at the prompt: ask before quitting. True when the game is over (the player
    quit, or the terminal went away during the question)."""
    try:
        leave = await _confirm_quit(ask)
    except OSError:
        flow.hangup()          # the terminal went away during the question
        return True
    if leave:
        _log(transcript, "> (Ctrl-C) quit")
        screen.show(flow.quit())
    return leave


def _leave(flow: Flow, screen: _Screen, hangup: asyncio.Event | None) -> None:
    """Ctrl-D (or a hang-up): autosave, and say goodbye unless the terminal hung up."""
    if hangup is not None and hangup.is_set():
        flow.hangup()
        return
    notice = flow.hangup()
    screen.show(([notice] if notice else []) + [Goodbye(  # type: ignore[arg-type]
        "Saved. `winterpalace play --continue` takes you back." if
        flow.session is not None and not flow.session.ended else "Goodbye.")])


def hang_up(prompt_session: PromptSession[str], hangup: asyncio.Event) -> None:
    """Make `run_async` autosave and return now (call it in the loop, e.g. on SIGTERM)."""
    hangup.set()
    app = prompt_session.app
    if app.is_running and not app.future.done():  # type: ignore[union-attr]
        app.exit(exception=EOFError())


async def _confirm_quit(ask: Callable[..., Any]) -> bool:
    try:
        answer = await ask("Quit the game? It is saved either way. [y/N] ")
    except (KeyboardInterrupt, EOFError):
        return True
    return str(answer).strip().lower() in ("y", "yes", "q", "quit")


def _is_full(o: FlowOutput) -> bool:
    from ..session import Screen
    return isinstance(o, (TitleScreen, RoleIntro)) or (isinstance(o, Screen) and o.full)


def _log(transcript: plain.TextOutput | None, text: str) -> None:
    if transcript is not None:
        transcript.write(text + "\n")
        transcript.flush()


def safe_key_bindings() -> KeyBindings:
    """Key bindings for the game's prompt: mouse reports are ignored.

    The game never turns mouse reporting on, so a "mouse event" is text that looks like one: a
    pasted colour code such as `ESC [31m`, or half a sequence. prompt_toolkit's own handler
    would fail on it; this one lets it pass without a word.
    """
    kb = KeyBindings()

    @kb.add(Keys.Vt100MouseEvent)
    def _ignore(event: Any) -> None:
        return None

    return kb


def play(world: World, args: argparse.Namespace, *, store: SaveStore | None = None,
         transcript: plain.TextOutput | None = None, watcher: ScenarioWatcher | None = None,
         on_error: Callable[[Exception, Flow], int]) -> int:
    """`winterpalace play` in a local terminal: the rich screens and the prompt.

    Returns the exit status: 0 when the player left (the game saved), 1 when the last save
    failed, 130 after Ctrl-C between prompts; a fault in the program is `on_error`'s (the
    command line's `program.internal_error`)."""
    from rich.console import Console

    flow = Flow(world, store=store, seed=getattr(args, "seed", None), confirm=True,
                watcher=watcher, gentle=bool(getattr(args, "gentle", False)))
    opening = flow.start(role=getattr(args, "role", None),
                         resume=bool(getattr(args, "continue_", False)))
    color_system = Console().color_system or None

    def write(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    async def main() -> int:
        hangup = asyncio.Event()
        prompt_session: PromptSession[str] = PromptSession(key_bindings=safe_key_bindings())
        loop = asyncio.get_running_loop()

        def on_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            # An error inside prompt_toolkit's callbacks: a lost terminal ends the game (saved);
            # anything else (a stray key sequence) is not worth stopping the night for.
            if isinstance(context.get("exception"), OSError):
                hang_up(prompt_session, hangup)

        loop.set_exception_handler(on_error)
        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None:
                try:
                    loop.add_signal_handler(sig, hang_up, prompt_session, hangup)
                except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
                    pass
        return await run_async(flow, prompt_session, write, opening=opening,
                               color_system=color_system, transcript=transcript,
                               hangup=hangup)

    try:
        code = asyncio.run(main())
    except KeyboardInterrupt:  # pragma: no cover - between prompts
        flow.hangup()
        code = EXIT_INTERRUPTED
    except OSError:
        flow.hangup()              # the terminal went away outside the prompt
        code = EXIT_OK
    except Exception as e:
        return on_error(e, flow)
    if flow.unsaved:
        stderr("winterpalace: the game could not be saved on leaving.")
        return EXIT_ERROR
    return code
