"""Mistakes in scenario files, each with a file, line and column, and how to show them.

A message may quote what the author wrote (a key, an id, an expression), and a scenario file may
be hostile: quotes are clipped to MAX_MESSAGE characters, control characters are shown as
escapes (never sent to a terminal), and a source line is shown as a window of EXCERPT_WIDTH
characters around the column, however long the line is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..engine import EXCERPT_WIDTH, clip_middle
from ..errors import WinterPalaceError
from ..sanitise import escaped, unsafe
from .files import FileProblem, read_bounded


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake (or, for tools, one warning) at a place in a file. Lines and columns are 1-based."""

    file: str
    line: int
    col: int
    message: str
    hint: str | None = None
    length: int = 1
    severity: str = "error"
    code: str = ""

    def __post_init__(self) -> None:
        # Clipped and made printable once, here, whoever built the message.
        object.__setattr__(self, "message", escaped(clip_middle(self.message)))
        if self.hint is not None:
            object.__setattr__(self, "hint", escaped(clip_middle(self.hint)))
        object.__setattr__(self, "file", escaped(clip_middle(self.file, 1000)))

    def headline(self) -> str:
        text = f"{self.file}:{self.line}:{self.col}: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "col": self.col, "severity": self.severity,
                "code": self.code, "message": self.message, "hint": self.hint}


class ScenarioError(WinterPalaceError):
    """A scenario could not be loaded. Holds every mistake found, not just the first."""

    def __init__(self, problems: list[Problem], stopped: bool = False):
        # A root cause (a file that is not YAML, a clock that cannot be read) comes first.
        self.problems = sorted(problems, key=lambda p: (p.code not in ("yaml-syntax", "clock"),
                                                        p.file, p.line, p.col))
        self.stopped = stopped   # the loader stopped at MAX_PROBLEMS: there may be more
        super().__init__(self.summary())

    def summary(self) -> str:
        files = len({p.file for p in self.problems})
        n = len(self.problems)
        more = " (the loader stopped there: fix these first)" if self.stopped else ""
        return (f"{n:,} error{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}"
                f"{more}. Nothing was started.")

    def render(self, context: bool = True) -> str:
        """All problems as text: the headline, and the source line with a caret under the spot."""
        return render_problems(self.problems, context) + "\n" + self.summary()


def render_problems(problems: list[Problem], context: bool = True,
                    sources: Sources | None = None) -> str:
    """Problems as text: each headline, then (with `context`) the line before and the line of
    the mistake, clipped to a window around the column, with a caret under the spot. `sources`
    keeps files read between calls (a tool printing problems one by one passes one)."""
    lines: list[str] = []
    sources = sources if sources is not None else Sources()
    for p in problems:
        lines.append(p.headline())
        if not context or p.line <= 0:
            continue
        here = sources.line(p.file, p.line)
        if here is None:
            continue
        before = sources.line(p.file, p.line - 1) if p.line >= 2 else None
        start = _window_start(here, p.col)
        width = len(str(p.line))
        if before is not None:
            lines.append(f"  {p.line - 1:>{width}} | {_excerpt(before, start)}")
        lines.append(f"  {p.line:>{width}} | {_excerpt(here, start)}")
        pad = (1 if start > 0 else 0) + max(0, p.col - 1 - start)
        caret = max(1, min(p.length, EXCERPT_WIDTH - (p.col - 1 - start)))
        lines.append(f"  {'':>{width}} | {' ' * pad}{'^' * caret}")
    return "\n".join(lines)


def _window_start(line: str, col: int) -> int:
    """Where the shown part of a long line starts: the column a third of the way in."""
    if len(line) <= EXCERPT_WIDTH:
        return 0
    return max(0, min(col - 1 - EXCERPT_WIDTH // 3, len(line) - EXCERPT_WIDTH))


def _excerpt(line: str, start: int) -> str:
    """EXCERPT_WIDTH characters of `line` from `start`, `…` where it is cut; one printable
    character for each character (tabs as spaces), so the caret stays under its column."""
    part = line[start:start + EXCERPT_WIDTH]
    part = "".join(" " if c == "\t" else ("?" if unsafe(c) else c) for c in part)
    return ("…" if start > 0 else "") + part + ("…" if start + EXCERPT_WIDTH < len(line) else "")


class Sources:
    """Source files read for excerpts, each at most once, within the file size limit; lines
    found by scanning for newlines (never a list of every line of a huge file)."""

    def __init__(self) -> None:
        self.texts: dict[str, str | None] = {}
        self.marks: dict[str, tuple[int, int]] = {}   # file -> (a line number, its offset)

    def text(self, file: str) -> str | None:
        if file not in self.texts:
            try:
                self.texts[file] = read_bounded(Path(file)).decode("utf-8", errors="replace")
            except (FileProblem, OSError, ValueError):
                self.texts[file] = None
        return self.texts[file]

    def line(self, file: str, number: int) -> str | None:
        """Line `number` (1-based) of `file` without its line break, or None."""
        text = self.text(file)
        if text is None or number < 1:
            return None
        at_line, offset = self.marks.get(file, (1, 0))
        if number < at_line // 2:
            at_line, offset = 1, 0   # problems come sorted: going far back is rare
        while at_line > number:      # a line or two back (the line before a mistake's)
            offset = text.rfind("\n", 0, offset - 1) + 1
            at_line -= 1
        while at_line < number:
            nl = text.find("\n", offset)
            if nl < 0:
                return None
            offset, at_line = nl + 1, at_line + 1
        self.marks[file] = (at_line, offset)
        end = text.find("\n", offset)
        found = text[offset:] if end < 0 else text[offset:end]
        if not found and offset >= len(text):
            return None
        return found.rstrip("\r")


__all__ = ["Problem", "ScenarioError", "Sources", "render_problems"]
