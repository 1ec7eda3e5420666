"""What a real terminal shows (a pseudo-terminal read by a terminal emulator): the toolbar keeps
the clock and the place at every width, a header says each place once, and `--plain` at a
terminal has a prompt and asks before Ctrl-C quits."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from winterpalace.engine import rules as eng
from winterpalace.scenario import default_scenario_dir, load_scenario
from winterpalace.session import Screen
from winterpalace.ui.render import render_to_ansi

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

ROWS = 30


def _program() -> str:
    beside = Path(sys.executable).parent / "winterpalace"
    found = str(beside) if beside.is_file() else shutil.which("winterpalace")
    if not found:
        pytest.skip("the `winterpalace` command is not installed")
    return found


class Terminal:
    """`winterpalace` in a pseudo-terminal of `cols` columns, drawn by a terminal emulator that
    answers the cursor-position requests prompt_toolkit sends, as a real terminal does."""

    def __init__(self, args: list[str], cols: int, saves: Path):
        env = {**os.environ, "WINTERPALACE_SAVES": str(saves), "TERM": "xterm-256color"}
        for name in ("NO_COLOR", "PROMPT_TOOLKIT_NO_CPR", "COLUMNS", "LINES"):
            env.pop(name, None)
        self.child = pexpect.spawn(_program(), args, env=env, dimensions=(ROWS, cols),
                                   encoding="utf-8", timeout=20)
        child = self.child

        class Screen_(pyte.Screen):  # type: ignore[misc]
            def write_process_input(self, data: str) -> None:
                child.send(data)

        self.screen = Screen_(cols, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.seen = ""

    def pump(self, until: str, timeout: float = 20) -> None:
        """Read until `until` is on the screen (or has gone past it)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if until in "\n".join(self.screen.display) or until in self.seen:
                # let the prompt and its toolbar settle
                self._read(0.3)
                return
            self._read(0.2)
        raise AssertionError(f"{until!r} never shown:\n" + "\n".join(self.screen.display))

    def settle(self, ready: Callable[[], bool], timeout: float = 20) -> None:
        """Read until `ready()` holds for what is on the screen."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and not ready():
            self._read(0.2)
        assert ready(), "\n".join(self.screen.display)

    def _read(self, wait: float) -> None:
        try:
            data = self.child.read_nonblocking(100000, timeout=wait)
        except pexpect.TIMEOUT:
            return
        self.seen += data
        self.stream.feed(data)

    def send(self, text: str) -> None:
        self.child.send(text)

    @property
    def bottom(self) -> str:
        return self.screen.display[-1].rstrip()

    def close(self) -> None:
        self.child.close(force=True)


@pytest.mark.slow
@pytest.mark.parametrize("cols", [40, 60, 100, 140])
def test_the_toolbar_keeps_clock_and_place_at_every_width(tmp_path: Path, cols: int) -> None:
    t = Terminal(["play", "--role", "delegate", "--seed", "1"], cols, tmp_path)
    try:
        t.settle(lambda: "14:00" in t.bottom)
        line = t.bottom
        assert "14:00" in line and "The long corridor" in line, line
        assert len(line) < cols                        # never cut by the terminal's edge
        assert line.endswith(("help", "14:00")), line  # nor cut in the middle of a word
        if cols >= 100:
            assert line == (" A delegate · Smolny Institute › The long corridor · 14:00 · "
                            "type a number, a command, or help")
        if cols == 40:
            assert line == " The long corridor · 14:00 · ? for help"
        # The box keeps the clock too, and no label is cut short, at any width.
        assert "14:00 · Wed 25 Oct 1917" in t.seen
        assert "…" not in "\n".join(t.screen.display[:-1])
        t.send("quit\r")
        t.child.expect(pexpect.EOF)
    finally:
        t.close()


@pytest.mark.slow
def test_the_portrait_names_the_role_inside_the_sentence(tmp_path: Path) -> None:
    t = Terminal(["play", "--seed", "1"], 100, tmp_path)
    try:
        t.pump("Choose 1–3")
        t.send("2\r")
        t.pump("Press Enter to begin the night as a delegate")
        t.send("back\r")
        t.send("1\r")
        t.pump("Press Enter to begin the night as Lieutenant Sinegub")
        t.pump("Petrograd, the firewood barricade · from 18:00")
        t.send("quit\r")
        t.child.expect(pexpect.EOF)
    finally:
        t.close()


def test_a_header_says_each_place_once() -> None:
    world = load_scenario(default_scenario_dir())
    ws, ps, _ = eng.start(world, "sailor", 1)
    neva = ps.with_(scene="sailor_neva", time=world.clock.parse_time("13:15"))
    text = render_to_ansi(Screen(eng.view(world, ws, neva)), 100, None)
    head = next(ln for ln in text.splitlines() if "The Neva" in ln)
    assert head.count("The Neva") == 1, head
    assert "off the English Embankment" in text


@pytest.mark.slow
def test_plain_at_a_terminal_prompts_and_ctrl_c_asks(tmp_path: Path) -> None:
    t = Terminal(["play", "--plain", "--role", "sailor", "--seed", "1"], 100, tmp_path)
    try:
        t.pump("Choices:")
        # A prompt, where the typing goes: the cursor waits after it.
        t.settle(lambda: t.screen.display[t.screen.cursor.y].rstrip() == ">"
                 and t.screen.cursor.x == 2)
        t.send("\x03")
        t.pump("Quit the game? It is saved either way. [y/N]")
        t.send("n\r")
        t.pump("Choices:")
        t.send("3\r")
        t.pump("THE ROADBLOCK")
        t.send("\x03")
        t.pump("[y/N]")
        t.send("y\r")
        t.child.expect(pexpect.EOF)
        t.child.close()
        assert t.child.exitstatus == 0
        assert "Goodbye. Your game is saved" in t.child.before
    finally:
        t.close()
    assert (tmp_path / "winter-palace" / "autosave-sailor.json").is_file()
