"""The delegate's campaign in the shipped scenario: played through the engine and the real CLI."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from winterpalace.engine import rules as eng
from winterpalace.engine.model import World
from winterpalace.scenario import default_scenario_dir, load_scenario

ROLE = "delegate"


@pytest.fixture(scope="module")
def world() -> World:
    return load_scenario(default_scenario_dir())


class Night:
    """One delegate's night, driven by choice labels the way a player reads them."""

    def __init__(self, world: World, seed: int = 1):
        self.world = world
        self.ws, self.ps, self.turn = eng.start(world, ROLE, seed)

    @property
    def scene(self) -> str:
        return self.ps.scene

    @property
    def clock(self) -> str:
        return self.world.clock.hhmm(self.ps.time)

    def flag(self, name: str) -> object:
        return self.ws.flags[name]

    def var(self, name: str) -> object:
        return self.ps.vars[name]

    def text(self) -> str:
        return eng.view(self.world, self.ws, self.ps).text

    def labels(self, enabled: bool = True) -> list[str]:
        return [c.label for c in eng.view(self.world, self.ws, self.ps).choices
                if c.enabled == enabled]

    def choose(self, words: str) -> Night:
        v = eng.view(self.world, self.ws, self.ps)
        matches = [c for c in v.choices if c.enabled and words.lower() in c.label.lower()]
        assert len(matches) == 1, (f"{words!r} in {self.scene} at {self.clock}: "
                                   f"{[c.label for c in v.choices]}")
        self.ws, self.ps, self.turn = eng.choose(self.world, self.ws, self.ps, matches[0].index)
        assert self.turn.refused is None, self.turn.refused
        return self

    def wait_until_moved(self, limit: int = 60) -> Night:
        """Wait where we are until an event or a redirect carries us to another scene."""
        here = self.scene
        for _ in range(limit):
            self.ws, self.ps, self.turn = eng.wait(self.world, self.ws, self.ps)
            assert self.turn.refused is None, (here, self.turn.refused)
            if self.scene != here:
                return self
        raise AssertionError(f"still in {here} at {self.clock}")

    def wait_for(self, label: str, limit: int = 60) -> Night:
        """Wait where we are until the choice `label` opens."""
        for _ in range(limit):
            if any(label.lower() in have.lower() for have in self.labels()):
                return self
            self.ws, self.ps, self.turn = eng.wait(self.world, self.ws, self.ps)
            assert self.turn.refused is None, self.turn.refused
        raise AssertionError(f"{label!r} never opened in {self.scene}")

    def set_flags(self, **flags: object) -> None:
        """What another role's player would have done to the shared night (the classroom)."""
        self.ws = dataclasses.replace(self.ws, flags={**self.ws.flags, **flags})


def test_historical_path_as_a_bolshevik(world: World) -> None:
    n = Night(world)
    assert n.scene == "delegate_start" and n.clock == "14:00"
    n.choose("Bolshevik")
    assert n.scene == "delegate_hall_waiting" and n.var("delegate_faction") == "Bolshevik"
    n.wait_until_moved()
    assert n.scene == "delegate_soviet_session" and n.clock == "14:35"
    assert n.flag("soviet_session_held") is True
    assert "Trotsky" in n.text()
    n.choose("See who has come in")
    assert n.scene == "delegate_lenin"
    n.choose("Cheer with the hall")
    assert "Good lungs" in n.text()
    n.choose("session breaks up")
    assert n.scene == "delegate_corridor_hub"

    # the long wait: the buffet, then the rumours and the Aurora reach the corridor
    n.choose("buffet").choose("Queue for soup")
    assert n.var("delegate_rested") is True
    n.choose("Go back up")
    n.wait_until_moved(limit=40)
    assert n.scene == "delegate_opening" and n.clock == "22:40"
    assert n.flag("aurora_fired") is True and n.flag("congress_open") is True
    assert n.ps.notes.count("delegate_ultimatum_rumour") == 1

    n.choose("give up the platform")
    assert n.scene == "delegate_presidium" and "fourteen" in n.text()
    n.wait_until_moved()
    assert n.scene == "delegate_martov_motion" and n.clock == "23:00"
    assert n.flag("fortress_shelling") is True
    n.choose("Vote for Martov")
    assert n.flag("martov_motion") == "passed"
    assert "Kharash" in n.text()
    n.choose("Sit still").choose("side door")
    assert n.scene == "delegate_erlich" and n.clock == "00:00"
    n.choose("Stay in your seat")
    assert n.scene == "delegate_half_empty" and n.flag("walkout") is True
    assert "Martov is still speaking." in [
        c.reason for c in eng.view(world, n.ws, n.ps).choices if not c.enabled]
    n.wait_for("Trotsky rises to answer Martov")
    assert "triumph or die" in n.text()
    n.choose("Trotsky rises")
    assert n.scene == "delegate_dustbin" and "dustbin of history" in n.text()
    n.choose("Stay where you are")
    assert n.flag("martov_left") is True
    n.choose("Vote for the condemnation").choose("debate drags on")
    assert n.scene == "delegate_deep_night"
    n.wait_until_moved()
    assert n.scene == "delegate_capture" and n.clock == "03:10"
    assert n.flag("ministers_arrested") is True and n.flag("capture_announced") is True
    assert "taken by the revolutionary garrison" in n.text()
    n.choose("Cheer until")
    n.wait_for("Martov's people are coming back in")
    n.choose("Martov's people are coming back")
    assert n.scene == "delegate_martov_return" and "tabled" in n.text()
    n.choose("Lunacharsky").choose("Hear the reading")
    assert n.scene == "delegate_manifesto_vote" and n.clock == "04:55"
    n.choose("Vote for the manifesto")
    assert n.scene == "delegate_roar" and n.flag("manifesto") == "passed"
    n.choose("Go out onto the steps").choose("Walk down the steps")
    assert n.scene == "delegate_end_new_day"
    end = eng.view(world, n.ws, n.ps).ending
    assert end is not None and end.historical
    assert "as a Bolshevik delegate" in end.epilogue
    assert "voted for Lenin's manifesto" in end.summary.mattered
    assert "voted for Martov's motion for a ceasefire and talks" in end.summary.mattered


