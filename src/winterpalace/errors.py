"""What going wrong looks like everywhere: the one base of every error Winter Palace raises on
purpose (and the located kind under it), the program's exit statuses, and the one way a line
reaches standard error.

Anything raised as a `WinterPalaceError` is something a person can be told about in a sentence:
front ends catch this one class, show `str(error)`, and go on. Anything else reaching a front
end is a bug and is reported as one. This module is the bottom layer: standard library only.
"""

from __future__ import annotations

import sys

__all__ = [
    "EXIT_BAD_SCENARIO", "EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "LocatedError",
    "WinterPalaceError", "stderr",
]

EXIT_OK = 0               # done (or the player left; the game is saved)
EXIT_ERROR = 1            # could not start or go on, a check failed, or an internal error
EXIT_BAD_SCENARIO = 2     # a mistake in the command line, or errors in the scenario
EXIT_INTERRUPTED = 130    # Ctrl-C


def stderr(text: str) -> None:
    """A line on standard error, if there still is one (it may be closed or gone)."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


class WinterPalaceError(Exception):
    """Something went wrong that the user can be told about (a bad file, a refused save, ...)."""


class LocatedError(WinterPalaceError):
    """An error at one place in a file: 1-based `line` and `col` (0 when not known). Shown as
    `file:line:col: message`, so an editor or a terminal can jump there; `message` is the
    sentence alone, for a front end that shows the place its own way. (A scenario's load
    errors, many at once, are `scenario.ScenarioError`'s located problems.)"""

    def __init__(self, message: str, file: str, line: int = 0, col: int = 0) -> None:
        self.message, self.file, self.line, self.col = message, file, line, col
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"

    def where(self) -> str:
        """`file:line:col`, as editors and compilers print it (line and column when known)."""
        return ":".join([self.file, *(str(n) for n in (self.line, self.col) if n)])
