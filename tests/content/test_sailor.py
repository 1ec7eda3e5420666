"""The sailor's campaign, played through the real engine and the real CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from winterpalace.engine import rules as eng
from winterpalace.engine.model import World
from winterpalace.engine.state import WorldState
from winterpalace.scenario import default_scenario_dir, load_scenario

ROLE = "sailor"
ENDINGS = {"sailor_ending_fortress", "sailor_ending_kerensky", "sailor_ending_witnesses",
           "sailor_ending_blood", "sailor_ending_volley", "sailor_ending_souvenir",
           "sailor_time_out"}


@pytest.fixture(scope="module")
def world() -> World:
    return load_scenario(default_scenario_dir())


class Sailor:
    """One sailor's night, driven by choice labels as a reader of the screen would."""

    def __init__(self, world: World, seed: int = 1, flags: dict[str, Any] | None = None):
        self.world = world
        shared = None
        if flags:
            fresh = eng.new_world(world)
            shared = WorldState(fresh.time, {**fresh.flags, **flags})
        self.ws, self.ps, turn = eng.start(world, ROLE, seed, shared=shared)
        self.news = [n.text for n in turn.narrations]

    @property
    def scene(self) -> str:
        return self.ps.scene

    @property
    def flags(self) -> dict[str, Any]:
        return self.ws.flags

    @property
    def clock(self) -> str:
        return self.world.clock.hhmm(self.ps.time)

    def view(self) -> Any:
        return eng.view(self.world, self.ws, self.ps)

    def text(self) -> str:
        return " ".join(self.view().text.split())

    def choose(self, words: str) -> Sailor:
        found = [c for c in self.view().enabled() if words.lower() in c.label.lower()]
        assert len(found) == 1, (words, self.scene, self.clock,
                                 [c.label for c in self.view().enabled()])
        self.ws, self.ps, turn = eng.choose(self.world, self.ws, self.ps, found[0].index)
        assert turn.refused is None, turn.refused
        self.news += [n.text for n in turn.narrations]
        return self

    def wait_until(self, scene: str | None = None, clock: str | None = None) -> Sailor:
        """Wait here until the player is in `scene` (moved by an event) or it is `clock`."""
        for _ in range(100):
            if scene is not None and self.scene == scene:
                return self
            if clock is not None and self.ps.time >= self.world.clock.parse_time(clock):
                return self
            self.ws, self.ps, turn = eng.wait(self.world, self.ws, self.ps)
            assert turn.refused is None, (self.scene, turn.refused)
            self.news += [n.text for n in turn.narrations]
        raise AssertionError(f"never reached {scene or clock}; in {self.scene} at {self.clock}")

    def wait_to(self, clock: str) -> Sailor:
        """Wait the minutes left until `clock` (`wait until HH:MM`): again after each moment
        that stops the wait, as a player would."""
        until = self.world.clock.parse_time(clock)
        while self.ps.time < until and self.ps.ending is None:
            minutes = until - self.ps.time
            here = self.scene
            self.ws, self.ps, turn = eng.wait(self.world, self.ws, self.ps, minutes)
            assert turn.refused is None, (self.scene, turn.refused)
            self.news += [n.text for n in turn.narrations]
            if self.scene != here:
                break
        return self

    def ending(self) -> Any:
        v = self.view()
        assert v.ending is not None, (self.scene, self.clock)
        return v.ending


