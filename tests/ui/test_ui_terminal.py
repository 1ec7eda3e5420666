"""The real prompt_toolkit loop, driven through pipe input: what the player sees."""

from __future__ import annotations

import asyncio
import io
import json
import re
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from winterpalace.menus import Flow
from winterpalace.saves import SaveStore
from winterpalace.ui.terminal import run_async, toolbar_text

CTRL_C, CTRL_D = "\x03", "\x04"


def test_role_selection_shows_roles_then_portrait_then_scene(world, store, drive):
    flow = Flow(world, store=store, seed=1)
    shown = drive(flow, "2\r" + "back\r" + "1\r" + "\r" + CTRL_D)
    assert "THE EXAMPLE NIGHT" in shown
    assert "1  The officer" in shown and "2  The sailor" in shown
    assert "Petrograd, from 20:00" in shown
    # The sailor's portrait is shown and can be declined; then the officer's is confirmed.
    assert "You came up the Neva this afternoon" in shown
    assert "Press Enter to begin the night as the officer" in shown
    assert shown.index("Press Enter to begin the night as the sailor") < \
        shown.index("Press Enter to begin the night as the officer")
    assert "The guardroom" in shown and "18:00 · Wed 25 Oct 1917 (O.S.) / 7 Nov (N.S.)" in shown


def test_gated_choice_is_greyed_with_its_reason_and_refused(world, store, drive):
    flow = Flow(world, store=store, seed=1)
    shown = drive(flow, "3\r" + CTRL_D, role="officer")
    assert "3  Walk out of the palace  (The square is still quiet; deserting now" in shown
    # Choosing it says why, and nothing moves.
    assert "! The square is still quiet" in shown
    assert flow.session is not None and flow.session.game.player.scene == "guardroom"


def test_choose_by_letters_and_undo_two_levels(world, store, drive):
    flow = Flow(world, store=store, seed=1)
    shown = drive(flow, "take\r" + "go up\r" + "undo 2\r" + CTRL_D, role="officer")
    assert "You check the chambers. Six rounds." in shown
    assert "The Malachite Room" in shown
    assert "Undone: Take a revolver from the rack; Go up to the Malachite Room." in shown
    p = flow.session.game.player
    assert (p.scene, p.time, p.items) == ("guardroom", 18 * 60, ())


def test_save_load_round_trip(world, store, drive):
    flow = Flow(world, store=store, seed=1)
    shown = drive(flow, "1\r" + "save before\r" + "2\r" + "load before\r" + CTRL_D,
                  role="officer")
    assert "Saved as `before` (18:02, The guardroom)" in shown
    assert "Loaded `before`." in shown
    p = flow.session.game.player
    assert (p.scene, p.time, p.items) == ("guardroom", 18 * 60 + 2, ("revolver",))
    # The undo levels travel with the save: undo after load goes back before the revolver.
    drive(flow, "undo\r" + CTRL_D, opening=[])
    assert flow.session.game.player.items == ()


def test_autosave_then_continue(world, tmp_path, drive):
    store = SaveStore(world, tmp_path / "s")
    first = Flow(world, store=store, seed=1)
    drive(first, "1\r" + "2\r" + CTRL_D, role="officer")
    again = Flow(world, store=SaveStore(world, tmp_path / "s"), seed=1)
    shown = drive(again, CTRL_D, resume=True)
    assert "Welcome back: autosave-officer: The officer, 18:12, The Malachite Room" in shown
    assert again.state == "play"
    assert again.session.game.player.scene == "malachite"
    assert again.session.game.player.items == ("revolver",)


def test_title_offers_continue_when_an_autosave_exists(world, store, drive):
    drive(Flow(world, store=store, seed=1), "1\r" + CTRL_D, role="officer")
    flow = Flow(world, store=store, seed=1)
    shown = drive(flow, "continue\r" + CTRL_D)
    assert "Unfinished nights" in shown
    assert "continue  The officer, 18:02, The guardroom, last played just now" in shown
    assert flow.session.game.player.time == 18 * 60 + 2


def test_corrupt_save_is_refused_and_left_untouched(world, store, drive):
    drive(Flow(world, store=store, seed=1), "save mine\r" + CTRL_D, role="officer")
    path = store.path("mine")
    damaged = path.read_bytes().replace(b'"time":1080', b'"time":1081', 1)
    assert damaged != path.read_bytes()
    path.write_bytes(damaged)
    flow = Flow(world, store=store, seed=1)
    # `2`: a new night beside the unfinished one, which is kept as `officer-1800`.
    shown = drive(flow, "2\r" + "load mine\r" + "save mine\r" + CTRL_D, role="officer")
    assert "`load officer-1800` goes back to it" in shown
    assert "The save `mine` cannot be loaded: damaged: its checksum does not match" in shown
    assert "Not saved: the slot `mine` holds a save this game cannot read" in shown
    assert path.read_bytes() == damaged


def test_ctrl_d_autosaves_and_leaves(world, store):
    flow = Flow(world, store=store, seed=1)
    opening = flow.start(role="officer")
    # No per-turn autosave: only the Ctrl-D at the end can write the file.
    flow.session.autosave_enabled = False
    store.path("autosave-officer").unlink()
    shown: list[str] = []

    def write(text: str) -> None:
        shown.append(text)
        if "Six rounds" in text:          # the turn is done; let the way out save it
            flow.session.autosave_enabled = True

    async def main() -> int:
        with create_pipe_input() as inp:
            inp.send_text("1\r" + CTRL_D)
            ps: PromptSession[str] = PromptSession(input=inp, output=_vt100(io.StringIO()))
            return await run_async(flow, ps, write, opening=opening, color_system=None,
                                   width=80)

    assert asyncio.run(main()) == 0
    assert "Saved. `winterpalace play --continue` takes you back." in "".join(shown)
    data = json.loads(store.path("autosave-officer").read_text())
    assert data["game"]["player"]["items"] == ["revolver"]


