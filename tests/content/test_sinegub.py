"""Lieutenant Sinegub's campaign, played through the real engine and the real CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from winterpalace.engine import rules as eng
from winterpalace.engine.model import World
from winterpalace.engine.state import PlayerState, WorldState
from winterpalace.scenario import default_scenario_dir, load_scenario

ROLE = "sinegub"
ENDINGS = {"sinegub_searchlights", "sinegub_recognised", "sinegub_last_stand",
           "sinegub_fortress", "sinegub_left_early", "sinegub_peoples_palace",
           "sinegub_time_out"}


@pytest.fixture(scope="module")
def world() -> World:
    return load_scenario(default_scenario_dir())


class Player:
    """One Sinegub night driven by choice labels, as a reader of the screen would."""

    def __init__(self, world: World, seed: int = 1, flags: dict | None = None):
        self.world = world
        shared = None
        if flags:
            shared = eng.new_world(world)
            shared = WorldState(shared.time, {**shared.flags, **flags})
        self.ws, self.ps, turn = eng.start(world, ROLE, seed, shared=shared)
        self.narrations = list(turn.narrations)

    @property
    def scene(self) -> str:
        return self.ps.scene

    @property
    def flags(self) -> dict:
        return self.ws.flags

    def view(self):
        return eng.view(self.world, self.ws, self.ps)

    def labels(self) -> list[str]:
        return [c.label for c in self.view().enabled()]

    def choose(self, text: str) -> Player:
        matches = [c for c in self.view().enabled() if text.lower() in c.label.lower()]
        assert len(matches) == 1, (f"{text!r} in {self.scene} at {self.ps.time}: "
                                   f"{self.labels()}")
        self.ws, self.ps, turn = eng.choose(self.world, self.ws, self.ps, matches[0].index)
        assert turn.refused is None, turn.refused
        self.narrations += turn.narrations
        return self

    def wait(self) -> Player:
        self.ws, self.ps, turn = eng.wait(self.world, self.ws, self.ps)
        assert turn.refused is None, turn.refused
        self.narrations += turn.narrations
        return self

    def wait_until(self, scene: str) -> Player:
        """Wait where he stands until an event carries him to `scene`."""
        while self.scene != scene:
            self.wait()
        return self

    def text(self) -> str:
        return " ".join(self.view().text.split())


def clock(world: World, ps: PlayerState) -> str:
    return world.clock.hhmm(ps.time)


def test_historical_night(world: World) -> None:
    p = Player(world)
    assert p.scene == "sinegub_start" and p.ps.items == ("sinegub_revolver",)
    p.choose("cadets' post upstairs")
    assert p.scene == "sinegub_post"
    p.choose("wire-cutters")
    p.choose("corridor by the ministers")
    p.choose("Malachite Room")
    assert "Konovalov" in p.text()
    p.choose("Report to Konovalov")
    assert "sinegub_two_lines" in p.ps.notes
    p.choose("back out to the corridor")
    # The ultimatum (18:50) interrupts wherever he is and carries him to his cadets.
    p.wait_until("sinegub_ultimatum")
    assert clock(world, p.ps) == "18:50" and p.flags["ultimatum_sent"]
    p.choose("The school stays")
    assert p.ps.vars["sinegub_cadets"] == 36
    # The Cossacks are saddling; he talks them into leaving the machine guns.
    p.choose("Go down to the courtyard")
    p.wait().wait()
    p.choose("Talk to the Cossack officers")
    p.choose("leave the machine guns")
    assert p.ps.vars["sinegub_machine_guns"]
    p.choose("Go up to your cadets' post")
    p.choose("Talk to the cadets")
    p.choose("Tell them the truth")
    assert p.ps.vars["sinegub_told_truth"]
    # Patrol: the old admiral; then the night until the stranger in the corridor.
    p.choose("old admiral")
    p.choose("Ask the admiral")
    assert "sinegub_admiral_words" in p.ps.notes
    p.choose("Rotunda post")
    p.wait_until("sinegub_stranger")
    assert clock(world, p.ps) == "01:05" and p.flags["aurora_fired"]
    # The other roles' night, as history had it, reaches him down the ministers' telephone.
    heard = " ".join(n.text for n in p.narrations)
    assert "half the Congress at Smolny has walked out" in heard
    assert "line of sailors at the canal" in heard
    assert p.flags["fortress_shelling"] and p.flags["raining"]
    p.choose("I'll make sure at once")
    assert p.scene == "sinegub_prisoner" and p.flags["officer_seized_insurgent"]
    p.choose("Stop them")
    p.wait_until("sinegub_breach")
    assert clock(world, p.ps) == "02:00" and p.flags["palace_breached"]
    assert "Our arrest is imminent" in p.text()
    assert "Hello? Hello?" in p.text()       # the line to the Duma dies, as in 1917
    p.choose("Take him to the ministers")
    assert p.scene == "sinegub_no_bloodshed" and "Leave your overcoats" in p.text()
    p.choose("Carry the ministers' order")
    assert p.flags["defenders_laid_down_arms"] and p.flags["ministers_arrested"]
    assert p.scene == "sinegub_arrest_watch"
    assert "I will not allow any violence" in p.text()
    assert "blanket still round his shoulders" in p.text()
    p.choose("walk away down the corridor")
    assert "That one's all right" in p.text()
    p.choose("Walk out into the light")
    v = p.view()
    assert p.scene == "sinegub_searchlights" and v.ending and v.ending.historical
    assert "seized the stranger in the dark corridor" in v.ending.summary.mattered
    assert "carried the ministers' order not to fight" in v.ending.summary.mattered


def test_divergent_night_switchboard_and_last_stand(world: World) -> None:
    p = Player(world, seed=2)
    p.choose("cadets' post upstairs").choose("wire-cutters")
    # Without knowing which wires live, the patch is refused with a reason.
    p.choose("Go down to the courtyard").choose("telephone room")
    patch = [c for c in p.view().choices if c.label.startswith("Patch")]
    assert patch and not patch[0].enabled and "which wires" in patch[0].reason
    p.choose("Trace the cut wires")
    p.wait_until("sinegub_ultimatum")
    p.choose("Anyone who wants to go")
    assert p.ps.vars["sinegub_cadets"] == 22
    p.choose("Go down to the courtyard").choose("telephone room")
    p.choose("Patch the dead switchboard")
    assert p.scene == "sinegub_patch_panel"
    p.choose("Strip and splice")
    assert p.scene == "sinegub_call"
    p.choose("Ask for the City Duma")
    assert p.flags["palace_call_got_through"] and p.scene == "sinegub_switchboard"
    p.choose("Rotunda post")
    p.wait_until("sinegub_stranger")
    p.choose("Let him walk on")
    assert p.flags["officer_let_insurgent_go"] and not p.flags["officer_seized_insurgent"]
    p.wait_until("sinegub_breach")
    assert "This time the line holds" in p.text()
    assert "Hermitage" not in " ".join(p.labels())   # never met the admiral
    p.choose("To the last man")
    assert p.scene == "sinegub_main_stairs"
    assert "machine guns" not in p.text()            # never kept the Cossacks' guns
    p.choose("Give the order to fire")
    v = p.view()
    assert p.scene == "sinegub_last_stand" and v.ending and not v.ending.historical
    assert not p.flags["defenders_laid_down_arms"]
    assert "ordered a last stand" in v.ending.summary.mattered


def test_switchboard_gating_says_what_is_missing(world: World) -> None:
    """Tracing the live wires opens the patch at once; without cutters the panel says why."""
    p = Player(world, seed=7)
    p.choose("courtyard, where the Cossacks are").choose("telephone room")
    patch = [c for c in p.view().choices if c.label.startswith("Patch")]
    assert patch and not patch[0].enabled and "which wires" in (patch[0].reason or "")
    p.choose("Trace the cut wires")
    patch = [c for c in p.view().choices if c.label.startswith("Patch")]
    assert patch and patch[0].enabled             # right after finding the live lines
    p.choose("Patch the dead switchboard")
    splice = [c for c in p.view().choices if c.label.startswith("Strip and splice")]
    assert splice and not splice[0].enabled and "no tool" in (splice[0].reason or "")
    assert "Rotunda post" in p.text()
    p.choose("Leave the panel open")
    assert p.scene == "sinegub_switchboard"
    p.choose("Rotunda post").choose("wire-cutters")
    p.wait_until("sinegub_ultimatum").choose("The school stays")
    p.choose("Go down to the courtyard").choose("telephone room")
    assert not [c for c in p.view().choices if c.label.startswith("Patch")]   # used once
    p.choose("Go back to the open panel").choose("Strip and splice")
    assert p.scene == "sinegub_call" and p.ps.vars["sinegub_line_open"]
    p.choose("Hang up")
    assert not [c for c in p.view().choices if "open panel" in c.label]


def test_leaving_with_the_cossacks(world: World) -> None:
    p = Player(world, seed=3)
    p.choose("courtyard, where the Cossacks are")
    p.wait_until("sinegub_ultimatum")
    p.choose("Hold your tongue")
    p.choose("back out to the corridor").choose("Rotunda").choose("courtyard")
    p.wait().wait()
    p.choose("Talk to the Cossack officers")
    p.choose("ride out with them")
    v = p.view()
    assert p.scene == "sinegub_left_early" and v.ending
    assert "ride out under the arch" in p.text()


def test_a_beaten_prisoner_points_him_out(world: World) -> None:
    p = Player(world, seed=4)
    p.choose("cadets' post upstairs")
    p.wait_until("sinegub_ultimatum")
    p.choose("The school stays")
    p.wait_until("sinegub_stranger")
    p.choose("I'll make sure at once").choose("Turn your back").choose("Go back to your place")
    p.wait_until("sinegub_breach")
    p.choose("Put your rifles down")
    assert p.flags["defenders_laid_down_arms"]
    p.choose("walk away down the corridor")
    p.choose("Walk out into the light")
    assert p.scene == "sinegub_recognised"


def test_other_roles_flags_change_his_night(world: World) -> None:
    """Flags a sailor or a delegate sets in the classroom show up in Sinegub's scenes."""
    p = Player(world, seed=5, flags={"sailor_in_palace_early": True,
                                      "sailor_let_officer_go": True,
                                      "duma_march": "let_through", "kerensky_stopped": True})
    p.choose("report to the ministers")
    assert "stopped at a roadblock" in p.text()
    p.choose("back out to the corridor")
    p.wait_until("sinegub_ultimatum")
    p.choose("The school stays")
    p.wait_until("sinegub_stranger")
    assert "sailor's vest" in p.text()
    p.choose("I'll make sure at once").choose("Turn your back").choose("Go back to your place")
    p.choose("Go down to the courtyard")
    assert "Marseillaise" in p.text()
    p.choose("see who is singing").choose("Open the gap")
    assert p.ps.vars["sinegub_deputies_in"] and p.scene == "sinegub_dining"
    p.wait_until("sinegub_breach")
    p.choose("Take him to the ministers")
    assert "Prokopovich" in p.text()
    p.choose("sit down at the table")
    p.choose("Stand up with the ministers")
    p.choose("across the bridge")
    assert p.scene == "sinegub_fortress" and "Shreider" in p.text()
    # The same beaten prisoner, but a sailor waved the officer through: no recognition.
    q = Player(world, seed=6, flags={"sailor_let_officer_go": True})
    q.choose("cadets' post upstairs").wait_until("sinegub_ultimatum")
    q.choose("The school stays")
    q.wait_until("sinegub_stranger")
    q.choose("I'll make sure at once").choose("Turn your back").choose("Go back to your place")
    q.wait_until("sinegub_breach")
    q.choose("Put your rifles down").choose("walk away down the corridor")
    assert "jerked his head at the stairs" in q.text()
    q.choose("Walk out into the light")
    assert q.scene == "sinegub_searchlights"


