"""Rich rendering of everything a session or flow puts out: a pure function of (output, console).

Entry points (the local terminal and each classroom SSH connection use the same ones):

- ``render(output, console)`` prints one output on a rich ``Console`` you give it; the console's
  width decides the wrapping, its colour system the colours.
- ``render_to_ansi(output, width, color_system)`` returns the same as a string with ANSI escapes
  (``color_system=None``: plain characters, handy for tests and transcripts).

Scenario text is always wrapped in ``rich.text.Text``, never parsed as markup, so a `[` in a
scene cannot break the screen.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..engine import EndingView, Turn, View, format_duration
from ..menus import (
    EndingMenu,
    FlowOutput,
    Goodbye,
    RoleIntro,
    TitleScreen,
    progress_line,
    unloadable_line,
)
from ..session import (
    Info,
    Notice,
    Screen,
    in_sentence,
    interrupted_line,
    stop_line,
    where_parts,
)

# One place for the look of the game; the names say what, the values how.
STYLE = {
    "title": "bold",
    "place": "cyan",
    "clock": "bold yellow",
    "part_of_day": "yellow",
    "border": "grey50",
    "text": "",
    "result": "italic",
    "event": "bold magenta",
    "event_time": "magenta",
    "stop": "bold",
    "number": "bold cyan",
    "label": "",
    "cost": "grey62",
    "off": "grey50",
    "reason": "italic grey50",
    "present": "grey62",
    "hint": "grey62",
    "info": "cyan",
    "warning": "yellow",
    "error": "bold red",
    "ending": "bold",
    "heading": "bold underline",
}
PAD = (0, 2)


def paragraphs(text: str, style: str = "") -> list[Text]:
    """Scene text as rich paragraphs: blank lines separate them, single newlines are spaces."""
    out = []
    for para in text.split("\n\n"):
        joined = " ".join(ln.strip() for ln in para.splitlines() if ln.strip())
        if joined:
            out.append(Text(joined, style=style))
    return out


def _gap(items: list[RenderableType]) -> list[RenderableType]:
    """Blank lines between paragraphs."""
    out: list[RenderableType] = []
    for i, item in enumerate(items):
        if i:
            out.append(Text(""))
        out.append(item)
    return out


class Row:
    """Left and right text on one line when both fit, else the right one on its own line."""

    def __init__(self, left: Text, right: Text):
        self.left, self.right = left, right

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if self.left.cell_len + 2 + self.right.cell_len <= width:
            line = self.left.copy()
            line.append(" " * (width - self.left.cell_len - self.right.cell_len))
            line.append_text(self.right)
            yield line
        else:
            yield self.left
            if self.right.plain:
                yield self.right


class Adaptive:
    """One renderable for wide consoles and another for narrow ones (below `min_width`)."""

    def __init__(self, wide: RenderableType, narrow: RenderableType, min_width: int):
        self.wide, self.narrow, self.min_width = wide, narrow, min_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.wide if options.max_width >= self.min_width else self.narrow


def header(v: View) -> Panel:
    """The scene's box: title and place on top, the clock underneath."""
    where = " · ".join(where_parts(v, with_place=True))
    clock = Row(Text(v.clock.line(), style=STYLE["clock"]),
                Text(v.clock.part_of_day, style=STYLE["part_of_day"]))
    narrow = Row(Text(v.clock.short(), style=STYLE["clock"]),
                 Text(v.clock.part_of_day, style=STYLE["part_of_day"]))
    # The whole clock line on one line, or its short form on a narrow screen: never broken.
    rows = Group(Row(Text(v.title, style=STYLE["title"]), Text(where, style=STYLE["place"])),
                 Adaptive(clock, narrow, len(v.clock.line()) + 1))
    return Panel(rows, box=box.ROUNDED, border_style=STYLE["border"], padding=(0, 1))


def narrations(turn: Turn | None) -> list[RenderableType]:
    """Events that reached the player, then why a wait stopped early (if it did)."""
    if turn is None:
        return []
    out: list[RenderableType] = []
    if turn.narrations:
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1, overflow="fold")
        for n in turn.narrations:
            when = Text("▸ ", style=STYLE["event"])
            when.append(n.hhmm, style=STYLE["event_time"])
            table.add_row(when, Text(" ".join(n.text.split()), style=STYLE["event"]))
        out.append(Padding(table, (0, 2)))
    stop = stop_line(turn)
    if stop:
        out.append(Padding(Text(stop, style=STYLE["stop"]), PAD))
    return out


