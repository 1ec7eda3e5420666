"""Session folders: private, expiring, and never deleted (or resumed twice) while running."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from winterpalace import cli
from winterpalace.classroom.class_folder import (
    ClassFolderBusy,
    ClassFolderError,
    ClassFolderLock,
    describe_age,
    parse_age,
    purge,
    running,
)
from winterpalace.classroom.server import Classroom
from winterpalace.scenario import load_scenario

DAY = 86400
SCENARIO = Path(__file__).parent / "scenario"


def _session(saves: Path, name: str, age: float, now: float) -> Path:
    folder = saves / name
    folder.mkdir(parents=True)
    j = folder / "journal.jsonl"
    j.write_text('{"t":"open"}\n')
    (folder / "debrief.html").write_text("<html></html>")
    os.utime(j, (now - age, now - age))
    return folder


def test_purge_removes_only_sessions_older_than_the_limit(tmp_path, capsys):
    now = time.time()
    saves = tmp_path / "saves"
    old = _session(saves, "class-20250101-090000", 45 * DAY, now)
    older = _session(saves, "class-20241101-090000", 400 * DAY, now)
    young = _session(saves, "class-20251101-090000", 3 * DAY, now)
    edge = _session(saves, "class-20251001-090000", 29 * DAY, now)
    (saves / "host_key").write_text("key")
    stranger = saves / "my-notes"
    stranger.mkdir()
    os.utime(stranger, (now - 900 * DAY, now - 900 * DAY))
    gone, busy = purge(saves, 30 * DAY, now, dry_run=True)
    assert {s.folder for s in gone} == {old, older} and busy == []
    assert old.exists()
    assert cli.main(["classroom", "purge", "--older-than", "30d", "--saves", str(saves)]) == 0
    out = capsys.readouterr().out
    assert "Deleted 2 sessions older than 30d" in out and "45 days ago" in out
    assert not old.exists() and not older.exists()
    assert young.exists() and edge.exists() and stranger.exists()
    assert (saves / "host_key").read_text() == "key"
    # The old spelling still works.
    assert cli.main(["lesson", "purge", "--older-than", "1d", "--saves", str(saves)]) == 0


def test_ages_under_a_day_read_as_hours_and_minutes(tmp_path, capsys):
    now = time.time()
    saves = tmp_path / "saves"
    _session(saves, "class-a", 3 * 3600 + 120, now)
    _session(saves, "class-b", 95, now)
    assert cli.main(["classroom", "purge", "--older-than", "1m", "--saves", str(saves),
                     "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "(last written 3 hours ago)" in out and "(last written 1 minute ago)" in out
    assert "0 days" not in out
    assert [describe_age(s) for s in (0, 1, 59, 60, 3599, 7200, DAY, 3 * DAY)] == [
        "0 seconds", "1 second", "59 seconds", "1 minute", "59 minutes", "2 hours", "1 day",
        "3 days"]


def test_purge_refuses_nonsense(tmp_path, capsys):
    for bad in ("30", "thirty days", "0d", "-3d", "0h0m", "1d30", "", "30s"):
        with pytest.raises(ClassFolderError):
            parse_age(bad)
    assert parse_age("2w") == 14 * DAY and parse_age("12h") == 12 * 3600
    # The one duration grammar: every old form, and the longer ones.
    assert parse_age("30d") == 30 * DAY and parse_age("90m") == 90 * 60
    assert parse_age(" 30 D ") == 30 * DAY and parse_age("12H") == 12 * 3600
    assert parse_age("1h30m") == 90 * 60 and parse_age("30 min") == 30 * 60
    assert parse_age("1d12h") == DAY + 12 * 3600 and parse_age("2 weeks") == 14 * DAY
    assert cli.main(["classroom", "purge", "--older-than", "soon", "--saves",
                     str(tmp_path)]) == 2
    assert "not an age" in capsys.readouterr().err
    # A --saves folder that is not there is a command-line mistake too (status 2), and
    # nothing is made.
    assert cli.main(["classroom", "purge", "--older-than", "1d", "--saves",
                     str(tmp_path / "none")]) == 2
    assert "none: no such folder" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()


def test_a_running_session_is_never_purged_nor_resumed_twice(tmp_path, capsys):
    world = load_scenario(SCENARIO)
    saves = tmp_path / "saves"
    hub = Classroom.create(world, saves, "lamp-11")       # holds the lock, like a server
    assert running(hub.folder)
    old = time.time() - 40 * DAY
    os.utime(hub.folder / "journal.jsonl", (old, old))
    assert cli.main(["classroom", "purge", "--older-than", "1m", "--saves", str(saves)]) == 0
    out = capsys.readouterr().out
    assert "Kept " in out and "a classroom server is running it" in out
    assert "Deleted 0 sessions" in out and hub.folder.exists()
    with pytest.raises(ClassFolderError, match="being run by another classroom server"):
        Classroom.resume(world, saves)
    hub.close_now()
    assert not running(hub.folder)
    gone, _ = purge(saves, 60)
    assert [s.folder for s in gone] == [hub.folder] and not hub.folder.exists()


def test_a_killed_server_leaves_no_lock_behind(tmp_path):
    """The lock is the operating system's: kill -9 the holder and the session is free."""
    folder = tmp_path / "class-20250101-090000"
    folder.mkdir()
    (folder / "journal.jsonl").write_text('{"t":"open"}\n')
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from winterpalace.classroom.class_folder import ClassFolderLock; "
         f"lock = ClassFolderLock(Path({str(folder)!r})); lock.acquire(); print('held', flush=True); "
         "time.sleep(60)"], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        assert running(folder)
        with pytest.raises(ClassFolderBusy, match=f"process {holder.pid}"):
            ClassFolderLock(folder).acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    finally:
        holder.kill()
        holder.wait(10)
        if holder.stdout:
            holder.stdout.close()
    assert (folder / "server.lock").exists()      # the file stays; the lock went with it
    assert not running(folder)
    gone, busy = purge(tmp_path, 0.0, now=time.time() + 10)
    assert [s.folder for s in gone] == [folder] and busy == []