def test_historical_night_from_kronstadt(world: World) -> None:
    s = Sailor(world)
    assert s.scene == "sailor_start" and s.ps.items == ("sailor_greatcoat",)
    s.choose("Kronstadt").choose("pleasure yacht")
    assert s.scene == "sailor_gulf" and s.ps.vars["sailor_vessel"] == "yacht"
    greyed = [c for c in s.view().choices if c.label.startswith("Come up")]
    assert greyed and not greyed[0].enabled and "smudge" in greyed[0].reason
    s.wait_until(clock="12:30")
    assert any("launch comes alongside" in n for n in s.news)       # the 10:00 posters
    s.choose("mouth of the Neva")
    assert s.scene == "sailor_neva" and "Aurora" in s.text()
    s.choose("landing party for the Admiralty")
    assert s.scene == "sailor_admiralty" and "three tsars" in s.text()
    s.choose("Arrest them all")
    assert s.scene == "sailor_square" and not s.ps.vars["sailor_admiral_freed"]
    s.choose("bridge picket")
    s.choose("Turn him round")
    assert s.ps.vars["sailor_cadet_turned_back"]
    s.wait_until(clock="20:00")
    assert s.flags["ultimatum_sent"]
    s.choose("Find Antonov")
    assert "Prisoners are prisoners" in s.text()
    s.choose("back to the bonfires").wait_until(clock="21:00")
    assert s.flags["cossacks_left"] and "Antonov" in s.text()
    s.choose("embankment")
    s.wait_until(clock="23:10")
    assert s.flags["aurora_fired"] and s.flags["fortress_shelling"] and s.flags["raining"]
    assert any("blank" in n for n in s.news) and "keeps count of the misses" in s.text()
    s.choose("back round to the square")
    s.wait_until(clock="00:00")
    s.choose("hold Nevsky")
    assert s.scene == "sailor_canal" and s.flags["walkout"]
    s.wait_until(clock="00:40")
    assert s.flags["duma_march"] == "marching"
    assert "Shreider" in s.text() and "walked out of the Congress" in s.text()
    assert "Alexander Kerensky" not in s.text()
    s.choose("Hold the line")
    assert s.scene == "sailor_canal_held" and s.flags["duma_march"] == "turned_back"
    assert "umbrella" in s.text()
    s.choose("Run back to the palace")
    s.wait_until(clock="01:30")
    s.choose("first line")
    s.wait_until(scene="sailor_breach")
    assert s.clock == "02:00" and s.flags["palace_breached"]
    assert "boy from the bridge" in s.text()
    s.choose("after Antonov")
    assert s.scene == "sailor_ministers" and "What do you want?" in s.text()
    assert "You remember what Antonov said" in s.text()
    s.choose("Stand by Antonov")
    assert s.scene == "sailor_ministers_out" and s.flags["ministers_arrested"]
    assert not s.flags["ministers_harmed"]
    s.choose("corridor ahead")
    s.choose("let him walk out")
    assert s.flags["sailor_let_officer_go"]
    s.choose("side door")
    s.choose("search the looters")
    assert s.flags["looting_stopped"] and "sailor_note_people" in s.ps.notes
    s.choose("after the prisoners")
    assert s.scene == "sailor_escort"
    s.choose("Lock arms")
    assert s.scene == "sailor_troitsky"
    s.choose("fortress gate")
    assert s.scene == "sailor_fortress" and "Now it's your problem" in s.text()
    assert "Avksentiev" not in s.text() and "Kerensky" not in s.text()
    s.choose("fortress wall")
    end = s.ending()
    assert s.scene == "sailor_ending_fortress" and end.historical and end.note
    assert "Kronstadt will want to hear" in s.text()
    for phrase in ("arrested the naval high command at the Admiralty",
                   "held the line at the canal without firing",
                   "stood by Antonov - no violence to the ministers",
                   "let a defending officer walk out of the palace",
                   "searched the looters at the exits", "shielded the ministers from the crowd"):
        assert phrase in end.summary.mattered


