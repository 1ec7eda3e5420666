"""The compiled-scenario cache: the same World as the files give, never a stale one, never code
from a file someone else could write, and nothing worse than a miss from a damaged entry."""

from __future__ import annotations

import dataclasses
import datetime
import io
import os
import pickle
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from winterpalace.cli import main
from winterpalace.engine import expr as ex
from winterpalace.engine.model import World
from winterpalace.scenario import ScenarioError, cache, default_scenario_dir, load, load_scenario
from winterpalace.tools.randomtest import random_test

from ..conftest import EXAMPLE, MINIMAL_SCENES


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*" + cache.SUFFIX)) if folder.is_dir() else []


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("WINTERPALACE_CACHE", str(folder))
    return folder


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading must come from the cache: reading the files' YAML fails the test."""
    def refuse(root: Path, sources: object) -> World:
        raise AssertionError(f"{root} was parsed, not taken from the cache")
    monkeypatch.setattr(load, "_load", refuse)


def flat(world: World) -> Any:
    """A World as plain nested tuples that say everything in it (an expression by its source
    and the names it reads), however its parts are shared."""
    def walk(x: Any) -> Any:
        if isinstance(x, (ex.Condition, ex.Effect)):
            return (type(x).__name__, x.source, sorted(x.reads), sorted(map(str, x.calls)),
                    sorted(getattr(x, "writes", ())), getattr(x, "world", None))
        if dataclasses.is_dataclass(x):
            return (type(x).__name__, *(walk(getattr(x, f.name))
                                        for f in dataclasses.fields(x)))
        if isinstance(x, dict):
            return ("dict", *((walk(k), walk(v)) for k, v in x.items()))
        if isinstance(x, (list, tuple)):
            return (type(x).__name__, *map(walk, x))
        if isinstance(x, (set, frozenset)):
            return ("set", *sorted(map(repr, x)))
        assert x is None or isinstance(x, (str, int, float, datetime.date)), type(x)
        return x
    return walk(world)


def same(a: World, b: World) -> bool:
    """Two Worlds are the same: records and expressions' sources alike."""
    return flat(a) == flat(b)


