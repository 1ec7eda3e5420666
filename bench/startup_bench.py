"""Startup benchmark: the first screen, against the import floor of the libraries the game needs.

    python bench/startup_bench.py [--repeat 11]

Every figure is a whole fresh process, runs alternated with the floor's and the median shown,
as a ratio of the floor measured in the same run: `python -c 'import rich.console,
rich.panel, prompt_toolkit, yaml'` (target: the shipped game's first screen within 1.3x).

- shipped game, plain: `winterpalace play --role sailor --seed 1 --plain`, to the moment its
  first screen (up to the list of choices) has been written to the pipe;
- shipped game, terminal: the same in a real terminal (a pseudo-terminal, 100x40), to the
  moment the first scene's text has been written to it;
- 10,000 scenes: `play --scenes` of the shared workload, plain, to its first screen: with the
  compiled scenario in the cache (target: under 0.3 s), with an empty cache (the first start:
  the files are parsed; a big scenario's entry is written when the program ends), and with
  --no-cache (the loader alone).

The cache and the saves are in a temporary folder. Our modules are byte-compiled first, as
pip does when it installs the game (the checkout's .pyc files otherwise depend on
PYTHONDONTWRITEBYTECODE).
"""

from __future__ import annotations

import argparse
import compileall
import os
import pty
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

FLOOR = [sys.executable, "-c", "import rich.console, rich.panel, prompt_toolkit, yaml"]
GAME = [sys.executable, "-m", "winterpalace"]
MARKER = b"Kronstadt"    # in the sailor's first scene


_runs = [0]


def fresh_saves(env: dict[str, str]) -> dict[str, str]:
    """`env` with a saves folder of its own: no autosave of an earlier run to offer."""
    _runs[0] += 1
    return {**env, "WINTERPALACE_SAVES": f"{env['WINTERPALACE_SAVES']}/{_runs[0]}"}


def run_plain(args: list[str], env: dict[str, str], marker: bytes = b"Choices:") -> float:
    """Seconds from the start of `args` to `marker` in its output (its input is then closed,
    and it leaves)."""
    env = fresh_saves(env)
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)
    assert proc.stdout is not None and proc.stdin is not None
    seen = b""
    fd = proc.stdout.fileno()
    while marker not in seen:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen = seen[-len(marker):] + chunk
    took = time.perf_counter() - t
    proc.stdin.close()
    proc.stdout.read()
    proc.wait()
    if marker not in seen:
        raise SystemExit(f"no first screen from {' '.join(args)}")
    return took


def run_to_exit(args: list[str], env: dict[str, str]) -> float:
    env = fresh_saves(env)
    t = time.perf_counter()
    subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - t


def run_terminal(args: list[str], env: dict[str, str], marker: bytes = MARKER) -> float:
    """Seconds from the start of `args` in a pseudo-terminal to `marker` on its screen."""
    env = fresh_saves(env)
    t = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:   # the child: a terminal of 100 columns
        os.environ.clear()
        os.environ.update(env)
        os.execv(args[0], args)
    import fcntl
    import struct
    import termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    seen = b""
    try:
        while marker not in seen:
            ready, _, _ = select.select([fd], [], [], 30)
            if not ready:
                raise TimeoutError("no first screen in 30 s")
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = seen[-len(marker):] + chunk
        return time.perf_counter() - t
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def medians(runs: dict[str, list[float]]) -> dict[str, float]:
    return {k: statistics.median(v) for k, v in runs.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=11, help="runs of each (the median is shown)")
    a = ap.parse_args()
    compileall.compile_dir(str(ROOT / "src" / "winterpalace"), quiet=1)
    import workload
    out = HERE / "out" / "w10000"
    big = workload.write_scenario(workload.generate_graph(10000, out), out)
    tmp = Path(tempfile.mkdtemp(prefix="wp-startup-"))
    try:
        env = {k: v for k, v in os.environ.items() if k not in ("WINTERPALACE_NO_CACHE",)}
        env.update(WINTERPALACE_CACHE=str(tmp / "cache"), WINTERPALACE_SAVES=str(tmp / "saves"),
                   PYTHONPATH=str(ROOT / "src"))
        term = {**env, "TERM": "xterm-256color"}
        term.pop("NO_COLOR", None)
        sailor = [*GAME, "play", "--role", "sailor", "--seed", "1"]
        workload_play = [*GAME, "play", "--scenes", str(big), "--role", "player", "--seed", "1"]
        run_to_exit(sailor, env)          # the shipped night into the cache
        run_to_exit(workload_play, env)   # and the workload
        cold_env = {**env, "WINTERPALACE_CACHE": str(tmp / "cold")}
        runs: dict[str, list[float]] = {k: [] for k in (
            "floor", "plain", "terminal", "w10000 warm", "w10000 cold", "w10000 no cache")}
        for _ in range(a.repeat):
            runs["floor"].append(run_to_exit(FLOOR, env))
            runs["plain"].append(run_plain([*sailor, "--plain"], env))
            runs["terminal"].append(run_terminal(sailor, term))
            runs["w10000 warm"].append(run_plain(workload_play, env))
            shutil.rmtree(tmp / "cold", ignore_errors=True)
            runs["w10000 cold"].append(run_plain(workload_play, cold_env))
            runs["w10000 no cache"].append(run_plain([*workload_play, "--no-cache"], env))
        m = medians(runs)
        floor = m["floor"]
        print(f"Startup (Python {sys.version.split()[0]}, median of {a.repeat} fresh processes, "
              "alternated)")
        print(f"  import floor (rich.console, rich.panel, prompt_toolkit, yaml): {floor:.3f} s")
        print(f"  shipped game, first screen, plain:    {m['plain']:.3f} s = "
              f"{m['plain'] / floor:.2f}x the floor (target <= 1.3x)")
        print(f"  shipped game, first screen, terminal: {m['terminal']:.3f} s = "
              f"{m['terminal'] / floor:.2f}x the floor (target <= 1.3x)")
        print(f"  10,000 scenes, cache warm:  {m['w10000 warm']:.3f} s "
              f"(target < 0.3 s) = {m['w10000 warm'] / floor:.2f}x the floor")
        print(f"  10,000 scenes, cache empty: {m['w10000 cold']:.3f} s (parsed and stored) = "
              f"{m['w10000 cold'] / m['w10000 no cache']:.2f}x the loader alone "
              f"(--no-cache: {m['w10000 no cache']:.3f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