def test_menshevik_walks_out_and_marches_to_the_canal(world: World) -> None:
    n = Night(world)
    n.choose("Menshevik.")
    assert n.var("delegate_moderate") is True
    n.wait_until_moved()
    n.choose("See who").choose("Shout with the heckler")
    n.choose("applaud the men who resign").choose("session breaks up")
    n.choose("fraction's room")
    assert "You're the one who shouted at Trotsky" in n.text()
    n.choose("Argue for leaving")
    assert n.var("delegate_caucus_line") == "leave"
    n.wait_until_moved(limit=40)
    assert n.scene == "delegate_opening"
    n.choose("give up the platform").wait_until_moved()
    n.choose("Vote for Martov").choose("Applaud Kharash").choose("side door")
    assert "this is what you argued for" in n.text()
    n.choose("Walk out with them")
    assert n.scene == "delegate_walkout_stairs" and n.clock == "00:05"
    n.choose("Set off through the rain")
    assert n.scene == "delegate_city_duma" and n.flag("raining") is True
    assert "Maslov" in n.text()
    n.choose("fall in, four abreast")
    assert n.flag("duma_march") == "marching"
    n.choose("Sing with them")
    assert n.scene == "delegate_canal" and n.flag("delegates_at_canal") is True
    n.choose("dare them to shoot")
    assert n.scene == "delegate_canal_standoff" and n.flag("duma_march") == "turned_back"
    assert "switchmen" in n.text()
    n.choose("Follow Prokopovich")
    assert n.scene == "delegate_duma_return"
    n.choose("Tear your mandate")
    assert not any(i == "delegate_mandate" for i in n.ps.items)
    assert any("mandate lies torn" in (c.reason or "")
               for c in eng.view(world, n.ws, n.ps).choices if not c.enabled)
    n.wait_until_moved(limit=20)
    assert n.scene == "delegate_end_committee"
    end = eng.view(world, n.ws, n.ps).ending
    assert end is not None and not end.historical
    assert "dared the sailors at the canal to shoot" in end.summary.mattered
    assert "two halves of your mandate" in eng.view(world, n.ws, n.ps).text


def test_leaving_for_the_palace_means_arriving_late(world: World) -> None:
    n = Night(world)
    n.choose("Left SR").wait_until_moved()
    n.choose("See who").choose("Keep your hands").choose("session breaks up")
    n.choose("front steps")
    off = [c for c in eng.view(world, n.ws, n.ps).choices if not c.enabled]
    assert [c.reason for c in off] == ["not before 19:00"]
    n.wait_for("see the palace for yourself")
    n.choose("see the palace for yourself")
    assert n.scene == "delegate_palace_evening" and n.clock == "20:00"
    while not n.flag("aurora_fired"):
        n.ws, n.ps, n.turn = eng.wait(world, n.ws, n.ps)
    assert any("The Aurora's signal" in x.text for x in n.turn.narrations)
    n.choose("Walk back to Smolny")
    assert n.scene == "delegate_late_return" and n.clock == "22:40"
    assert n.var("delegate_missed_opening") is True
    assert "opened without you" in n.text()
    n.choose("Squeeze into the back")
    assert n.scene == "delegate_presidium" and "You have missed the opening" in n.text()
    n.wait_until_moved()
    assert n.scene == "delegate_martov_motion"


