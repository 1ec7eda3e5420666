"""Classroom benchmark: the turn latency students see, at 30 and 100 connections.

    python bench/classroom_bench.py [--students 30 100] [--seconds 20] [--scenes DIR]

The server is a real `winterpalace classroom` process on a loopback port; the students are
simulated asyncssh clients (real SSH with a terminal) in this process, all acting at once with
short random pauses, while the facilitator moves the clock on every few seconds. A turn is
"send a command, then `time`, and wait until the answer to `time` has arrived": everything the
command printed has been received by then (one queue per student keeps order). The figure
includes the journal's fsync, rich rendering and SSH encryption on both sides.

On a 2-core machine the simulated clients compete with the server for the CPU, so the figures
are an upper bound of what a class of real laptops would see. "server CPU/turn" is the CPU
time the server process spent per turn (from /proc): it does not depend on what else the
machine is doing, so it compares two versions of the server better than the latencies do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from winterpalace.classroom.simulate import SimStudent  # noqa: E402

CODE = "bench-1"


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the server process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run(n: int, seconds: float, scenes: Path) -> dict[str, float]:
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="wp-classroom-bench-"))
    server = subprocess.Popen(
        [sys.executable, "-m", "winterpalace", "classroom", "--host", "127.0.0.1", "--port",
         str(port), "--code", CODE, "--saves", str(tmp), "--scenes", str(scenes), "--stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert server.stdin is not None

    def command(line: str) -> None:
        assert server.stdin is not None
        server.stdin.write(line.encode() + b"\n")
        server.stdin.flush()

    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        command("start")
        students = [SimStudent(f"B{i}", 1 + i % 2, port=port, code=CODE) for i in range(n)]
        t0 = time.perf_counter()
        for i in range(0, n, 20):    # join in waves, like a class arriving
            await asyncio.gather(*(s.connect(60) for s in students[i:i + 20]))
            await asyncio.gather(*(s.join() for s in students[i:i + 20]))
        joined = time.perf_counter() - t0

        async def teacher() -> None:
            for hhmm in ("20:00", "21:00", "22:00", "23:00", "00:00"):
                await asyncio.sleep(seconds / 6)
                command(f"advance {hhmm}")

        cpu0 = cpu_seconds(server.pid)
        await asyncio.gather(teacher(), *(s.play(seconds, random.Random(i))
                                          for i, s in enumerate(students)))
        cpu = cpu_seconds(server.pid) - cpu0
        lat = sorted(x for s in students for x in s.latencies)
        await asyncio.gather(*(s.close() for s in students))
        return {"joined_s": joined, "turns": len(lat), "median_ms": statistics.median(lat) * 1e3,
                "p95_ms": lat[int(len(lat) * 0.95)] * 1e3, "max_ms": lat[-1] * 1e3,
                "turns_per_s": len(lat) / seconds, "cpu_ms_per_turn": cpu / len(lat) * 1e3,
                "cpu_share": cpu / seconds}
    finally:
        server.terminate()
        server.wait(10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, nargs="+", default=[30, 100])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--scenes", type=Path, default=ROOT / "tests" / "classroom" / "scenario")
    args = ap.parse_args()
    print(f"classroom turn latency, {args.seconds:.0f} s of play per run, loopback SSH, "
          f"scenario {args.scenes.name}")
    print(f"{'students':>8} {'join all':>9} {'turns':>6} {'turns/s':>8} {'median':>8} "
          f"{'p95':>8} {'max':>8} {'server CPU/turn':>16} {'server CPU':>11}")
    for n in args.students:
        r = asyncio.run(run(n, args.seconds, args.scenes))
        print(f"{n:>8} {r['joined_s']:>8.1f}s {r['turns']:>6.0f} {r['turns_per_s']:>8.1f} "
              f"{r['median_ms']:>6.0f}ms {r['p95_ms']:>6.0f}ms {r['max_ms']:>6.0f}ms "
              f"{r['cpu_ms_per_turn']:>14.1f}ms {r['cpu_share'] * 100:>10.0f}%", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
