"""Plain mode: the scripted front end, fuzzed with random bytes; transcripts."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from winterpalace.menus import Flow
from winterpalace.saves import SaveStore
from winterpalace.ui import plain

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example"


def _play(world, data: bytes, store=None) -> str:
    flow = Flow(world, store=store, seed=2, confirm=False)
    out = io.StringIO()
    rc = plain.run_flow(flow, plain.read_lines(io.BytesIO(data)), out, opening=flow.start())
    assert rc == 0
    return out.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_never_crash_plain_mode(world, data):
    # Start as the officer, then feed the random bytes as further lines.
    text = _play(world, b"1\n" + data)
    assert "THE GUARDROOM" in text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["1", "2", "3", "w", "undo", "wait 90", "again", "another",
                                 "back", "y", "look", "history"]), max_size=40))
def test_command_sequences_reach_menus_and_back(world, lines):
    _play(world, ("1\n" + "\n".join(lines) + "\n").encode())


def test_plain_output_is_linear_text(world):
    text = _play(world, b"1\n3\n1\nmap\nwait 600\nwait 600\nwait 600\n3\n")
    assert "\x1b" not in text and "╭" not in text and "│" not in text
    assert "3. Walk out of the palace (not available: the square is still quiet;" in text
    assert "1. Take a revolver from the rack (done)" in text
    assert "You stop waiting at 20:00: a new choice, \"Walk out of the palace\"." in text
    assert "At 21:40: A single great boom rolls across the river." in text
    assert "You stop waiting at 21:40: the Aurora fires." in text
    assert "THE END: Taken at the table." in text
    assert "1. Play again as the officer" in text
    assert text.rstrip().endswith("Goodbye.")


@pytest.mark.slow
def test_subprocess_plain_mode_with_garbage_stdin_and_transcript(tmp_path):
    garbage = bytes(range(256)) * 3 + b"\n\xff\xfe\x00\x1b[31m\n" + b"x" * 20000 + b"\n"
    transcript = tmp_path / "t.txt"
    env = {**os.environ, "WINTERPALACE_SAVES": str(tmp_path / "s")}
    proc = subprocess.run(
        [sys.executable, "-m", "winterpalace", "play", "--plain", "--scenes", str(EXAMPLE),
         "--seed", "1", "--transcript", str(transcript)],
        input=b"1\n" + garbage + b"1\nsave t1\nquit\n", capture_output=True, timeout=60,
        env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    out = proc.stdout.decode()
    assert "Saved as `t1`" in out and "Goodbye" in out
    recorded = transcript.read_text()
    assert "> save t1" in recorded and "Saved as `t1`" in recorded
    assert "THE GUARDROOM" in recorded
    assert (tmp_path / "s" / "example-night" / "t1.json").is_file()


@pytest.mark.slow
def test_plain_continue_resumes_the_autosave(tmp_path):
    env = {**os.environ, "WINTERPALACE_SAVES": str(tmp_path)}
    cmd = [sys.executable, "-m", "winterpalace", "play", "--plain", "--scenes", str(EXAMPLE)]
    first = subprocess.run(cmd + ["--role", "officer"], input=b"1\n2\n", capture_output=True,
                           timeout=60, env=env)
    assert first.returncode == 0
    again = subprocess.run(cmd + ["--continue"], input=b"look\n", capture_output=True,
                           timeout=60, env=env)
    out = again.stdout.decode()
    assert "Welcome back: autosave-officer: The officer, 18:12, The Malachite Room" in out
    assert "THE MALACHITE ROOM" in out


def test_plain_mode_autosaves_every_turn(world, tmp_path):
    store = SaveStore(world, tmp_path)
    _play(world, b"1\n1\n", store=store)
    assert store.path("autosave-officer").is_file()
