"""Progress across games: the endings a player has found, kept beside the saves.

One small JSON file per scenario folder, `.progress.json` (a dot-file, so the saves listing
passes it by), written atomically like a save:

    {"format": 1, "endings": {"sinegub_searchlights": {"role": "sinegub",
                                                      "first": "2024-05-01T20:14:03+00:00",
                                                      "times": 2}}}

Nothing here may stop a game: a file that cannot be read counts as no endings found (it is kept
aside as `.progress-damaged.json` the next time an ending is recorded), and a write that fails
is reported once by the caller and forgotten.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import World
from .files import Unreadable, atomic_write, decode_json, read_bounded

PROGRESS_FILE = ".progress.json"
PROGRESS_FORMAT = 1
_LIMIT = 1024 * 1024        # a progress file is a few hundred bytes; anything larger is not ours


@dataclass(frozen=True, slots=True)
class Found:
    """An ending found: the role that found it first, when, and how many times since."""

    role: str
    first: str                # ISO time (UTC) it was first reached
    times: int = 1

    @property
    def first_date(self) -> str:
        return self.first[:10]


class Progress:
    """The record of endings found, in one file."""

    def __init__(self, path: Path):
        self.path = path

    def _read(self) -> dict[str, Found] | None:
        """The endings recorded, {} for no file, None for a file that cannot be read."""
        try:
            data = decode_json(read_bounded(self.path, _LIMIT), 4)
        except FileNotFoundError:
            return {}
        except (Unreadable, OSError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("endings"), dict):
            return None
        out = {}
        for ending, entry in data["endings"].items():
            if not (isinstance(entry, dict) and isinstance(entry.get("role"), str)
                    and isinstance(entry.get("first"), str)):
                return None
            times = entry.get("times", 1)
            out[str(ending)[:200]] = Found(entry["role"][:200], entry["first"][:40],
                                           times if type(times) is int and times > 0 else 1)
        return out

    def found(self, world: World) -> dict[str, Found]:
        """The endings of `world` found so far (an ending no longer in it is not counted)."""
        got = self._read() or {}
        endings = world.endings()
        return {e: f for e, f in got.items() if e in endings}

    def readable(self) -> bool:
        return self._read() is not None

    def record(self, ending: str, role: str) -> bool:
        """Note that `ending` was reached as `role`; True if it had not been found before.

        Raises OSError if the file cannot be written.
        """
        got = self._read()
        if got is None:
            try:
                os.replace(self.path, self.path.with_name(".progress-damaged.json"))
            except OSError:
                pass
            got = {}
        new = ending not in got
        old = got.get(ending)
        now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        got[ending] = Found(role, now) if old is None else Found(old.role, old.first,
                                                                 old.times + 1)
        payload: dict[str, Any] = {"format": PROGRESS_FORMAT, "endings": {
            e: {"role": f.role, "first": f.first, "times": f.times} for e, f in sorted(got.items())}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))
        return new
