"""The installed `winterpalace` in a pseudo-terminal: kill -9 loses nothing but the moment."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example"


def _program() -> str:
    beside = Path(sys.executable).parent / "winterpalace"
    found = str(beside) if beside.is_file() else shutil.which("winterpalace")
    if not found:
        pytest.skip("the `winterpalace` command is not installed")
    return found


def _spawn(args: list[str], saves: Path):
    env = {**os.environ, "WINTERPALACE_SAVES": str(saves), "TERM": "xterm-256color",
           "COLUMNS": "100", "LINES": "40", "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.pop("NO_COLOR", None)
    # pexpect is not a terminal emulator: it never answers the cursor-position request that
    # prompt_toolkit sends, which would cost a timeout at every prompt.
    child = pexpect.spawn(_program(), ["play", "--scenes", str(EXAMPLE), *args], env=env,
                          dimensions=(40, 100), encoding="utf-8", timeout=20)
    return child


def _autosave_clock(path: Path) -> str | None:
    try:
        return json.loads(path.read_text())["summary"]["clock"]
    except (OSError, ValueError, KeyError):
        return None


@pytest.mark.slow
def test_sigkill_then_continue_finds_the_last_autosaved_turn(tmp_path):
    autosave = tmp_path / "example-night" / "autosave-officer.json"
    child = _spawn(["--seed", "1"], tmp_path)
    try:
        child.expect("Choose 1–2")
        child.send("1\r")
        child.expect("Press Enter to begin")
        child.send("\r")
        child.expect("Take a revolver")
        child.send("1\r")
        child.expect("Six rounds")
        child.send("go up\r")
        child.expect("Report to Konovalov")
        deadline = time.monotonic() + 10
        while _autosave_clock(autosave) != "18:12" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _autosave_clock(autosave) == "18:12"
        os.kill(child.pid, signal.SIGKILL)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.signalstatus == signal.SIGKILL
    assert not list(autosave.parent.glob(".*.tmp"))      # no half-written file left behind

    again = _spawn(["--continue"], tmp_path)
    try:
        again.expect("Welcome back")
        again.expect("18:12")
        again.expect("The Malachite Room")
        again.send("items\r")
        again.expect("A service revolver")
        # Ctrl-D only means "leave" at the prompt; between prompts the tty would eat it.
        again.expect("›")
        again.sendcontrol("d")
        again.expect("takes you back")
        again.expect(pexpect.EOF)
    finally:
        again.close(force=True)
    assert again.exitstatus == 0


@pytest.mark.slow
def test_sigterm_autosaves_and_exits_cleanly(tmp_path):
    autosave = tmp_path / "example-night" / "autosave-officer.json"
    child = _spawn(["--role", "officer", "--seed", "1"], tmp_path)
    try:
        child.expect("Take a revolver")
        child.send("1\r")
        child.expect("Six rounds")
        child.kill(signal.SIGTERM)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert _autosave_clock(autosave) == "18:02"


@pytest.mark.slow
def test_sighup_autosaves_too(tmp_path):
    autosave = tmp_path / "example-night" / "autosave-officer.json"
    child = _spawn(["--role", "officer", "--seed", "1"], tmp_path)
    try:
        child.expect("Take a revolver")
        child.send("2\r")
        child.expect("Report to Konovalov")
        child.kill(signal.SIGHUP)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert _autosave_clock(autosave) == "18:10"


@pytest.mark.slow
@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_color_and_dumb_terminals_get_plain_text(tmp_path, env):
    full = {**os.environ, "WINTERPALACE_SAVES": str(tmp_path), "TERM": "xterm", **env}
    child = pexpect.spawn(_program(), ["play", "--scenes", str(EXAMPLE)], env=full,
                          dimensions=(40, 100), encoding="utf-8", timeout=20)
    try:
        child.expect("Choose a role, 1 to 2:")
        child.send("1\r")
        child.expect("Begin the night as the officer")
        child.send("\r")
        child.expect("Choices:")
        child.send("quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "\x1b[" not in child.before
    assert child.exitstatus == 0
