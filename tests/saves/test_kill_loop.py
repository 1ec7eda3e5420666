"""`winterpalace play` killed with SIGKILL at random moments, mid-write included.

One long scripted night is killed again and again; every run but the first is `--continue`.
After each kill every save in the folder must load and `--continue` must find the night (in
process: the same code); the next run's output must say "Welcome back"; what killed writes left
behind is tidied by the next start. Two such nights run side by side, one per core.

Starting Python and importing the game costs a quarter of a second, so most runs are forked
from a process that has already imported `winterpalace.cli` and then run exactly
`winterpalace.cli.main(["play", ...])`, as the installed command does after its imports; every
tenth run is the installed `winterpalace` command itself.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from winterpalace.menus import Flow
from winterpalace.saves import SaveStore
from winterpalace.scenario import load_scenario

from .conftest import EXAMPLE

KILLS = 120            # in all, over the two nights
WORLD = load_scenario(EXAMPLE)
# A night that never ends: waits, moves, undos and named saves, over and over, each taken
# back (the clock stays at 18:00 so the night is never over, and every turn is autosaved).
SCRIPT = ("wait 1\nwait 1\nwait 1\nundo 3\ngo up\ngo back\nundo 2\nsave mark\nhistory\n"
          "wait 1\nundo\n" * 300).encode()

# Forks `winterpalace.cli.main(args)` on request: a line of JSON in, a line of JSON out.
ZYGOTE = r"""
import io, json, os, sys
import winterpalace.cli as cli
import winterpalace.saves, winterpalace.scenario, winterpalace.menus, winterpalace.ui.plain
cli.build_parser()          # the parser, as main() builds it for `play`
script = sys.stdin.buffer.readline()
script = bytes.fromhex(script.decode().strip())
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "play":
        r, w = os.pipe()
        os.write(w, script)
        os.close(w)
        pid = os.fork()
        if pid == 0:
            out = os.open(req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(r, 0); os.dup2(out, 1); os.dup2(out, 2)
            sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)))
            sys.stdout = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False)))
            sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False),
                                          write_through=True)
            code = cli.main(req["args"])
            sys.stdout.flush()
            os._exit(code)
        os.close(r)
        print(json.dumps({"pid": pid}), flush=True)
    elif req["op"] == "reap":
        _, status = os.waitpid(req["pid"], 0)
        print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)
"""


def _program() -> list[str]:
    beside = Path(sys.executable).parent / "winterpalace"
    return [str(beside)] if beside.is_file() else [sys.executable, "-m", "winterpalace"]


def _half_written(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".tmp")] \
        if folder.is_dir() else []


class Zygote:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self._send(SCRIPT.hex())

    def _send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def ask(self, **request: object) -> dict[str, int]:
        self._send(json.dumps(request))
        assert self.proc.stdout is not None
        answer = self.proc.stdout.readline()
        assert answer, "the zygote died"
        return json.loads(answer)

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


class Night:
    """One scripted night in its own saves folder, killed `kills` times."""

    def __init__(self, root: Path, kills: int, seed: int):
        self.root = root
        self.kills = kills
        self.rng = random.Random(seed)
        self.mid_write = 0              # kills that left a half-written temporary file
        self.failures: list[str] = []

    def folder(self) -> Path:
        return self.root / "example-night"

    def run(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        zygote = Zygote()
        try:
            for n in range(self.kills):
                self.one(n, zygote)
        except Exception as e:
            self.failures.append(f"{type(e).__name__}: {e}")
        finally:
            zygote.close()

    def one(self, n: int, zygote: Zygote) -> None:
        args = ["play", "--scenes", str(EXAMPLE), "--saves", str(self.root),
                *(["--role", "officer", "--seed", "1"] if n == 0 else ["--continue"])]
        out = self.root / f"out{n}.txt"
        child = None
        if n % 10 == 5:                         # the installed command itself
            with open(out, "wb") as sink:
                child = subprocess.Popen([*_program(), *args], stdin=subprocess.PIPE,
                                         stdout=sink, stderr=subprocess.STDOUT)
            assert child.stdin is not None
            child.stdin.write(SCRIPT)           # fits in the pipe
            child.stdin.close()
            pid = child.pid
        else:
            pid = zygote.ask(op="play", args=args, out=str(out))["pid"]
        # Once the game has begun (its first words are out), kill it at a random moment.
        deadline = time.monotonic() + 30
        while (not out.exists() or out.stat().st_size == 0) and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(self.rng.uniform(0, 0.05))
        os.kill(pid, signal.SIGKILL)
        status = child.wait() if child is not None else zygote.ask(op="reap", pid=pid)["status"]
        text = out.read_bytes()
        if status != -signal.SIGKILL:
            raise AssertionError(f"run {n} ended by itself ({status}): {text[-500:]!r}")
        if b"Traceback" in text:
            raise AssertionError(f"run {n}: {text[-2000:]!r}")
        if n and not text.startswith(b"Welcome back: autosave-officer"):
            raise AssertionError(f"run {n} did not continue the night: {text[:300]!r}")
        self.mid_write += bool(_half_written(self.folder()))
        self.check(n)

    def check(self, n: int) -> None:
        """Every save loads, and `--continue` (in process: the same code) finds the night."""
        store = SaveStore(WORLD, self.root)
        infos = store.saves()
        assert infos and all(i.problem is None for i in infos), \
            (n, [(i.slot, i.problem) for i in infos])
        for info in infos:
            store.load(info.slot)
        out = Flow(WORLD, store=store, confirm=False).start(resume=True)
        assert out[0].text.startswith("Welcome back: autosave-officer"), (n, out[0])


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_the_night(tmp_path):
    nights = [Night(tmp_path / f"night{i}", KILLS // 2, seed=i) for i in range(2)]
    threads = [threading.Thread(target=night.run) for night in nights]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    for night in nights:
        assert not night.failures, night.failures
    assert sum(n.kills for n in nights) >= 100
    # Kills really landed in the middle of writes (the game writes on every turn).
    assert sum(n.mid_write for n in nights) >= KILLS // 10, [n.mid_write for n in nights]
    for night in nights:
        # A last run to the end of its input: it tidies what the kills left, and leaves none.
        done = subprocess.run([*_program(), "play", "--scenes", str(EXAMPLE), "--saves",
                               str(night.root), "--continue"], input=b"wait 1\n",
                              capture_output=True, timeout=60)
        assert done.returncode == 0 and done.stderr == b"", done.stderr
        assert done.stdout.startswith(b"Welcome back: autosave-officer")
        assert not _half_written(night.folder())
        SaveStore(WORLD, night.root).load("autosave-officer")