def test_the_palace_falls_in_front_of_a_delegate_who_slipped_the_cordon(world: World) -> None:
    n = Night(world)
    n.choose("Socialist Revolutionary")
    n.wait_until_moved()
    n.choose("See who").choose("Cheer").choose("session breaks up")
    n.wait_until_moved(limit=40)
    n.choose("give up the platform").wait_until_moved()
    n.choose("Abstain").choose("Sit still").choose("side door").choose("Walk out")
    n.choose("Set off").choose("fall in").choose("March in silence")
    n.choose("Slip along the canal railings").choose("Keep going to Palace Square")
    assert n.scene == "delegate_square_night"
    n.wait_until_moved(limit=20)
    assert n.scene == "delegate_palace_breach" and n.clock == "02:00"
    assert n.flag("palace_breached") is True and n.flag("delegate_at_palace") is True
    n.choose("Stay and see it to the end")
    assert n.scene == "delegate_end_witness"
    assert "ring of sausage" in n.text()


def test_a_sailor_who_opens_the_cordon_lets_the_march_reach_the_palace(world: World) -> None:
    n = Night(world)
    n.choose("The Bund").wait_until_moved()
    n.choose("See who").choose("Keep your hands").choose("session breaks up")
    n.wait_until_moved(limit=40)
    n.choose("give up the platform").wait_until_moved()
    n.choose("Vote for Martov").choose("Sit still").choose("side door").choose("Walk out")
    n.choose("Set off").choose("fall in").choose("Sing with them")
    assert n.scene == "delegate_canal"
    # In the classroom the sailor player at the canal chose to let the march through.
    n.set_flags(duma_march="let_through")
    assert "orders were not as firm" in n.text()
    n.choose("Stay in the middle")
    assert n.scene == "delegate_march_through" and n.flag("duma_march") == "let_through"
    n.choose("March on to Palace Square")
    assert n.scene == "delegate_square_night"
    n.wait_until_moved(limit=20)
    assert n.scene == "delegate_palace_breach"
    n.choose("Stay and see it to the end")
    assert n.scene == "delegate_end_witness"
    assert "hardly anyone takes any notice of them" in n.text()


def test_martov_group_and_the_closed_mrc_door(world: World) -> None:
    n = Night(world)
    n.choose("Bolshevik").wait_until_moved()
    n.choose("See who").choose("Shout with the heckler").choose("session breaks up")
    n.choose("MRC's rooms")
    assert n.labels(enabled=False) == ["Show your mandate and ask to go in"]
    n.choose("Go back down")
    n.wait_until_moved(limit=40)
    n.choose("give up the platform").wait_until_moved()
    n.choose("Vote against")
    n.choose("Shout Kharash down").choose("side door").choose("Stay in your seat")
    n.wait_for("Trotsky rises to answer Martov")
    n.choose("Trotsky rises").choose("Follow Martov out")
    assert n.scene == "delegate_side_room"
    n.wait_for("Go back into the hall with the delegation")
    assert "the palace had fallen" in n.text()
    n.choose("Leave Smolny, as Martov did")
    assert n.scene == "delegate_end_martov"
    end = eng.view(world, n.ws, n.ps).ending
    assert "heckled Trotsky at 14:35" in end.summary.mattered


