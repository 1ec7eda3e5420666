"""A save that cannot be loaded is never passed over without a word, and nothing is lost.

The installed program, as a player meets it: the title screen (plain and in a terminal) counts
the files that cannot be loaded; `--continue` names the newest night when it cannot load it,
says why (reason first) and what it does instead; a file kept aside is named for what it is;
a night fitted to an edited scenario keeps its save as it was, under a name the report gives.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from winterpalace.menus import Flow, TitleScreen
from winterpalace.saves import SaveStore

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example"
DAMAGED = b'{"version": 1'


def _play(saves: Path, lines: list[str], *args: str, scenes: Path = EXAMPLE) -> str:
    """`winterpalace play --scenes ...` with `lines` piped in (plain mode); what it printed."""
    env = {**os.environ, "WINTERPALACE_SAVES": str(saves)}
    done = subprocess.run([sys.executable, "-m", "winterpalace", "play", "--scenes",
                           str(scenes), *args], input="".join(f"{ln}\n" for ln in lines),
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    # Unwrapped (plain text wraps at 80, breaking after hyphens too): sentences read whole.
    return re.sub(r"\s*\n\s*", " ", re.sub(r"(?<=\w-)\n", "", done.stdout))


def _two_sailor_nights(saves: Path) -> Path:
    """An older sailor night kept aside (`sailor-2010`) and a newer one in `autosave-sailor`;
    the folder of the example's saves."""
    _play(saves, ["2", "1", "quit"], "--seed", "1")
    _play(saves, ["2", "2", "1", "quit"], "--seed", "1")
    folder = saves / "example-night"
    assert sorted(p.name for p in folder.iterdir()) == ["autosave-sailor.json",
                                                        "sailor-2010.json"]
    return folder


def test_continue_names_the_damaged_newest_night_and_what_it_continues(tmp_path):
    folder = _two_sailor_nights(tmp_path)
    (folder / "autosave-sailor.json").write_bytes(DAMAGED)
    out = _play(tmp_path, ["quit"], "--continue")
    assert ("Your newest night, `autosave-sailor`, is damaged (not valid JSON) and cannot be "
            "loaded; this continues the night before it, `sailor-2010`. `autosave-sailor` is "
            "left as it is; `saves` lists it.") in out
    assert "Welcome back: sailor-2010: The sailor, 20:10, Palace Square" in out
    assert (folder / "autosave-sailor.json").read_bytes() == DAMAGED

    # The title screen says so in one line; `saves` says why.
    out = _play(tmp_path, ["saves", "quit"])
    assert "1 save file cannot be loaded; `saves` lists it and says why." in out
    assert re.search(r"Cannot be loaded: autosave-sailor +damaged: not valid JSON", out), out

    # Choosing the role later keeps the file, unchanged, under a name that says what it is.
    out = _play(tmp_path, ["2", "quit"])
    assert ("`autosave-sailor` is damaged (not valid JSON) and cannot be loaded; it is kept as "
            "it is, as `damaged-autosave-sailor`.") in out
    assert (folder / "damaged-autosave-sailor.json").read_bytes() == DAMAGED


def test_with_nothing_else_to_continue_it_says_so(tmp_path, world):
    store = SaveStore(world, tmp_path / "s")
    flow = Flow(world, store=store, confirm=False, seed=1)
    flow.start(role="officer")
    flow.handle("1")
    flow.quit()
    store.path("autosave-officer").write_bytes(DAMAGED)
    out = Flow(world, store=SaveStore(world, store.root), confirm=False).start(resume=True)
    assert out[0].text == ("Your newest night, `autosave-officer`, is damaged (not valid JSON) "
                           "and cannot be loaded; there is no other night to continue: choose "
                           "a role. `autosave-officer` is left as it is; `saves` lists it.")
    assert isinstance(out[1], TitleScreen) and out[1].unloadable == 1
    from winterpalace.web import protocol  # the browser's title says it too
    assert protocol.data(out[1])["unloadable_line"] == ("1 save file cannot be loaded; `saves` "
                                                        "lists it and says why.")
    # A damaged file older than the night continued is not in the way: no word about it.
    flow = Flow(world, store=store, confirm=False, seed=1)
    flow.start(role="sailor")
    flow.quit()
    out = Flow(world, store=SaveStore(world, store.root), confirm=False).start(resume=True)
    assert out[0].text.startswith("Welcome back: autosave-sailor")


def _edit(root: Path, file: str, *pairs: tuple[str, str]) -> None:
    path = root / file
    text = path.read_text()
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)