def choices(v: View) -> Table:
    """Numbered choices with their cost; greyed ones with the author's reason."""
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")     # a word longer than the column is folded,
    table.add_column(justify="right", no_wrap=True)   # never cut short with an ellipsis
    for c in v.choices:
        if c.done:
            label = Text(c.label, style=STYLE["off"])
            label.append("  (done)", style=STYLE["reason"])
            table.add_row(Text(str(c.number), style=STYLE["off"]), label, Text(""))
        elif c.enabled:
            table.add_row(Text(str(c.number), style=STYLE["number"]),
                          Text(c.label, style=STYLE["label"]),
                          Text(format_duration(c.takes) if c.takes else "",
                               style=STYLE["cost"]))
        else:
            label = Text(c.label, style=STYLE["off"])
            label.append(f"  ({c.reason})" if c.reason else "", style=STYLE["reason"])
            table.add_row(Text(str(c.number), style=STYLE["off"]), label, Text(""))
    if v.wait:
        table.add_row(Text("w", style=STYLE["number"]), Text("Wait"),
                      Text(format_duration(v.wait), style=STYLE["cost"]))
    return table


def ending(e: EndingView) -> Panel:
    """The ending's own screen: epilogue, the night, what really happened."""
    parts: list[RenderableType] = list(paragraphs(e.epilogue))
    if e.summary.moments:
        night = Table.grid(padding=(0, 2))
        night.add_column(no_wrap=True, style=STYLE["event_time"])
        night.add_column(overflow="fold")
        for t, what in e.summary.moments:
            night.add_row(t, what)
        parts.append(Group(Text("Your night", style="bold"), night))
    if e.note:
        parts.append(Text.assemble(("What really happened: ", "bold"),
                                   " ".join(e.note.split())))
    return Panel(Group(*_gap(parts)), title=Text(f" {e.title} ", style=STYLE["ending"]),
                 title_align="left", box=box.ROUNDED, border_style=STYLE["border"],
                 padding=(1, 2))


def screen(s: Screen) -> RenderableType:
    v, turn = s.view, s.turn
    parts: list[RenderableType] = []
    moved = turn is not None and (turn.moved_by is not None or turn.interrupted is not None)
    cut = interrupted_line(turn)
    if cut:
        parts.append(Padding(Text(cut, style=STYLE["result"]), PAD))
    if turn is not None and turn.result:
        parts.append(Padding(Group(*_gap(list(paragraphs(turn.result, STYLE["result"])))),
                             PAD))
    if moved:
        parts += narrations(turn)
    parts.append(header(v))  # always: the clock has moved even when the place has not
    if s.full or v.ending is not None:
        parts.append(Padding(Group(*_gap(list(paragraphs(v.text)))), PAD))
    if not moved:
        parts += narrations(turn)
    if v.ending is not None:
        parts.append(ending(v.ending))
        return Group(*_spaced(parts))
    if v.present:
        parts.append(Padding(Text("Here: " + ", ".join(v.present) + ".",
                                  style=STYLE["present"]), PAD))
    if v.choices or v.wait:
        parts.append(Padding(choices(v), (0, 1)))
    return Group(*_spaced(parts))


def _spaced(parts: list[RenderableType]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for p in parts:
        if out:
            out.append(Text(""))
        out.append(p)
    return out


def title_screen(t: TitleScreen) -> RenderableType:
    parts: list[RenderableType] = [Text("")]
    head = Text(t.title.upper(), style="bold")
    if t.subtitle:
        head.append(" — " + t.subtitle, style="italic")
    parts.append(Padding(head, PAD))
    parts.append(Text(""))
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=2)
    table.add_column(ratio=3)
    narrow = Table.grid(padding=(0, 2), expand=True)
    narrow.add_column(justify="right", no_wrap=True)
    narrow.add_column(ratio=1)
    for r in t.roles:
        who = Text(r.name, style="bold")
        who.append(f"\n{r.area}, from {r.start}", style=STYLE["place"])
        table.add_row(Text(str(r.number), style=STYLE["number"]), who, Text(r.title))
        table.add_row("", "", "")
        stacked = who.copy()
        stacked.append("\n" + r.title)
        narrow.add_row(Text(str(r.number), style=STYLE["number"]), stacked)
        narrow.add_row("", "")
    parts.append(Padding(Adaptive(table, narrow, 76), (0, 1)))
    hint = Text(f"Choose 1–{len(t.roles)}" + (", `continue`," if t.unfinished else ",")
                + " or `help`.", style=STYLE["hint"])
    parts.append(Padding(hint, PAD))
    if t.found:
        parts.append(Padding(Text(progress_line(t.found, t.total), style=STYLE["hint"]), PAD))
    if t.unloadable:
        parts.append(Padding(Text(unloadable_line(t.unloadable), style=STYLE["warning"]), PAD))
    if t.unfinished:
        from .plain import night_lines
        parts.append(Text(""))
        parts.append(Padding(Text("Unfinished nights", style=STYLE["heading"]), PAD))
        nights = Table.grid(padding=(0, 2))
        nights.add_column(no_wrap=True)
        nights.add_column()
        for command, text in night_lines(t):
            nights.add_row(Text(command, style=STYLE["number"]), Text(text))
        parts.append(Padding(nights, PAD))
    return Group(*parts)


