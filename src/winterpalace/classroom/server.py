"""The running classroom: one Room, its journal, the door, the connections, the clock's pace.

Everything runs on one asyncio loop. A change goes: room method (pure, instant) -> `commit()`,
which queues the new records for the journal and, once they are fsync'd, hands the room's
deliveries to each student's connection and its log lines to the teacher, in order.

Transport-neutral: a connection (SSH, telnet, a browser) is a `Link` the hub delivers to; the
conversation with a student (`connection.py`) asks the hub for the code check, PINs, the
teacher's approval and rate limits. Views of the whole class (the projector) subscribe to
`observers`: called after each change has been journaled and delivered.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import hmac
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..engine import World
from ..session import Notice, Output
from . import codes
from .class_folder import (
    JOURNAL,
    ClassFolderError,
    ClassFolderLock,
    NoClassFolder,
    latest,
    make_private_dir,
)
from .door import Door, RateLimit
from .journal import Journal, JournalError, read_journal, repair_tail
from .names import name_key
from .room import LogLine, Result, Room, RoomError

JOURNAL_NAME = JOURNAL
PACE_STEP = 5           # the paced clock moves in steps of this many game minutes
PIN_TRIES = 6           # wrong PINs for one name before only the teacher can let them in
SAY_RATE = (1 / 3, 5)   # `say`: five at once, then one every three seconds
ALERT_RATE = (1 / 20, 3)
SHUTDOWN_GRACE = 3.0    # seconds to say goodbye before a stopping server closes the journal


class Link(Protocol):
    """What the hub needs from a student's connection (SSH, telnet, or a test double)."""

    def deliver(self, outputs: list[Output]) -> None: ...

    def kick(self, outputs: list[Output]) -> None: ...


class Conversation(Protocol):
    """A student's conversation with the class, seated or still at a question."""

    def stop(self) -> None:
        """The server is stopping (the session goes on later): say so, then close."""


@dataclass
class _Batch:
    futures: list[asyncio.Future[None]]
    outbox: list[tuple[str, Output]]
    log: list[LogLine]
    done: asyncio.Future[None]


