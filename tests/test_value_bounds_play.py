"""The value bounds through the real `winterpalace play` command, in plain mode.

`s = s + s` taken 32 times once made a 2 GB text, a MemoryError and a save over 16 MB that was
written and then refused on reading. Now the 13th doubling is refused with a message naming the
scene, the choice and file:line, the game goes on, and the autosave stays small and readable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WORLD = """\
scenario: doubling
title: Doubling
clock: { start: 1917-10-25 18:00, end: 1917-10-26 03:00 }
roles:
  r: { name: Someone, intro: Hello., start: a, at: "18:00", time_out: out }
places:
  p: { name: A place }
variables:
  s: "ab"
  big: 10
"""
SCENES = """\
scenes:
  a:
    title: The hall
    place: p
    text: "Here. The number is {big}."
    choices:
      - { label: Double the text, do: ["s = s + s"], takes: 1m, result: Doubled. }
      - { label: Raise the number, do: ["big = big * big * big * big"], takes: 1m }
      - { label: Leave, go: out }
  out: { title: Out, place: p, text: Gone., ending: { title: Gone, epilogue: Bye. } }
"""


def play(root: Path, saves: Path, *args: str, lines: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WINTERPALACE_SAVES": str(saves)}
    return subprocess.run([sys.executable, "-m", "winterpalace", "play", "--plain", "--scenes",
                           str(root), *args], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=120, env=env,
                          check=False)


def test_doubling_32_times_is_refused_at_the_bound_and_the_game_goes_on(tmp_path: Path) -> None:
    root = tmp_path / "scn"
    root.mkdir()
    (root / "world.yaml").write_text(WORLD)
    (root / "s.yaml").write_text(SCENES)
    saves = tmp_path / "saves"
    done = play(root, saves, "--role", "r", "--seed", "1",
                lines=["1"] * 32 + ["2", "2", "quit"])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr and done.stderr == ""
    out = " ".join(done.stdout.split())   # plain mode wraps lines
    assert out.count("Doubled.") == 12
    refusal = ("That cannot be done: `s + s` would be a text of 16,384 characters; a text "
               "holds at most 10,000 (at choice “Double the text” in scene `a`, ")
    assert out.count(refusal) == 20
    assert "s.yaml:7:9). Nothing was changed." in out
    assert "The number is 10000." in out
    assert "`big = big * big * big * big` would make `big` pass ±1,000,000,000,000,000" in out
    autosave = next(saves.rglob("autosave-r.json"))
    assert autosave.stat().st_size < 200_000
    # The autosave is read back by the real command: the night goes on where it was.
    again = play(root, saves, "--continue", lines=["look", "1", "3", "quit"])
    assert again.returncode == 0 and again.stderr == "", again.stderr[-3000:]
    shown = " ".join(again.stdout.split())
    assert "Welcome back" in shown and "The number is 10000." in shown
    assert "That cannot be done: `s + s` would be a text of 16,384 characters" in shown
    assert "THE END: Gone." in shown
