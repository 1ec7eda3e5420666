"""Unfinished nights survive: a new night beside one keeps it, the title lists them, `delete`
removes one on purpose, and two games never overwrite each other's autosave."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from winterpalace.menus import Flow, TitleScreen
from winterpalace.saves import SaveStore
from winterpalace.session import Info
from winterpalace.ui.plain import output_lines

from .conftest import EXAMPLE, played, snapshot


def _flow(world, store, confirm=False, seed=1):
    return Flow(world, store=SaveStore(world, store.root), seed=seed, confirm=confirm)


def test_scripted_new_night_keeps_the_unfinished_one_under_its_own_name(world, store):
    first = _flow(world, store)
    first.start(role="officer")
    first.handle("1")
    first.handle("go up")                      # 18:12 in the Malachite Room
    first.quit()
    second = _flow(world, store)
    out = second.start(role="officer")
    kept = [o.text for o in out if hasattr(o, "text") and "kept as" in o.text]
    assert kept == ["Your unfinished night as the officer (18:12, The Malachite Room) is kept "
                    "as `officer-1812`: `load officer-1812` goes back to it."]
    assert store.load("officer-1812").game.player.time == 18 * 60 + 12
    assert store.load("autosave-officer").game.player.time == 18 * 60
    listing = second.handle("saves")[0]
    assert isinstance(listing, Info)
    text = "\n".join(listing.lines)
    assert "Unfinished nights:" in text
    assert "autosave-officer  The officer, 18:00, The guardroom, last played just now (the " \
           "night you are playing)" in text
    assert "officer-1812      The officer, 18:12, The Malachite Room, last played just now" \
        in text


def test_the_title_lists_every_unfinished_night(world, store):
    for role, moves in (("officer", ("1",)), ("sailor", ("wait 30",)), ("officer", ())):
        f = _flow(world, store)
        f.start(role=role)
        for m in moves:
            f.handle(m)
    title = _flow(world, store).start()[0]
    assert isinstance(title, TitleScreen)
    assert sorted((n.slot, n.clock) for n in title.unfinished) == [
        ("autosave-officer", "18:00"), ("autosave-sailor", "20:30"), ("officer-1802", "18:02")]
    lines = output_lines(title, 100)
    assert "Unfinished nights:" in lines
    assert lines[-1] == "Choose a role, 1 to 2, or type `continue`:"
    assert any(line.startswith("  continue: The officer, 18:00, The guardroom, last played")
               for line in lines)
    assert any(line.startswith("  load officer-1802: The officer, 18:02") for line in lines)


def test_the_terminal_asks_before_a_new_night_beside_an_unfinished_one(world, store, drive):
    played(world, store, ("1",))                           # an officer's night at 18:02
    before = snapshot(store.folder)
    flow = _flow(world, store, confirm=True)
    shown = drive(flow, "1\r" + "3\r" + "quit\r")          # the officer; then back: nothing
    assert "You have an unfinished night as the officer: 18:02, The guardroom" in shown
    assert "2. Begin a new night (that one is kept, as `officer-1802`)" in shown
    assert snapshot(store.folder) == before
    flow = _flow(world, store, confirm=True)
    shown = drive(flow, "officer\r" + "1\r" + "\x04")      # continue it
    assert "Welcome back: autosave-officer: The officer, 18:02" in shown
    flow = _flow(world, store, confirm=True)
    shown = drive(flow, "1\r" + "2\r" + "\x04")            # a new night; the old one is kept
    assert "is kept as `officer-1802`" in shown
    assert store.load("officer-1802").game.player.time == 18 * 60 + 2
    assert store.load("autosave-officer").game.player.time == 18 * 60


def test_play_role_in_a_terminal_asks_too(world, store, drive):
    played(world, store, ("1",))
    shown = drive(_flow(world, store, confirm=True), "1\r" + "\x04", role="officer")
    assert "An unfinished night" in shown and "Welcome back" in shown


def test_a_kept_night_is_autosaved_in_its_own_slot(world, store):
    old = _flow(world, store)
    old.start(role="officer")
    old.handle("1")                                        # 18:02
    new = _flow(world, store)
    new.start(role="officer")                              # keeps the old as officer-1802
    new.handle("wait 30")
    again = _flow(world, store)
    again.start()
    again.handle("load officer-1802")
    again.handle("go up")                                  # 18:12: saved where it came from
    assert store.load("officer-1802").game.player.time == 18 * 60 + 12
    assert store.load("autosave-officer").game.player.time == 18 * 60 + 30
    assert len(store.unfinished()) == 2


def test_two_games_of_one_role_never_overwrite_each_other(world, store):
    a = _flow(world, store)
    a.start(role="officer")
    a.handle("1")
    b = _flow(world, store)
    b.start(role="officer")                 # A's night is kept aside as officer-1802
    b.handle("wait 30")
    out = a.handle("go up")                 # A plays on in its own window
    moved = [o.text for o in out if getattr(o, "kind", "") == "warning"]
    assert moved and "holds another unfinished night" in moved[0]
    nights = {(n.slot, n.clock) for n in store.unfinished()}
    assert ("autosave-officer", "18:30") in nights          # B, untouched
    assert ("officer-1812", "18:12") in nights               # A, at its newest turn
    assert ("officer-1802", "18:02") in nights               # A as it was when kept


def test_delete_asks_and_keeps_the_night_in_play(world, store):
    s = played(world, store, ("1",))
    s.handle("save before")
    out = s.handle("delete before")
    assert "Delete `before` (The officer, 18:02, The guardroom, last played just now)?" \
        in out[0].text
    assert "Nothing was deleted." in s.handle("no")[0].text
    assert store.path("before").exists()
    s.handle("delete before")
    out = s.handle("look")                                  # another command: kept, and done
    assert out[0].text == "Nothing was deleted." and len(out) == 2
    s.handle("delete before")
    assert s.handle("yes")[0].text == "Deleted `before`."
    assert not store.path("before").exists()
    assert "the night you are playing" in s.handle("delete autosave-officer")[0].text
    assert "There is no save called `nothing`" in s.handle("delete nothing")[0].text
    assert "cannot be a save name" in s.handle("delete ../x")[0].text


def test_delete_on_the_title_removes_a_damaged_file_too(world, store):
    played(world, store, ("1",))
    (store.folder / "broken.json").write_text("{")
    flow = _flow(world, store)
    flow.start()
    out = flow.handle("delete broken")
    assert "Delete `broken` (damaged: not valid JSON)" in out[0].text
    out = flow.handle("yes")
    assert out[0].text == "Deleted `broken`." and isinstance(out[1], TitleScreen)
    flow.handle("delete autosave-officer")
    out = flow.handle("y")
    assert not store.path("autosave-officer").exists() and out[1].unfinished == ()


def test_save_never_overwrites_a_night_or_another_nights_save(world, store):
    a = played(world, store, ("1",))
    a.handle("save mine")
    store.keep_aside("autosave-officer")                   # now `officer-1802`, a kept night
    a.autosave_slot = "officer-1802"
    b = played(world, None, ("2",), role="sailor")
    b.store = store
    assert "kept for the autosaves" in b.handle("save autosave-officer")[0].text
    assert "`officer-1802` is the autosave of another night" in \
        b.handle("save officer-1802")[0].text
    assert "`mine` holds a save of another night" in b.handle("save mine")[0].text
    assert "`officer-1802` is the autosave of this night" in \
        a.handle("save officer-1802")[0].text
    assert "Saved as `mine`" in a.handle("save mine")[0].text     # its own: overwritten


def test_the_real_command_keeps_both_nights(tmp_path):
    env = {**os.environ, "WINTERPALACE_SAVES": str(tmp_path)}
    cmd = [sys.executable, "-m", "winterpalace", "play", "--scenes", str(EXAMPLE), "--role",
           "officer", "--seed", "1"]
    first = subprocess.run(cmd, input=b"1\ngo up\n", env=env, capture_output=True, timeout=60)
    second = subprocess.run(cmd, input=b"saves\n", env=env, capture_output=True, timeout=60)
    assert first.returncode == second.returncode == 0
    out = second.stdout.decode()
    assert "is kept as\n`officer-1812`" in out
    assert "officer-1812      The officer, 18:12, The Malachite Room" in out
    kept = json.loads((tmp_path / "example-night" / "officer-1812.json").read_text())
    assert kept["kind"] == "auto" and kept["summary"]["clock"] == "18:12"


def test_tab_completes_save_names_on_the_title_and_in_play(world, store):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from winterpalace.ui.terminal import FlowCompleter
    played(world, store, ("1",)).handle("save before")
    (store.folder / "broken.json").write_text("{")
    flow = _flow(world, store)
    flow.start()

    def complete(text):
        return [c.text for c in FlowCompleter(flow).get_completions(Document(text),
                                                                    CompleteEvent())]
    assert complete("load b") == ["before"]
    assert complete("delete b") == ["before", "broken"]      # a damaged file can be deleted
    assert complete("continue a") == ["autosave-officer"]


def test_a_new_night_beside_a_damaged_autosave_keeps_the_file_aside(world, store):
    store.folder.mkdir(parents=True)
    store.path("autosave-officer").write_text("{")
    out = _flow(world, store).start(role="officer")
    assert out[1].text == ("`autosave-officer` is damaged (not valid JSON) and cannot be "
                           "loaded; it is kept as it is, as `damaged-autosave-officer`.")
    assert store.path("damaged-autosave-officer").read_text() == "{"
    assert store.info("autosave-officer").problem is None