def role_intro(r: RoleIntro) -> RenderableType:
    e = r.role
    body: list[RenderableType] = [Text(f"{e.where} · from {e.start}",
                                       style=STYLE["place"])]
    body += paragraphs(r.intro)
    if r.confirm:
        prompt = Text("Press Enter to begin the night as ", style=STYLE["hint"])
        prompt.append(in_sentence(e.name), style="bold")
        prompt.append(", or type `back` for the other roles.", style=STYLE["hint"])
        body.append(prompt)
    return Panel(Group(*_gap(body)), title=Text(f" {e.name} ", style="bold"),
                 title_align="left", box=box.ROUNDED, border_style=STYLE["border"],
                 padding=(1, 2))


def ending_menu(m: EndingMenu) -> RenderableType:
    found = progress_line(m.found, m.total, m.new)
    menu = _ending_options(m)
    if not found:
        return menu
    return Group(Padding(Text(found, style=STYLE["hint"]), PAD), Text(""), menu)


def _ending_options(m: EndingMenu) -> RenderableType:
    wide = Text()
    narrow = []
    for n, opt in enumerate(m.options, 1):
        item = Text(f"[{n}]", style=STYLE["number"])
        item.append(" " + opt.format(role=in_sentence(m.role_name)))
        if n > 1:
            wide.append("   ")
        wide.append_text(item)
        narrow.append(item)
    return Padding(Adaptive(wide, Group(*narrow), wide.cell_len + 1), PAD)


def info(i: Info) -> RenderableType:
    parts: list[RenderableType] = [Text(i.title, style=STYLE["heading"])]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for line in i.lines:
        if "\t" in line:
            if not grid.row_count:
                parts.append(grid)
            key, what = line.split("\t", 1)
            grid.add_row(Text(key, style=STYLE["number"]), Text(what))
            continue
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        parts.append(Padding(Text(body), (0, 0, 0, indent)))
    return Padding(Group(*parts), PAD)


def notice(n: Notice) -> RenderableType:
    style = STYLE.get(n.kind, STYLE["info"])
    mark = {"error": "✗ ", "warning": "! "}.get(n.kind, "· ")
    t = Text(mark, style=style)
    t.append(n.text, style=style if n.kind != "info" else "")
    parts: list[RenderableType] = [t]
    for h in n.hints:
        parts.append(Padding(Text(h, style=STYLE["hint"]), (0, 0, 0, 2)))
    return Padding(Group(*parts), PAD)


def renderable(o: FlowOutput) -> RenderableType | None:
    """The rich renderable for one output (None for outputs that show nothing)."""
    if isinstance(o, Screen):
        return screen(o)
    if isinstance(o, Notice):
        return notice(o)
    if isinstance(o, Info):
        return info(o)
    if isinstance(o, TitleScreen):
        return title_screen(o)
    if isinstance(o, RoleIntro):
        return role_intro(o)
    if isinstance(o, EndingMenu):
        return ending_menu(o)
    if isinstance(o, Goodbye):
        return Padding(Text(o.text, style=STYLE["hint"]), PAD)
    return None   # a QuitRequest: nothing to show


def render(output: FlowOutput, console: Console) -> None:
    """Print one output on `console`, followed by a blank line."""
    r = renderable(output)
    if r is not None:
        console.print(r)
        console.print()


def render_all(outputs: Iterable[FlowOutput], console: Console) -> None:
    for o in outputs:
        render(o, console)


def make_console(file: IO[str] | None, width: int,
                 color_system: str | None = "truecolor") -> Console:
    """A console that writes to `file` at `width` columns, escapes as `color_system` says."""
    return Console(file=file or io.StringIO(), width=width,
                   color_system=color_system,  # type: ignore[arg-type]
                   force_terminal=color_system is not None, no_color=color_system is None,
                   highlight=False, emoji=False, markup=False, legacy_windows=False,
                   soft_wrap=False, _environ={})  # the arguments decide, not this process's env


def render_to_ansi(output: FlowOutput | Iterable[FlowOutput], width: int = 80,
                   color_system: str | None = "truecolor") -> str:
    """One output (or several) as text with ANSI escapes, wrapped to `width` columns.

    `color_system` is rich's: "truecolor", "256", "standard", or None for plain characters.
    """
    buf = io.StringIO()
    console = make_console(buf, max(20, width), color_system)
    if isinstance(output, (list, tuple)):
        render_all(output, console)
    else:
        render(output, console)  # type: ignore[arg-type]
    return buf.getvalue()
