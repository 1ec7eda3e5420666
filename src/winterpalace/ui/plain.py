"""Plain text: no colour, no boxes, one meaningful line after another.

This is the scripted mode (input from a pipe), `--plain`, `NO_COLOR` and `TERM=dumb`. A screen
reader reads it in order, and tests drive the whole game through it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Protocol

from ..engine import EndingView, Turn, View, World, format_duration
from ..errors import EXIT_ERROR, EXIT_OK
from ..session import (
    Info,
    Notice,
    Output,
    QuitRequest,
    Screen,
    Session,
    in_sentence,
    interrupted_line,
    stop_line,
    where_parts,
)

if TYPE_CHECKING:
    from ..menus import Flow, FlowOutput, TitleScreen


class TextOutput(Protocol):
    """Where text goes: a stream, or what wraps one (the command line's guarded standard
    output, a transcript that stops quietly when it cannot be written)."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...


def wrap(text: str, width: int) -> list[str]:
    """Wrap paragraphs (blank-line separated) to `width`, keeping the blank lines. Lines break
    at spaces only, as the terminal's do: a save's name (`officer-before-edit`) or a span of
    time (`19:00-03:00`) stays whole, to be read and typed back."""
    out: list[str] = []
    for i, para in enumerate(text.split("\n\n")):
        if i:
            out.append("")
        lines = [ln.strip() for ln in para.splitlines()]
        joined = " ".join(ln for ln in lines if ln)
        out.extend(textwrap.wrap(joined, width, break_on_hyphens=False) or [""])
    return out


def _wrap_indented(line: str, width: int) -> list[str]:
    """Wrap one line, keeping its leading indentation on every piece."""
    body = line.lstrip(" ")
    indent = " " * (len(line) - len(body))
    return textwrap.wrap(body, width, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_on_hyphens=False) or [""]


def title_screen(world: World, width: int = 80) -> list[str]:
    lines = [f"{world.title.upper()}"]
    if world.subtitle:
        lines += wrap(world.subtitle, width)
    lines.append("")
    lines.append("Roles:")
    for n, role in enumerate(world.roles.values(), 1):
        start = world.scenes[role.start]
        place = world.places[start.place]
        area = world.areas[place.area].name if place.area else place.name
        lines.append(f"{n}. {role.name}. {area}, from {world.clock.hhmm(role.start_time)}. "
                     f"{role.title}")
    return lines


def role_intro(world: World, role_id: str, width: int = 80) -> list[str]:
    role = world.roles[role_id]
    return [f"{role.name.upper()}.", *wrap(role.intro, width), ""]


def turn_lines(turn: Turn | None, width: int) -> list[str]:
    out: list[str] = []
    if turn is None:
        return out
    cut = interrupted_line(turn)
    if cut:
        out += wrap(cut, width)
    if turn.result:
        out += wrap(turn.result, width)
    for n in turn.narrations:
        out += wrap(f"At {n.hhmm}: {n.text}", width)
    stop = stop_line(turn)
    if stop:
        out += wrap(stop, width)
    return out


def view_lines(v: View, turn: Turn | None, width: int = 80, full: bool = True) -> list[str]:
    out: list[str] = []
    moved = turn is not None and (turn.moved_by is not None or turn.interrupted is not None)
    if turn is not None and (turn.result or moved):
        # What the choice did, and any event that carried the player off, come first.
        out += turn_lines(turn, width)
        out.append("")
    where = ", ".join(where_parts(v))
    out.append(f"{v.title.upper()}." + (f" {where}." if where else ""))
    out.append(v.clock.sentence())
    if full:
        out += wrap(v.text, width)
    if turn is not None and not (turn.result or moved):
        news = turn_lines(turn, width)
        if news:
            out += news
    if v.ending is not None:
        out.append("")
        out += ending_lines(v.ending, width)
        return out
    if v.present:
        out.append("Here: " + ", ".join(v.present) + ".")
    out.append("Choices:")
    for c in v.choices:
        if c.done:
            out.append(f"{c.number}. {c.label} (done)")
        elif c.enabled:
            cost = f" ({format_duration(c.takes)})" if c.takes else ""
            out.append(f"{c.number}. {c.label}{cost}")
        else:
            out.append(f"{c.number}. {c.label} (not available: {_clause(c.reason)})")
    if v.wait:
        out.append(f"w. Wait ({format_duration(v.wait)})")
    return out


