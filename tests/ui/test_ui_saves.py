"""Saves: atomic writes, checks on reading, refusals that never touch the file."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from winterpalace.saves import (
    ENV_VAR,
    SAVE_FORMAT,
    SaveError,
    SaveStore,
    check_slot,
    default_saves_dir,
)
from winterpalace.scenario import load_scenario
from winterpalace.session import Session


def _played(world, store: SaveStore) -> Session:
    s, _ = Session.new(world, "officer", seed=7)
    s.store = store
    s.handle("1")          # the revolver
    s.handle("2")          # up to the Malachite Room (1 stays, done)
    return s


def test_round_trip_keeps_game_and_undo_levels(world, store):
    s = _played(world, store)
    store.save("slot-1", s.game, s.undo_stack)
    loaded = store.load("slot-1")
    assert loaded.game == s.game
    assert list(loaded.undo) == s.undo_stack
    assert loaded.warning is None
    info = store.info("slot-1")
    assert (info.role, info.clock, info.scene_title) == ("officer", "18:12", "The Malachite Room")


def test_save_file_carries_format_scenario_and_checksum(world, store):
    s = _played(world, store)
    store.save("x", s.game)
    data = json.loads(store.path("x").read_text())
    assert data["format"] == SAVE_FORMAT
    assert data["scenario"] == "example-night"
    assert len(data["checksum"]) == 64


@pytest.mark.parametrize("bad", ["../x", "..", "/etc/passwd", "a/b", "a\\b", "", " ",
                                 "x" * 41, "con.txt", "\x00", "dot.name", "~root"])
def test_slot_names_cannot_escape_the_folder(bad):
    with pytest.raises(SaveError, match="cannot be a save name"):
        check_slot(bad)


def test_slot_names_are_canonical():
    assert check_slot(" Before-The_Storm ") == "before-the_storm"
    assert check_slot("mine.json") == "mine"


def test_crash_mid_write_leaves_the_previous_save(world, store, monkeypatch):
    s = _played(world, store)
    store.save("keep", s.game)
    before = store.path("keep").read_bytes()

    def crash(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", crash)
    s.handle("2")
    with pytest.raises(SaveError, match="could not be written"):
        store.save("keep", s.game)
    assert store.path("keep").read_bytes() == before
    assert sorted(p.name for p in store.folder.iterdir()) == ["autosave-officer.json",
                                                              "keep.json"]


@pytest.mark.parametrize("damage,message", [
    (lambda b: b[: len(b) // 2], "damaged: not valid JSON"),
    (lambda b: b.replace(b'"clock":"18:12"', b'"clock":"18:13"'),
     "damaged: its checksum does not match"),
    (lambda b: b"\xff\xfe garbage", "damaged: not valid JSON"),
    (lambda b: b"[1, 2, 3]", "is not a Winter Palace save"),
])
def test_corrupt_saves_are_refused_and_never_overwritten(world, store, damage, message):
    s = _played(world, store)
    store.save("c", s.game)
    path = store.path("c")
    broken = damage(path.read_bytes())
    path.write_bytes(broken)
    with pytest.raises(SaveError, match=re.escape(message)):
        store.load("c")
    with pytest.raises(SaveError, match="never overwritten"):
        store.save("c", s.game)
    assert store.info("c").problem
    assert path.read_bytes() == broken


def test_newer_format_is_refused_with_advice(world, store):
    s = _played(world, store)
    store.save("new", s.game)
    path = store.path("new")
    data = json.loads(path.read_text())
    data["format"] = SAVE_FORMAT + 1
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError, match="newer version of Winter Palace.*Update the game"):
        store.load("new")
    assert json.loads(path.read_text())["format"] == SAVE_FORMAT + 1


def test_changed_scenario_loads_while_the_scene_exists(example_copy, tmp_path):
    world = load_scenario(example_copy)
    store = SaveStore(world, tmp_path / "s")
    s = _played(world, store)
    store.save("old", s.game, s.undo_stack)
    officer = example_copy / "palace" / "officer.yaml"
    text = officer.read_text()
    # A new variable and a new choice: the save's scene is still there.
    officer.write_text(text.replace("  malachite:\n    title: The Malachite Room\n",
                                    "  malachite:\n    title: The Malachite Room\n", 1)
                       .replace("      - label: Go back down to the guardroom\n",
                                "      - label: Look out of the window\n"
                                "        do: [courage = 1]\n"
                                "      - label: Go back down to the guardroom\n", 1))
    world_yaml = example_copy / "world.yaml"
    world_yaml.write_text(world_yaml.read_text().replace("  shots: 0\n",
                                                         "  shots: 0\n  courage: 0\n"))
    changed = load_scenario(example_copy)
    loaded = SaveStore(changed, tmp_path / "s").load("old")
    assert loaded.warning and "scenario has changed" in loaded.warning
    assert loaded.game.player.vars["courage"] == 0        # filled in from the new scenario
    session = Session(changed, loaded.game)
    assert "Look out of the window" in [c.label for c in session.view().choices]
    session.handle("2")
    assert session.game.player.vars["courage"] == 1


def test_changed_scenario_without_the_scene_goes_back_to_one_that_exists(example_copy,
                                                                          tmp_path):
    world = load_scenario(example_copy)
    store = SaveStore(world, tmp_path / "s")
    s = _played(world, store)
    store.save("old", s.game, s.undo_stack)
    before = store.path("old").read_bytes()
    officer = example_copy / "palace" / "officer.yaml"
    officer.write_text(officer.read_text().replace("  malachite:\n", "  green_room:\n")
                       .replace("go: malachite", "go: green_room"))
    changed = load_scenario(example_copy)
    loaded = SaveStore(changed, tmp_path / "s").load("old")
    assert "your scene `malachite` is gone from the scenario: the game goes back to 18:02, " \
           "The guardroom (1 choice taken back)" in loaded.warning
    assert loaded.game.player.scene == "guardroom"
    assert loaded.game.player.items == ("revolver",)
    assert store.path("old").read_bytes() == before


def test_another_scenarios_save_is_refused(world, store, tmp_path):
    s = _played(world, store)
    store.save("x", s.game)
    data = json.loads(store.path("x").read_text())
    other = tmp_path / "other.json"
    data["scenario"] = "winter-palace"
    from winterpalace.saves import checksum
    data["checksum"] = checksum({k: v for k, v in data.items() if k != "checksum"})
    store.path("x").write_text(json.dumps(data))
    with pytest.raises(SaveError, match="belongs to the scenario `winter-palace`"):
        store.load("x")
    assert not other.exists()


def test_latest_autosave_skips_finished_and_broken_games(world, store):
    s, _ = Session.new(world, "officer", seed=1)
    s.store = store
    s.handle("1")
    assert store.latest_autosave().slot == "autosave-officer"
    done, _ = Session.new(world, "officer", seed=1)
    for _ in range(3):              # 20:00 a choice opens, 21:40 the Aurora, 02:00 the end
        done.handle("next")
    assert done.ended
    store.save("autosave-sailor", done.game)
    assert store.latest_autosave().slot == "autosave-officer"   # the sailor's night is over
    store.path("autosave-officer").write_text("{")
    assert store.latest_autosave() is None


def test_saves_folder_defaults_and_overrides(monkeypatch, tmp_path, world):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert default_saves_dir() == tmp_path / "from-env"
    assert SaveStore(world).folder == tmp_path / "from-env" / "example-night"
    assert SaveStore(world, tmp_path / "flag").folder == tmp_path / "flag" / "example-night"
    monkeypatch.delenv(ENV_VAR)
    checkout = Path(__file__).resolve().parents[2]
    assert default_saves_dir() == checkout / "saves"


def test_user_data_folder_when_installed(monkeypatch, tmp_path):
    import winterpalace.saves.store as store_module
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    fake = tmp_path / "site-packages" / "winterpalace" / "saves" / "store.py"
    monkeypatch.setattr(store_module, "__file__", str(fake))
    assert default_saves_dir() == tmp_path / "data" / "winterpalace" / "saves"
