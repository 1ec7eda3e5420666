"""Data stays local and expires: delete classroom sessions older than a limit.

A session is a folder `class-*` holding a `journal.jsonl` (the classroom server makes them).
Its age is the time since its journal was last written. Nothing else in the saves folder is
touched: not the host key, not folders that do not look like sessions.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

JOURNAL = "journal.jsonl"
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_AGE_RE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")


class PurgeError(Exception):
    """A limit or folder that cannot be used; the message says why."""


def parse_age(text: str) -> float:
    """`30d`, `12h`, `2w`, `90m` -> seconds."""
    m = _AGE_RE.match(text.lower())
    if not m or int(m.group(1)) == 0:
        raise PurgeError(f"{text!r} is not an age: write a number and a unit, like 30d "
                         "(days), 12h (hours), 2w (weeks) or 90m (minutes)")
    return int(m.group(1)) * _UNITS[m.group(2)]


@dataclass(frozen=True, slots=True)
class Session:
    folder: Path
    last_written: float

    def age_days(self, now: float) -> float:
        return (now - self.last_written) / 86400


def sessions(saves: Path) -> list[Session]:
    """The session folders under `saves`, oldest first."""
    if not saves.is_dir():
        raise PurgeError(f"{saves}: no such folder")
    out = []
    for p in saves.iterdir():
        j = p / JOURNAL
        if p.is_dir() and not p.is_symlink() and p.name.startswith("class-") and j.is_file():
            out.append(Session(p, j.stat().st_mtime))
    return sorted(out, key=lambda s: s.last_written)


def purge(saves: Path, older_than: float, now: float | None = None,
          dry_run: bool = False) -> list[Session]:
    """Delete sessions whose journal was last written more than `older_than` seconds ago."""
    now = time.time() if now is None else now
    old = [s for s in sessions(saves) if now - s.last_written > older_than]
    if not dry_run:
        for s in old:
            shutil.rmtree(s.folder)
    return old


__all__ = ["PurgeError", "Session", "parse_age", "purge", "sessions"]
