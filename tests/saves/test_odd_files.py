"""Odd files in the saves folder: listed as damaged, never read whole, never waited on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from winterpalace.menus import Flow
from winterpalace.saves import SaveError, SaveStore
from winterpalace.saves.files import bracket_depth_problem, clean_stale

from .conftest import EXAMPLE, played, snapshot
from .damage import CASES


@pytest.fixture
def alarm():
    """Fail instead of hanging: a FIFO or a device must never be waited on."""
    def timeout(signum, frame):
        raise TimeoutError("waited on a file in the saves folder")
    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture
def odd_folder(world, store):
    """A saves folder with one valid unfinished night and every odd case beside it."""
    s = played(world, store)
    valid = store.path("autosave-officer").read_bytes()
    for case, make in CASES.items():
        if case not in SLOW:
            make(store.folder, valid)
    return s


SLOW = {"brackets-16m"}      # read in its own test: a second each time it is read


def test_every_odd_file_is_listed_as_damaged_and_left_alone(world, store, odd_folder, alarm):
    before = snapshot(store.folder)
    started = time.monotonic()
    infos = {i.slot: i for i in SaveStore(world, store.root).saves()}
    assert time.monotonic() - started < 10
    assert infos["autosave-officer"].problem is None
    for case in set(CASES) - SLOW:
        slot = "Odd Name" if case == "odd-name" else case
        assert infos[slot].problem, case
    assert "not a regular file" in infos["fifo"].problem
    assert "not a regular file" in infos["dev-zero"].problem
    assert "larger than 16 MB" in infos["huge"].problem
    assert "nested more than 16 deep" in infos["brackets-2k"].problem
    assert "points nowhere" in infos["dangling"].problem
    assert "loop of links" in infos["loop"].problem
    assert "not a save name" in infos["Odd Name"].problem
    assert snapshot(store.folder) == before


@pytest.mark.parametrize("case", sorted(set(CASES) - {"odd-name"}))
def test_loading_an_odd_file_is_refused_and_changes_nothing(world, store, alarm, case):
    s = played(world, store)
    CASES[case](store.folder, store.path("autosave-officer").read_bytes())
    before = snapshot(store.folder)
    with pytest.raises(SaveError) as refused:
        store.load(case)
    assert "Traceback" not in str(refused.value)
    # Saving over it is refused too: a damaged file is never overwritten.
    with pytest.raises(SaveError):
        store.save(case, s.game)
    assert snapshot(store.folder) == before


def test_title_continue_and_saves_work_beside_odd_files(world, store, odd_folder, alarm):
    flow = Flow(world, store=SaveStore(world, store.root), seed=1, confirm=False)
    title = flow.start()[0]
    assert [n.slot for n in title.unfinished] == ["autosave-officer"]
    out = flow.handle("saves")
    lines = out[0].lines
    assert any(line.startswith("Cannot be loaded:") for line in lines)
    assert sum(1 for line in lines if line.startswith("  ")) == len(CASES) - len(SLOW) + 1
    resumed = Flow(world, store=SaveStore(world, store.root), confirm=False).start(resume=True)
    assert "Welcome back: autosave-officer" in resumed[0].text


def test_the_real_command_continues_beside_odd_files(world, store, odd_folder, tmp_path):
    env = {**os.environ, "WINTERPALACE_SAVES": str(store.root)}
    done = subprocess.run([sys.executable, "-m", "winterpalace", "play", "--scenes",
                           str(EXAMPLE), "--continue"], input=b"saves\n", env=env,
                          capture_output=True, timeout=60)
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert "Welcome back: autosave-officer: The officer, 18:12" in out
    assert "fifo" in out and "Cannot be loaded:" in out
    assert b"Traceback" not in done.stderr and done.stderr == b""


def test_json_depth_is_bounded_without_recursion():
    assert bracket_depth_problem(b'{"a": [1, {"b": "[[[[[[[[[["}]}', 3) is None
    assert bracket_depth_problem(b"[[[[]]]]", 3) == "nested more than 3 deep"
    assert bracket_depth_problem(b"[[[", 3) == "not valid JSON"
    assert bracket_depth_problem(b"[[[[", 3) == "nested more than 3 deep"
    assert bracket_depth_problem(b"]][[", 3) == "not valid JSON"


def test_stale_temporary_files_are_tidied_but_a_live_writer_keeps_its_own(store, tmp_path):
    import fcntl
    store.folder.mkdir(parents=True)
    dead = store.folder / ".autosave-officer.abc123.tmp"
    dead.write_bytes(b"half a save")
    live = store.folder / ".autosave-sailor.def456.tmp"
    live.write_bytes(b"being written")
    other = store.folder / ".notes.tmp"
    os.mkfifo(other)                       # not a regular file: left alone
    with open(live, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert clean_stale(store.folder) == 1
        assert not dead.exists() and live.exists() and other.exists()
    assert clean_stale(store.folder) == 1
    assert not live.exists()
