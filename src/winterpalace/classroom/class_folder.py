"""A class session's folder on the teacher's disk (the docs' "session folder"): where the
folders go, which one a server is running, and expiry.

(Not `session.py`, which is one player's game.) A class folder is a folder `class-DATE-TIME` holding its `journal.jsonl` (and, after a debrief,
`debrief.*` and `transcripts/`). Folders are made readable by the teacher's account only
(0700, files 0600). The default place is the user's data folder (platformdirs), never the
current directory.

A running server holds an exclusive lock on `server.lock` in its session folder. The lock is
the operating system's (`flock`, or `msvcrt.locking` on Windows): it goes with the process, so
a server killed with `kill -9` leaves no lock behind that could keep a session from being
purged or resumed, and a running one can never be deleted under it.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..engine import parse_duration
from ..errors import WinterPalaceError

JOURNAL = "journal.jsonl"
LOCK = "server.lock"


class ClassFolderError(WinterPalaceError):
    """No class session to resume, or a folder, age limit or night that cannot be used; the
    message says why."""


class NoClassFolder(ClassFolderError):
    """The folder the command line names does not exist or holds no class session: a
    mistake in the command line (the front doors exit with EXIT_BAD_SCENARIO)."""


class ClassFolderBusy(ClassFolderError):
    """The class folder is being run by a server right now."""


def default_saves() -> Path:
    """Where sessions go unless the teacher says otherwise: the user's data folder."""
    import platformdirs
    return Path(platformdirs.user_data_dir("winterpalace", appauthor=False)) / "classroom"


def make_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed; the folder itself readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass                 # not ours to change (a shared folder given with --saves)
    return path


def write_private(path: Path, text: str) -> None:
    """Replace `path` whole with `text`, readable by its owner only."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def parse_age(text: str) -> float:
    """`30d`, `12h`, `2w`, `90m`, `1h30m`, `30 min` -> seconds: the one duration grammar
    (`engine.parse_duration`), weeks and days allowed, a unit required."""
    minutes = parse_duration(text, long=True)
    if not minutes:
        raise ClassFolderError(f"{text!r} is not an age: write a number and a unit, like 30d "
                               "(days), 12h (hours), 2w (weeks), 90m (minutes) or 1h30m")
    return minutes * 60


def describe_age(seconds: float) -> str:
    """`40 seconds`, `12 minutes`, `3 hours`, `5 days`: how long ago, readably."""
    s = max(0, int(seconds))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if s >= size:
            n = s // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{s} second{'s' if s != 1 else ''}"


@dataclass(frozen=True, slots=True)
class ClassFolder:
    """A class session's folder and when its journal was last written."""

    folder: Path
    last_written: float

    def age(self, now: float) -> float:
        return now - self.last_written


def class_folders(saves: Path) -> list[ClassFolder]:
    """The class folders under `saves`, oldest first."""
    if not saves.is_dir():
        raise NoClassFolder(f"{saves}: no such folder")
    out = []
    for p in saves.iterdir():
        j = p / JOURNAL
        if p.is_dir() and not p.is_symlink() and p.name.startswith("class-") and j.is_file():
            out.append(ClassFolder(p, j.stat().st_mtime))
    return sorted(out, key=lambda s: (s.last_written, s.folder.name))


def latest(saves: Path) -> Path | None:
    """The session folder written last, or None."""
    try:
        found = class_folders(saves)
    except ClassFolderError:
        return None
    return found[-1].folder if found else None


class ClassFolderLock:
    """The running server's hold on its session folder (see the module's docstring)."""

    def __init__(self, folder: Path):
        self.path = folder / LOCK
        self._file: IO[bytes] | None = None

    def acquire(self) -> None:
        """Take the lock, or ClassFolderBusy if another server holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        f = os.fdopen(fd, "r+b")
        if not _try_lock(f):
            holder = f.read(20).decode("ascii", "replace").strip()
            f.close()
            raise ClassFolderBusy(f"{self.path.parent} is being run by another classroom server"
                              + (f" (process {holder})" if holder else "") + "; stop it "
                              "first, or start a new session")
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()).encode("ascii"))
        f.flush()
        self._file = f

    def release(self) -> None:
        if self._file is not None:
            self._file.close()       # closing releases the lock
            self._file = None


def running(folder: Path) -> bool:
    """Whether a live server holds this session's lock right now."""
    path = folder / LOCK
    if not path.exists():
        return False
    try:
        with open(path, "r+b") as f:
            # If we can take it, nobody holds it (and closing the file frees it again).
            return not _try_lock(f)
    except OSError:
        return False


def _try_lock(f: IO[bytes]) -> bool:
    if sys.platform == "win32":          # pragma: no cover - Windows only
        import msvcrt
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def purge(saves: Path, older_than: float, now: float | None = None,
          dry_run: bool = False) -> tuple[list[ClassFolder], list[ClassFolder]]:
    """Delete sessions whose journal was last written more than `older_than` seconds ago.

    Returns (deleted, kept because a server is running them). Each session is locked while
    it is deleted, so a server cannot resume it halfway. Nothing else in `saves` is touched:
    not the host key, not folders that do not look like sessions.
    """
    now = time.time() if now is None else now
    gone, busy = [], []
    for s in class_folders(saves):
        if s.age(now) <= older_than:
            continue
        lock = ClassFolderLock(s.folder)
        try:
            lock.acquire()
        except ClassFolderBusy:
            busy.append(s)
            continue
        except OSError:
            pass                   # a read-only copy of a session: nobody can be running it
        try:
            if not dry_run:
                shutil.rmtree(s.folder)
        finally:
            lock.release()
        gone.append(s)
    return gone, busy


__all__ = ["JOURNAL", "LOCK", "ClassFolder", "ClassFolderBusy", "ClassFolderError",
           "ClassFolderLock", "NoClassFolder", "class_folders", "default_saves", "describe_age", "latest",
           "make_private_dir", "parse_age", "purge", "running", "write_private"]