def test_news_from_other_roles_changes_kamenevs_announcement(world: World) -> None:
    n = Night(world)
    n.choose("Left SR").wait_until_moved()
    n.choose("See who").choose("Cheer").choose("session breaks up")
    n.wait_until_moved(limit=40)
    n.choose("give up the platform").wait_until_moved()
    n.choose("Vote for Martov").choose("Sit still").choose("side door").choose("Stay")
    n.wait_for("Trotsky rises to answer Martov")
    n.choose("Trotsky rises").choose("stand in his way")
    n.choose("Vote against it").choose("debate drags on")
    # In the classroom a sailor stopped Kerensky at a roadblock and the ministers were beaten.
    n.set_flags(kerensky_stopped=True, ministers_harmed=True, defenders_laid_down_arms=True)
    n.wait_until_moved()
    text = n.text()
    assert n.scene == "delegate_capture"
    assert "Kerensky did not escape" in text and "were beaten" in text
    assert "laid down their rifles" in text
    n.choose("Stay in your seat")
    n.wait_for("Martov's people are coming back in")
    n.choose("coming back")
    assert "voted against is being shelved" in n.text()
    n.choose("Lunacharsky")
    assert "locked up" in n.text()
    n.choose("Join the Left SRs pressing").choose("Hurry back")
    assert "The changed line is there" in n.text()
    n.choose("Abstain").choose("Go out").choose("Walk down")
    assert n.scene == "delegate_end_minority"


def test_random_play_reaches_every_ending_and_never_sticks(world: World, random_night) -> None:
    endings = {sid for sid, s in world.scenes.items() if s.ending and sid.startswith("delegate_")}
    assert len(endings) >= 4
    reached: dict[str, int] = {}
    for seed in range(1500):
        ending, _ = random_night(world, ROLE, seed)  # fails the test if the night sticks
        reached[ending] = reached.get(ending, 0) + 1
    assert set(reached) == endings, sorted(endings - set(reached))


HISTORICAL_SCRIPT = """1
wait 60
see who
cheer
session breaks up
buffet
queue
wait 600
next
next
next
give up the platform
wait 30
vote for martov
sit still
side door
stay in your seat
wait 120
next
next
stay where you are
vote for the condemnation
debate drags
wait 120
next
cheer until
wait 60
next
lunacharsky
hear the reading
vote for the manifesto
go out onto the steps
walk down the steps
"""


@pytest.mark.slow
def test_cli_plays_the_delegate_to_the_historical_ending() -> None:
    done = subprocess.run([sys.executable, "-m", "winterpalace", "play", "--role", ROLE,
                           "--seed", "1", "--plain"], input=HISTORICAL_SCRIPT.encode(),
                          capture_output=True, timeout=120)
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "THE MANDATE." in out
    assert "At 14:35: A bell rings over the noise." in out
    assert "At 23:00: A dull, heavy boom rolls in from the river" in out
    assert "At 03:10: Kamenev is on his feet" in out
    assert "I don't understand" not in out and "fits more than one" not in out
    assert "THE END: Made in one room." in out
    assert "Your night:\n  14:00 came to the Congress as a Bolshevik\n" in out
    assert "What really happened: This follows history." in out


def test_lenin_is_not_announced_before_he_walks_in(world: World) -> None:
    n = Night(world)
    n.choose("Left SR").wait_until_moved()
    assert n.scene == "delegate_soviet_session"
    assert "Vladimir Lenin" not in eng.view(world, n.ws, n.ps).present
    n.choose("See who has come in")
    assert "Vladimir Lenin" in eng.view(world, n.ws, n.ps).present


def test_the_waiting_hours_hold_choices_that_come_back_later(world: World) -> None:
    """A wavering SR, Martov's note and a telegram home: each changes later scenes and the end."""
    n = Night(world)
    n.choose("Left SR").wait_until_moved()
    n.choose("See who").choose("Cheer").choose("session breaks up")
    n.wait_for("big man sitting in the window").choose("big man sitting in the window")
    assert n.scene == "delegate_dorofeev_talk" and "Saratov" in n.text()
    n.choose('"Stay.')
    assert n.var("delegate_dorofeev") == "stay"
    n.choose("telegraph room").choose("Write your twelve words")
    assert n.scene == "delegate_telegram"
    assert not [c for c in n.labels() if "PALACE TAKEN" in c]          # not yet true
    n.choose("GOVERNMENT OVERTHROWN")
    assert n.var("delegate_report") == "triumph" and "sent" in n.text()
    n.choose("Go back up")
    assert n.scene == "delegate_corridor_hub"
    n.wait_for("student in a long scarf").choose("student in a long scarf")
    n.choose("Carry it to the Left SRs")
    assert n.scene == "delegate_note_left_sr" and "yes" in n.text()
    voice = n.var("delegate_voice")
    n.choose("Carry the answer back")
    assert n.var("delegate_voice") == voice + 1
    n.wait_until_moved(limit=40)
    n.choose("give up the platform").wait_until_moved()
    assert n.scene == "delegate_martov_motion" and "long scarf" in n.text()
    n.choose("Vote for Martov").choose("Sit still").choose("side door")
    assert "Dorofeev half rises" in n.text()
    n.choose("Stay in your seat")
    assert "Dorofeev comes down the row" in n.text()
    n.wait_for("Trotsky rises").choose("Trotsky rises").choose("Stay where you are")
    n.choose("Vote against it").choose("debate drags on")
    n.wait_until_moved()
    assert n.scene == "delegate_capture"
    n.choose("Cheer until")
    shout = [c for c in eng.view(world, n.ws, n.ps).choices if c.label.startswith("Shout")]
    assert shout and not shout[0].enabled and "croak" in (shout[0].reason or "")
    n.wait_for("Martov's people are coming back in")
    assert n.var("delegate_reply") is True                        # the 03:40 reply from home
    n.choose("coming back").choose("Lunacharsky").choose("Hear the reading")
    text = n.text()
    assert "Dorofeev's big hand" in text and "on your word" in text
    n.choose("Vote for the manifesto").choose("Go out onto the steps").choose("Walk down")
    end = eng.view(world, n.ws, n.ps).ending
    assert n.scene == "delegate_end_new_day" and "Dorofeev catches you up" in n.text()
    assert "acted on your telegram before it was" in " ".join(end.epilogue.split())
    for phrase in ("talked a wavering SR delegate into staying in the Congress",
                   "carried Martov's note to the Left SRs and brought back their yes",
                   "telegraphed home that the government had fallen, before it had"):
        assert phrase in end.summary.mattered


