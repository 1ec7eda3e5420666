"""Render a student's outputs for *their* terminal: their width, their colours, no guessing.

rich's own detection would read the server's terminal and environment, which say nothing about
a student's laptop, so every console here is built explicitly: width from the SSH channel, a
colour system from the terminal type the client sent, and an empty environment.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.text import Text

from ..ui import plain


def color_system_for(term: str | None) -> str | None:
    """rich's colour system for an SSH terminal type (None: plain characters)."""
    if not term:
        return None
    term = term.lower()
    if term in ("dumb", "unknown") or term.startswith("vt1"):
        return None
    if "truecolor" in term or "24bit" in term or "direct" in term:
        return "truecolor"
    if "256" in term:
        return "256"
    return "standard"


def make_console(buf: io.StringIO, width: int, color_system: str | None) -> Console:
    return Console(file=buf, width=max(20, min(width, 300)), height=24,
                   color_system=color_system,  # type: ignore[arg-type]
                   force_terminal=color_system is not None, no_color=color_system is None,
                   highlight=False, emoji=False, markup=False, legacy_windows=False,
                   soft_wrap=False, _environ={})


def render_outputs(outputs: Iterable[Any], width: int = 80,
                   color_system: str | None = None) -> str:
    """Outputs as text with ANSI escapes (or plain), ready for print_formatted_text(ANSI())."""
    width = max(20, min(width, 300))
    return "".join(_render_one(repr(o), o, width, color_system) for o in outputs)


class _Cache:
    """Rendered outputs by (repr, width, colours): a class of students standing in the same
    scene, or all told the same news, costs one rich render, not one each.

    Keyed by the output's repr (every field of these plain dataclasses); bounded, oldest out.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self.data: dict[tuple[str, int, str | None], str] = {}

    def get(self, key: tuple[str, int, str | None], make: Any) -> str:
        text = self.data.pop(key, None)
        if text is None:
            text = make()
            if len(self.data) >= self.size:
                del self.data[next(iter(self.data))]
        self.data[key] = text              # most recently used last
        return text


_cache = _Cache()


def _render_one(key: str, output: Any, width: int, color_system: str | None) -> str:
    return _cache.get((key, width, color_system),
                      lambda: _render_uncached(output, width, color_system))


def _render_uncached(output: Any, width: int, color_system: str | None) -> str:
    buf = io.StringIO()
    console = make_console(buf, width, color_system)
    try:
        from ..ui import render as rich_render
    except ImportError:   # the rich renderer is optional; plain text always works
        for line in plain.output_lines(output, console.width):
            console.print(Text(line))
        console.print()
        return buf.getvalue()
    rich_render.render(output, console)
    return buf.getvalue()