def test_ctrl_c_asks_before_quitting(world, store, drive):
    flow = Flow(world, store=store, seed=1)
    shown = drive(flow, CTRL_C + "n\r" + "look\r" + CTRL_C + "y\r", role="officer")
    assert flow.done
    assert shown.count("The guardroom") >= 2          # `look` ran after the first Ctrl-C
    assert "Goodbye. Your game is saved" in shown


def test_toolbar_shows_role_place_and_clock(world, store, drive):
    buf = io.StringIO()
    flow = Flow(world, store=store, seed=1)

    async def main() -> None:
        with create_pipe_input() as inp:
            inp.send_text("2\r" + CTRL_D)
            ps: PromptSession[str] = PromptSession(input=inp, output=_Terminal(buf))
            await run_async(flow, ps, lambda s: None, opening=flow.start(role="officer"),
                            color_system=None)

    asyncio.run(main())
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buf.getvalue())
    assert "The officer · Winter Palace › The guardroom · 18:00 · type a number" in screen
    # The toolbar follows the player (prompt_toolkit redraws only what changed on screen).
    text = "".join(t for _, t in toolbar_text(flow, 90))
    assert "The officer · Winter Palace › The Malachite Room · 18:10" in text


def test_unknown_and_hostile_input_never_crashes(world, store, drive):
    flow = Flow(world, store=store, seed=1)
    junk = "xyzzy\r" + "\x1b[A\r" + "glossary nothing\r" + "wait forever\r" + "9\r" + \
        "load ../../etc/passwd\r" + "save /tmp/x\r" + "a" * 3000 + "\r" + CTRL_D
    shown = drive(flow, junk, role="officer")
    assert "I don't understand `xyzzy`" in shown
    assert "or a command: look, wait, next, time" in shown
    assert "There is no choice 9. Choose 1 to 3." in shown
    assert "cannot be a save name" in shown
    assert not Path("/tmp/x.json").exists()


def test_ending_offers_again_another_role_and_quit(world, store, drive):
    flow = Flow(world, store=store, seed=1)
    shown = drive(flow, "next\r" * 3 + "2\r" + "2\r" + "\r" + CTRL_D, role="officer")
    assert "Taken at the table" in shown
    assert "Your night" in shown and "02:00  heard the palace fall" in shown
    assert "What really happened: In 1917 the ministers were arrested" in shown
    assert "You have found 1 of 4 endings (this one is new). `endings` lists them." in shown
    assert "[1] Play again as the officer   [2] Another role   [3] Quit" in shown
    assert flow.session.game.player.role == "sailor"


class _Terminal(Vt100_Output):
    """A VT100 output into a StringIO that knows, like a terminal, the rows below the cursor.

    (prompt_toolkit draws the bottom toolbar only once it knows that.)
    """

    def __init__(self, buf: io.StringIO):
        super().__init__(buf, lambda: Size(rows=30, columns=90), term="xterm")

    def get_rows_below_cursor_position(self) -> int:
        return 20


def _vt100(buf: io.StringIO) -> Vt100_Output:
    return Vt100_Output(buf, lambda: Size(rows=30, columns=90), term="xterm")


def test_transcript_records_what_was_shown_and_typed(world, store):
    flow = Flow(world, store=store, seed=1)
    record = io.StringIO()

    async def main() -> None:
        with create_pipe_input() as inp:
            inp.send_text("1\r" + "map\r" + CTRL_D)
            ps: PromptSession[str] = PromptSession(input=inp, output=_vt100(io.StringIO()))
            await run_async(flow, ps, lambda s: None, opening=flow.start(role="officer"),
                            color_system="truecolor", width=80, transcript=record)

    asyncio.run(main())
    text = record.getvalue()
    assert "\x1b" not in text
    assert "THE GUARDROOM. Winter Palace, ground floor." in text
    assert "> 1\n" in text and "> map\n" in text and "> (Ctrl-D)" in text
    assert "You check the chambers. Six rounds." in text
    assert "The guardroom (ground floor): you are here" in text


def test_a_fault_inside_the_game_is_reported_not_fatal(world, store, drive, monkeypatch):
    flow = Flow(world, store=store, seed=1)
    opening = flow.start(role="officer")

    def broken(index):
        raise RuntimeError("redirect loop in scene `x`")
    monkeypatch.setattr(flow.session, "apply_choice", broken)
    shown = drive(flow, "2\r" + "look\r" + CTRL_D, opening=opening)
    assert "Something went wrong inside the game (RuntimeError: redirect loop" in shown
    assert flow.session.game.player.scene == "guardroom"


def test_run_async_plays_on_from_a_night_under_way(world, drive):
    """A flow whose night has begun (a browser tab taking the game again) starts where the
    player is, and plays on."""
    flow = Flow(world, seed=4, confirm=False)
    flow.start(role="sailor")
    flow.handle("time")
    opening = flow.start()
    assert flow.state == "play" and opening
    shown = drive(flow, "time\r" + CTRL_D, opening=opening)
    assert "Palace Square" in shown and "The night ends in" in shown
