"""The one base of every error Winter Palace raises on purpose, and the located kind under it.

Anything raised as a `WinterPalaceError` is something a person can be told about in a sentence:
front ends catch this one class, show `str(error)`, and go on. Anything else reaching a front
end is a bug and is reported as one. This module is the bottom layer: standard library only.
"""

from __future__ import annotations

__all__ = ["LocatedError", "WinterPalaceError"]


class WinterPalaceError(Exception):
    """Something went wrong that the user can be told about (a bad file, a refused save, ...)."""


class LocatedError(WinterPalaceError):
    """An error at a place in a file: 1-based `line` and `col` (0 when not known)."""

    def __init__(self, message: str, file: str, line: int = 0, col: int = 0) -> None:
        self.file, self.line, self.col = file, line, col
        super().__init__(message)

    def where(self) -> str:
        """`file:line:col`, as editors and compilers print it (line and column when known)."""
        return ":".join([self.file, *(str(n) for n in (self.line, self.col) if n)])
