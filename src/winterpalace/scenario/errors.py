"""Mistakes in scenario files, each with a file, line and column, and how to show them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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

    def headline(self) -> str:
        text = f"{self.file}:{self.line}:{self.col}: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "col": self.col, "severity": self.severity,
                "code": self.code, "message": self.message, "hint": self.hint}


class ScenarioError(Exception):
    """A scenario could not be loaded. Holds every mistake found, not just the first."""

    def __init__(self, problems: list[Problem]):
        # A root cause (a file that is not YAML, a clock that cannot be read) comes first.
        self.problems = sorted(problems, key=lambda p: (p.code not in ("yaml-syntax", "clock"),
                                                        p.file, p.line, p.col))
        super().__init__(self.summary())

    def summary(self) -> str:
        files = len({p.file for p in self.problems})
        n = len(self.problems)
        return (f"{n} error{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}. "
                "Nothing was started.")

    def render(self, context: bool = True) -> str:
        """All problems as text: the headline, and the source line with a caret under the spot."""
        return render_problems(self.problems, context) + "\n" + self.summary()


def render_problems(problems: list[Problem], context: bool = True,
                    cache: dict[str, list[str]] | None = None) -> str:
    """`cache` keeps files' lines between calls (a caller showing problems one by one)."""
    lines: list[str] = []
    cache = {} if cache is None else cache
    for p in problems:
        lines.append(p.headline())
        if not context or p.line <= 0:
            continue
        if p.file not in cache:
            try:
                cache[p.file] = Path(p.file).read_text(encoding="utf-8",
                                                       errors="replace").splitlines()
            except OSError:
                cache[p.file] = []
        src = cache[p.file]
        if p.line > len(src):
            continue
        width = len(str(p.line))
        if p.line >= 2:
            lines.append(f"  {p.line - 1:>{width}} | {src[p.line - 2]}")
        lines.append(f"  {p.line:>{width}} | {src[p.line - 1]}")
        lines.append(f"  {'':>{width}} | {' ' * max(0, p.col - 1)}{'^' * max(1, p.length)}")
    return "\n".join(lines)
