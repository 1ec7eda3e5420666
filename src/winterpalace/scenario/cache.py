"""The compiled-scenario cache: a scenario read before starts without parsing its YAML again.

An entry is keyed by everything the loader's result depends on (sources.py: the files the
walk finds, their names and every byte of them, the folder as given) and by the code that
compiles them (this package's engine and scenario modules, Python's version). An entry is
only ever written for a scenario that loaded without a problem, so a scenario with mistakes is
always read, and reported, afresh.

What is stored is the compiled `World` as a pickle in which every expression is its source
text (and the names it reads): expressions are closures, and are compiled again, each the
first time it is evaluated (compiling the shipped night's 600 at once was a tenth of its
start). Reading is restricted, whoever wrote the file:

- the folder must belong to this user and be private (0700; made so if it is ours), entries
  must be regular files of this user that nobody else may write (0600), and are opened
  without following links, relative to the folder already checked;
- the unpickler makes nothing but the model's own records, dates, and expressions compiled
  by the expression compiler (which never evaluates text): any other global is refused;
- a header holds the length and a CRC of the payload, and the payload repeats its key: a
  truncated, corrupt, renamed or foreign entry is ignored, and replaced by the next load.

Writers write a temporary file and rename it into place, so readers never see half an entry
and two writers never mix theirs. After each write the oldest entries (by last use) go until
the cache holds at most MAX_ENTRIES entries and MAX_BYTES bytes.

The folder is WINTERPALACE_CACHE if set, else the user's cache folder (platformdirs) +
`scenarios`. WINTERPALACE_NO_CACHE=1 or `--no-cache` turn the cache off.
"""

from __future__ import annotations

import atexit
import contextlib
import copyreg
import dataclasses
import datetime
import gc
import hashlib
import io
import operator
import os
import pickle
import secrets
import stat
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Self

from .. import __version__
from ..engine import (
    MODEL_RECORDS,
    Clock,
    Condition,
    Effect,
    ExprError,
    Symbols,
    World,
    compile_effect,
    compile_expr,
    value_type,
)

FORMAT = 1
MAGIC = b"WPSCN\x00\x01\n"
HEADER = len(MAGIC) + 8 + 4          # magic, payload length, CRC-32 of the payload
SUFFIX = ".wpc"
MAX_ENTRIES = 32                     # scenarios kept
MAX_BYTES = 512 * 2**20              # all entries together
MAX_ENTRY = 256 * 2**20              # one entry (a 128 MB scenario pickles to less)
STALE_TEMP = 600                     # seconds after which a writer's temporary file is litter

_turned_off = 0


@contextlib.contextmanager
def turned_off(off: bool = True) -> Iterator[None]:
    """No cache in this block (`--no-cache`), in this process."""
    global _turned_off
    _turned_off += bool(off)
    try:
        yield
    finally:
        _turned_off -= bool(off)


def enabled() -> bool:
    """Whether loading uses the cache: not turned off here, nor by WINTERPALACE_NO_CACHE."""
    flag = os.environ.get("WINTERPALACE_NO_CACHE", "").strip().lower()
    return not _turned_off and flag in ("", "0", "no", "false")


def folder() -> Path:
    """Where the cache is: WINTERPALACE_CACHE, or the user's cache folder's `scenarios`."""
    chosen = os.environ.get("WINTERPALACE_CACHE")
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs
    return Path(platformdirs.user_cache_dir("winterpalace", appauthor=False)) / "scenarios"


# --------------------------------------------------------------------------- the key's code part

_code: bytes | None = None


def code_fingerprint() -> bytes:
    """What compiling depends on besides the files: this program's version, Python's, the
    cache's format, and the source of the engine and scenario modules (a developer's edit to
    the loader is a new key, whatever the version says)."""
    global _code
    if _code is None:
        digest = hashlib.sha256(f"{__version__}|{FORMAT}|{sys.version}".encode())
        package = Path(__file__).resolve().parent.parent
        for part in ("engine", "scenario"):
            for path in sorted((package / part).glob("*.py")):
                digest.update(path.name.encode() + b"\0")
                try:
                    digest.update(path.read_bytes())
                except OSError as e:
                    digest.update(repr(e).encode())
        _code = digest.digest()
    return _code


# --------------------------------------------------------------------------- what is stored

