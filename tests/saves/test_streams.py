"""Streams, terminals and signals: each case ends with a short message (where standard error is
still open), the documented exit status, the game saved, and never a traceback."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLE


def _program() -> list[str]:
    beside = Path(sys.executable).parent / "winterpalace"
    return [str(beside)] if beside.is_file() else [sys.executable, "-m", "winterpalace"]


PLAY = [*_program(), "play", "--scenes", str(EXAMPLE)]


def _clock(saves: Path, slot: str = "autosave-officer") -> str | None:
    try:
        return json.loads((saves / "example-night" / f"{slot}.json").read_bytes())[
            "summary"]["clock"]
    except (OSError, ValueError, KeyError):
        return None


def _sh(script: str, saves: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run a shell line with "$@" the play command (for redirections a list cannot say)."""
    env = {**os.environ, "WINTERPALACE_SAVES": str(saves)}
    return subprocess.run(["sh", "-c", script, "sh", *PLAY], input=stdin, env=env,
                          capture_output=True, timeout=60)


@pytest.mark.parametrize("script,message,status", [
    ('"$@" --role officer >&-', b"winterpalace: standard output is closed, so the game has "
                                b"nowhere to show itself; nothing was started.\n", 1),
    ('"$@" --role officer <&-', b"winterpalace: standard input is closed, so there is nothing "
                                b"to read commands from; nothing was started. (For no input "
                                b"at all, use </dev/null.)\n", 1),
    # A mistake in the command line is status 2, as argparse's own usage errors are.
    ('"$@" --role "" </dev/null', b"winterpalace: no role ``; choose one of: officer, "
                                  b"sailor.\n", 2),
    ('"$@" --seed 99999999999999999999 </dev/null',
     b"winterpalace: --seed takes a whole number between -2^63 and 2^63-1.\n", 2),
    ('"$@" --saves "" </dev/null', b"winterpalace: --saves needs a folder.\n", 2),
])
def test_unusable_streams_and_options_start_nothing(tmp_path, script, message, status):
    done = _sh(script, tmp_path, b"1\n")
    assert done.returncode == status and done.stderr == message
    assert not (tmp_path / "example-night").exists() or \
        not list((tmp_path / "example-night").iterdir())


def test_a_full_disk_on_standard_output_saves_and_says_so(tmp_path):
    done = _sh('"$@" --role officer --seed 1 >/dev/full', tmp_path, b"1\n2\n")
    assert done.returncode == 1
    assert done.stderr == (b"winterpalace: cannot write to standard output (No space left on "
                           b"device); your game is saved.\n")
    assert _clock(tmp_path) == "18:00"