_LOWER_FIRST = {"The", "A", "An", "You", "Your", "It", "There", "This", "That", "Not", "No",
                "Nobody", "They", "We", "He", "She", "His", "Her", "Too", "Only"}


def _clause(reason: str | None) -> str:
    """An author's reason as a clause inside brackets: `(not available: the lines are dead)`."""
    text = (reason or "").strip().rstrip(".")
    first = text.split(" ", 1)[0]
    if first in _LOWER_FIRST:
        text = text[0].lower() + text[1:]
    return text


def ending_lines(e: EndingView, width: int = 80) -> list[str]:
    out = [f"THE END: {e.title}."]
    out += wrap(e.epilogue, width)
    out.append("")
    if e.summary.moments:
        out.append("Your night:")
        for t, what in e.summary.moments:
            out += _wrap_indented(f"  {t} {what}", width)
    if e.note:
        out += wrap(f"What really happened: {e.note}", width)
    return out


def title_lines(t: TitleScreen, width: int = 80) -> list[str]:
    """The title and role menu, as `title_screen` shows it, plus the resume offer."""
    lines = [t.title.upper()]
    if t.subtitle:
        lines += wrap(t.subtitle, width)
    lines += ["", "Roles:"]
    for r in t.roles:
        lines += wrap(f"{r.number}. {r.name}. {r.area}, from {r.start}. {r.title}", width)
    if t.found:
        from ..menus import progress_line
        lines.append(progress_line(t.found, t.total))
    if t.unloadable:
        from ..menus import unloadable_line
        lines += wrap(unloadable_line(t.unloadable), width)
    if t.unfinished:
        lines.append("Unfinished nights:")
        for command, text in night_lines(t):
            lines += _wrap_indented(f"  {command}: {text}", width)
    lines.append(f"Choose a role, 1 to {len(t.roles)}"
                 + (", or type `continue`:" if t.unfinished else ":"))
    return lines


def night_lines(t: TitleScreen) -> list[tuple[str, str]]:
    """(what to type, which night) for each unfinished night on the title screen."""
    out = []
    for n, info in enumerate(t.unfinished):
        command = "continue" if n == 0 else f"load {info.slot}"
        when = info.played()
        out.append((command, f"{info.role_name}, {info.clock}, {info.scene_title}"
                    + (f", {when}" if when else "")))
    if t.more:
        out.append(("saves", f"lists {t.more} more"))
    return out


def output_lines(o: Output | FlowOutput, width: int = 80) -> list[str]:
    """Plain text lines for any output of the session or the flow."""
    from ..menus import EndingMenu, Goodbye, RoleIntro, TitleScreen, progress_line
    if isinstance(o, TitleScreen):
        return title_lines(o, width)
    if isinstance(o, RoleIntro):
        r = o.role
        # A heading, not "You are ...": the intro speaks to the player itself.
        lines = [f"{r.name.upper()}."] if not o.confirm else [
            f"{r.name.upper()}. {r.where}, from {r.start}."]
        lines += wrap(o.intro, width)
        if o.confirm:
            lines.append(f"Begin the night as {in_sentence(r.name)}? Press Enter (or `yes`); "
                         "`back` for "
                         "the other roles.")
        return lines
    if isinstance(o, EndingMenu):
        found = progress_line(o.found, o.total, o.new)
        return ([found] if found else []) + ["What now?"] + [
            f"{n}. {opt.format(role=in_sentence(o.role_name))}"
            for n, opt in enumerate(o.options, 1)]
    if isinstance(o, Goodbye):
        return wrap(o.text, width)
    if isinstance(o, Screen):
        return view_lines(o.view, o.turn, width, o.full)
    if isinstance(o, Info):
        key_width = max((len(line.split("\t", 1)[0]) for line in o.lines if "\t" in line),
                        default=0)
        out = [f"{o.title}:"]
        for line in o.lines:
            if "\t" in line:
                key, what = line.split("\t", 1)
                out += textwrap.wrap(f"{key:<{key_width}}  {what}", width,
                                     subsequent_indent=" " * (key_width + 2),
                                     break_on_hyphens=False) or [key]
            else:
                out += _wrap_indented(line, width)
        return out
    if isinstance(o, Notice):
        prefix = "Error: " if o.kind == "error" else ""
        return wrap(prefix + o.text, width) + [f"  {h}" for h in o.hints]
    return []     # a QuitRequest: nothing to show


