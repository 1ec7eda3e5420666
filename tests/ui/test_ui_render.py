"""Rich rendering as a pure function: the same output at different widths, no colour."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from winterpalace.menus import Flow
from winterpalace.session import Info, Notice, Screen, Session
from winterpalace.ui.render import render, render_to_ansi


def _lines(text: str) -> list[str]:
    return [ln.rstrip() for ln in text.splitlines()]


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_turn_fits_the_width_and_keeps_every_word(world, width):
    s, _ = Session.new(world, "officer", seed=1)
    s.handle("wait 240")             # stops at 20:00: a choice opens
    out = s.handle("wait 240")       # stops at the Aurora's shot at 21:40
    text = render_to_ansi(out, width, None)
    assert all(len(ln) <= width for ln in text.splitlines())
    flat = " ".join(text.split())
    assert "The guardroom" in flat and "Winter Palace · ground floor" in flat
    assert "21:40 · Wed 25 Oct 1917 (O.S.) / 7 Nov (N.S.)" in flat
    assert "▸ 21:40" in flat and "You stop waiting at 21:40: the Aurora fires." in flat
    assert "A single great boom rolls across the river. The windows shiver in their frames." \
        in flat
    assert "Walk out of the palace 5 min" in flat


def test_gated_choice_shows_reason_and_hidden_one_is_absent(world):
    s, _ = Session.new(world, "officer", seed=1)
    s.handle("2")                    # the Malachite Room at 18:10
    text = render_to_ansi(Screen(s.view()), 100, None)
    assert "1  Report to Konovalov  (The ministers are busy; come back after ten.)" in text
    s.handle("2")                    # back down; the revolver was not taken
    s.handle("1")                    # take it: a once-only choice, done while here
    text = render_to_ansi(Screen(s.view()), 100, None)
    assert " 1  Take a revolver from the rack  (done)" in text
    assert " 2  Go up to the Malachite Room " in text          # the numbers stay
    s.handle("2")
    s.handle("2")                    # away and back: the taken choice is gone
    text = render_to_ansi(Screen(s.view()), 100, None)
    assert "Take a revolver" not in text and " 1  Go up to the Malachite Room " in text


def test_colour_marks_events_and_greyed_choices(world):
    s, _ = Session.new(world, "officer", seed=1)
    s.handle("wait 240")
    out = s.handle("wait 240")
    ansi = render_to_ansi(out, 100, "truecolor")
    plain = render_to_ansi(out, 100, None)
    assert "\x1b[" in ansi and "\x1b[" not in plain
    # The event line is styled (magenta) apart from the scene text.
    event_line = next(ln for ln in ansi.splitlines() if "▸" in ln and "21:40" in ln)
    assert "\x1b[1;35m" in event_line or "\x1b[35m" in event_line


def test_ending_screen_has_epilogue_summary_and_history(world):
    flow = Flow(world, seed=1)
    flow.start(role="officer")
    flow.handle("1")
    out = flow.handle("next") + flow.handle("next") + flow.handle("next")
    text = " ".join(render_to_ansi(out, 80, None).split())
    assert "Taken at the table" in text
    assert "You are marched out with the ministers into the searchlights." in text
    rows = [" ".join(ln.strip("│ ").split()) for ln in render_to_ansi(out, 80, None).splitlines()]
    night = rows.index("Your night")
    assert rows[night + 1:night + 3] == ["21:40 heard the Aurora fire from inside the palace",
                                         "02:00 heard the palace fall"]
    assert "endings" not in text          # no saves folder: no count of endings found
    assert "What really happened: In 1917 the ministers were arrested at about 02:10" in text
    assert "[1] Play again as the officer [2] Another role [3] Quit" in text


def test_scene_text_is_never_read_as_markup(world):
    n = Notice("[bold]not bold[/bold] and [link=x]no link[/link]", "warning")
    text = render_to_ansi(n, 80, None)
    assert "[bold]not bold[/bold]" in text and "[link=x]no link[/link]" in text


def test_render_prints_on_a_given_console(world):
    buf = io.StringIO()
    console = Console(file=buf, width=60, color_system=None)
    render(Info("Map", ("Winter Palace:", "  The guardroom: you are here")), console)
    assert _lines(buf.getvalue())[:3] == ["  Map", "  Winter Palace:",
                                         "    The guardroom: you are here"]


def test_title_at_sixty_columns_stacks_the_roles(world):
    flow = Flow(world, seed=1)
    text = render_to_ansi(flow.start(), 60, None)
    assert all(len(ln) <= 60 for ln in text.splitlines())
    lines = _lines(text)
    i = lines.index(" 1  The officer")
    assert lines[i + 1].strip() == "Winter Palace, from 18:00"
    assert " ".join(ln.strip() for ln in lines[i + 2:i + 4]) == \
        "Hold the palace for a government that is already falling."
