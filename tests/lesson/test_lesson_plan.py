"""docs/lesson.md's 45-minute plan, run as written: its console commands in order, on the
shipped night, with six simulated students who play their sheets between the commands."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from winterpalace.classroom.console import FacilitatorConsole
from winterpalace.classroom.names import name_key
from winterpalace.classroom.player import ClassroomSession
from winterpalace.classroom.server import Classroom
from winterpalace.ui import plain

from .conftest import MARTOV_INDEX, ROOT

PLAN = ROOT / "docs" / "lesson.md"
# name, role, faction, how they vote on Martov's motion
CLASS = [("Anna", "delegate", "Bolshevik", "against"), ("Boris", "delegate", "Left SR", "against"),
         ("Lena", "delegate", "Menshevik", "for"), ("Misha", "sailor", None, None),
         ("Pavel", "sailor", None, None), ("Olga", "sinegub", None, None)]


def plan_commands() -> list[str]:
    """The console commands of the plan's table, in order (the server's own start and the
    `...` examples left out)."""
    text = PLAN.read_text("utf-8")
    table = text[text.index("| minutes | what |"):]
    table = table[:table.index("\n\n")]
    out = []
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        for cmd in re.findall(r"`([^`]+)`", cells[2]):
            if cmd.startswith(("winterpalace", "--", "assign")):
                continue
            if "sooner" in cells[2] and cmd == "caucus end":
                continue                      # an alternative, not a step
            if cmd == "debrief" and "or `debrief` first" in cells[2]:
                continue
            out.append(cmd)
    return out


def test_the_plan_is_what_the_test_runs() -> None:
    assert plan_commands() == [
        "who", "lock", "start 18:00", "caucus 4", "advance 21:00", "advance 22:40",
        "advance 23:00", "votes", "vote close martov", "advance 00:00", "votes", "advance 02:00",
        "advance 03:00", "end"]


def _play(room, seats: dict[str, ClassroomSession], vote: dict[str, str | None]) -> None:
    """Each student plays until the clock holds them: a delegate at Martov's motion votes as
    their sheet says; otherwise they take the first way on (or wait)."""
    for name, s in seats.items():
        p = room.player(name)
        for _ in range(12):
            if p.ps is None or p.ps.ending is not None or room.may_act(p):
                break
            v = room.view(name)
            if v.scene == "delegate_martov_motion" and vote[name] and \
                    room.votes.here(p.key, p.ps) is not None:
                line = str(MARTOV_INDEX[vote[name]] + 1)
            else:
                ways = [c for c in v.choices if c.enabled]
                line = str(ways[0].number) if ways else "wait"
            before = (p.ps.scene, p.ps.time)
            s.handle(line)
            if (p.ps.scene, p.ps.time) == before:
                break                         # waiting for the clock


def test_the_45_minute_lesson_from_start_to_debrief(world, tmp_path: Path) -> None:
    async def main() -> None:
        hub = Classroom.create(world, tmp_path, "otter-lamp-meadow-42")
        hub.minute = 0.01                     # a caucus minute lasts 10 ms here
        hub.start_background()
        out: list[str] = []

        class Sink:
            def write(self, s: str) -> None:
                out.extend(s.splitlines())

            def flush(self) -> None:
                pass

        con = FacilitatorConsole(hub, "ssh", out=Sink())  # type: ignore[arg-type]
        hub.on_log = con.on_log
        room = hub.room
        # 0-8 minutes: roles held for the students, who join with their faction.
        for name, role, faction, _ in CLASS:
            await con.execute(f"assign {name} {role}" + (f" {faction}" if faction else ""))
        for n, (name, role, _, _) in enumerate(CLASS):
            assert room.join(name, role, 100 + n, room.assigned[name_key(name)][1]).ok
        seats = {name: ClassroomSession.seat(room, name) for name, *_ in CLASS}
        seen: dict[str, list[str]] = {name: [] for name, *_ in CLASS}

        class Screen:                        # what each student's connection is handed
            def __init__(self, name: str) -> None:
                self.name = name

            def deliver(self, outs: list) -> None:
                for o in outs:
                    seen[self.name] += plain.output_lines(o, 200)

            kick = deliver

        for name in seen:
            hub.attach(name, Screen(name))
        vote = {name: v for name, _, _, v in CLASS}
        T = world.clock.parse_time

        for cmd in plan_commands():
            await con.execute(cmd)
            if cmd == "start 18:00":
                # Everyone is at six in the evening, in the night of their role; the
                # delegates registered with the faction they gave, told so.
                for name, _role, faction, _ in CLASS:
                    p = room.player(name)
                    assert p.ps is not None and p.ps.time == T("18:00"), name
                    assert room.faction_of(p) == faction
                    if faction:
                        assert p.ps.vars["delegate_faction"] == faction
                        assert world.scenes[p.ps.scene].place.startswith("smolny") or \
                            world.places[world.scenes[p.ps.scene].place].area == "smolny"
                sailors = [room.player(n) for n in ("Misha", "Pavel")]
                assert all(world.places[room.place_of(p)].area != "fleet" for p in sailors)
                await hub.commit()
                told = " ".join(seen["Anna"])
                assert "you are entered as Bolshevik, as you said when you joined" in told
                assert "your story was carried to 18:00" in " ".join(seen["Misha"])
            if cmd == "caucus 4":
                assert room.caucus_minutes == 4
                assert room.say("Anna", "We vote against Martov").ok
                await hub.commit()
                while room.caucus_minutes:            # it ends by itself
                    await asyncio.sleep(0.01)
            if cmd.startswith("advance"):
                to = T(cmd.split()[1])
                for name, *_ in CLASS:
                    p = room.player(name)
                    assert p.ps.time >= to or p.ps.ending is not None, (name, cmd)
            if cmd == "advance 23:00":
                for name, role, *_ in CLASS:
                    if role == "delegate":
                        assert room.view(name).scene == "delegate_martov_motion"
            _play(room, seats, vote)
            await hub.commit()
            if cmd == "votes":
                assert any("martov" in line and "counted" in line for line in out), out[-5:]

        # The class's count, with its factions' 1917 seats: the Bolsheviks and Left SRs
        # against, the Mensheviks for, the rest as in 1917.
        # The walkout is the class's too: at midnight every delegate is at Erlich's news, and
        # their choices there are the ballots.
        walkout = room.votes.counted["walkout"]
        assert {b.name for b in walkout.ballots} == {"Anna", "Boris", "Lena"}
        t = room.votes.counted["martov"]
        assert {b.name: b.option for b in t.ballots} == {"Anna": "against", "Boris": "against",
                                                         "Lena": "for"}
        assert room.ws.flags["martov_motion"] == "defeated"
        assert t.seats_of("against") == 300 + 98
        assert room.ended
        assert any("Debrief written:" in line for line in out)
        html = (hub.folder / "debrief.html").read_text("utf-8")
        svg = html[html.index("<svg"):html.index("</svg>")]
        # The timeline starts when the class's night did: no bar before 18:00.
        assert re.findall(r'<g class="track" data-student="([^"]+)"', svg) == sorted(
            n for n, *_ in CLASS)
        for track in re.findall(r'<g class="track".*?</g>', svg, re.DOTALL):
            first = re.search(r"<title>[^:<]+: (\d\d:\d\d)-", track)
            assert first and first.group(1) == "18:00", track[:200]
        md = (hub.folder / "transcripts" / "misha.md").read_text("utf-8")
        assert "the class clock moved on" in md and re.search(r"\| \d\d:\d\d-\d\d:\d\d \|", md)
        await hub.close()

    asyncio.run(main())