def test_a_night_fitted_to_an_edited_scenario_keeps_its_save_as_it_was(tmp_path):
    story = tmp_path / "story"
    shutil.copytree(EXAMPLE, story)
    saves = tmp_path / "s"
    _play(saves, ["1", "go up", "quit"], "--role", "officer", "--seed", "1", scenes=story)
    autosave = saves / "example-night" / "autosave-officer.json"
    before = autosave.read_bytes()
    assert json.loads(before)["summary"]["title"] == "The Malachite Room"

    original = {f: (story / f).read_text() for f in ("world.yaml", "palace/officer.yaml",
                                                      "palace/sailor.yaml")}
    for f in original:
        (story / f).write_text(re.sub(r"\bresolve\b", "nerve", original[f]))
    _edit(story, "world.yaml", ("  aurora_fired: false\n", "  aurora_fired: false\n  bells: "
                                "false\n"))
    _edit(story, "palace/officer.yaml", ("  malachite:\n", "  green_room:\n"),
          ("go: malachite", "go: green_room"))
    out = _play(saves, ["stats", "quit"], "--continue", scenes=story)
    assert "your scene `malachite` is gone from the scenario" in out
    assert ("The game as it was saved before the scenario changed is kept as "
            "`officer-before-edit`: `load officer-before-edit` goes back to it.") in out
    kept = saves / "example-night" / "officer-before-edit.json"
    assert kept.read_bytes() == before
    out = _play(saves, ["saves", "quit"], scenes=story)
    assert re.search(r"officer-before-edit +The officer, 18:0\d, The guardroom, .*\(saved "
                     r"before the scenario changed\)", out), out

    # The author puts it back: the night as it was comes back whole.
    for f, text in original.items():
        (story / f).write_text(text)
    out = _play(saves, ["load officer-before-edit", "quit"], scenes=story)
    assert "Welcome back: officer-before-edit: The officer, 18:12, The Malachite Room" in out
    assert "THE MALACHITE ROOM." in out and "Here: Alexander Konovalov." in out
    assert "scenario has changed" not in out


def test_a_save_the_edited_scenario_refuses_is_named_for_what_it_is(tmp_path):
    story = tmp_path / "story"
    shutil.copytree(EXAMPLE, story)
    saves = tmp_path / "s"
    _play(saves, ["1", "go up", "quit"], "--role", "officer", "--seed", "1", scenes=story)
    before = (saves / "example-night" / "autosave-officer.json").read_bytes()
    _edit(story, "world.yaml", ("  start: 1917-10-25 18:00", "  start: 1917-10-25 19:00"),
          ('    at: "18:00"', '    at: "19:00"'), ('from: "18:00"', 'from: "19:00"'))
    out = _play(saves, ["quit"], "--continue", scenes=story)
    reason = ("The scenario has changed since your newest night, `autosave-officer`, was saved "
              "(the night now runs 19:00-03:00, and the saved time, 18:12, lies outside it), "
              "so it cannot be loaded; there is no other night to continue: choose a role.")
    assert out.startswith(reason), out
    assert "There is no game to continue" not in out
    out = _play(saves, ["1", "quit"], scenes=story)
    assert ("The scenario has changed since `autosave-officer` was saved (the night now runs "
            "19:00-03:00, and the saved time, 18:12, lies outside it), so it cannot be loaded; "
            "it is kept as it is, as `officer-before-edit`.") in out
    assert (saves / "example-night" / "officer-before-edit.json").read_bytes() == before
    assert not list((saves / "example-night").glob("damaged-*"))


@pytest.mark.slow
def test_the_terminal_title_screen_counts_what_cannot_be_loaded(tmp_path):
    from .test_time_terminal import Terminal
    folder = _two_sailor_nights(tmp_path)
    (folder / "autosave-sailor.json").write_bytes(DAMAGED)
    t = Terminal(["play", "--scenes", str(EXAMPLE)], 100, tmp_path)
    try:
        t.pump("1 save file cannot be loaded; `saves` lists it and says why.")
        t.pump("continue")
        t.send("quit\r")
        t.child.expect("Goodbye")
    finally:
        t.close()
    t = Terminal(["play", "--scenes", str(EXAMPLE), "--continue"], 100, tmp_path)
    try:
        t.pump("Welcome back")
        shown = re.sub(r"\s+", " ", "\n".join(t.screen.display))
        assert ("newest night, `autosave-sailor`, is damaged (not valid JSON) and cannot be "
                "loaded; this continues the night before it, `sailor-2010`.") in shown, shown
        t.send("quit\r")
        t.child.expect("Goodbye")
    finally:
        t.close()
    assert (folder / "autosave-sailor.json").read_bytes() == DAMAGED
