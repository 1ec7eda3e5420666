"""The lesson in the live classroom: the room's settings kept across a restart, caucus breaks
that end by themselves, the console's vote and debrief commands, and `winterpalace classroom
purge|debrief`."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from winterpalace import cli
from winterpalace.classroom.console import FacilitatorConsole
from winterpalace.classroom.journal import read_journal
from winterpalace.classroom.server import Classroom
from winterpalace.engine.model import World
from winterpalace.scenario import load_scenario

LESSON = Path(__file__).parent / "lesson_scenario"


@pytest.fixture(scope="module")
def world() -> World:
    return load_scenario(LESSON)


class Sink:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, s: str) -> None:
        self.lines.extend(s.splitlines())

    def flush(self) -> None:
        pass

    def text(self) -> str:
        return "\n".join(self.lines)


def _console(hub: Classroom) -> tuple[FacilitatorConsole, Sink]:
    sink = Sink()
    con = FacilitatorConsole(hub, "ssh", out=sink)  # type: ignore[arg-type]
    hub.on_log = con.on_log
    return con, sink


def test_the_server_runs_a_lesson_and_a_restart_keeps_its_settings(world, tmp_path):
    hub = Classroom.create(world, tmp_path, "lamp-11", ballot="secret", gentle=True)
    assert hub.room.ballot_mode == "secret" and hub.room.gentle
    hub.close_now()
    records = read_journal(hub.folder / "journal.jsonl")
    assert [r["t"] for r in records] == ["open"]       # on disk before anyone can join
    assert records[0]["ballot"] == "secret" and records[0]["gentle"] is True
    again = Classroom.resume(world, tmp_path)
    assert again.room.ballot_mode == "secret" and again.room.gentle
    assert set(again.room.votes.votes) == {"walkout"}
    assert again.code is None and again.room.code.matches("lamp-11")
    again.close_now()


def test_a_bad_ballot_setting_is_refused_cleanly(world, tmp_path):
    from winterpalace.classroom.class_folder import ClassFolderError
    with pytest.raises(ClassFolderError, match="open.*secret"):
        Classroom.create(world, tmp_path, "lamp-11", ballot="shouted")


def test_a_caucus_break_ends_by_itself_and_the_clock_runs_again(world, tmp_path):
    async def main() -> None:
        hub = Classroom.create(world, tmp_path, "lamp-11")
        hub.minute = 0.05                   # a caucus minute lasts 50 ms here
        hub.start_background()
        con, sink = _console(hub)
        room = hub.room
        room.join("anna", "delegate", 1)
        await con.execute("start")
        await con.execute("caucus 2")
        assert room.caucus_minutes == 2 and room.halted
        assert "Caucus break for 2 minutes" in sink.text()
        assert room.choose("anna", 0).refused is not None     # nobody acts in a caucus
        await con.execute("caucus 3")
        assert "already running" in sink.text()
        deadline = time.monotonic() + 5
        while room.caucus_minutes and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert not room.caucus_minutes and not room.halted
        await asyncio.sleep(0.05)
        assert "Caucus break over" in sink.text()
        assert room.choose("anna", 0).refused is None
        # Ended early by the teacher: the timer does not end a later break too soon.
        await con.execute("caucus 4")
        await con.execute("caucus end")
        assert not room.caucus_minutes
        await con.execute("caucus 60")
        await asyncio.sleep(0.3)            # the 4-minute timer (0.2 s) would have fired
        assert room.caucus_minutes == 60
        await con.execute("caucus soon")
        assert "Use `caucus 5`" in sink.text()
        await hub.close()
        kinds = [r["t"] for r in read_journal(hub.folder / "journal.jsonl")]
        assert kinds.count("caucus") == 3 and kinds.count("caucus_end") == 2

    asyncio.run(main())


def test_a_caucus_running_at_a_crash_still_ends_after_a_restart(world, tmp_path):
    async def first() -> Path:
        hub = Classroom.create(world, tmp_path, "lamp-11")
        hub.start_background()
        con, _ = _console(hub)
        await con.execute("start")
        await con.execute("caucus 1")       # a real minute: the server stops long before
        await hub.close()
        return hub.folder

    folder = asyncio.run(first())

    async def second() -> None:
        hub = Classroom.resume(world, tmp_path, folder)
        hub.minute = 0.05                   # now a minute is short: it is long over
        assert hub.room.caucus_minutes == 1  # type: ignore[attr-defined]
        hub.start_background()
        _console(hub)
        deadline = time.monotonic() + 5
        while hub.room.caucus_minutes and time.monotonic() < deadline:  # type: ignore
            await asyncio.sleep(0.01)
        assert not hub.room.halted
        await asyncio.sleep(0.05)
        await hub.close()
        assert read_journal(folder / "journal.jsonl")[-1]["t"] == "caucus_end"

    asyncio.run(second())


def _to_vote(hub: Classroom, name: str, bench: int) -> None:
    room = hub.room
    assert room.join(name, "delegate", 1).ok
    if not room.started:
        room.start()
    assert room.choose(name, bench).refused is None


def test_votes_vote_close_and_the_debrief_from_the_console(world, tmp_path):
    async def main() -> None:
        hub = Classroom.create(world, tmp_path, "lamp-11")
        hub.start_background()
        con, sink = _console(hub)
        room = hub.room
        help_text = "\n".join(con.command("help"))
        for cmd in ("caucus N", "votes", "vote close ID", "debrief"):
            assert cmd in help_text
        _to_vote(hub, "anna", 0)
        _to_vote(hub, "boris", 1)
        assert room.join("olga", "officer", 1).ok
        assert room.choose("anna", 1).refused is None          # anna stays; boris has not voted
        await hub.commit()
        await con.execute("votes")
        assert "walkout: open until 22:30; 1 ballot cast, 1 delegate still to vote" \
            in sink.text()
        await con.execute("vote close nonsense")
        assert "Not done: no vote 'nonsense'" in sink.text()
        await con.execute("vote close walkout")
        # boris never voted: the Mensheviks' seats walk out as in 1917.
        assert "Vote walkout counted" in sink.text()
        assert room.ws.flags["walkout"] == "left" and room.ws.flags["walkout_seats"] == 80
        await con.execute("debrief")
        assert "Debrief written:" in sink.text()
        assert "vote walkout" in sink.text()
        html = (hub.folder / "debrief.html").read_text("utf-8")
        assert html.count('<g class="track"') == 3
        first = (hub.folder / "debrief.html").stat().st_mtime_ns
        # `end` writes it again (the final state) before the goodbyes go out.
        await con.execute("end")
        assert room.ended
        assert (hub.folder / "debrief.html").stat().st_mtime_ns >= first
        assert sink.text().count("Debrief written:") == 2
        await hub.close()

    asyncio.run(main())


def test_a_debrief_that_cannot_be_written_is_reported_not_fatal(world, tmp_path):
    async def main() -> None:
        hub = Classroom.create(world, tmp_path, "lamp-11")
        hub.start_background()
        con, sink = _console(hub)
        (hub.folder / "debrief.html.tmp").mkdir()       # the write will fail
        await con.execute("debrief")
        assert "The debrief was not written" in sink.text()
        await con.execute("status")                    # the console carries on
        assert "Class code: lamp-11" in sink.text()
        await hub.close()

    asyncio.run(main())


def test_classroom_purge_and_debrief_subcommands(world, tmp_path, capsys):
    saves = tmp_path / "saves"

    async def session() -> Path:
        hub = Classroom.create(world, saves, "lamp-11")
        hub.start_background()
        _to_vote(hub, "anna", 0)
        await hub.commit()
        await hub.close()
        return hub.folder

    folder = asyncio.run(session())
    assert cli.main(["classroom", "debrief", str(folder), "--scenes", str(LESSON)]) == 0
    out = capsys.readouterr().out
    assert "Debrief: " in out and "anna" in out
    assert "<svg" in (folder / "debrief.html").read_text("utf-8")
    # Options before the action count too; the latest session is the default.
    (folder / "debrief.html").unlink()
    assert cli.main(["classroom", "--saves", str(saves), "--scenes", str(LESSON),
                     "debrief"]) == 0
    assert (folder / "debrief.html").is_file()
    capsys.readouterr()
    old = time.time() - 40 * 86400
    os.utime(folder / "journal.jsonl", (old, old))
    young = saves / "class-20991231-000000"
    young.mkdir()
    (young / "journal.jsonl").write_text('{"t":"open"}\n')
    assert cli.main(["classroom", "purge", "--older-than", "30d", "--saves", str(saves)]) == 0
    assert "Deleted 1 session older than 30d" in capsys.readouterr().out
    assert not folder.exists() and young.exists()
    assert cli.main(["classroom", "purge", "--older-than", "soon", "--saves", str(saves)]) == 2
    assert "not an age" in capsys.readouterr().err
    # A session still runs as before (the action is optional): a bad port is its own error.
    assert cli.main(["classroom", "--port", "0", "--saves", str(saves), "--scenes",
                     str(LESSON)]) == 2
    assert "--port 0" in capsys.readouterr().err