def test_session_files_are_private(tmp_path):
    world = load_scenario(SCENARIO)
    saves = tmp_path / "saves"
    hub = Classroom.create(world, saves, "lamp-11")
    hub.close_now()
    for path in (saves, hub.folder):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    assert stat.S_IMODE((hub.folder / "journal.jsonl").stat().st_mode) == 0o600
    journal = (hub.folder / "journal.jsonl").read_text()
    assert "lamp-11" not in journal                # the code is kept only as a salted hash


def test_the_default_folder_is_the_users_data_folder(monkeypatch, tmp_path):
    from winterpalace.classroom.class_folder import default_saves
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    where = default_saves()
    if sys.platform.startswith("linux"):
        assert where == tmp_path / "data" / "winterpalace" / "classroom"
    assert not str(where).startswith(os.getcwd())


@pytest.mark.parametrize("busy", ["ssh", "telnet", "web"])
def test_a_class_that_cannot_listen_leaves_no_folder_to_resume_by_mistake(tmp_path, capsys,
                                                                          busy):
    """A port already taken: the new class never opens, and `--resume` still finds the class
    the teacher meant (not an empty one made by the failed start)."""
    import socket

    world = load_scenario(SCENARIO)
    saves = tmp_path / "saves"
    earlier = Classroom.create(world, saves, "lamp-11")
    earlier.close_now()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        frees = []
        for _ in range(2):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                frees.append(str(s.getsockname()[1]))   # free again once closed
        ports = {"ssh": frees[0], "telnet": frees[1], "web": "off"}
        ports[busy] = str(taken.getsockname()[1])
        code = cli.main(["classroom", "--scenes", str(SCENARIO), "--saves", str(saves),
                         "--host", "127.0.0.1", "--port", ports["ssh"],
                         "--telnet-port", ports["telnet"], "--web", ports["web"],
                         "--code", "ferry-lamp-river-17", "--stdin"])
    assert code == 1, capsys.readouterr()
    assert sorted(p.name for p in saves.iterdir() if p.is_dir()) == [earlier.folder.name]
    resumed = Classroom.resume(world, saves)
    assert resumed.folder == earlier.folder
    resumed.close_now()
