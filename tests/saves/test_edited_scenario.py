"""A save from an edited scenario: fitted where that is safe, with one short report; refused
with the reason where it is not; and a load never changes a file or the game until it works."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from winterpalace.menus import Flow
from winterpalace.saves import SaveError, SaveStore, scenario_fingerprint
from winterpalace.scenario import load_scenario
from winterpalace.session import Notice, Screen, Session

from .conftest import played, snapshot

EVERY_COMMAND = ["look", "1", "2", "w", "wait 20", "undo", "history", "map", "inventory",
                 "notes", "time", "saves", "undo 3", "1", "2"]


def _edit(root: Path, file: str, *pairs: tuple[str, str]) -> None:
    path = root / file
    text = path.read_text()
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)


def _play_on(world, loaded) -> Session:
    """Every command works on the fitted game: nothing goes wrong inside."""
    s = Session(world, loaded.game, list(loaded.undo))
    for line in EVERY_COMMAND:
        for o in s.handle(line):
            assert not (isinstance(o, Notice) and o.kind == "error"), (line, o.text)
    return s


@pytest.fixture
def old_save(example_copy, tmp_path):
    """A save of the unedited example: officer with the revolver in the Malachite Room."""
    world = load_scenario(example_copy)
    store = SaveStore(world, tmp_path / "s")
    s = played(world, store)
    store.save("old", s.game, s.undo_stack, night=s.night)
    return store


def _reload(example_copy, old_save):
    world = load_scenario(example_copy)
    return world, SaveStore(world, old_save.root)


def test_a_renamed_variable_is_migrated_with_one_report(example_copy, old_save):
    # The case: rename `resolve` to `nerve` in docs/example, load a save made before.
    for f in ("world.yaml", "palace/officer.yaml", "palace/sailor.yaml"):
        path = example_copy / f
        path.write_text(re.sub(r"\bresolve\b", "nerve", path.read_text()))
    world, store = _reload(example_copy, old_save)
    before = snapshot(store.folder)
    loaded = store.load("old")
    assert loaded.warning == ("The scenario has changed since this game was saved: the "
                              "variable `resolve` is gone from the scenario; new variable "
                              "`nerve` starts at 2.")
    assert loaded.game.player.vars == {"nerve": 2, "reported": False, "shots": 0}
    assert loaded.game.player.items == ("revolver",)
    _play_on(world, loaded)
    assert snapshot(store.folder) == before
    # In the game: one report, where the autosave as it was is kept, the screen; the
    # autosave follows only once it worked.
    s = played(world, store, ())
    out = s.handle("load old")
    assert [type(o) for o in out] == [Notice, Notice, Notice, Screen]
    assert "`nerve` starts at 2" in out[1].text
    assert out[2].text == ("The game as it was saved before the scenario changed is kept as "
                           "`officer-before-edit`: `load officer-before-edit` goes back to it.")
    assert store.path("officer-before-edit").read_bytes() == \
        before["autosave-officer.json"][1]
    assert "Something went wrong" not in str(out)


def test_a_new_flag_used_in_text_takes_its_starting_value(example_copy, old_save):
    _edit(example_copy, "world.yaml", ("  aurora_fired: false\n",
                                       "  aurora_fired: false\n  bells: false\n"))
    _edit(example_copy, "palace/officer.yaml",
          ("text: Green stone and gold. The ministers sit around the table.",
           "text: \"{bells: Bells ring.|All is quiet.} Green stone and gold.\""))
    world, store = _reload(example_copy, old_save)
    loaded = store.load("old")
    assert "new world flag `bells` starts at false" in loaded.warning
    assert "All is quiet." in _play_on(world, loaded).view_of(loaded.game).text


def test_items_notes_and_types_that_changed(example_copy, old_save):
    _edit(example_copy, "world.yaml",
          ("  revolver: { name: a service revolver, about: \"Six rounds, none fired yet.\" }\n",
           ""),
          ("  ultimatum: The Military Revolutionary Committee has demanded the palace's "
           "surrender.\n", "  other: Something else.\n"),
          ("  shots: 0\n", "  shots: \"none\"\n"))
    _edit(example_copy, "palace/officer.yaml", ("do: [give(revolver)]", "do: []"),
          ("on_enter: [learn(ultimatum)]", "on_enter: [learn(other)]"),
          ("if: has(revolver)", "if: true"))
    _edit(example_copy, "palace/sailor.yaml", ("do: [shots += 1]", "do: [shots = \"one\"]"),
          ("{shots > 0: You fired {shots} shots tonight.|You never fired your rifle "
           "tonight.}", "{shots}"))
    world, store = _reload(example_copy, old_save)
    loaded = store.load("old")
    assert loaded.game.player.items == () and loaded.game.player.notes == ()
    assert loaded.game.player.vars["shots"] == "none"
    for part in ("you no longer carry `revolver`: it is gone from the scenario",
                 "the note `ultimatum` is gone from the scenario",
                 'the variable `shots` is now text: it starts again at "none"'):
        assert part in loaded.warning
    _play_on(world, loaded)


def test_a_removed_scene_falls_back_to_the_last_point_that_still_exists(example_copy, old_save):
    _edit(example_copy, "palace/officer.yaml", ("  malachite:\n", "  green_room:\n"),
          ("go: malachite", "go: green_room"))
    world, store = _reload(example_copy, old_save)
    loaded = store.load("old")
    assert "your scene `malachite` is gone from the scenario: the game goes back to 18:02, " \
           "The guardroom (1 choice taken back)" in loaded.warning
    assert loaded.game.player.scene == "guardroom" and len(loaded.undo) == 1
    _play_on(world, loaded)


def test_without_undo_levels_the_trail_gives_the_last_scene_still_there(example_copy,
                                                                        old_save, world):
    s = played(world, None, ("1", "2"))
    old_save.save("bare", s.game, [], night="n")
    _edit(example_copy, "palace/officer.yaml", ("  malachite:\n", "  green_room:\n"),
          ("go: malachite", "go: green_room"))
    world, store = _reload(example_copy, old_save)
    loaded = store.load("bare")
    assert "you are back in The guardroom, the last scene of your night that is still there" \
        in loaded.warning
    assert loaded.game.player.time == 18 * 60 + 12 and loaded.game.player.items == ("revolver",)
    _play_on(world, loaded)


def test_a_once_only_choice_that_moved_stays_taken(example_copy, old_save):
    _edit(example_copy, "palace/officer.yaml",
          ("    choices:\n      - label: Take a revolver from the rack\n",
           "    choices:\n      - label: Look at the cadets\n        takes: 1m\n"
           "      - label: Take a revolver from the rack\n"))
    world, store = _reload(example_copy, old_save)
    loaded = store.load("old")
    assert loaded.game.player.used == frozenset({"guardroom#1"})
    _play_on(world, loaded)
    s = Session(world, loaded.game, list(loaded.undo))
    s.handle("go back down")       # from the Malachite Room, down to the guardroom
    assert s.game.player.scene == "guardroom"
    labels = [c.label for c in s.view().choices]
    assert "Take a revolver from the rack" not in labels and "Look at the cadets" in labels


@pytest.mark.parametrize("edit,reason", [
    ((("  officer:\n    name: The officer", "  guard:\n    name: The officer"),
      ("  officer:\n    - { show: resolve", "  guard:\n    - { show: resolve")),
     "the role `officer` is gone from the scenario"),
    ((("  start: 1917-10-25 18:00", "  start: 1917-10-25 18:30"),
      ("    at: \"18:00\"", "    at: \"18:30\""), ('from: "18:00"', 'from: "18:30"')),
     "the night now runs 18:30-03:00, and the saved time, 18:12, lies outside it"),
])
def test_unsafe_changes_are_refused_with_the_reason(example_copy, old_save, edit, reason):
    _edit(example_copy, "world.yaml", *edit)
    if "guard:" in edit[0][1]:
        for f in ("world.yaml", "palace/officer.yaml", "palace/sailor.yaml"):
            p = example_copy / f
            p.write_text(p.read_text().replace('role == "officer"', 'role == "guard"'))
    world, store = _reload(example_copy, old_save)
    before = snapshot(store.folder)
    # Reason first, then what it means and what to do.
    with pytest.raises(SaveError, match=r"^The scenario has changed since `old` was saved \("
                       + re.escape(reason) + r"\), so it cannot be loaded\. The file was left "
                       r"untouched; load another save or start again\.$"):
        store.load("old")
    assert reason in store.info("old").problem
    flow = Flow(world, store=store, confirm=False)
    flow.start(role="sailor")
    out = flow.handle("load old")
    assert out[0].kind == "error" and reason in out[0].text
    assert flow.session.game.player.role == "sailor"
    after = snapshot(store.folder)
    assert after["old.json"] == before["old.json"]


def test_the_fingerprint_covers_what_the_state_depends_on(example_copy):
    base = scenario_fingerprint(load_scenario(example_copy))
    edits = [("world.yaml", "  shots: 0\n", "  shots: 0\n  extra: 1\n"),        # variable
             ("world.yaml", "  aurora_fired: false\n", "  aurora_fired: false\n  b: 1\n"),
             ("world.yaml", "  ribbon: a red ribbon\n", "  ribbon: a red ribbon\n  cap: a cap\n"),
             ("world.yaml", "  square: { name: Palace Square, area: city }\n",
              "  square: { name: Palace Square, area: city }\n  quay: { name: Quay }\n"),
             ("world.yaml", "  MRC: The", "  MRC: The"),                        # no change
             ("world.yaml", "    at: \"21:40\"", "    at: \"21:45\""),          # event
             ("palace/officer.yaml", "Go back down to the guardroom", "Go down")]  # choice
    seen = set()
    for file, old, new in edits:
        path = example_copy / file
        text = path.read_text()
        path.write_text(text.replace(old, new, 1))
        fp = scenario_fingerprint(load_scenario(example_copy))
        path.write_text(text)
        assert (fp == base) == (old == new), (file, old)
        seen.add(fp)
    assert len(seen) == len(edits) - 1 + 1


def test_prose_edits_load_silently(example_copy, old_save):
    _edit(example_copy, "palace/officer.yaml",
          ("Green stone and gold.", "Green malachite and gold leaf."))
    world, store = _reload(example_copy, old_save)
    loaded = store.load("old")
    assert loaded.warning is None and loaded.changes == ()


def test_play_watch_reloads_keep_autosaving_into_the_new_scenario(example_copy, tmp_path):
    """`play --watch`: the session moves to the edited world; its saves follow it."""
    from winterpalace.tools.watch import Watcher
    world = load_scenario(example_copy)
    flow = Flow(world, store=SaveStore(world, tmp_path / "s"), seed=1, confirm=False,
                watcher=Watcher(example_copy))
    flow.start(role="officer")
    flow.handle("1")
    flow.handle("go up")                       # the Malachite Room is in the trail
    time.sleep(0.01)
    _edit(example_copy, "world.yaml", ("  shots: 0\n", "  shots: 0\n  courage: 1\n"))
    _edit(example_copy, "palace/officer.yaml", ("  malachite:\n", "  green_room:\n"),
          ("go: malachite", "go: green_room"))
    out = flow.handle("look")
    assert "Reloaded the scenario." in out[0].text
    out += flow.handle("1")
    assert not [o for o in out if isinstance(o, Notice) and o.kind == "error"], out
    saved = SaveStore(load_scenario(example_copy), tmp_path / "s").load("autosave-officer")
    assert saved.game == flow.session.game and saved.warning is None
    assert saved.game.player.vars["courage"] == 1
    # An author's reloads are the night itself going on: no copy is kept at each one.
    assert sorted(p.name for p in (tmp_path / "s" / "example-night").glob("*.json")) == [
        "autosave-officer.json"]
