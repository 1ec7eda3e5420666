"""The running classroom: one Room, its journal, the connections, the pace of the clock.

Everything runs on one asyncio loop. A change goes: room method (pure, instant) -> `commit()`,
which queues the new records for the journal and, once they are fsync'd, hands the room's
deliveries to each player's connection and its log lines to the facilitator, in order.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import json
import os
import time
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from ..engine.model import World
from ..session import Output
from .journal import Journal, JournalError, read_journal
from .room import LogLine, Room, RoomError, name_key

JOURNAL_NAME = "journal.jsonl"
PACE_STEP = 5           # the paced clock moves in steps of this many game minutes

WORDS = ["aurora", "neva", "smolny", "bridge", "tram", "rifle", "ribbon", "lamp", "snow",
         "kettle", "bread", "candle", "river", "square", "arch", "clock", "ferry", "banner"]


def new_code() -> str:
    """A class code easy to say aloud and type: `river-42`."""
    return f"{secrets.choice(WORDS)}-{secrets.randbelow(90) + 10}"


class Link(Protocol):
    """What the hub needs from a player's connection (SSH, or a test double)."""

    def deliver(self, outputs: list[Output]) -> None: ...

    def kick(self, outputs: list[Output]) -> None: ...


@dataclass
class _Batch:
    futures: list[asyncio.Future[None]]
    outbox: list[tuple[str, Output]]
    log: list[LogLine]
    done: asyncio.Future[None]


class SessionDirError(Exception):
    """No session to resume, or a session folder that cannot be used."""


@dataclass
class Classroom:
    """The live session: room + journal + connections."""

    world: World
    room: Room
    journal: Journal
    folder: Path
    on_log: Callable[[list[LogLine]], None] = lambda lines: None
    links: dict[str, Link] = field(default_factory=dict)
    pace_step: int = PACE_STEP
    _queue: asyncio.Queue[_Batch] | None = None
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _pace_acc: float = 0.0
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    _closed: bool = False

    # ---------------------------------------------------------------- creating

    @classmethod
    def create(cls, world: World, saves: Path, code: str | None = None,
               window: int | None = None) -> "Classroom":
        """A new session folder under `saves`, with its journal begun."""
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = saves / f"class-{stamp}"
        n = 1
        while folder.exists():
            n += 1
            folder = saves / f"class-{stamp}-{n}"
        folder.mkdir(parents=True)
        room = Room(world, code or new_code(), **({"window": window} if window else {}))
        journal = Journal(folder / JOURNAL_NAME)
        journal.write_now(room.opening_record())
        return cls(world, room, journal, folder)

    @classmethod
    def resume(cls, world: World, saves: Path, folder: Path | None = None) -> "Classroom":
        """Rebuild the latest (or the given) session from its journal and carry on writing it."""
        if folder is None:
            found = sorted((p for p in saves.glob("class-*") if (p / JOURNAL_NAME).is_file()),
                           key=lambda p: (p / JOURNAL_NAME).stat().st_mtime)
            if not found:
                raise SessionDirError(f"no classroom session to resume in {saves}")
            folder = found[-1]
        path = folder / JOURNAL_NAME
        try:
            records = read_journal(path)
            room = Room.replay(world, records)
        except (JournalError, RoomError) as e:
            raise SessionDirError(f"{path}: {e}") from None
        repair_tail(path)
        return cls(world, room, Journal(path), folder)

    # ---------------------------------------------------------------- running

    def start_background(self) -> None:
        """Start the committer and the pace clock (call inside the running loop)."""
        self._queue = asyncio.Queue()
        self._tasks.append(asyncio.create_task(self._deliverer(), name="classroom-deliver"))
        self._tasks.append(asyncio.create_task(self._pace_clock(), name="classroom-pace"))

    async def commit(self) -> None:
        """Journal what the room has done, then tell people about it, in order."""
        room = self.room
        records, room.records = room.records, []
        outbox, room.outbox = room.outbox, []
        log, room.log = room.log, []
        if not (records or outbox or log):
            return
        if self._queue is None or self._closed:
            return   # shutting down: only goodbyes are left, and nobody to deliver them to
        for rec in records:
            rec.setdefault("at", round(_now(), 3))
        futs = [self.journal.append(rec) for rec in records]
        loop = asyncio.get_running_loop()
        batch = _Batch(futs, outbox, log, loop.create_future())
        self._queue.put_nowait(batch)
        await asyncio.shield(batch.done)

    async def _deliverer(self) -> None:
        assert self._queue is not None
        while True:
            batch = await self._queue.get()
            try:
                if batch.futures:
                    await asyncio.gather(*batch.futures)
            except JournalError as e:
                # The disk failed: keep the class running, and make sure the teacher knows.
                self.on_log([LogLine("alert", f"JOURNAL NOT WRITTEN: {e}")])
            self._dispatch(batch)
            if not batch.done.done():
                batch.done.set_result(None)

    def _dispatch(self, batch: _Batch) -> None:
        per: dict[str, list[Output]] = {}
        for key, out in batch.outbox:
            per.setdefault(key, []).append(out)
        for key, outs in per.items():
            link = self.links.get(key)
            if link is None:
                continue
            p = self.room.players.get(key)
            if p is not None and p.removed or self.room.ended:
                self.links.pop(key, None)
                link.kick(outs)
            else:
                link.deliver(outs)
        if self.room.ended:
            for key, link in list(self.links.items()):
                self.links.pop(key, None)
                link.kick([])
            self.ended.set()
        if batch.log:
            self.on_log(batch.log)

    async def _pace_clock(self) -> None:
        """Move the class clock on by itself when the facilitator has set a pace."""
        while True:
            await asyncio.sleep(1.0)
            room = self.room
            if not room.pace or not room.started or room.paused or room.ended:
                self._pace_acc = 0.0
                continue
            self._pace_acc += room.pace / 60.0
            if self._pace_acc >= self.pace_step and room.now < self.world.clock.end:
                self._pace_acc -= self.pace_step
                room.advance(min(room.now + self.pace_step, self.world.clock.end), by="pace")
                await self.commit()

    # ---------------------------------------------------------------- players

    def attach(self, name: str, link: Link) -> None:
        self.links[name_key(name)] = link

    def detach(self, name: str, link: Link) -> None:
        if self.links.get(name_key(name)) is link:
            del self.links[name_key(name)]

    def new_seed(self) -> int:
        return secrets.randbelow(2**31)

    async def close(self) -> None:
        """Stop the clock and the deliverer, after delivering what is queued."""
        if self._queue is not None:
            while not self._queue.empty():
                await asyncio.sleep(0.01)
        self._closed = True
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            try:
                await t
            except asyncio.CancelledError:
                pass
        await asyncio.to_thread(self.journal.close)


def _now() -> float:
    return time.time()


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