@dataclass
class Classroom:
    """The live session: room + journal + door + connections."""

    world: World
    room: Room
    journal: Journal
    folder: Path
    lock: ClassFolderLock | None = None
    code: str | None = None          # the class code in clear, while this process knows it
    door: Door = field(default_factory=Door)
    on_log: Callable[[list[LogLine]], None] = lambda lines: None
    observers: list[Callable[[list[LogLine]], None]] = field(default_factory=list)
    links: dict[str, Link] = field(default_factory=dict)
    conversations: set[Conversation] = field(default_factory=set)   # every transport's
    pace_step: int = PACE_STEP
    minute: float = 60.0             # real seconds in a caucus minute (tests shorten it)
    report_every: float = 60.0       # seconds between reports of wrong codes
    resumed: bool = False
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    pin_failures: dict[str, int] = field(default_factory=dict)
    admits: dict[str, asyncio.Future[bool]] = field(default_factory=dict)
    _limits: dict[tuple[str, str], RateLimit] = field(default_factory=dict)
    _queue: asyncio.Queue[_Batch] | None = None
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _pace_acc: float = 0.0
    _closed: bool = False
    _caucus_timer: asyncio.TimerHandle | None = None
    _caucus_began: float | None = None  # wall-clock start of a caucus break found on resume
    _background: set[asyncio.Future[None]] = field(default_factory=set)

    # ---------------------------------------------------------------- creating

    @classmethod
    def create(cls, world: World, saves: Path, code: str | None = None,
               window: int | None = None, ballot: str = "open",
               gentle: bool = False) -> Classroom:
        """A new session folder under `saves` (0700), locked, with its journal begun."""
        code = code or codes.new_code()
        try:
            room = Room(world, codes.new_check(code), window or 30, ballot, gentle)
        except RoomError as e:
            raise ClassFolderError(str(e)) from None
        make_private_dir(saves)
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = saves / f"class-{stamp}"
        n = 1
        while True:
            try:
                folder.mkdir(mode=0o700)
                break
            except FileExistsError:
                n += 1
                folder = saves / f"class-{stamp}-{n}"
        lock = ClassFolderLock(folder)
        lock.acquire()
        journal = Journal(folder / JOURNAL_NAME)
        journal.write_now({**room.opening_record(), "at": _now()})
        return cls(world, room, journal, folder, lock, code)

    @classmethod
    def resume(cls, world: World, saves: Path, folder: Path | None = None) -> Classroom:
        """Rebuild the latest (or the given) session from its journal and carry on writing it.

        Works after any crash at any moment: a cut last line is dropped, and a `restart`
        record marks everyone away until they rejoin.
        """
        if folder is None:
            folder = latest(saves)
            if folder is None:
                raise NoClassFolder(f"no classroom session to resume in {saves}")
        path = folder / JOURNAL_NAME
        if not folder.exists():
            raise NoClassFolder(f"{folder}: no such folder")
        if not path.is_file():
            raise NoClassFolder(f"{folder} is not a session folder (it has no {JOURNAL_NAME})")
        lock = ClassFolderLock(folder)
        lock.acquire()           # ClassFolderBusy (a ClassFolderError) if a server runs it
        try:
            records = read_journal(path)
            room = Room.replay(world, records)
            repair_tail(path)
        except (JournalError, RoomError, OSError) as e:
            lock.release()
            raise ClassFolderError(f"{path}: {e}") from None
        hub = cls(world, room, Journal(path), folder, lock, resumed=True)
        room.restart()
        for rec in room.records:
            rec["at"] = _now()
            hub.journal.write_now(rec)
        room.records.clear()
        room.log.clear()
        if room.caucus_minutes:
            # A caucus break was running when the server stopped: it ends when it would have.
            began = next((r.get("at") for r in reversed(records) if r.get("t") == "caucus"),
                         None)
            hub._caucus_began = float(began) if isinstance(began, (int, float)) else 0.0
        return hub

    # ---------------------------------------------------------------- the door

    async def check_code(self, given: str) -> bool:
        """Whether `given` is the class code (spaces, hyphens and capitals do not matter)."""
        if self.code is not None:
            a = codes.normal(given).encode("utf-8", "replace")
            b = codes.normal(self.code).encode("utf-8", "replace")
            return hmac.compare_digest(a, b)
        # A resumed server knows only the hash: a few milliseconds, off the loop.
        check = self.room.code
        if await asyncio.to_thread(check.matches, given):
            if self.room.code is check:
                self.code = given.strip()        # now we know it (for the console)
            return True
        return False

    def set_code(self, code: str) -> Result:
        res = self.room.set_code(codes.new_check(code))
        if res.ok:
            self.code = code
            self.on_log([LogLine("admin", f"Class code is now: {code}")])
        return res

    def new_pin(self) -> tuple[str, str]:
        """A rejoin PIN and its "salt:hash" for the journal."""
        pin = codes.new_pin()
        salt = secrets.token_hex(4)
        return pin, f"{salt}:{codes.pin_hash(salt, pin)}"

    def pin_tries_left(self, name: str) -> int:
        return max(0, PIN_TRIES - self.pin_failures.get(name_key(name), 0))

    def wrong_pin(self, name: str, address: str) -> None:
        key = name_key(name)
        self.pin_failures[key] = self.pin_failures.get(key, 0) + 1
        self.on_log([LogLine("door", f"wrong PIN for {name} from {address} "
                                     f"({self.pin_failures[key]} so far)", name)])

    async def wait_for_admit(self, name: str, timeout: float) -> bool:
        """Wait (up to `timeout`) for the teacher to let `name` in without a PIN."""
        key = name_key(name)
        fut = self.admits.get(key)
        if fut is None or fut.done():
            fut = self.admits[key] = asyncio.get_running_loop().create_future()
        p = self.room.player(name)
        shown = p.name if p else name
        self.on_log([LogLine("alert", f"{shown} asks to take their seat again without their "
                                      f"PIN: type `admit {shown}` if it is really them "
                                      "(look at their screen)", shown)])
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except TimeoutError:
            return False
        finally:
            if self.admits.get(key) is fut and fut.done():
                del self.admits[key]

    def admit(self, name: str) -> Result:
        """The teacher lets a student who lost their PIN take their seat (a new PIN is given)."""
        key = name_key(name)
        fut = self.admits.get(key)
        if fut is None or fut.done():
            return Result(False, f"nobody called {name!r} is waiting to be let in")
        fut.set_result(True)
        self.pin_failures.pop(key, None)
        return Result(True)

    def take_over(self, name: str) -> None:
        """A student proved (PIN, or the teacher) it is them: close the seat's old connection."""
        key = name_key(name)
        old = self.links.pop(key, None)
        if old is not None:
            old.kick([Notice("You have taken your seat from another screen, so this one is "
                             "closed. Goodbye.")])
        p = self.room.player(name)
        if p is not None and p.connected:
            self.room.disconnect(p.name)

    def allow(self, name: str, what: str) -> float:
        """0.0 if `name` may `say` (or send an alert) now, else seconds to wait."""
        key = (name_key(name), what)
        lim = self._limits.get(key)
        if lim is None:
            rate, burst = ALERT_RATE if what == "alert" else SAY_RATE
            lim = self._limits[key] = RateLimit(rate, burst)
        return lim.wait()

    # ---------------------------------------------------------------- running

    def start_background(self) -> None:
        """Start the committer, the pace clock and the door's reports (inside the loop)."""
        self._queue = asyncio.Queue()
        self._tasks.append(asyncio.create_task(self._deliverer(), name="classroom-deliver"))
        self._tasks.append(asyncio.create_task(self._pace_clock(), name="classroom-pace"))
        self._tasks.append(asyncio.create_task(self._door_reports(), name="classroom-door"))
        minutes = self.room.caucus_minutes
        if self._caucus_began is not None and minutes:
            due = self._caucus_began + minutes * self.minute
            self._schedule_caucus_end(max(0.0, due - _now()))
        self._caucus_began = None

    # ---------------------------------------------------------------- caucus breaks

    def caucus(self, minutes: int) -> Result:
        """Start a caucus break that ends by itself after `minutes` (the clock resumes)."""
        res = self.room.caucus(minutes)
        if res.ok:
            self._schedule_caucus_end(minutes * self.minute)
        return res

    def end_caucus(self) -> Result:
        self._cancel_caucus_timer()
        return self.room.end_caucus()

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
        if self._closed or not self.room.caucus_minutes:
            return
        self.room.end_caucus()
        self._spawn(self.commit())

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)      # kept referenced until done
        task.add_done_callback(self._background.discard)

    async def write_debrief(self, title: str = "") -> tuple[list[str], list[Path]]:
        """The debrief into the session folder; returns the teacher's summary and the paths.

        The pages are built here, on the loop, from the room as it stands (pure and quick);
        only the writing goes to a thread, so no student waits on the disk.
        """
        from .debrief import debrief_files, make, summary_lines, write_files

        deb = make(self.room, title)
        files = debrief_files(deb)
        paths = await asyncio.to_thread(write_files, self.folder, files)
        return summary_lines(deb), paths

    # ---------------------------------------------------------------- committing

    async def commit(self) -> None:
        """Journal what the room has done, then tell people about it, in order."""
        room = self.room
        records, room.records = room.records, []
        outbox, room.outbox = room.outbox, []
        log, room.log = room.log, []
        if not (records or outbox or log):
            return
        if self._queue is None or self._closed:
            # Stopping: write what changed (the journal must hold every change the room
            # made), tell nobody.
            for rec in records:
                rec.setdefault("at", _now())
                self.journal.queue(rec)
            return
        at = _now()
        for rec in records:
            rec.setdefault("at", at)
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
                link.kick(outs)
            else:
                link.deliver(outs)
        if self.room.ended:
            for link in list(self.links.values()):
                link.kick([])
            self.ended.set()
        if batch.log:
            self.on_log(batch.log)
        for observe in self.observers:
            observe(batch.log)

    async def _pace_clock(self) -> None:
        """Move the class clock on by itself when the teacher has set a pace."""
        while True:
            await asyncio.sleep(1.0)
            room = self.room
            if not room.pace or not room.started or room.halted or room.ended:
                self._pace_acc = 0.0
                continue
            self._pace_acc += room.pace / 60.0
            if self._pace_acc >= self.pace_step and room.now < self.world.clock.end:
                self._pace_acc -= self.pace_step
                room.advance(min(room.now + self.pace_step, self.world.clock.end), by="pace")
                await self.commit()

    async def _door_reports(self) -> None:
        """Once a minute: wrong class codes, on the console and (counted) in the journal."""
        while True:
            await asyncio.sleep(self.report_every)
            await self.report_door()

    async def report_door(self) -> None:
        report = self.door.take_report()
        if not report:
            return
        lines = [LogLine("door", f"{n} wrong code{'s' if n != 1 else ''} from {addr} in the "
                                 "last minute") for addr, n in report]
        total = sum(n for _, n in report)
        noisy = [addr for addr, n in report if n > self.door.limits.free_per_address]
        if noisy:
            lines.append(LogLine("alert", "Someone may be guessing the class code: type "
                                          "`code` for a new one (connected students stay in); "
                                          "`unblock` if it was your class mistyping it."))
        self.on_log(lines)
        self.room.note_door(total, noisy)
        await self.commit()

    # ---------------------------------------------------------------- students

    def attach(self, name: str, link: Link) -> None:
        self.links[name_key(name)] = link

    def detach(self, name: str, link: Link) -> bool:
        """Forget `link` for `name`; True if it was the seat's connection (not replaced)."""
        if self.links.get(name_key(name)) is link:
            del self.links[name_key(name)]
            return True
        return False

    def say_goodbye(self) -> None:
        """The server is stopping, not the session ending: every conversation, on every
        transport, seated or still at a question, is told so and closes (`end` says its
        own goodbye). Saying it twice says it once."""
        for conversation in list(self.conversations):
            conversation.stop()

    def new_seed(self) -> int:
        return secrets.randbelow(2**31)

    async def close(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Stop the clock and the deliverer after delivering what is queued (at most `grace`
        seconds), then close the journal and let go of the session."""
        if self._queue is not None:
            deadline = time.monotonic() + grace
            while not self._queue.empty() and time.monotonic() < deadline:
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
        # Whatever the room did since (goodbyes' disconnects) goes to disk before closing.
        await self.commit()
        await asyncio.to_thread(self.journal.close)
        if self.lock is not None:
            self.lock.release()


    def discard(self) -> None:
        """Remove the folder of a class that never opened its door (its server could not
        listen): it holds nothing but its opening record, and left behind it would be the
        latest session, the one `--resume` picks instead of the class it was meant to
        carry on. Only a new class, after `close()`; a resumed one is never removed."""
        if self.resumed or not self._closed:
            return
        shutil.rmtree(self.folder, ignore_errors=True)

    def close_now(self) -> None:
        """Close the journal and let go of the session, without a loop (a session that was
        made but never served)."""
        self._closed = True
        self.journal.close()
        if self.lock is not None:
            self.lock.release()


def _now() -> int:
    return int(time.time())


__all__ = [
    "JOURNAL_NAME",
    "Classroom",
    "Conversation",
    "Link",
    "ClassFolderError",
    "repair_tail",
]