def test_stopping_kerensky_changes_the_whole_night(world: World) -> None:
    s = Sailor(world, seed=2)
    s.choose("roadblock")
    assert s.scene == "sailor_roadblock"
    s.wait_until(scene="sailor_cars")
    assert "10:45" <= s.clock < "11:00" and "diplomatic" in s.text().lower()
    assert s.view().scene == "sailor_cars"
    s.choose("Drag the cart")
    assert s.scene == "sailor_kerensky" and s.flags["kerensky_stopped"]
    assert s.flags["kerensky_in_city"] and "kerensky_leaves" not in s.ws.fired_ids()
    s.choose("Mariinsky")
    assert "by the ears" in s.text()
    s.wait_until(clock="12:00")
    assert s.flags["preparliament_dispersed"]
    s.choose("Follow the commissar")
    s.choose("Hold the steering committee")
    assert s.ps.vars["sailor_deputies_arrested"] and "lorry" in s.text()
    s.choose("Admiralty")
    s.choose("Let the old admiral")
    assert s.ps.vars["sailor_admiral_freed"]
    s.wait_until(clock="20:40")
    assert s.flags["cossacks_left"] and "story of the sailor who stopped" in s.text()
    s.choose("Slip into the palace")
    assert s.scene == "sailor_passage" and s.flags["sailor_in_palace_early"]
    s.choose("Go deeper")
    assert "admiral you let walk out" in s.text()
    s.choose("Walk on past")          # still in his greatcoat: the coat trick works on him
    assert s.scene == "sailor_seized" and "your own sleeves pin your arms" in s.text()
    s.wait_until(scene="sailor_breach")
    assert s.clock == "02:00" and "fluff on your jersey" in s.text()
    s.choose("after Antonov")
    assert "Kerensky's already in a cell" in s.text()
    s.choose("Keep quiet")
    s.choose("corridor ahead")
    assert "locked you in the linen room" in s.text()
    s.choose("Take his revolver")
    assert s.ps.vars["sailor_officer_arrested"] and not s.flags["sailor_let_officer_go"]
    assert "back from handing over the lieutenant" in s.text()   # Fedya took him away first
    s.choose("paper-knife")
    assert s.ps.items == ("sailor_greatcoat", "sailor_paper_knife")
    s.choose("side door")
    assert "heavy as a brick" in s.text()
    s.choose("Put the paper-knife")
    assert "sailor_paper_knife" not in s.ps.items
    s.choose("after the prisoners")
    assert "lieutenant you arrested" in s.text()
    s.choose("keep your head down").choose("fortress gate")
    text = s.text()
    assert "white beard" in text and "Alexander Kerensky" in text and "own" in text
    s.choose("fortress wall")
    end = s.ending()
    assert s.scene == "sailor_ending_kerensky" and not end.historical
    assert "stopped Kerensky's cars at the roadblock" in end.summary.mattered
    assert "arrested the Preparliament's steering committee" in end.summary.mattered


def helsingfors_to_canal(world: World, seed: int) -> Sailor:
    s = Sailor(world, seed=seed)
    s.choose("Helsingfors").choose("Go aboard")
    s.wait_until(clock="17:30")
    assert "Kronstadt's forts go by" in s.text()
    s.choose("Come up into the Neva")
    s.choose("report aboard the Aurora")
    assert "sailor_note_signal" in s.ps.notes
    s.choose("Palace Square")
    s.wait_until(clock="23:00")
    s.choose("greatcoat")
    assert "sailor_greatcoat" not in s.ps.items and "You have no coat" in s.text()
    s.wait_until(clock="00:00")
    s.choose("hold Nevsky")
    return s.wait_until(clock="00:40")


def test_firing_on_the_march_ends_the_night_at_the_canal(world: World) -> None:
    s = helsingfors_to_canal(world, seed=3)
    s.choose("Level your rifle")
    assert s.flags["duma_march"] == "fired_on" and s.scene == "sailor_canal_fired"
    s.choose("take your rifle")
    end = s.ending()
    assert s.scene == "sailor_ending_volley" and "nobody fired" in end.note
    assert "fired on the Duma march" in end.summary.mattered


def test_letting_the_march_through_and_the_bayonets(world: World) -> None:
    s = helsingfors_to_canal(world, seed=4)
    s.choose("Step aside")
    assert s.flags["duma_march"] == "let_through"
    s.choose("Follow the march")
    assert "Duma marchers" in s.text()
    # The 00:55 event finds the march no longer marching: history does not overwrite it.
    assert s.flags["duma_march"] == "let_through"
    s.wait_until(clock="01:30").choose("first line").wait_until(scene="sailor_breach")
    s.choose("emperor's own rooms").choose("Put your own bayonet")
    # The portrait cost ten minutes: the arrest is over when he gets there.
    assert s.scene == "sailor_ministers_late" and s.ps.vars["sailor_slashed_portrait"]
    assert not [c for c in s.view().enabled() if "Shout" in c.label]
    s.choose("Go out after the prisoners")
    assert "Prokopovich pushes his way" in s.text()
    s.choose("Stay with the escort").choose("fortress gate").choose("fortress wall")
    assert s.scene == "sailor_ending_witnesses" and not s.ending().historical
    # Same night, but now the sailor shouts with the Red Guard.
    t = helsingfors_to_canal(world, seed=5)
    t.choose("Step aside").choose("Follow the march").wait_until(clock="01:30")
    t.choose("first line")
    t.wait_until(scene="sailor_breach").choose("after Antonov").choose("Shout with")
    assert t.flags["ministers_harmed"] and t.scene == "sailor_bayonets"
    t.choose("Follow the prisoners")
    assert "already hurt" in t.text()
    t.choose("Stay with the escort").choose("fortress gate").choose("fortress wall")
    assert t.scene == "sailor_ending_blood"