def test_check_on_a_full_disk(tmp_path):
    done = subprocess.run(["sh", "-c", '"$@" check "$0" >/dev/full', str(EXAMPLE),
                           *_program()], capture_output=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == b"winterpalace: cannot write to standard output (No space left on " \
                          b"device).\n"


def test_a_transcript_that_cannot_be_written_stops_but_the_game_goes_on(tmp_path):
    done = _sh('"$@" --role officer --seed 1 --transcript /dev/full', tmp_path, b"1\ngo up\n")
    assert done.returncode == 1
    assert done.stderr == (b"winterpalace: the transcript /dev/full could not be written (No "
                           b"space left on device); it stops here, and the game goes on.\n")
    assert b"THE MALACHITE ROOM." in done.stdout and _clock(tmp_path) == "18:12"


def test_a_transcript_pipe_nobody_reads_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    done = _sh(f'"$@" --role officer --transcript {tmp_path / "fifo"} </dev/null',
               tmp_path / "saves")
    assert done.returncode == 1 and b"no program is reading that pipe" in done.stderr


def test_closed_standard_error_changes_nothing(tmp_path):
    done = _sh('"$@" --role officer --seed 1 2>&-', tmp_path, b"1\n")
    assert done.returncode == 0 and b"Six rounds" in done.stdout and _clock(tmp_path) == "18:02"


def test_a_reader_that_stops_reading_ends_the_game_quietly(tmp_path):
    env = {**os.environ, "WINTERPALACE_SAVES": str(tmp_path)}
    child = subprocess.Popen([*PLAY, "--role", "officer", "--seed", "1"], env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert child.stdin and child.stdout and child.stderr
    child.stdout.read(10)            # like `| head -c 10`: then the pipe is closed
    child.stdout.close()
    child.stdin.write(b"1\n" + b"look\n" * 2000)
    child.stdin.close()
    assert child.wait(timeout=60) == 0
    assert child.stderr.read() == b""
    child.stderr.close()
    assert _clock(tmp_path) == "18:00"     # the first write after the close ended it: saved


# ---------------------------------------------------------------------- in a real terminal


class Terminal:
    """A program in a pseudo-terminal of 100x40, read and written like a person would."""

    def __init__(self, argv: list[str], saves: Path):
        env = {**os.environ, "WINTERPALACE_SAVES": str(saves), "TERM": "xterm-256color",
               "PROMPT_TOOLKIT_NO_CPR": "1"}
        env.pop("NO_COLOR", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # pragma: no cover - the child
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        self.seen = b""
        self.at = 0                    # what `expect` has already matched

    def expect(self, text: bytes, timeout: float = 20) -> None:
        """Wait for `text` after what was last expected."""
        deadline = time.monotonic() + timeout
        while text not in self.seen[self.at:]:
            left = deadline - time.monotonic()
            assert left > 0, f"no {text!r} in {self.seen[-800:]!r}"
            if select.select([self.fd], [], [], left)[0]:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                assert chunk, f"the program ended before {text!r}: {self.seen[-800:]!r}"
                self.seen += chunk
        self.at = self.seen.index(text, self.at) + len(text)

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def hang_up(self) -> None:
        """Close the terminal window: the master side of the pty goes away."""
        os.close(self.fd)
        self.fd = -1

    def wait(self, timeout: float = 20) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                if self.fd >= 0:
                    os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            if self.fd >= 0 and select.select([self.fd], [], [], 0.05)[0]:
                try:
                    self.seen += os.read(self.fd, 65536)
                except OSError:
                    pass
            else:
                time.sleep(0.02)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("the program did not end")


def _wait_for_clock(saves: Path, clock: str) -> None:
    deadline = time.monotonic() + 10
    while _clock(saves) != clock and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _clock(saves) == clock


@pytest.mark.slow
def test_pasted_escape_sequences_are_ignored_at_the_prompt(tmp_path):
    err = tmp_path / "err.txt"
    term = Terminal(["sh", "-c", f'exec "$@" --role officer --seed 1 2>{err}', "sh", *PLAY],
                    tmp_path)
    term.expect(b"Take a revolver")
    for junk in (b"\x1b[31m", b"\x1b[<0;1", b"\x1b[M", b"\x1b[1;2", b"\x1b[<64;85;12M",
                 b"\x1b[12;3R", b"\x1b]0;title\x07", b"\x1b[200~\x1b[31mred\x1b[201~"):
        term.send(junk + b"\r")
    term.send(b"1\r")
    term.expect(b"Six rounds")
    term.expect("›".encode())
    term.send(b"\x04")
    term.expect(b"takes you back")
    assert term.wait() == 0
    assert b"Unhandled exception" not in term.seen and b"Traceback" not in term.seen
    assert err.read_bytes() == b""
    assert _clock(tmp_path) == "18:02"


@pytest.mark.slow
@pytest.mark.parametrize("signal_too", [True, False], ids=["sighup", "eio-only"])
def test_closing_the_terminal_window_saves_the_game(tmp_path, signal_too):
    """A closed window: SIGHUP to the game (it leads the session), or, when it does not lead
    it, only reads and writes that fail with EIO. Either way the game is saved on leaving."""
    err, rc = tmp_path / "err.txt", tmp_path / "rc.txt"
    if signal_too:
        line = f'exec "$@" --role officer --seed 1 2>{err}'
    else:
        line = f'trap "" HUP; "$@" --role officer --seed 1 2>{err}; echo $? >{rc}'
    term = Terminal(["sh", "-c", line, "sh", *PLAY], tmp_path)
    term.expect(b"Take a revolver")
    term.send(b"1\r")
    term.expect(b"Six rounds")
    term.expect("›".encode())
    _wait_for_clock(tmp_path, "18:02")
    autosave = tmp_path / "example-night" / "autosave-officer.json"
    autosave.unlink()               # so only the save on leaving can bring it back
    term.hang_up()
    status = term.wait()
    if not signal_too:
        deadline = time.monotonic() + 10
        while not rc.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        status = int(rc.read_text())
    assert status == 0
    assert _clock(tmp_path) == "18:02"
    assert b"Traceback" not in err.read_bytes() and b"Unhandled" not in err.read_bytes()


def test_an_internal_error_saves_the_game_and_says_so_in_one_line(world, store, monkeypatch,
                                                                 capsys):
    """A bug in the program (here: rendering fails) ends with a line, not a traceback."""
    from winterpalace import cli
    from winterpalace.ui import plain

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")
    monkeypatch.setattr(plain, "run_flow", broken)
    with open(os.devnull) as nothing:
        monkeypatch.setattr(sys, "stdin", nothing)
        code = cli.play_plain(world, "officer", 1, store=store)
    assert code == 1
    assert capsys.readouterr().err == ("winterpalace: an internal error stopped the game "
                                       "(RuntimeError: a bug); your game is saved.\n")
    assert _clock(store.root) == "18:00"
