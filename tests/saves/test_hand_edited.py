"""Hand-edited saves with a recomputed checksum: checked against the scenario, or refused."""

from __future__ import annotations

import pytest

from winterpalace.engine.limits import MAX_NUMBER, MAX_TEXT
from winterpalace.menus import Flow
from winterpalace.saves import SaveError, SaveStore

from .conftest import played, rewrite, snapshot


def _set(path: str, value):
    """A change that sets data[a][b]... = value (keys separated by dots, list indexes too)."""
    def change(data):
        *head, last = path.split(".")
        node = data
        for key in head:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return change


def _drop(path: str):
    def change(data):
        *head, last = path.split(".")
        node = data
        for key in head:
            node = node[key]
        del node[last]
    return change


# The cases first, then one for each thing a save holds.
EDITS = {
    "game is a list": (_set("game", []), "the game is missing or not a record"),
    "history of junk": (_set("game.player.history", [[1], "x"]), "history is incomplete"),
    "time 10**15": (_set("game.player.time", 10**15), "lies outside the night"),
    "unknown ending": (_set("game.player.ending", "nowhere"), "not the ending scene"),
    "no variables": (_set("game.player.vars", {}), "variable `resolve` is missing"),
    "no player": (_drop("game.player"), "its player is missing"),
    "newer state": (_set("game.version", 99), "newer version of Winter Palace"),
    "float time": (_set("game.player.time", 1085.5), "its clock is not a time"),
    "bool time": (_set("game.world.time", True), "its world clock is not a time"),
    "variable of another type": (_set("game.player.vars.resolve", "high"),
                                 "`resolve` should be a number"),
    "variable too big": (_set("game.player.vars.resolve", MAX_NUMBER + 1),
                         "beyond 1,000,000,000,000,000"),
    "text too long": (_set("game.player.vars.resolve", "x" * (MAX_TEXT + 1)),
                      "longer than 10,000 characters"),
    "variable nobody declared": (_set("game.player.vars.ghost", 1),
                                 "does not declare"),
    "flag of a list": (_set("game.world.flags.aurora_fired", [1]),
                       "not true/false, a number or text"),
    "unknown item": (_set("game.player.items", ["crown"]), "item `crown` is not in"),
    "item twice": (_set("game.player.items", ["revolver", "revolver"]), "twice"),
    "unknown note": (_set("game.player.notes", ["secret"]), "note `secret` is not in"),
    "unknown scene": (_set("game.player.scene", "attic"), "scene `attic` is not in"),
    "unknown role": (_set("game.player.role", "tsar"), "role `tsar` is not in"),
    "negative visits": (_set("game.player.visits.guardroom", -1), "visit count"),
    "bad used key": (_set("game.player.used", ["guardroom"]), "is not a choice"),
    "used choice out of range": (_set("game.player.used", ["guardroom#99"]), None),
    "step of unknown kind": (_set("game.player.history.0.2", "teleport"), "unknown kind"),
    "step label not text": (_set("game.player.history.0.3", 7), "label of a step"),
    "trail of junk": (_set("game.player.trail", [[1080]]), "trail is not a time and a scene"),
    "trail to nowhere": (_set("game.player.trail.0.1", "attic"), None),   # a record
    "rng negative": (_set("game.player.rng", -1), "random state"),
    "fired junk": (_set("game.world.fired", [["aurora"]]), "not an event and a time"),
    "decided numbers": (_set("game.world.decided", [1, 2]), "decided event is not a name"),
    "undo not a list": (_set("undo", {"a": 1}), "undo levels are not a list"),
    "undo of junk": (_set("undo", [[1, 2]]), "an undo level is missing or not a record"),
    "undo of another role": (_set("undo.0.changes.player.role", "sailor"),
                             "undo level belongs to another role"),
    "undo prefix too long": (_set("undo.0.changes.player.history", {"first": 99}),
                             "does not fit the newer one"),
    "summary lies": (_set("summary.clock", "03:00"), None),   # summaries are not trusted
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_hand_edited_save_is_refused_or_shown_as_it_really_is(world, store, case):
    change, message = EDITS[case]
    s = played(world, store)
    store.save("edited", s.game, s.undo_stack, night=s.night)
    path = store.path("edited")
    edited = rewrite(path, change)
    before = snapshot(store.folder)
    if message is None:
        loaded = store.load("edited")
        assert loaded.info.clock == "18:12"        # from the game, not from the summary
        return
    with pytest.raises(SaveError) as refused:
        store.load("edited")
    assert message in str(refused.value)
    assert "left untouched" in str(refused.value) or "Update the game" in str(refused.value)
    info = SaveStore(world, store.root).info("edited")
    assert info.problem and message in info.problem
    assert snapshot(store.folder) == before and path.read_bytes() == edited


def test_a_refused_load_in_game_changes_neither_the_game_nor_any_file(world, store):
    s = played(world, store)
    store.save("edited", s.game, s.undo_stack, night=s.night)
    rewrite(store.path("edited"), _set("game.player.history", [[1], "x"]))
    s.handle("2")                         # back down: the autosave is at 18:22
    game, undo = s.game, list(s.undo_stack)
    before = snapshot(store.folder)
    out = s.handle("load edited")
    assert out[0].kind == "error" and "history" in out[0].text
    assert s.game is game and s.undo_stack == undo
    assert snapshot(store.folder) == before
    # The game goes on, and autosaves again.
    s.handle("1")
    assert store.load("autosave-officer").game == s.game


def test_continue_with_a_hand_edited_autosave_goes_back_to_the_title(world, store):
    played(world, store)
    rewrite(store.path("autosave-officer"), _set("game.player.time", 10**15))
    before = snapshot(store.folder)
    flow = Flow(world, store=SaveStore(world, store.root), confirm=False)
    out = flow.start(resume=True)
    assert flow.state == "title"
    # One sentence: which night, why (reason first), and what happens instead.
    assert out[0].text == ("Your newest night, `autosave-officer`, is damaged (its clock lies "
                           "outside the night, 18:00-03:00) and cannot be loaded; there is no "
                           "other night to continue: choose a role. `autosave-officer` is "
                           "left as it is; `saves` lists it.")
    assert out[1].unloadable == 1
    assert snapshot(store.folder) == before