def test_peoples_palace_reads_whether_sailors_began_the_searches(world: World) -> None:
    for sailors_first in (False, True):
        p = Player(world, seed=7, flags={"looting_stopped": sailors_first})
        p.choose("cadets' post upstairs").wait_until("sinegub_ultimatum")
        p.choose("The school stays").wait_until("sinegub_stranger").choose("Let him walk on")
        p.wait_until("sinegub_breach").choose("Put your rifles down")
        p.choose("looters").choose("Go down to the doors")
        assert ("a sailor is writing them down" in p.text()) is sailors_first
        p.choose("Offer to help")
        assert p.scene == "sinegub_peoples_palace" and p.flags["looting_stopped"]
        assert ("started the searches before you came" in p.text()) is sailors_first


def test_random_play_reaches_every_ending_and_never_sticks(world: World, random_night) -> None:
    assert {s.id for s in world.scenes.values()
            if s.id.startswith("sinegub_") and s.ending} == ENDINGS
    reached: dict[str, int] = {}
    for seed in range(3000):
        ending, trail = random_night(world, ROLE, seed, 500)
        assert ending in ENDINGS, (seed, ending)
        reached[ending] = reached.get(ending, 0) + 1
        if ending != "sinegub_left_early":
            assert "sinegub_breach" in trail, (seed, trail[-5:])
    assert set(reached) == ENDINGS, reached


