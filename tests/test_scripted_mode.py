"""The scripted (plain) mode end to end: the real command, commands on stdin, plain text out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "example"


def play(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "winterpalace", "play", *args],
                          input=stdin, capture_output=True, timeout=60)


def test_officer_plays_to_the_historical_ending() -> None:
    # revolver, up to the Malachite Room and down, then wait in the guardroom: the wait stops
    # when a choice opens at 20:00 and at the Aurora's shot; the breach carries him off
    done = play(b"1\n2\n2\nwait 600\nwait 600\nwait 600\n", "--scenes", str(EXAMPLE),
                "--role", "officer", "--seed", "1")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert "THE GUARDROOM. Winter Palace, ground floor." in out
    assert "18:00, Wednesday 25 October 1917 (Old Style); 7 November (New Style)." in out
    assert "At 21:40: A single great boom rolls across the river." in out
    assert "At 02:00: Boots on the stairs, hundreds of them." in out
    assert "THE END: Taken at the table." in out
    assert "What really happened: In 1917 the ministers were arrested" in out


def test_sailor_plays_to_an_ending() -> None:
    done = play(b"2\nwait 600\nwait 600\n1\n", "--scenes", str(EXAMPLE), "--role", "sailor",
                "--seed", "1")
    out = done.stdout.decode()
    assert done.returncode == 0
    assert "At 02:00: The doors give way and the crowd carries you inside." in out
    assert "THE END: The palace taken." in out and "You never fired your rifle tonight." in out


def test_role_chosen_from_the_menu() -> None:
    done = play(b"2\n2\n", "--scenes", str(EXAMPLE), "--seed", "1")
    out = done.stdout.decode()
    assert "1. The officer." in out and "2. The sailor." in out
    assert "THE SAILOR." in out and "PALACE SQUARE." in out


def test_same_seed_and_input_give_identical_output(tmp_path: Path) -> None:
    script = b"1\nwait 100\n2\n1\nwait\nlook\n"
    # Each run in its own saves folder: a second night beside an unfinished one says so.
    runs = [play(script, "--scenes", str(EXAMPLE), "--role", "sailor", "--seed", "5",
                 "--saves", str(tmp_path / str(n))).stdout for n in range(2)]
    assert runs[0] == runs[1] and len(runs[0]) > 500


def test_end_of_input_exits_cleanly() -> None:
    done = play(b"", "--scenes", str(EXAMPLE), "--role", "officer")
    assert done.returncode == 0 and b"Choices:" in done.stdout


def test_garbage_input_never_crashes() -> None:
    junk = b"\xff\xfe\x00\x1b[2J" + b"x" * 5000 + b"\n99\n-1\n\t\n\x04\nwait forever\nwait 99999\n"
    done = play(junk * 3, "--scenes", str(EXAMPLE), "--role", "officer", "--seed", "2")
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"There is no choice 99" in done.stdout
    assert b"give minutes or hours, like `wait 30`" in done.stdout


def test_unknown_role_is_refused() -> None:
    done = play(b"", "--scenes", str(EXAMPLE), "--role", "tsar")
    assert done.returncode == 2 and b"no role `tsar`; choose one of: officer, sailor." in done.stderr


TOLD = ROOT / "tests" / "lesson" / "told"    # a told text beside every kind of text


def test_gentle_play_tells_rather_than_shows() -> None:
    shown = ["A bayonet goes in", "takes him in the throat", "falls screaming",
             "carry the dead"]
    told = ["fight on the stairs", "do not want to talk about it", "there is firing",
            "stairs have been washed"]
    for flags, want, not_want in ((["--gentle"], told, shown), ([], shown, told)):
        done = play(b"1\n", "--scenes", str(TOLD), "--role", "r", "--seed", "1", *flags)
        out = " ".join(done.stdout.decode().split())
        assert done.returncode == 0
        assert all(w in out for w in want), out
        assert not any(w in out for w in not_want), out
