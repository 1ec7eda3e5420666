"""Issue 13 through the real command: waits that stop and say why, `next`, `wait until`, the
limits, stable numbers, brief/verbose, map, stats, endings found, typed labels that start with
a command word, interrupted choices, save names, and the help. Piped plain mode throughout;
the terminal's own screen (toolbar, --plain prompt, Ctrl-C) in test_time_terminal.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WAITING = ROOT / "tests" / "engine" / "waiting"


def play(script: list[str], *args: str, saves: Path, scenes: Path | None = WAITING,
         role: str | None = "watcher") -> str:
    cmd = [sys.executable, "-m", "winterpalace", "play", "--seed", "1", "--saves", str(saves)]
    if scenes is not None:
        cmd += ["--scenes", str(scenes)]
    if role is not None:
        cmd += ["--role", role]
    done = subprocess.run(cmd + list(args), input="\n".join(script) + "\n", text=True,
                          capture_output=True, timeout=60, check=False,
                          env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_long_wait_stops_at_each_moment_and_says_why(tmp_path: Path) -> None:
    out = flat(play(["wait 600"] * 9, saves=tmp_path))
    for line in [
        ("At 09:50: Someone pastes a poster on the wall behind the cart. You stop waiting at "
         "09:50: a poster goes up."),
        'You stop waiting at 10:00: a new choice, "Follow the commissar".',
        ('You stop waiting at 10:29: "Leave for the square before the crowd" is possible only '
         "until 10:30."),
        'You stop waiting at 10:45: a new choice, "Help the corporal up".',
        "You stop waiting at 11:15: The corporal leaves.",
        "You stop waiting at 11:30: Fedya arrives.",
        ("At 12:30: Rain sweeps down the road and you run for a doorway. You stop waiting at "
         "12:30: the storm. A DOORWAY."),
    ]:
        assert line in out, line


def test_wait_takes_every_duration_and_a_time_and_states_its_limits(tmp_path: Path) -> None:
    out = flat(play(["wait 20m", "wait 1 hour", "wait until 10:20", "wait until 10:20",
                     "wait 2h30x", "wait forever", "wait 0", "wait until 09:00",
                     "wait until 25:00", "wait 1h30", "wait 10000"], saves=tmp_path))
    assert "no wait goes longer" not in out     # the last wait stopped early: it says why
    assert "09:20, Wednesday" in out                             # 20m
    assert "You stop waiting at 09:50" in out                     # 1 hour, cut short
    assert "You stop waiting at 10:00" in out                     # until 10:20, cut short ...
    assert "10:20, Wednesday" in out                              # ... then reached
    assert out.count("give minutes or hours, like `wait 30`, `wait 1h30m` or `wait until "
                     "22:00`; `next` waits for the next thing.") == 2
    assert "Wait how long? At least a minute, like `wait 5`." in out
    assert "It is 10:20 already, and 09:00 has passed. The night ends at 13:00." in out
    assert "`wait until 25:00`: give a time of the night, like `wait until 11:20`." in out
    assert "You stop waiting at 10:29" in out                     # 1h30: a window's last minute
    # On the square nothing happens after the bells: a wait longer than the night waits to
    # its end, and says that is as long as a wait goes.
    out = flat(play(["wait until 10:00"] * 2 + ["Follow the commissar", "next", "wait 10000"],
                    saves=tmp_path / "b"))
    assert "The night ends at 13:00, 2 h 20 min from now: no wait goes longer." in out
    assert "THE END: Nothing came." in out


def test_next_waits_for_the_next_thing_and_sums_up_the_wait(tmp_path: Path) -> None:
    out = flat(play(["next", "nx", "wait on", "next", "next", "next"], saves=tmp_path))
    assert "You wait from 09:00 to 09:50 (50 min)." in out
    assert "You wait from 09:50 to 10:00 (10 min)." in out
    assert "You wait from 10:00 to 10:29 (29 min)." in out
    assert "You wait from 10:45 to 11:14 (29 min)." in out
    # People who only come and go are waited through, and listed.
    assert ("You wait from 11:14 to 12:30 (1 h 16 min). Meanwhile: 11:15 The corporal leaves; "
            "11:30 Fedya arrives; 11:50 Fedya leaves.") in out
    assert "You stop waiting at 12:30: the storm." in out
    # On the square nothing will happen after the bells: `next` does not end the night.
    out = flat(play(["wait until 10:00"] * 2 + ["Follow the commissar", "next", "next"],
                    saves=tmp_path / "b"))
    assert "At 10:40: Bells ring over the square. You stop waiting at 10:40: Bells." in out
    assert ("Nothing more happens here before the night ends at 13:00: choose what to do, or "
            "`wait until 13:00` to wait for the end.") in out


def test_undo_states_its_real_limit(tmp_path: Path) -> None:
    out = flat(play(["Save cart wheels", "wait", "undo 1000", "undo", "undo 0", "undo x"],
                    saves=tmp_path))
    assert ("Only 2 could be taken back. Undone: Save cart wheels; waited 15 min. (That is as "
            "far back as this night goes.)") in out
    assert "There is nothing to undo." in out
    assert out.count("`undo` takes back one choice; `undo 3` takes back three (up to the last "
                     "50).") == 2


def test_a_taken_choice_keeps_its_number_while_the_player_is_here(tmp_path: Path) -> None:
    out = play(["1", "1", "6", "1"], saves=tmp_path)
    assert "1. Drink tea at the tea-house (done)\n2. Leave for the square before the crowd" in out
    assert "You have done that already: Drink tea at the tea-house." in out
    # Away to the yard (6 is still 6) and back: the tea is gone, the numbers close up.
    assert "THE YARD." in out
    last = out.rsplit("THE ROAD.", 1)[1]
    assert "Drink tea" not in last and "1. Leave for the square before the crowd" in last


def test_a_place_come_back_to_is_told_in_short_and_look_tells_it_all(tmp_path: Path) -> None:
    out = play(["Go round to the yard", "Back to the road", "look", "verbose",
                "Go round to the yard", "Back to the road", "brief", "Go round",
                "Back to the road"], saves=tmp_path)
    first, back, looked, verbose, brief = out.split("THE ROAD.")[1:6]
    assert "On the wall behind it old posters peel" in first
    assert "You have been here before, so it is told in short: `look` gives the whole " \
           "description (`verbose`: always)." in flat(out)
    assert "The road again, the cart, the wall." in back and "old posters" not in back
    assert "old posters peel" in looked
    assert "Verbose: every place is described in full" in out and "old posters" in verbose
    assert "The road again, the cart, the wall." in brief and "old posters" not in brief


def test_map_shows_only_what_the_player_knows(tmp_path: Path) -> None:
    out = play(["map", "Go round to the yard", "Back to the road", "map"], saves=tmp_path)
    first, second = out.split("Map: the places of your night:")[1:3]
    assert "The road (by the cart): you are here" in first
    assert "The square: a choice here leads there" in first
    assert "The yard: a choice here leads there" in first
    assert "Home" not in first and "The doorway" not in first    # not heard of: not shown
    assert "The yard: first reached at 09:05" in second


def test_stats_shows_the_qualities_the_scenario_declares(tmp_path: Path) -> None:
    out = play(["stats", "Drink tea", "stats"], saves=tmp_path)
    assert "You, tonight: A watcher:\nPatience: 3 of 5 (how long you can stand here)\n" \
           "Tea: not yet" in out
    assert "Patience: 4 of 5 (how long you can stand here)\nTea: drunk" in out
    example = play(["stats"], saves=tmp_path, scenes=ROOT / "docs" / "example", role="sailor")
    assert "Resolve: 3 of 5" in example and "Shots fired: 0" in example


def test_an_ending_counts_the_endings_found_across_games(tmp_path: Path) -> None:
    script = ["wait until 10:00", "wait until 10:00", "Follow the commissar", "Go home",
              "endings", "1"]
    out = play(script, saves=tmp_path)
    assert "THE END: Home early." in out
    assert "Your night:\n  09:50 saw the poster go up\n  10:05 went home early\n" in out
    assert "You have found 1 of 2 endings (this one is new). `endings` lists them." in out
    assert "1. Play again as a watcher" in out
    assert "You have found 1 of 2 endings.\nA watcher:\n  Home early (" in out
    again = play(["quit"], saves=tmp_path, role=None)
    assert "You have found 1 of 2 endings. `endings` lists them." in again
    third = play(script, saves=tmp_path)
    assert "You have found 1 of 2 endings. `endings` lists them." in third   # not new now
    assert (tmp_path / "waiting-night" / ".progress.json").is_file()


def test_labels_that_start_with_a_command_word_can_be_typed(tmp_path: Path) -> None:
    out = play(["wait until 10:45"] * 4 + ["help the corporal up", "i will stand on the cart", "save cart",
                "save cart", "help", "i", "wait for the tram"], saves=tmp_path)
    # `help the corporal up` and `i will ...` are choices; bare `help` and `i` are commands.
    assert out.count("Help the corporal up") >= 1 and "Nothing on the road, as far" in out
    assert "`save cart` could be the command `save` or a choice. Type the choice's number, " \
           "or `save cart` again for the command." in flat(out)
    assert ". Save cart wheels\n" in out and "Saved as `cart`" in out
    assert "Commands:" in out and "You carry nothing worth mentioning." in out
    assert "`wait for the tram`: give minutes or hours" in flat(out)


def test_an_interrupted_choice_is_never_finished_and_stays(tmp_path: Path) -> None:
    out = play(["wait until 12:20"] * 9 + ["Drink tea", "Back to the road", "stats"],
               saves=tmp_path)
    assert 'You never finish "Drink tea at the tea-house": something else comes first.' in \
        flat(out)
    assert "Hot tea" not in out
    after = out.rsplit("THE ROAD.", 1)[1]
    assert "Drink tea at the tea-house" in after and "Tea: not yet" in after


@pytest.mark.parametrize("name,said", [
    ("שלום", "Saved as `שלום`"),
    ("Зимний-дворец", "Saved as `зимний-дворец`"),
    ("-rf", "`-rf` cannot be a save name: start it with a letter or a digit"),
    ("CON", ("`con` cannot be a save name: Windows keeps that name for a device. Choose "
             "another, like `con-1`.")),
    ("com1", "`com1` cannot be a save name: Windows keeps that name for a device."),
    ("a.b", ("`a.b` cannot be a save name: use letters (of any alphabet), digits, `-` and "
             "`_`, with no spaces, dots or slashes")),
])
def test_save_names(tmp_path: Path, name: str, said: str) -> None:
    out = flat(play([f"save {name}", f"load {name}"], saves=tmp_path))
    assert said in out
    assert "Error:" not in out      # a name refused is a warning, not an error of the game


def test_names_read_right_inside_sentences(tmp_path: Path) -> None:
    out = play(["next"] * 8, saves=tmp_path, scenes=None, role="delegate")
    assert "Play again: A" not in out and "as A delegate" not in out
    sailor = play(["3"], saves=tmp_path / "s", scenes=None, role="sailor")
    assert "Petrograd, on the southern road out of the city." in sailor


def test_help_for_play_test_and_graph() -> None:
    def helptext(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "winterpalace", *args, "--help"],
                              capture_output=True, text=True, timeout=60, check=True).stdout
    p = helptext("play")
    assert "Play one night in Petrograd" in p and "examples:" in p
    assert "winterpalace play --role sailor --seed 7" in p
    assert "DIR/winter-palace/ for this game" in " ".join(p.split())
    assert "json: the same report as one JSON document" in " ".join(helptext("test").split())
    assert "mermaid: a Mermaid flowchart" in " ".join(helptext("graph").split())