@pytest.mark.parametrize("root", [default_scenario_dir(), EXAMPLE], ids=["shipped", "example"])
def test_a_cached_world_is_the_world_the_files_give(root: Path, fresh_cache: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = load_scenario(root, use_cache=False)
    first = load_scenario(root)
    assert len(entries(fresh_cache)) == 1
    monkeypatch.setattr(load, "_load", None)     # the second load cannot parse
    cached = load_scenario(root)
    assert cached is not first and same(cached, fresh) and same(first, fresh)
    # and it plays the same: the compiled expressions do what the fresh ones do
    one, two = random_test(fresh, 40, seed=3), random_test(cached, 40, seed=3)
    assert one.actions == two.actions > 0 and one.totals() == two.totals()
    assert [f.message for f in one.findings] == [f.message for f in two.findings]


def test_expressions_are_compiled_when_first_evaluated(fresh_cache: Path) -> None:
    from winterpalace.engine import rules as eng
    root = default_scenario_dir()
    load_scenario(root)
    world = load_scenario(root)
    fresh = load_scenario(root, use_cache=False)
    later = {id(ch.cond): ch for s in world.scenes.values() for ch in s.choices
             if ch.cond is not None}.values()     # one choice per condition (they are shared)
    assert later and all(isinstance(ch.cond.fn, cache.Later) for ch in later)
    ws, ps, _ = eng.start(world, "sailor", 1)
    ctx = eng.Context(world, ws, ps, copy=False)
    for ch in later:
        want = fresh.scenes[ch.scene].choices[ch.index].cond.fn(ctx)
        stub = ch.cond.fn
        assert stub(ctx) == want and ch.cond.fn is not stub and ch.cond.fn(ctx) == want
        assert not isinstance(ch.cond.fn, cache.Later) and stub(ctx) == want


def test_a_big_world_is_stored_when_the_program_ends(write_scenario, fresh_cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing a big World's entry (a fifth of a second for 10,000 scenes) waits for the end
    of the program, out of the way of its first screen."""
    import gc
    monkeypatch.setattr(load, "_big", lambda world: True)
    monkeypatch.setattr(gc, "freeze", lambda: None)     # (what a big World also gets)
    root = write_scenario()
    load_scenario(root)
    assert entries(fresh_cache) == [] and cache._later
    cache.flush()
    assert len(entries(fresh_cache)) == 1 and not cache._later
    monkeypatch.setattr(load, "_load", None)
    assert load_scenario(root).scenes["a"].title == "A"


def test_an_edit_of_one_byte_is_seen(write_scenario, fresh_cache: Path) -> None:
    root = write_scenario()
    assert load_scenario(root).scenes["a"].text.render(None) == "Here."
    path = root / "scenes.yaml"
    stat = path.stat()
    path.write_text(MINIMAL_SCENES.replace("Here.", "Hera."))    # same size...
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))       # ...and the same time
    assert load_scenario(root).scenes["a"].text.render(None) == "Hera."
    assert len(entries(fresh_cache)) == 2


def test_a_file_added_removed_or_renamed_is_seen(write_scenario, fresh_cache: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_scenario()
    (root / "more.yaml").write_text("items:\n  coin: { name: A coin }\n")
    assert "coin" in load_scenario(root).items
    (root / "more.yaml").rename(root / "other.yml")
    world = load_scenario(root)
    assert world.items["coin"].where.file.endswith("other.yml")
    assert any(f.endswith("other.yml") for f in world.files)
    (root / "other.yml").unlink()
    assert "coin" not in load_scenario(root).items
    # a file the walk does not read (hidden, or not YAML) changes nothing
    (root / ".hidden.yaml").write_text("items: { x: { name: X } }\n")
    (root / "notes.txt").write_text("items: { y: { name: Y } }\n")
    monkeypatch.setattr(load, "_load", None)
    assert set(load_scenario(root).items) == set()


def test_positions_follow_the_working_folder(write_scenario, fresh_cache: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_scenario()
    monkeypatch.chdir(root)
    inside = load_scenario(root)
    monkeypatch.chdir(root.parent.parent)
    outside = load_scenario(root)
    assert inside.scenes["a"].where.file == "scenes.yaml"
    assert outside.scenes["a"].where.file == str(Path(root.parent.name, root.name,
                                                      "scenes.yaml"))


def test_a_scenario_with_mistakes_is_never_cached(write_scenario, fresh_cache: Path) -> None:
    root = write_scenario(**{"scenes.yaml": MINIMAL_SCENES.replace("go: out", "go: nowhere")})
    for _ in range(2):
        with pytest.raises(ScenarioError) as e:
            load_scenario(root)
        assert "unknown scene `nowhere`" in e.value.render()
    assert entries(fresh_cache) == []


def test_the_code_is_part_of_the_key(write_scenario, fresh_cache: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_scenario()
    load_scenario(root)
    monkeypatch.setattr(cache, "_code", b"a loader edited since")
    load_scenario(root)
    assert len(entries(fresh_cache)) == 2


@pytest.mark.parametrize("damage", ["truncated", "flipped", "empty", "garbage", "old format",
                                    "other key"])
def test_a_damaged_entry_is_a_miss_and_is_replaced(damage: str, write_scenario,
                                                   fresh_cache: Path) -> None:
    root = write_scenario()
    load_scenario(root)
    (entry,) = entries(fresh_cache)
    raw = entry.read_bytes()
    damaged = {
        "truncated": raw[:len(raw) // 2],
        "flipped": raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:],
        "empty": b"",
        "garbage": os.urandom(len(raw)),
        "old format": _entry(pickle.dumps((0, entry.stem, None, None))),
        "other key": _entry(cache.dumps("0" * 64, load_scenario(root, use_cache=False))),
    }[damage]
    entry.write_bytes(damaged)
    assert load_scenario(root).scenes["a"].title == "A"
    assert entry.read_bytes() == raw       # rebuilt


def _entry(payload: bytes) -> bytes:
    """A well-formed entry (right header and CRC) around any payload."""
    return cache.MAGIC + len(payload).to_bytes(8, "little") \
        + zlib.crc32(payload).to_bytes(4, "little") + payload


class _Boom:
    """A pickle that would run a program when read by an ordinary unpickler."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, (f"touch {self.marker}",))


def test_a_hostile_entry_runs_nothing(write_scenario, fresh_cache: Path, tmp_path: Path) -> None:
    root = write_scenario()
    load_scenario(root)
    (entry,) = entries(fresh_cache)
    marker = tmp_path / "ran"
    for payload in (pickle.dumps(_Boom(marker)),
                    pickle.dumps((cache.FORMAT, entry.stem, _Boom(marker), None)),
                    _globals_pickle("builtins", "eval"), _globals_pickle("os", "system")):
        entry.write_bytes(_entry(payload))
        assert load_scenario(root).scenes["a"].title == "A"
    assert not marker.exists()


def _globals_pickle(module: str, name: str) -> bytes:
    """A pickle that names `module.name` and calls it (protocol 0, written by hand)."""
    return f"c{module}\n{name}\n(S'1'\ntR.".encode()


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="owners and modes are POSIX")
def test_entries_others_could_write_are_not_read(write_scenario, fresh_cache: Path,
                                                 no_parsing: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_scenario()
    monkeypatch.undo()      # parse this once, then not again
    monkeypatch.setenv("WINTERPALACE_CACHE", str(fresh_cache))
    load_scenario(root)
    (entry,) = entries(fresh_cache)
    assert fresh_cache.stat().st_mode & 0o777 == 0o700
    assert entry.stat().st_mode & 0o777 == 0o600
    store = cache.Store.open()
    assert store is not None
    with store:
        assert store.get(entry.stem) is not None
        entry.chmod(0o620)                    # writable by the group
        assert store.get(entry.stem) is None
        entry.chmod(0o600)
        link = fresh_cache / ("b" * 64 + cache.SUFFIX)
        link.symlink_to(entry)                # a link in the folder is not followed
        assert store.get("b" * 64) is None
        if os.geteuid() == 0:
            os.chown(entry, 12345, -1)        # someone else's file
            assert store.get(entry.stem) is None
            os.chown(entry, 0, -1)
        assert store.get(entry.stem) is not None


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="owners and modes are POSIX")
def test_a_folder_others_could_write_is_made_private_or_not_used(
        write_scenario, fresh_cache: Path) -> None:
    root = write_scenario()
    fresh_cache.mkdir(mode=0o777)
    fresh_cache.chmod(0o777)
    load_scenario(root)
    assert fresh_cache.stat().st_mode & 0o777 == 0o700 and len(entries(fresh_cache)) == 1
    if os.geteuid() == 0:
        os.chown(fresh_cache, 12345, -1)      # someone else's folder: not used at all
        assert cache.Store.open() is None
        os.chown(fresh_cache, 0, -1)


def test_turned_off_by_the_environment_or_the_command_line(write_scenario, fresh_cache: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    root = write_scenario()
    monkeypatch.setenv("WINTERPALACE_NO_CACHE", "1")
    load_scenario(root)
    assert main(["check", str(root)]) == 0
    monkeypatch.delenv("WINTERPALACE_NO_CACHE")
    assert main(["check", "--no-cache", str(root)]) == 0
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"1\n")))
    assert main(["--no-cache", "--plain", "--scenes", str(root), "--role", "r"]) == 0
    assert not fresh_cache.exists()
    assert cache.enabled()                    # --no-cache was for that command only
    assert main(["check", str(root)]) == 0
    assert len(entries(fresh_cache)) == 1
    capsys.readouterr()