def test_a_delegate_rides_to_the_palace_and_brings_the_news_back(world: World) -> None:
    n = Night(world)
    n.choose("Bolshevik").wait_until_moved()
    n.choose("See who").choose("Cheer").choose("session breaks up")
    n.wait_until_moved(limit=40)
    n.choose("give up the platform").wait_until_moved()
    n.choose("Vote for Martov").choose("Sit still").choose("side door").choose("Stay")
    n.wait_for("Trotsky rises").choose("Trotsky rises").choose("Stay where you are")
    n.choose("Vote for the condemnation")
    assert n.scene == "delegate_kamkov"
    n.choose("ride to the palace")
    assert n.scene == "delegate_mrc_lorry" and n.var("delegate_went_to_palace") is True
    n.choose("Get down")
    assert n.scene == "delegate_square_night" and n.flag("delegate_at_palace") is True
    n.wait_until_moved(limit=20)
    assert n.scene == "delegate_palace_breach" and n.clock == "02:00"
    n.choose("Run for a lorry back to Smolny")
    assert n.scene == "delegate_deep_night" and "told it twice" in n.text()
    n.wait_until_moved()
    assert n.scene == "delegate_capture" and "You have known for an hour" in n.text()
    n.choose("Stay in your seat").choose("telegraph room").choose("Write your twelve words")
    n.choose("SAW PALACE FALL")
    assert n.var("delegate_report") == "witness"
    n.choose("Go back up")
    assert n.scene == "delegate_reports"
    n.wait_for("Martov's people are coming back in").choose("coming back")
    n.choose("Lunacharsky").choose("Hear the reading").choose("Abstain")
    n.choose("Go out onto the steps").choose("Walk down")
    end = eng.view(world, n.ws, n.ps).ending
    assert n.scene == "delegate_end_minority"
    assert "one of their own saw the palace fall" in " ".join(end.epilogue.split())
    assert "carried the news of the palace back to the Congress" in end.summary.mattered


def test_singing_on_the_march_keeps_you_in_it(world: World) -> None:
    n = Night(world)
    n.choose("Menshevik.").wait_until_moved()
    n.choose("See who").choose("Keep your hands").choose("session breaks up")
    n.wait_for("big man sitting in the window").choose("big man sitting in the window")
    n.choose("Watch, and decide")
    n.wait_until_moved(limit=40)
    n.choose("give up the platform").wait_until_moved()
    n.choose("Vote for Martov").choose("Sit still").choose("side door")
    assert "Whatever you do now, he will do" in n.text()
    n.choose("Walk out with them")
    assert "I said I'd do what you did" in n.text()
    n.choose("Set off").choose("fall in").choose("Sing with them")
    slip = [c for c in eng.view(world, n.ws, n.ps).choices if c.label.startswith("Slip")]
    assert slip and not slip[0].enabled and "your arm" in (slip[0].reason or "")
    n.choose("Stay in the middle").choose("Follow Prokopovich")
    assert "sang like a lion" in n.text() and "Dorofeev sits on a bench" in n.text()