def test_campaign_size_and_decisions(world: World) -> None:
    mine = [s for s in world.scenes.values() if s.id.startswith("sinegub_")]
    assert len(mine) >= 25
    decisions = [s for s in mine if s.decision]
    assert len(decisions) >= 2
    endings = [s for s in mine if s.ending]
    assert all(s.ending.note for s in endings)
    assert sum(1 for s in endings if s.ending.historical) == 1


@pytest.mark.slow
def test_plain_cli_scripted_night(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("winterpalace")
    # The post; wait for the ultimatum (18:50); the school stays; `next` through the night's
    # events until the stranger (01:05); seize him; protect him; `next` to the breach (02:00);
    # take the cadet to the ministers; carry their order; walk away; walk out into the light.
    script = ["1", "wait", "wait", "1"] + ["next"] * 9 + ["1", "1", "next"] \
        + ["1", "1", "1", "2"]
    proc = subprocess.run([str(exe), "play", "--role", ROLE, "--seed", "1", "--plain"],
                          input="\n".join(script) + "\n", capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.lower()
    assert "twenty minutes" in out and "the dark corridor" in out and "they are inside" in out
    assert "the end: duty done" in out


def test_narration_keeps_to_the_clock(world: World) -> None:
    """What he is told and what he sees agree with the time it is."""
    # Konovalov brought to the patched line before nine: the ministers are still in the
    # Malachite Room, and the Cossacks have not yet gone.
    p = Player(world, seed=11)
    p.choose("cadets' post upstairs").choose("wire-cutters").choose("Go down to the courtyard")
    p.choose("telephone room").choose("Trace the cut wires").choose("Patch the dead switchboard")
    assert p.scene == "sinegub_ultimatum"            # 18:50 comes first, and cuts it short:
    assert not p.ps.vars["sinegub_panel_open"]      # the patch was never begun ...
    p.choose("The school stays").choose("Go down to the courtyard").choose("telephone room")
    p.choose("Patch the dead switchboard")          # ... and is there to take again
    p.choose("Strip and splice").choose("bring Konovalov to the line")
    assert clock(world, p.ps) < "21:00" and p.scene == "sinegub_malachite"
    # The stray soldiers follow him back to the Rotunda, and so does he.
    q = Player(world, seed=12)
    q.choose("cadets' post upstairs").choose("gallery of portraits")
    q.choose("Wake the soldiers")
    assert q.scene == "sinegub_post"
    # Back from the Hermitage half an hour after the arrest: he sees its end, not its start.
    r = Player(world, seed=13)
    r.choose("cadets' post upstairs").choose("old admiral").choose("Ask the admiral")
    r.wait_until("sinegub_ultimatum").choose("The school stays").wait_until("sinegub_stranger")
    r.choose("Let him walk on").wait_until("sinegub_breach")
    r.choose("through the passage to the Hermitage").choose("go back alone")
    assert r.scene == "sinegub_arrest_watch" and clock(world, r.ps) >= "02:20"
    assert "it is over already" in r.text() and "watch it through the open door" not in r.text()
    assert "Antonov just said no" in r.text()


def test_sending_the_marchers_home_reaches_the_other_roles(world: World) -> None:
    p = Player(world, seed=14, flags={"duma_march": "let_through"})
    p.choose("cadets' post upstairs").wait_until("sinegub_ultimatum").choose("The school stays")
    p.wait_until("sinegub_stranger").choose("Let him walk on")
    p.choose("Go back to your post").choose("Go down to the courtyard")
    assert "Marseillaise" in p.text()
    p.choose("see who is singing").choose("Send them home")
    assert p.flags["marchers_sent_home"] and p.scene == "sinegub_courtyard"
    assert "Marseillaise" not in p.text() and not [c for c in p.labels() if "singing" in c]
    # A sailor in the same night finds the marchers gone, and the night ends without them.
    from .test_sailor import Sailor
    s = Sailor(world, seed=15, flags={"duma_march": "let_through", "marchers_sent_home": True})
    s.choose("Helsingfors").choose("Go aboard").wait_until(clock="17:30")
    s.choose("Come up into the Neva").choose("Palace Square").wait_until(clock="01:30")
    assert "officer at the palace barricade turned them away" in s.text()
    s.choose("first line").wait_until(scene="sailor_breach")
    s.choose("after Antonov").choose("Stand by Antonov").choose("corridor ahead")
    s.choose("let him walk out").choose("after the prisoners")
    assert "Prokopovich pushes his way" not in s.text()
    s.choose("Lock arms").choose("fortress gate").choose("fortress wall")
    assert s.scene == "sailor_ending_fortress"