def test_old_entries_are_evicted(write_scenario, fresh_cache: Path) -> None:
    root = write_scenario()
    for i in range(5):
        (root / "more.yaml").write_text(f"items:\n  coin{i}: {{ name: A coin }}\n")
        load_scenario(root)
    names = entries(fresh_cache)
    assert len(names) == 5
    newest = max(names, key=lambda p: p.stat().st_mtime)
    litter = fresh_cache / ".abc.1.2.tmp"
    litter.write_bytes(b"half an entry")
    os.utime(litter, (1, 1))
    with cache.Store.open() as store:   # type: ignore[union-attr]
        store.evict(keep=2)
    assert len(entries(fresh_cache)) == 2 and newest.exists() and not litter.exists()
    with cache.Store.open() as store:   # type: ignore[union-attr]
        store.evict(room=newest.stat().st_size)
    assert entries(fresh_cache) == [newest]
    # the one used last is the one kept: a hit counts as a use
    (root / "more.yaml").write_text("items:\n  coin0: { name: A coin }\n")
    load_scenario(root)
    with cache.Store.open() as store:   # type: ignore[union-attr]
        store.evict(keep=1)
    assert entries(fresh_cache) != [newest] and len(entries(fresh_cache)) == 1


CONCURRENT = """
import sys
from winterpalace.scenario import load_scenario
w = load_scenario(sys.argv[1])
print(len(w.scenes))
"""


def test_writers_at_once_leave_one_good_entry(fresh_cache: Path) -> None:
    root = default_scenario_dir()
    env = {**os.environ, "WINTERPALACE_CACHE": str(fresh_cache)}
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, str(root)], env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(4)]
    counts = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs) and len(counts) == 1
    assert len(entries(fresh_cache)) == 1
    assert not list(fresh_cache.glob(".*.tmp"))
    with cache.Store.open() as store:   # type: ignore[union-attr]
        assert store.get(entries(fresh_cache)[0].stem) is not None


def test_an_unwritable_cache_only_costs_time(write_scenario, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_scenario()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("WINTERPALACE_CACHE", str(blocker / "cache"))
    assert load_scenario(root).scenes["a"].title == "A"


def test_the_payload_names_only_records_and_the_compilers() -> None:
    """Every global a stored World names is one the restricted reader gives: the model's
    records, a date, and the cache's expression compilers."""
    named: list[tuple[str, str]] = []

    class Recording(cache._Unpickler):
        def find_class(self, module: str, name: str) -> object:
            named.append((module, name))
            return super().find_class(module, name)

    world = load_scenario(default_scenario_dir(), use_cache=False)
    assert isinstance(Recording(io.BytesIO(cache.dumps("k", world))).world("k"), World)
    assert {m for m, _ in named} <= {"winterpalace.engine.model", "winterpalace.engine.clock",
                                     "winterpalace.scenario.lint", "winterpalace.scenario.cache",
                                     "datetime"}
    assert ("winterpalace.scenario.cache", "condition") in named
