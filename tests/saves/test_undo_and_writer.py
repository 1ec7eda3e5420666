"""One undo depth everywhere (50, kept in the save), and a writer that never writes what the
reader refuses: it drops old undo levels to fit, refuses values past the bounds, and says so."""

from __future__ import annotations

import errno
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

import winterpalace.saves.store as store_module
from winterpalace.engine.limits import MAX_NUMBER
from winterpalace.engine.state import Game
from winterpalace.saves import UNDO_DEPTH, SaveError, SaveStore
from winterpalace.session import Session

from .conftest import ROOT, played


def _long_night(world, store, turns: int = 60) -> Session:
    s = played(world, store, ())
    for _ in range(turns):
        s.handle("wait 1")
    return s


def test_one_undo_depth_in_play_in_the_save_and_in_the_readme(world, store):
    assert UNDO_DEPTH == 50
    assert "the last N (up to 50)" in (ROOT / "README.md").read_text()
    s = _long_night(world, store)
    assert len(s.game.player.history) == 60 and len(s.undo_stack) == 50
    data = json.loads(store.path("autosave-officer").read_bytes())
    assert len(data["undo"]) == 50
    loaded = store.load("autosave-officer")
    assert len(loaded.undo) == 50 and list(loaded.undo) == s.undo_stack


def test_history_and_undo_agree_after_a_load(world, store):
    _long_night(world, store)
    s = Session(world, store.load("autosave-officer").game, store=store)
    s.handle("load autosave-officer")
    history = s.handle("history")[0].lines
    assert history[-1] == "`undo` can take back the last 50 of these."
    assert len(history) == 61
    out = s.handle("undo 60")
    assert out[0].text.startswith("Only 50 could be taken back. Undone: ")
    assert len(s.game.player.history) == 10
    assert s.handle("history")[0].lines[-1] == "`undo` cannot take any of these back."
    assert s.handle("undo")[0].text == "There is nothing to undo."


def test_undo_levels_round_trip_exactly(world, store):
    s = _long_night(world, store, 20)
    s.handle("undo 3")
    s.handle("1")                 # a branch: the undo chain is not one straight line
    s.handle("go up")
    store.save("x", s.game, s.undo_stack)
    loaded = SaveStore(world, store.root).load("x")
    assert loaded.game == s.game and list(loaded.undo) == s.undo_stack


def test_a_save_that_would_be_too_large_keeps_fewer_undo_levels(world, store, monkeypatch):
    s = _long_night(world, store, 60)
    full = store.path("autosave-officer").stat().st_size
    limit = full * 2 // 3
    monkeypatch.setattr(store_module, "MAX_SAVE_BYTES", limit)
    import winterpalace.saves.files as files
    monkeypatch.setattr(files, "MAX_SAVE_BYTES", limit)
    out = s.handle("wait 1")
    warnings = [o.text for o in out if getattr(o, "kind", "") == "warning"]
    kept = int(re.fullmatch(r"The save would have been too large with every undo level: it "
                            r"keeps the last (\d+)\.", warnings[0]).group(1))
    assert len(warnings) == 1 and 10 < kept < 50
    assert store.path("autosave-officer").stat().st_size <= limit
    assert len(SaveStore(world, store.root).load("autosave-officer").undo) == kept
    again = s.handle("wait 1")                      # said once, not on every turn
    assert not [o for o in again if getattr(o, "kind", "") == "warning"]


def test_a_game_too_large_for_any_save_is_not_written_and_says_so(world, store, monkeypatch):
    s = played(world, store, ("1",))
    before = store.path("autosave-officer").read_bytes()
    monkeypatch.setattr(store_module, "MAX_SAVE_BYTES", 100)
    out = s.handle("wait 1")
    errors = [o.text for o in out if getattr(o, "kind", "") == "error"]
    assert len(errors) == 1 and re.match(r"Autosave failed: Not saved: the game has grown too "
                                         r"large to save", errors[0])
    assert store.path("autosave-officer").read_bytes() == before


def test_values_past_the_bounds_are_never_written(world, store):
    s = played(world, store, ("1",))
    before = store.path("autosave-officer").read_bytes()
    big = Game(s.game.world, s.game.player.with_(vars={**s.game.player.vars,
                                                       "shots": MAX_NUMBER + 1}))
    with pytest.raises(SaveError, match="Not saved: the game holds something a save cannot "
                                        r"\(the variable `shots` is beyond"):
        store.save("big", big)
    s.game = big
    notice = s.autosave()
    assert notice is not None and notice.kind == "error" and "Autosave failed" in notice.text
    assert store.path("autosave-officer").read_bytes() == before
    assert not store.path("big").exists()


def test_a_failing_disk_is_never_silent(world, store, monkeypatch, tmp_path):
    from winterpalace.menus import Flow
    flow = Flow(world, store=store, seed=7, confirm=False)
    flow.start(role="officer")
    flow.handle("1")
    s = flow.session

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(store_module, "atomic_write", full)
    out = s.handle("wait 1")
    assert [o.text for o in out if getattr(o, "kind", "") == "error"] == [
        f"Autosave failed: Not saved: {store.path('autosave-officer')} could not be written "
        "(No space left on device). Your game goes on; try `save` with another folder "
        "(`--saves DIR`)."]
    out = flow.handle("quit")
    assert "Autosave failed" in out[0].text and out[-1].text == "Goodbye."
    assert flow.unsaved


def test_a_damaged_autosave_of_the_night_in_play_is_kept_aside(world, store):
    s = played(world, store, ("1",))
    store.path("autosave-officer").write_text("{")
    out = s.handle("wait 1")
    notes = [o.text for o in out if getattr(o, "kind", "") == "warning"]
    assert notes == ["`autosave-officer` is damaged (not valid JSON) and cannot be loaded; it "
                     "is kept as it is, as `damaged-autosave-officer`."]
    assert store.path("damaged-autosave-officer").read_text() == "{"
    assert store.load("autosave-officer").game == s.game


def test_seeds_and_states_the_engine_makes_always_fit(world, store):
    for seed in (0, -1, 2**63 - 1, -(2**63)):
        s, _ = Session.new(world, "sailor", seed=seed)
        s.store = store
        assert s.autosave() is None
        assert replace(store.load("autosave-sailor").game.player) == s.game.player
