"""Save files on disk: read with hard limits, written atomically, tidied after a killed write.

Nothing here trusts the folder. A save is read only if it is a regular file (not a FIFO, a
device, a directory or a link to one), through a descriptor opened without blocking, and never
more than `MAX_SAVE_BYTES` whatever `stat` says; its JSON may not nest deeper than
`MAX_JSON_DEPTH`. A save is written to a temporary file beside it, flushed, fsync'd and renamed
over the old one while a lock is held on the temporary file, so a `kill -9` at any moment
leaves the old save whole, and the next start can tell a dead writer's leftovers from a live
one's.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import WinterPalaceError

if sys.platform != "win32":  # POSIX: advisory locks tell a live writer's temporary file from a dead one's
    import fcntl

MAX_SAVE_BYTES = 16 * 1024 * 1024   # a save larger than this is not one this program wrote
MAX_JSON_DEPTH = 16                 # a save nests 6 deep; deeper is not ours
TMP_SUFFIX = ".tmp"
_STALE_WITHOUT_LOCKS = 3600         # seconds, where there are no advisory locks (Windows)


class Unreadable(WinterPalaceError):
    """A file that cannot be a save; the message says why, in a few words for a list."""


def read_bounded(path: Path, limit: int = MAX_SAVE_BYTES) -> bytes:
    """The bytes of a regular file, at most `limit` of them, or Unreadable; never blocks.

    FileNotFoundError when there is no such file at all.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.lexists(path):
            raise Unreadable("it is a link that points nowhere") from None
        raise
    except OSError as e:
        raise Unreadable(f"it cannot be read ({_reason(e)})") from None
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable("it is not a regular file")
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_BINARY", 0))
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise Unreadable(f"it cannot be read ({_reason(e)})") from None
    try:
        # Checked again on the open file: the name may have been swapped since `stat`.
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Unreadable("it is not a regular file")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise Unreadable(f"it is larger than {limit // (1024 * 1024)} MB")
        return b"".join(chunks)
    except OSError as e:
        raise Unreadable(f"it cannot be read ({_reason(e)})") from None
    finally:
        os.close(fd)


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def bracket_depth_problem(raw: bytes, depth: int) -> str | None:
    """Why the brackets of JSON text cannot be a save's, or None if they nest at most `depth`.

    Strings are taken out first, then the innermost pairs are removed `depth` times, each
    pass a C-speed replace, so even 16 MB of brackets costs no recursion and little time.
    """
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    brackets = brackets.replace(b"{", b"[").replace(b"}", b"]")
    if b"[" * (depth + 1) in brackets:
        return f"nested more than {depth} deep"     # one search, before any pass
    for _ in range(depth):
        if not brackets:
            return None
        shorter = brackets.replace(b"[]", b"")
        if shorter == brackets:
            return "not valid JSON"       # brackets that never close, or close unopened
        brackets = shorter
    if not brackets:
        return None
    return "not valid JSON" if b"[]" not in brackets else f"nested more than {depth} deep"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a save holds")


def decode_json(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse a save's bytes as JSON, or Unreadable: UTF-8 only, bounded depth, no NaN."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]        # a byte-order mark some editors add
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("damaged: not valid JSON") from None
    problem = bracket_depth_problem(raw, max_depth)
    if problem is not None:
        raise Unreadable(f"damaged: {problem}")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        # ValueError also covers integers of more than 4,300 digits.
        raise Unreadable("damaged: not valid JSON") from None


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file."""
    for attempt in (1, 2):
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=TMP_SUFFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                if sys.platform != "win32":
                    fcntl.flock(f.fileno(), fcntl.LOCK_EX)
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
                # Renamed while the lock is held: `clean_stale` never takes a live file.
                os.replace(tmp, path)
            break
        except FileNotFoundError:
            # Another start tidied the temporary file before it was locked: write it again.
            _unlink_quietly(tmp)
            if attempt == 2:
                raise
        except BaseException:
            _unlink_quietly(tmp)
            raise
    if hasattr(os, "O_DIRECTORY"):
        # The rename itself must reach the disk too, or a power cut could undo it.
        try:
            dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(dfd)
        except OSError:
            pass
        finally:
            os.close(dfd)


def clean_stale(folder: Path) -> int:
    """Remove temporary files that killed writes left in `folder`; returns how many.

    A writer holds a lock on its temporary file until the rename, so an unlocked one belongs to
    a process that died. Files that are not regular are left alone.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(TMP_SUFFIX)):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if sys.platform == "win32":  # pragma: no cover - no advisory locks: by age
                if time.time() - entry.stat(follow_symlinks=False).st_mtime > \
                        _STALE_WITHOUT_LOCKS:
                    os.unlink(entry.path)
                    removed += 1
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue        # a live writer holds it
        try:
            if os.fstat(fd).st_ino == os.lstat(entry.path).st_ino:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _reason(e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return "a loop of links"
    return e.strerror.lower() if e.strerror else str(e)