def test_the_souvenir_walks_out_of_the_palace(world: World) -> None:
    s = helsingfors_to_canal(world, seed=6)
    s.choose("spank them")
    assert s.ps.vars["sailor_threatened"] and "We'll spank you" in s.text()
    s.choose("Run back").wait_until(clock="01:30").choose("first line").wait_until(scene="sailor_breach")
    s.choose("after Antonov").choose("Keep quiet").choose("corridor ahead")
    s.choose("let him walk out").choose("paper-knife").choose("side door")
    s.choose("Keep the paper-knife")
    assert s.scene == "sailor_ending_souvenir" and "sailor_paper_knife" in s.ps.items


def test_other_players_flags_reach_the_sailor(world: World) -> None:
    """What Sinegub and a delegate do in the classroom shows in the sailor's scenes."""
    s = Sailor(world, seed=7, flags={"officer_seized_insurgent": True,
                                      "delegates_at_canal": True,
                                      "defenders_laid_down_arms": True})
    s.choose("Helsingfors").choose("Go aboard").wait_until(clock="17:30")
    s.choose("Come up into the Neva").choose("Palace Square").wait_until(clock="20:30")
    s.choose("Slip into the palace")
    assert s.scene == "sailor_seized"        # Sinegub's seizure is this sailor being seized
    assert s.flags["sailor_in_palace_early"]
    s.wait_until(scene="sailor_breach")
    assert "laid down their arms" in s.text()
    c = Sailor(world, seed=8, flags={"delegates_at_canal": True})
    c.choose("Helsingfors").choose("Go aboard").wait_until(clock="17:30")
    c.choose("Come up into the Neva").choose("Palace Square").wait_until(clock="00:00")
    c.choose("hold Nevsky").wait_until(clock="00:40")
    assert "A delegate who walked out of the Congress tonight" in c.text()
    # Too late at the canal: history has already turned the march back.
    late = Sailor(world, seed=9)
    late.choose("Helsingfors").choose("Go aboard").wait_until(clock="17:30")
    late.choose("Come up into the Neva").choose("Palace Square").wait_to("00:44")
    late.choose("hold Nevsky")
    assert late.scene == "sailor_canal" and late.flags["duma_march"] == "turned_back"
    assert "last of them are trailing away" in late.text()
    assert not [c for c in late.view().enabled() if "Hold the line" in c.label]


def test_random_play_reaches_every_ending_and_never_sticks(world: World, random_night) -> None:
    mine = {sid for sid in world.scenes if sid.startswith("sailor_")}
    assert {sid for sid in mine if world.scenes[sid].ending} == ENDINGS
    reached: dict[str, int] = {}
    seen: set[str] = set()
    for seed in range(1500):
        ending, trail = random_night(world, ROLE, seed, 600)
        assert ending in ENDINGS, (seed, ending)
        reached[ending] = reached.get(ending, 0) + 1
        seen |= set(trail)
    assert set(reached) == ENDINGS, reached
    assert mine <= seen, sorted(mine - seen)


def test_campaign_size_and_decisions(world: World) -> None:
    mine = [s for s in world.scenes.values() if s.id.startswith("sailor_")]
    assert len(mine) >= 25
    decisions = [s.decision for s in mine if s.decision]
    assert len(decisions) >= 2
    for d in decisions:
        assert d.id.startswith("sailor_")
        assert [stage for stage, _ in d.prompts] == ["feelings", "facts", "learned",
                                                      "then_and_now"]
    endings = [s for s in mine if s.ending]
    assert all(s.ending.note for s in endings)
    assert [s.id for s in endings if s.ending.historical] == ["sailor_ending_fortress"]