def read_lines(stream: IO[bytes]) -> Iterable[str]:
    """Lines from a byte stream; bytes that are not UTF-8 become U+FFFD instead of an error."""
    for raw in stream:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


QUIT_QUESTION = "Quit the game? It is saved either way. [y/N] "


def prompted_lines(stream: IO[bytes], out: TextOutput, prompt: str = "> ") -> Iterable[str]:
    """Lines typed at a terminal in plain mode: a prompt before each, and Ctrl-C asks before
    quitting (yes gives the line `quit`; Ctrl-C or the end of input at the question, too)."""
    while True:
        out.write(prompt)
        out.flush()
        try:
            raw = stream.readline()
        except KeyboardInterrupt:
            out.write("\n" + QUIT_QUESTION)
            out.flush()
            try:
                answer = stream.readline()
            except KeyboardInterrupt:
                answer = b""
            if not answer or answer.decode("utf-8", "replace").strip().lower() in (
                    "y", "yes", "q", "quit"):
                if not answer:
                    out.write("\n")
                yield "quit"
                return
            continue
        if not raw:
            out.write("\n")
            return
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def run(session: Session, lines: Iterable[str], out: IO[str], width: int = 80,
        echo: bool = True, opening: Screen | None = None) -> int:
    """Play `session` on `lines` of input, writing plain text to `out`. Returns the exit status."""
    def emit(text_lines: list[str]) -> None:
        out.write("\n".join(text_lines) + "\n")
        out.flush()

    if opening is not None:
        emit(output_lines(opening, width))
    given = iter(lines)
    while not session.ended:             # asked before each line is read, not after
        line = next(given, None)
        if line is None:
            break
        if echo:
            out.write(f"> {line[:200]}\n")
        outputs = session.handle(line)
        for o in outputs:
            if isinstance(o, QuitRequest):
                emit(["Goodbye."])
                return EXIT_OK
            emit([""] + output_lines(o, width))
    return EXIT_OK


def run_flow(flow: Flow, lines: Iterable[str], out: TextOutput, width: int = 80,
             echo: bool = True, opening: list[FlowOutput] | None = None,
             transcript: TextOutput | None = None) -> int:
    """Drive a whole `Flow` (title to goodbye) on `lines`, writing plain text to `out`.

    `echo` repeats each input line after `> ` (for piped input, so the output reads as a
    dialogue). `transcript`, if given, gets a copy of everything shown and typed.
    """
    def emit(text_lines: list[str]) -> None:
        text = "\n".join(text_lines) + "\n"
        out.write(text)
        out.flush()
        if transcript is not None:
            transcript.write(text)
            transcript.flush()

    def show(outputs: list[FlowOutput], first: bool = False) -> None:
        for i, o in enumerate(outputs):
            ls = output_lines(o, width)
            if ls:
                emit(ls if first and i == 0 else [""] + ls)

    show(opening or [], first=True)
    given = iter(lines)
    while not flow.done:     # asked before each line: never wait for one that is not used
        line = next(given, None)
        if line is None:
            break
        shown = f"> {line[:200]}\n"
        if echo:
            out.write(shown)
        if transcript is not None:
            transcript.write(shown)
        show(flow.handle(line))
    if not flow.done:
        problem = flow.hangup()      # input ended (EOF): keep the game
        if problem is not None:
            show([problem])
    return EXIT_ERROR if flow.unsaved else EXIT_OK
