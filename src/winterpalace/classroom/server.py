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
from ..lesson.room import LessonRoom
from .room import LogLine, Result, Room, RoomError, name_key

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
    minute: float = 60.0            # real seconds in a caucus minute (tests shorten it)
    _caucus_timer: asyncio.TimerHandle | None = None
    _caucus_began: float | None = None  # wall-clock start of a caucus break found on resume
    _background: set[asyncio.Future[None]] = field(default_factory=set)

    # ---------------------------------------------------------------- creating

    @classmethod
    def create(cls, world: World, saves: Path, code: str | None = None,
               window: int | None = None, ballot: str = "open",
               gentle: bool = False) -> "Classroom":
        """A new session folder under `saves`, with its journal begun.

        The room is a LessonRoom: the scenario's class votes, caucus breaks and content mode
        (`gentle`: violence told, not shown) are set here, before anyone joins.
        """
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = saves / f"class-{stamp}"
        n = 1
        while folder.exists():
            n += 1
            folder = saves / f"class-{stamp}-{n}"
        folder.mkdir(parents=True)
        room = LessonRoom(world, code or new_code(), window or None)
        journal = Journal(folder / JOURNAL_NAME)
        journal.write_now(room.opening_record())
        res = room.setup(ballot=ballot, gentle=gentle)
        if not res.ok:
            journal.close()
            raise SessionDirError(res.message)
        for rec in room.records:
            rec.setdefault("at", round(_now(), 3))
            journal.write_now(rec)
        room.records.clear()     # its log line stays, for the console to show
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
            room = LessonRoom.replay(world, records)
        except (JournalError, RoomError) as e:
            raise SessionDirError(f"{path}: {e}") from None
        repair_tail(path)
        hub = cls(world, room, Journal(path), folder)
        if getattr(room, "caucus_minutes", 0):
            # A caucus break was running when the server stopped: it ends when it would have.
            began = next((r.get("at") for r in reversed(records) if r.get("t") == "caucus"),
                         None)
            hub._caucus_began = float(began) if isinstance(began, (int, float)) else 0.0
        return hub

    # ---------------------------------------------------------------- running

    def start_background(self) -> None:
        """Start the committer and the pace clock (call inside the running loop)."""
        self._queue = asyncio.Queue()
        self._tasks.append(asyncio.create_task(self._deliverer(), name="classroom-deliver"))
        self._tasks.append(asyncio.create_task(self._pace_clock(), name="classroom-pace"))
        minutes = getattr(self.room, "caucus_minutes", 0)
        if self._caucus_began is not None and minutes:
            due = self._caucus_began + minutes * self.minute
            self._schedule_caucus_end(max(0.0, due - _now()))
        self._caucus_began = None

    # ---------------------------------------------------------------- the lesson

    def caucus(self, minutes: int) -> Result:
        """Start a caucus break that ends by itself after `minutes` (the clock resumes)."""
        room = self.room
        if not isinstance(room, LessonRoom):
            return Result(False, "this session has no lesson")
        res = room.caucus(minutes)
        if res.ok:
            self._schedule_caucus_end(minutes * self.minute)
        return res

    def end_caucus(self) -> Result:
        room = self.room
        if not isinstance(room, LessonRoom):
            return Result(False, "this session has no lesson")
        self._cancel_caucus_timer()
        return room.end_caucus()

    def _schedule_caucus_end(self, delay: float) -> None:
        self._cancel_caucus_timer()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return      # no loop (a console driven by a test): `caucus end` ends it
        self._caucus_timer = loop.call_later(delay, self._caucus_over)

    def _cancel_caucus_timer(self) -> None:
        if self._caucus_timer is not None:
            self._caucus_timer.cancel()
            self._caucus_timer = None

    def _caucus_over(self) -> None:
        self._caucus_timer = None
        room = self.room
        if self._closed or not getattr(room, "caucus_minutes", 0):
            return
        room.end_caucus()   # type: ignore[attr-defined]
        task = asyncio.ensure_future(self.commit())
        self._background.add(task)      # kept referenced until done
        task.add_done_callback(self._background.discard)

    async def write_debrief(self, title: str = "") -> tuple[list[str], list[Path]]:
        """The debrief into the session folder; returns the teacher's summary and the paths.

        The pages are built here, on the loop, from the room as it stands (pure and quick);
        only the writing goes to a thread, so no student waits on the disk.
        """
        from ..lesson.debrief import debrief_files, make, summary_lines, write_files

        deb = make(self.room, title)
        files = debrief_files(deb)
        paths = await asyncio.to_thread(write_files, self.folder, files)
        return summary_lines(deb), paths

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
        self._cancel_caucus_timer()
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