@pytest.mark.slow
def test_plain_cli_scripted_night(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("winterpalace")
    # Typed as a player would, by number and by the first words of a choice: the roadblock
    # (wave the cars through), the Mariinsky, the Admiralty, the bridge, a long wait on the
    # square, the canal, the assault, the arrest, the searches, the escort, the fortress.
    # Waits stop at what happens (the posters, the cars, a call), so a few are `next`.
    script = ["3"] + ["wait"] * 5 + [
        "next", "Step back", "March", "wait", "wait", "wait", "Follow", "Check their papers",
        "Admiralty", "Arrest them all", "bridge picket", "Turn him round"] + ["wait"] * 31 + [
        "next", "next", "next", "Answer the call", "wait", "next", "Hold the line",
        "Run back", "wait", "next", "Move up"] + ["wait"] * 4 + [
        "Run up after Antonov", "Stand by Antonov", "Go out into the corridor",
        "Jerk your head", "Go down to the side door", "Take a place", "Go out after",
        "Lock arms", "Through", "Climb"]
    proc = subprocess.run([str(exe), "play", "--role", ROLE, "--seed", "1", "--plain"],
                          input="\n".join(script) + "\n", capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for heading in ("TWO CARS", "BLUE SMOKE", "THE PREPARLIAMENT", "THE UMBRELLA", "THE BREACH",
                    "NAMES ON A LIST", "THROUGH THE CROWD", "THE CELL DOOR"):
        assert heading in out, heading
    assert "THE END: The prisoners reach their cells." in out
    assert "held the line at the canal without firing" in " ".join(out.split())


def test_the_afternoon_at_the_fortress_and_the_gate_comes_back_at_night(world: World) -> None:
    """The waiting hours: the gun, the lantern, the ultimatum, the Cossacks, the cadet Kolya."""
    s = Sailor(world, seed=21)
    s.choose("Kronstadt").choose("pleasure yacht").wait_until(clock="12:30")
    s.choose("Listen to the old hands")
    assert "sailor_note_1905" in s.ps.notes
    s.choose("mouth of the Neva").choose("find a post near the palace")
    s.wait_until(clock="15:00")
    s.choose("message across the river to the fortress")
    assert s.scene == "sailor_fortress_yard" and "red lantern" in s.text()
    s.choose("hauling an old field gun")
    assert s.ps.vars["sailor_helped_guns"]
    s.choose("hunt for a red lantern").choose("Tear a strip of red bunting")
    assert s.ps.vars["sailor_lantern"] == "rigged" and "waiting for dark" in s.text()
    s.wait_until(clock="18:15")
    s.choose("Run back across with the cyclists")
    assert s.scene == "sailor_ultimatum_run"
    s.choose("Get your breath back")
    s.wait_until(clock="18:55")
    assert any("you ran beside the bicycles" in n for n in s.news)
    s.wait_until(clock="19:30")
    s.choose("palace gates, where the Cossacks")
    s.choose("Ride out and go home")
    assert s.ps.vars["sailor_cossacks"] == "promised" and "sailor_note_guns" in s.ps.notes
    s.wait_until(clock="20:40")
    assert any("lifts his whip to you" in n for n in s.news)
    s.wait_until(clock="21:00").choose("embankment")
    s.wait_until(clock="23:05")
    assert any("old field gun you helped drag" in n for n in s.news)
    s.choose("back round to the square").wait_until(clock="00:00")
    s.choose("hold Nevsky").wait_until(clock="00:40")
    assert "Then we lost" in s.text()
    s.choose("Hold the line").choose("Run back").wait_until(clock="01:30")
    s.choose("first line")
    assert "machine guns stayed behind" in s.text()
    s.wait_until(scene="sailor_breach")
    s.choose("after Antonov").choose("Stand by Antonov").choose("corridor ahead")
    s.choose("let him walk out").choose("side door").choose("after the prisoners")
    s.choose("Lock arms").choose("fortress gate").choose("fortress wall")
    assert s.scene == "sailor_ending_fortress" and "bound in red bunting" in s.text()
    for phrase in ("helped haul a gun onto the fortress wall",
                   "rigged a red lantern for the fortress flagstaff",
                   "ran beside the cyclists who carried the ultimatum",
                   "promised the Cossacks a safe road out of the palace"):
        assert phrase in s.ending().summary.mattered


def test_kolya_from_the_linen_room_can_be_sent_home(world: World) -> None:
    s = Sailor(world, seed=22)
    s.choose("Helsingfors").choose("Hang back while Fedya")
    assert s.ps.vars["sailor_fedya_promise"]
    s.choose("Go aboard").wait_until(clock="17:30")
    s.choose("Come up into the Neva").choose("Palace Square").wait_until(clock="20:30")
    s.choose("Slip into the palace").choose("Go deeper").choose("Walk on past")
    assert s.scene == "sailor_seized"
    s.choose("Talk through the door")
    s.wait_until(scene="sailor_breach")
    assert "Kolya from Tver" in s.text()
    s.choose("Kolya is yours")
    assert s.ps.vars["sailor_kolya_home"] and "Kolya from Tver" not in s.text()
    assert not [c for c in s.view().enabled() if "Kolya" in c.label]
