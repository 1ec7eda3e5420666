"""The session journal: append-only JSON lines, fsync'd before anyone is told anything.

Writes happen on one background thread so the event loop never blocks on the disk. Records
that arrive while a write is in progress are written and fsync'd together (group commit), so
a hundred students acting at once cost a handful of fsyncs, not a hundred.

A crash (kill -9, power cut) can leave the last line cut short: reading drops it, and
`repair_tail` cuts it off before a resumed server writes on. The file is readable by its
owner only (0600).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from typing import Any

from ..errors import LocatedError, WinterPalaceError


class JournalError(WinterPalaceError):
    """A journal that cannot be read or written, and why."""


class JournalLineError(JournalError, LocatedError):
    """A line of a journal file that is not a record the server wrote: `file:line: why`."""


class Journal:
    """An open journal file. `append` returns a future that is done once the line is on disk."""

    def __init__(self, path: Path, loop: asyncio.AbstractEventLoop | None = None):
        self.path = path
        self._loop = loop
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._file = os.fdopen(fd, "ab")
        self._cond = threading.Condition()
        self._pending: list[tuple[bytes, asyncio.Future[None] | None]] = []
        self._closing = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="journal", daemon=True)
        self._thread.start()

    def write_now(self, rec: dict[str, Any]) -> None:
        """Append and fsync synchronously (startup only, before the loop serves anyone)."""
        self._file.write(encode(rec))
        self._file.flush()
        os.fsync(self._file.fileno())

    def append(self, rec: dict[str, Any]) -> asyncio.Future[None]:
        """Queue a record; await the result to know it is on disk."""
        loop = self._loop or asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        with self._cond:
            if self._error is not None:
                fut.set_exception(JournalError(f"journal write failed: {self._error}"))
                return fut
            self._pending.append((encode(rec), fut))
            self._cond.notify()
        return fut

    def queue(self, rec: dict[str, Any]) -> None:
        """Queue a record without waiting to hear it is on disk (a stopping server)."""
        with self._cond:
            if self._error is None and not self._closing:
                self._pending.append((encode(rec), None))
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closing:
                    self._cond.wait()
                batch, self._pending = self._pending, []
                if not batch and self._closing:
                    return
            try:
                self._file.write(b"".join(line for line, _ in batch))
                self._file.flush()
                os.fsync(self._file.fileno())
                err: BaseException | None = None
            except OSError as e:   # disk full, removed USB stick: say so, do not pretend
                err = e
                with self._cond:
                    self._error = e
            for _, fut in batch:
                if fut is not None:
                    try:
                        fut.get_loop().call_soon_threadsafe(_settle, fut, err)
                    except RuntimeError:
                        pass       # the loop has gone (a stopping server): nobody waits

    def close(self) -> None:
        """Write what is queued and close the file."""
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._thread.join()
        self._file.close()


def _settle(fut: asyncio.Future[None], err: BaseException | None) -> None:
    if fut.done():
        return
    if err is None:
        fut.set_result(None)
    else:
        fut.set_exception(JournalError(f"journal write failed: {err}"))


def encode(rec: dict[str, Any]) -> bytes:
    return (json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def read_journal(path: Path) -> list[dict[str, Any]]:
    """All records in a journal. A torn last line (a crash mid-write) is dropped; any other
    unreadable line (not one the server wrote) is an error naming the line."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise JournalError(f"{path}: cannot read the journal: {e.strerror or e}") from None
    lines = data.split(b"\n")
    complete, tail = lines[:-1], lines[-1]
    records = []
    for n, raw in enumerate(complete, 1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise JournalLineError(f"not a journal line ({e})", str(path), n) from None
        if not isinstance(rec, dict) or "t" not in rec:
            raise JournalLineError("not a journal record", str(path), n)
        records.append(rec)
    if tail.strip():
        try:   # the last line lacks its newline: keep it only if it is whole
            rec = json.loads(tail.decode("utf-8"))
            if isinstance(rec, dict) and "t" in rec:
                records.append(rec)
        except (UnicodeDecodeError, json.JSONDecodeError):
            pass
    return records


def repair_tail(path: Path) -> None:
    """Cut a torn last line (a crash mid-write) so new lines start on a line of their own."""
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return
    cut = data.rfind(b"\n") + 1
    try:
        json.loads(data[cut:].decode("utf-8"))
        whole = True          # the line was written, only its newline was not
    except (UnicodeDecodeError, json.JSONDecodeError):
        whole = False
    with open(path, "r+b") as f:
        if whole:
            f.seek(0, os.SEEK_END)
            f.write(b"\n")
        else:
            f.truncate(cut)
        f.flush()
        os.fsync(f.fileno())


__all__ = ["Journal", "JournalError", "JournalLineError", "encode", "read_journal", "repair_tail"]
