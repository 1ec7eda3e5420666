"""The room on its own: pure, fast, no network."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from winterpalace.classroom.codes import new_check
from winterpalace.classroom.console import FacilitatorConsole
from winterpalace.classroom.journal import Journal, JournalError, read_journal, repair_tail
from winterpalace.classroom.names import name_key
from winterpalace.classroom.player import ClassroomSession
from winterpalace.classroom.room import Room, RoomError, clean_name
from winterpalace.classroom.server import Classroom
from winterpalace.engine.model import World
from winterpalace.errors import LocatedError
from winterpalace.scenario import load_scenario
from winterpalace.session import Info, Notice, Screen
from winterpalace.ui import plain

SCENARIO = Path(__file__).parent / "scenario"


@pytest.fixture(scope="module")
def world() -> World:
    return load_scenario(SCENARIO)


def t(world: World, hhmm: str) -> int:
    v = world.clock.parse_time(hhmm)
    assert v is not None
    return v


def texts(room: Room, key: str) -> str:
    """Everything delivered to one player so far, as plain text; empties the outbox."""
    mine = [o for k, o in room.outbox if k == name_key(key)]
    room.outbox = [(k, o) for k, o in room.outbox if k != name_key(key)]
    return "\n".join(line for o in mine for line in plain.output_lines(o, 200))


def opened(world: World) -> Room:
    room = Room(world, "code-1")
    assert room.join("Anna", "officer", 1).ok
    assert room.join("Misha", "sailor", 2).ok
    return room


def test_names_are_first_names_or_nicknames_only() -> None:
    assert clean_name("  Anna ") == "Anna"
    assert clean_name("Sailor-2") == "Sailor-2"
    assert clean_name("Мария") == "Мария"
    for bad in ("[bold]x[/]", "a@b.org", "x" * 21, "", "1234", "a\x1b[31m", "<b>"):
        assert clean_name(bad) is None, bad


def test_a_late_role_waits_for_the_class_clock_then_begins(world: World) -> None:
    room = opened(world)
    assert room.player("misha").ps is None                      # type: ignore[union-attr]
    assert "begins at 20:00" in texts(room, "misha")
    assert room.start().ok
    s = ClassroomSession.seat(room, "Misha")
    out = s.handle("look")
    assert "begins at 20:00" in out[0].text                     # type: ignore[union-attr]
    assert room.advance(t(world, "20:00")).ok
    assert "PALACE SQUARE" in texts(room, "misha")
    anna = room.player("anna")
    assert anna is not None and anna.ps is not None and anna.ps.time == t(world, "20:00")


def test_actions_wait_for_the_shared_clock(world: World) -> None:
    room = opened(world)
    anna = ClassroomSession.seat(room, "Anna")
    before = anna.handle("1")
    assert "not started" in before[0].text                      # type: ignore[union-attr]
    room.start()
    anna.handle("2")                                            # 10 minutes: fine (18:10)
    out = anna.handle("2")                                      # back down: 18:20
    assert isinstance(out[-1], Screen)
    anna.handle("2")                                            # 18:30 is the limit
    out = anna.handle("2")                                      # 18:40 would pass it
    assert isinstance(out[0], Notice) and out[0].text.startswith("Waiting for the clock")
    assert "18:30" in out[0].text
    room.advance(t(world, "19:00"))
    assert isinstance(anna.handle("2")[-1], Screen)


def test_crossing_point_reaches_the_other_player_and_events_reach_all(world: World) -> None:
    room = opened(world)
    room.start()
    room.advance(t(world, "20:00"))
    room.outbox.clear()
    misha = ClassroomSession.seat(room, "Misha")
    out = misha.handle("cut")
    assert "The wires part" in "\n".join(plain.output_lines(out[0]))
    anna_sees = texts(room, "anna")
    assert "Something has changed" in anna_sees and "gone dead" in anna_sees
    room.advance(t(world, "22:00"))
    assert "A single great boom" in texts(room, "anna")
    assert "A flash on the river" in texts(room, "misha")
    assert [e for e, _ in room.ws.fired] == ["aurora"]


def test_say_is_heard_only_here_and_mute_freeze_remove(world: World) -> None:
    room = opened(world)
    room.join("Olga", "officer", 3)
    room.start()
    room.outbox.clear()
    anna = ClassroomSession.seat(room, "Anna")
    assert isinstance(anna.handle("who")[0], Info)
    anna.handle("say [bold]hold[/] the door")
    assert '"[bold]hold[/] the door"' in texts(room, "olga")   # escaped by rendering, kept
    assert texts(room, "misha") == ""                          # not in the guardroom
    assert any("Anna @" in ln.text for ln in room.log)
    room.set_flag("anna", "mute", True)
    out = anna.handle("say again")
    assert "muted" in out[0].text                               # type: ignore[union-attr]
    assert "again" not in texts(room, "olga")
    room.set_flag("anna", "freeze", True)
    assert "paused you" in anna.handle("1")[0].text             # type: ignore[union-attr]
    anna.handle("pause I feel unwell")
    assert room.alerts == [("Anna", "I feel unwell")]
    assert room.set_flag("anna", "remove", True).ok
    assert not room.connect("Anna").ok
    room.set_locked(True)
    assert not room.join("Boris", "officer", 4).ok
    room.disconnect("Olga")
    assert room.connect("olga").ok                              # rejoining still works


def test_caps_and_assigned_roles(world: World) -> None:
    room = Room(world, "c0de")
    room.cap("sailor", 1)
    assert room.join("A", "sailor", 1).ok
    assert not room.join("B", "sailor", 1).ok
    room.assign("Kolya", "officer")
    assert not room.join("Kolya", "sailor", 1).ok
    assert room.join("Kolya", "officer", 1).ok
    assert room.offer_handle("sailor") == "Sailor-1"


def test_replay_rebuilds_the_night_and_catches_a_journal_that_parts_ways(world: World) -> None:
    room = opened(world)
    room.start()
    room.advance(t(world, "20:00"))
    ClassroomSession.seat(room, "Misha").handle("cut")
    ClassroomSession.seat(room, "Anna").handle("1")
    room.say("Anna", "hello")
    room.advance(t(world, "22:00"))
    records = [room.opening_record(), *room.records]
    again = Room.replay(world, json.loads(json.dumps(records)))
    assert again.snapshot() == room.snapshot()
    choose = next(r for r in records if r["t"] == "choose")
    choose["after"] = ["square", 1, 1]
    with pytest.raises(RoomError, match="does not replay"):
        Room.replay(world, records)
    other = dict(records[0], scenario="another-night")
    with pytest.raises(RoomError, match="another-night"):
        Room.replay(world, [other])


def test_every_kind_of_record_the_room_journals_replays(world: World) -> None:
    # (The class votes' and caucus breaks' records replay in tests/lesson: they need factions.)
    room = opened(world)
    room.assign("Kolya", "officer")
    room.cap("sailor", 3)
    room.set_pin("Anna", "salt:hash")
    room.set_window(40)
    room.set_pace(5)
    room.start(t(world, "18:30"))
    room.set_paused(True)
    room.set_paused(False)
    room.advance(t(world, "20:00"))
    assert not room.choose("Misha", 1).refused
    assert not room.wait("Misha", 10).refused
    room.set_locked(True)
    room.set_code(new_check("new-code-22"))
    for what in ("mute", "freeze", "remove"):
        assert room.set_flag("Misha", what, True).ok
    room.note_door(12, ["192.0.2.7"])
    room.disconnect("Anna")
    room.connect("Anna")
    room.restart()
    room.end()
    kinds = {r["t"] for r in room.records}
    assert kinds == {"join", "connect", "disconnect", "restart", "pin", "choose", "wait",
                     "start", "pause", "resume", "advance", "window", "pace", "lock", "code",
                     "mute", "freeze", "remove", "cap", "assign", "end", "door"}
    records = json.loads(json.dumps([room.opening_record(), *room.records]))
    assert Room.replay(world, records).snapshot() == room.snapshot()


def test_journal_is_written_in_order_and_survives_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"

    async def write() -> None:
        j = Journal(path)
        j.write_now({"t": "open"})
        await asyncio.gather(*(j.append({"t": "say", "n": i}) for i in range(200)))
        j.close()

    asyncio.run(write())
    recs = read_journal(path)
    assert [r.get("n") for r in recs[1:]] == list(range(200))
    with open(path, "ab") as f:
        f.write(b'{"t": "say", "n": 2')                        # a crash mid-write
    assert len(read_journal(path)) == 201
    repair_tail(path)
    assert path.read_bytes().endswith(b"}\n")
    path.write_bytes(path.read_bytes() + b"oops\n{}\n")
    with pytest.raises(JournalError, match=r"journal.jsonl:202: not a journal line") as info:
        read_journal(path)
    # A located error: a front end may show the place its own way, or jump there.
    assert isinstance(info.value, LocatedError)
    assert (info.value.file, info.value.line) == (str(path), 202)
    assert info.value.where() == f"{path}:202" and info.value.message.startswith("not a")
    path.write_bytes(path.read_bytes().replace(b"oops\n", b""))
    with pytest.raises(JournalError, match=r"journal.jsonl:202: not a journal record$"):
        read_journal(path)


def test_facilitator_commands(world: World, tmp_path: Path) -> None:
    hub = Classroom.create(world, tmp_path, "code-1")
    room = hub.room
    assert room.join("Anna", "officer", 1).ok and room.join("Misha", "sailor", 2).ok
    con = FacilitatorConsole(hub, "ssh -p 2222 <your name>@host")
    assert con.command("start") == ["Started."]
    assert con.command("advance 19:00") == [""]
    assert room.now == t(world, "19:00")
    assert con.command("advance +30") == [""] and room.now == t(world, "19:30")
    # `+` takes the engine's one duration grammar (a bare number is minutes):
    assert con.command("ADVANCE +1h5m") == [""] and room.now == t(world, "20:35")
    assert con.command("clock + 10 min") == [""] and room.now == t(world, "20:45")
    for bad in ("advance +", "advance +soon", "advance +-5", "advance +0.5h"):
        assert "advance +30" in con.command(bad)[0] and room.now == t(world, "20:45")
    assert con.command("advance 18:00")[0].startswith("Not done")
    assert "advance 22:00" in con.command("advance soon")[0]
    assert con.command("pace 10") == [""] and room.pace == 10
    assert con.command("window 15") == [""] and room.limit == t(world, "21:00")
    con.command("freeze misha")
    assert room.player("misha").frozen                          # type: ignore[union-attr]
    assert con.command("mute nobody")[0].startswith("Not done")
    out = con.command("code tsar-17")
    assert hub.code == "tsar-17" and room.code.matches("TSAR 17")
    assert any("short enough to be guessed" in line for line in out)
    assert con.command("code")[0] == "" and hub.code != "tsar-17"
    assert len(hub.code.split("-")) == 4                         # three words and a number
    assert "Misha" in con.command("who")[0]
    assert "Unknown command" in con.command("dance")[0]
    assert "Did you mean" not in con.command("xyzzy")[0]
    before = room.now
    assert "Did you mean `advance`?" in con.command("advnce +10")[0] and room.now == before
    helped = "\n".join(con.command("help"))
    for usage in ("advance HH:MM", "admit NAME", "assign NAME ROLE [FACTION]", "caucus N"):
        assert usage in helped
    assert con.command("admit Anna")[0].startswith("Not done: nobody called")
    con.command("end")
    assert room.ended
    hub.close_now()


def test_status_counts_only_students_in_the_class(world: World, tmp_path: Path) -> None:
    hub = Classroom.create(world, tmp_path, "code-1")
    room = hub.room
    for n, name in enumerate(("Anna", "Boris", "Olga")):
        room.join(name, "officer", n)
    room.set_flag("boris", "remove", True)
    room.disconnect("olga")
    con = FacilitatorConsole(hub, "ssh")
    assert "1 of 2 students connected" in con.status_lines()[2]
    assert "`start`" in con.next_step()
    room.start()
    assert "running at 18:00" in con.next_step() and "`start`" not in con.next_step()
    hub.close_now()


def test_the_journal_keeps_only_what_resuming_and_the_debrief_need(world: World,
                                                                    tmp_path: Path) -> None:
    async def main() -> Path:
        hub = Classroom.create(world, tmp_path, "lamp-lamp-river-11")
        hub.start_background()
        room = hub.room
        room.join("Anna", "officer", 1, pin="salt:hash")
        room.start()
        anna = ClassroomSession.seat(room, "Anna")
        anna.handle("say my phone number is 555 0101")
        anna.handle("alert this scene upsets me")
        anna.handle("pause I need a break")                 # words after pause: an alert too
        room.broadcast("five minutes")
        anna.handle("1")
        await hub.commit()
        await hub.close()
        assert [n for n, _ in room.alerts] == ["Anna", "Anna"]   # the teacher saw them
        return hub.folder

    folder = asyncio.run(main())
    raw = (folder / "journal.jsonl").read_text("utf-8")
    for private in ("555 0101", "upsets", "break", "five minutes", "lamp-lamp-river-11"):
        assert private not in raw, private
    records = read_journal(folder / "journal.jsonl")
    assert all(isinstance(r.get("at"), int) for r in records), records  # seconds, not ms
    assert {r["t"] for r in records} == {"open", "join", "start", "choose"}


def test_pause_is_the_teachers_and_alert_the_students(world: World) -> None:
    room = opened(world)
    room.start()
    anna = ClassroomSession.seat(room, "Anna")
    out = anna.handle("pause")
    assert "Only your teacher can pause the night" in out[0].text   # type: ignore[union-attr]
    assert not room.alerts
    assert "alert [TEXT]" in "\n".join(anna.command_help())
    anna.handle("alert")
    assert room.alerts == [("Anna", "")]
    assert any(ln.text == "ALERT from Anna" for ln in room.log)


def test_a_student_is_introduced_in_a_sentence(world: World) -> None:
    from winterpalace.scenario import load_scenario as load
    ship = load(Path(__file__).resolve().parents[2] / "scenes")
    room = Room(ship, "c0de-c0de")
    room.join("Anna", "delegate", 1, "Left SR")
    room.join("Olga", "sinegub", 2)
    assert room.introduce(room.player("anna")) == "You are Anna, a delegate (Left SR)"  # type: ignore[arg-type]
    assert room.introduce(room.player("olga")) == "You are Olga, Lieutenant Sinegub"  # type: ignore[arg-type]


def test_late_joiners_and_a_late_start_meet_the_class_where_it_is(world: World) -> None:
    from winterpalace.scenario import load_scenario as load
    ship = load(Path(__file__).resolve().parents[2] / "scenes")
    T = ship.clock.parse_time
    room = Room(ship, "c0de-c0de")
    room.join("Ivan", "delegate", 1)                # no faction given: one is chosen for him
    assert room.start(T("21:00")).ok
    room.join("Late", "sailor", 2)
    room.advance(T("03:00"))
    room.join("Later", "delegate", 3, "Bund")
    for name in ("ivan", "late", "later"):
        p = room.player(name)
        assert p is not None and p.ps is not None
        assert p.ps.time == T("03:00") or p.ps.ending is not None, name
    later = room.player("later")
    assert later.ps.vars["delegate_faction"] == "Bund"          # type: ignore[union-attr]
    ivan = room.player("ivan")
    assert ivan.ps.vars["delegate_faction"] in ship.lesson.factions   # type: ignore
    # A sailor joining at 03:00 is not left in the morning's first scene.
    late = room.player("late")
    assert late.ps.scene != "sailor_start" and late.auto        # type: ignore[union-attr]
    again = Room.replay(ship, [room.opening_record(), *room.records])
    assert again.snapshot() == room.snapshot()


def test_every_command_a_student_is_offered_works_in_a_shared_night(world: World) -> None:
    """Help, hints and completion come from ClassroomSession.COMMANDS: each command in it
    (with and without words after it) must do something in a class, not answer that it cannot
    (no saves folder, nothing kept). The single-player habits are answered, never offered."""
    room = opened(world)
    room.start()
    anna = ClassroomSession.seat(room, "Anna")
    cannot = ("not available here", "nothing is kept here", "no saves folder",
              "don't understand")
    offered = anna.command_words()
    for command in ClassroomSession.COMMANDS:
        for line in (command.word, f"{command.word} 10"):
            said = " ".join(ln for o in anna.handle(line) for ln in plain.output_lines(o, 200))
            assert not any(c in said.lower() for c in cannot), (line, said)
    help_text = " ".join(ln for o in anna.handle("help") for ln in plain.output_lines(o, 200))
    for word in ("undo", "save", "load", "saves", "delete", "endings", "restore"):
        assert word not in offered
        assert f"\n{word}" not in help_text and not help_text.startswith(word)
        said = anna.handle(word)
        assert "nothing to save, load or take back" in said[0].text, word  # type: ignore[union-attr]
    hint = " ".join(ln for o in anna.handle("xyzzy") for ln in plain.output_lines(o, 200))
    assert "or a command:" in hint and "endings" not in hint and "delete" not in hint