def _records() -> dict[tuple[str, str], type]:
    """The classes a stored World is made of: the model's records, the clock, lint's
    suppressions. Each is rebuilt by calling it with its fields, in order."""
    from .lint import Suppression
    classes = [*MODEL_RECORDS, Clock, Suppression]
    for c in classes:
        assert all(f.init for f in dataclasses.fields(c)), c
    return {(c.__module__, c.__qualname__): c for c in classes}


RECORDS = _records()


def _reducer(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names = [f.name for f in dataclasses.fields(cls)]
    get = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (cls, (get(obj),))
    return lambda obj: (cls, get(obj))


# Stand-ins named in the pickle; the reading unpickler puts its own in their place.
def condition(*spec: Any) -> Condition:
    raise pickle.UnpicklingError("an expression is compiled by the cache's reader only")


def effect(*spec: Any) -> Effect:
    raise pickle.UnpicklingError("an effect is compiled by the cache's reader only")


class Later:
    """A stored expression's function, compiled from its source when first called; it then
    puts the compiled function in its record's place (`Condition.fn`, `Effect.fn`), so later
    calls go straight to it."""

    __slots__ = ("fn", "kind", "owner", "source", "sym")

    def __init__(self, kind: str, source: str, sym: Symbols):
        self.kind, self.source, self.sym = kind, source, sym
        self.owner: Any = None
        self.fn: Any = None

    def __call__(self, ctx: Any) -> Any:
        fn = self.fn
        if fn is None:
            fn = self.compile()
        return fn(ctx)

    def compile(self) -> Any:
        try:
            made: Any = compile_expr(self.source, self.sym, None) \
                if self.kind == "condition" else compile_effect(self.source, self.sym)
        except ExprError as e:   # an entry this program did not write: never a guess
            raise RuntimeError(f"a compiled-scenario cache entry does not compile "
                               f"(`{self.source}`: {e.message}); run with --no-cache") from None
        self.fn = made.fn
        object.__setattr__(self.owner, "fn", made.fn)
        return made.fn


def symbols(*spec: Any) -> None:
    raise pickle.UnpicklingError("symbols are made by the cache's reader only")


class _Symbols:
    """What the expressions of a World may name: stored before the World, so its expressions
    can be compiled as they are read."""

    def __init__(self, world: World):
        self.world = world

    def reduce(self) -> tuple[Any, ...]:
        w = self.world
        things = {"scene": list(w.scenes), "place": list(w.places), "area": list(w.areas),
                  "character": list(w.characters), "item": list(w.items),
                  "event": [e.id for e in w.events], "note": list(w.notes)}
        types = [{k: value_type(v) for k, v in d.items()}
                 for d in (w.variables, w.world_flags)]
        return (symbols, (types[0], types[1], things, list(w.roles), w.clock))


_TABLE = copyreg.dispatch_table.copy()
_TABLE.update({cls: _reducer(cls) for cls in RECORDS.values()})
_TABLE[Condition] = lambda c: (condition, (c.source, c.reads, c.calls))
_TABLE[Effect] = lambda e: (effect, (e.source, e.writes, e.reads, e.calls, e.world))
_TABLE[_Symbols] = _Symbols.reduce


class _Pickler(pickle.Pickler):
    dispatch_table = _TABLE


# The collections that grow with a scenario are written in chunks, each a pickle of its own
# with the pickler's memo cleared after it: the memo holds every object written (and the
# argument tuple made for each record) until it is cleared, which for 100,000 scenes was
# more memory than the scenes themselves.
CHUNKED = ("scenes", "glossary", "notes", "places", "characters", "items")
CHUNK = 2000


def dump(key: str, world: World, out: Any) -> None:
    """Write an entry's payload to the file `out`: a head (the format, the key, the
    symbols, the World without its big collections, how many chunks follow), then chunks
    of (id, value) pairs."""
    pickler = _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    parts = {name: list(getattr(world, name).items()) for name in CHUNKED}
    emptied: dict[str, Any] = {name: {} for name in CHUNKED}
    shell = dataclasses.replace(world, **emptied)
    counts = {name: -(-len(items) // CHUNK) for name, items in parts.items()}
    pickler.dump((FORMAT, key, _Symbols(world), shell, counts))
    for name in CHUNKED:
        items = parts[name]
        for start in range(0, len(items), CHUNK):
            pickler.clear_memo()
            pickler.dump(items[start:start + CHUNK])


def dumps(key: str, world: World) -> bytes:
    """An entry's payload, as bytes."""
    buffer = io.BytesIO()
    dump(key, world, buffer)
    return buffer.getvalue()


class _Unpickler(pickle.Unpickler):
    """Makes the model's records and compiles expressions; refuses every other global."""

    def __init__(self, file: Any, head: _Unpickler | None = None):
        super().__init__(file)
        self.file = file
        # The symbols and compiled expressions are those of the head (a chunk is read by an
        # unpickler of its own, as it was written with a memo of its own).
        self.sym: Symbols | None = head.sym if head is not None else None
        self.compiled: dict[tuple[str, str], Any] = head.compiled if head is not None else {}

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__:
            made = {"condition": self._condition, "effect": self._effect,
                    "symbols": self._symbols}.get(name)
            if made is not None:
                return made
        elif (module, name) == ("datetime", "date"):
            return datetime.date
        else:
            cls = RECORDS.get((module, name))
            if cls is not None:
                return cls
        raise pickle.UnpicklingError(f"`{module}.{name}` is not part of a stored scenario")

    def _symbols(self, player: dict[str, str], flags: dict[str, str],
                 things: dict[str, list[str]], roles: list[str], clock: Clock) -> None:
        self.sym = Symbols(dict(player), dict(flags), {k: set(v) for k, v in things.items()},
                              list(roles), clock.parse_time)

    def _condition(self, source: str, reads: Any, calls: Any) -> Condition:
        return self._compiled("condition", source, (reads, calls))  # type: ignore[no-any-return]

    def _effect(self, source: str, writes: Any, reads: Any, calls: Any,
                world: Any) -> Effect:
        return self._compiled("effect", source,   # type: ignore[no-any-return]
                              (writes, reads, calls, bool(world)))

    def _compiled(self, kind: str, source: Any, names: tuple[Any, ...]) -> Any:
        """An expression, once per source (each chunk names it again), to be compiled when
        first evaluated (`Later`)."""
        if self.sym is None or not isinstance(source, str) or not all(
                isinstance(n, frozenset) for n in names[:3]):
            raise pickle.UnpicklingError("an expression before its symbols, or not one")
        got = self.compiled.get((kind, source))
        if got is None:
            later = Later(kind, source, self.sym)
            got = Condition(source, later, *names) if kind == "condition" \
                else Effect(source, later, *names)
            later.owner = got
            self.compiled[(kind, source)] = got
        return got

    def part(self) -> Any:
        """The next pickle of the file. The memo is emptied after it: it holds every object
        read, the argument tuple made for each record too, and through the bound methods
        `find_class` gives it refers to this unpickler: a cycle that, with the collector off
        while loading, would keep them all."""
        try:
            return self.load()
        finally:
            self.memo.clear()

    def world(self, key: str) -> World | None:
        head = self.part()
        if not (isinstance(head, tuple) and len(head) == 5 and head[0] == FORMAT
                and head[1] == key and isinstance(head[3], World)
                and isinstance(head[4], dict) and set(head[4]) == set(CHUNKED)):
            return None
        world, counts = head[3], head[4]
        for name in CHUNKED:
            table: dict[str, Any] = {}
            for _ in range(counts[name]):
                table.update(type(self)(self.file, self).part())
            setattr(world, name, table)
        return world


def load(key: str, file: Any) -> World | None:
    """The World of a payload written for `key`, read from `file`; None if anything is wrong
    with it."""
    try:
        world = _Unpickler(file).world(key)
        if file.read(1):
            return None      # more than was written
    except Exception:
        return None
    return world


def loads(key: str, data: bytes) -> World | None:
    """The World of a payload given as bytes (see `load`)."""
    return load(key, io.BytesIO(data))


# Big Worlds stored when the program ends: writing one (a fifth of a second for 10,000 scenes)
# is then not in the way of the first screen or the report. key -> (the folder, the World).
_later: dict[str, tuple[Store, World]] = {}
LATER_MAX = 4     # `play --watch` reloads: only the latest few are worth writing


def put_later(store: Store, key: str, world: World) -> None:
    """Store `world` under `key` when the program ends (or at `flush`)."""
    if not _later:
        atexit.register(flush)
    old = _later.pop(key, None)
    if old is not None:
        old[0].close()
    try:
        _later[key] = (Store(os.dup(store.fd)), world)
    except OSError:
        return
    while len(_later) > LATER_MAX:
        _later.pop(next(iter(_later)))[0].close()


def flush() -> None:
    """Write what `put_later` was given."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        while _later:
            key, (store, world) = _later.popitem()
            with store:
                store.put(key, world)
    finally:
        if was_enabled:
            gc.enable()


class _Counting:
    """A file that keeps the length and CRC-32 of what is written to it."""

    def __init__(self, file: Any):
        self.file = file
        self.size = 0
        self.crc = 0

    def write(self, data: Any) -> int:
        self.size += len(data)
        self.crc = zlib.crc32(data, self.crc)
        return int(self.file.write(data))


# --------------------------------------------------------------------------- the folder

class Store:
    """The cache folder, opened and checked. Use `Store.open()`; None when there is none."""

    def __init__(self, fd: int):
        self.fd = fd
        self.uid = os.geteuid()
        self.code = code_fingerprint()

    @classmethod
    def open(cls) -> Store | None:
        """The cache, or None: turned off, no folder can be made, or the folder is not this
        user's alone (then it is not used at all)."""
        if not enabled() or not hasattr(os, "geteuid") or os.open not in os.supports_dir_fd:
            return None
        path = folder()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                os.mkdir(path, 0o700)
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
                raise PermissionError
            if st.st_mode & 0o077:
                os.fchmod(fd, 0o700)     # ours, but others could look or write: not any more
        except OSError:
            os.close(fd)
            return None
        return cls(fd)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, key: str) -> World | None:
        """The World stored under `key`, or None."""
        name = key + SUFFIX
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
            | getattr(os, "O_NOCTTY", 0)
        try:
            fd = os.open(name, flags, dir_fd=self.fd)
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as f:
                world = self._read(os.fstat(fd), f, key)
        except OSError:
            return None
        if world is not None:
            with contextlib.suppress(OSError):
                os.utime(name, dir_fd=self.fd)    # last used: kept longest
        return world

    def _read(self, st: os.stat_result, f: Any, key: str) -> World | None:
        """The World in an open entry: a file of this user that no one else may write, whose
        payload has the length and CRC its header says (checked before it is unpickled)."""
        if not stat.S_ISREG(st.st_mode) or st.st_uid != self.uid or st.st_mode & 0o077 \
                or not HEADER <= st.st_size <= HEADER + MAX_ENTRY:
            return None
        head = f.read(HEADER)
        length = int.from_bytes(head[len(MAGIC):len(MAGIC) + 8], "little")
        if head[:len(MAGIC)] != MAGIC or HEADER + length != st.st_size:
            return None
        crc, size = 0, 0
        while chunk := f.read(2**20):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
        if size != length or crc != int.from_bytes(head[len(MAGIC) + 8:HEADER], "little"):
            return None
        f.seek(HEADER)
        was_enabled = gc.isenabled()
        gc.disable()    # hundreds of thousands of records that all live on
        try:
            return load(key, f)
        finally:
            if was_enabled:
                gc.enable()

    def put(self, key: str, world: World) -> bool:
        """Store `world` under `key` (whatever went wrong, nothing is stored); then make room."""
        temp = f".{key[:16]}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(temp, flags, 0o600, dir_fd=self.fd)
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(bytes(HEADER))
                out = _Counting(f)
                dump(key, world, out)
                if out.size > MAX_ENTRY:
                    raise ValueError("too big to keep")
                f.seek(len(MAGIC))
                f.write(out.size.to_bytes(8, "little") + out.crc.to_bytes(4, "little"))
                f.seek(0)
                f.write(MAGIC)     # last: an entry is whole once it has its magic
            os.replace(temp, key + SUFFIX, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except Exception:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=self.fd)
            return False
        self.evict()
        return True

    def evict(self, keep: int = MAX_ENTRIES, room: int = MAX_BYTES) -> None:
        """Remove the least recently used entries past `keep` entries or `room` bytes, and
        temporary files their writers left behind (a crash)."""
        entries = []
        now = time.time()
        try:
            with os.scandir(self.fd) as it:
                for entry in it:
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if entry.name.endswith(SUFFIX):
                        entries.append((st.st_mtime, st.st_size, entry.name))
                    elif entry.name.endswith(".tmp") and now - st.st_mtime > STALE_TEMP:
                        with contextlib.suppress(OSError):
                            os.unlink(entry.name, dir_fd=self.fd)
        except OSError:
            return
        entries.sort(reverse=True)    # the most recently used first
        total = 0
        for i, (_, size, name) in enumerate(entries):
            total += size
            if i >= keep or total > room:
                with contextlib.suppress(OSError):
                    os.unlink(name, dir_fd=self.fd)
