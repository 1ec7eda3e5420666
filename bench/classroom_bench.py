"""Classroom benchmark: the turn latency students see, at a class's pace, and where it breaks.

    python bench/classroom_bench.py [--students 30 100] [--seconds 40] [--pace 2 6]
                                    [--scenes DIR] [--no-saturation]

The server is a real `winterpalace classroom` process on a loopback port, running the shipped
night by default; the students are simulated asyncssh clients (real SSH with a terminal) in
this process. Each student acts every 2 to 6 seconds (`--pace`, uniform), as people reading a
scene and choosing do; the teacher starts the night at 18:00 and moves the clock on by 20
minutes every 15 seconds. A turn is "send a command, then `time`, and wait until the answer to
`time` has arrived": everything the command printed has been received by then. The figure
includes the journal's fsync, rich rendering and SSH encryption on both sides.

Figures, for each class size: median, 95th and 99th percentile, and the worst turn; the
server's CPU time per turn (from /proc: it does not depend on what else the machine does, so
it compares two versions of the server better than the latencies do).

The floor, measured in the same run: the same clients against an SSH server that answers every
line at once with a fixed screenful of text (no game, no journal). "x floor" is the class's
p99 over the floor's p99: what the game itself adds.

Saturation: 100 students acting ever faster (each pace halved in turn) until the p99 passes
200 ms; reported as the turns per second the server still answered under 200 ms.

On a 2-core machine the simulated clients compete with the server for the CPU, so the figures
are an upper bound of what a class of real laptops would see.
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

from winterpalace.classroom.simulate import SimStudent  # noqa: E402  (after the path to src/)

CODE = "bench-lamp-river-11"
LIMIT_MS = 200.0


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


def wait_listening(port: int) -> None:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


FLOOR_SERVER = r'''
import asyncio, sys
import asyncssh

SCREEN = ("x" * 90 + "\r\n") * 30

class Server(asyncssh.SSHServer):
    def begin_auth(self, username): return True
    def password_auth_supported(self): return True
    def validate_password(self, username, password): return True

async def handle(proc):
    proc.stdout.write("Your first name or a nickname: ")
    buf = ""
    while True:
        data = await proc.stdin.read(4096)
        if not data:
            break
        buf += data
        while "\r" in buf:
            line, buf = buf.split("\r", 1)
            if line.strip() == "time":
                proc.stdout.write("The class clock is at 18:00.\r\n> ")
            else:
                proc.stdout.write(SCREEN + "> ")
    proc.exit(0)

async def main():
    key = asyncssh.generate_private_key("ssh-ed25519")
    await asyncssh.create_server(Server, "127.0.0.1", int(sys.argv[1]), server_host_keys=[key],
                                 process_factory=handle, encoding="utf-8", line_editor=False)
    await asyncio.Event().wait()

asyncio.run(main())
'''


class Floor(SimStudent):
    async def join(self) -> None:
        await self.expect("nickname")


async def play(s: SimStudent, until: float, pace: tuple[float, float],
               rng: random.Random) -> None:
    """Act every `pace` seconds (uniform) until `until`: choices, waits, looks, says."""
    await asyncio.sleep(rng.uniform(0, pace[1]))         # not all at once
    while time.monotonic() < until:
        pick = rng.random()
        line = str(rng.randint(1, 4)) if pick < 0.6 else "wait" if pick < 0.8 else \
            "look" if pick < 0.9 else f"say hello from {s.name}"
        await s.turn(line)
        await asyncio.sleep(rng.uniform(*pace))


async def run(n: int, seconds: float, pace: tuple[float, float], scenes: Path,
              floor: bool = False, profile: str = "") -> dict[str, float]:
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="wp-classroom-bench-"))
    if floor:
        server = subprocess.Popen([sys.executable, "-c", FLOOR_SERVER, str(port)],
                                  stdin=subprocess.PIPE)
    else:
        server = subprocess.Popen(
            [sys.executable, *(["-m", "cProfile", "-o", profile] if profile else []), "-m",
             "winterpalace", "classroom", "--host", "127.0.0.1",
             "--port", str(port), "--code", CODE, "--saves", str(tmp), "--scenes",
             str(scenes), "--stdin", "--max-connections", str(n + 20), "--max-per-address",
             str(n + 20)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert server.stdin is not None

    def command(line: str) -> None:
        if floor:
            return
        assert server.stdin is not None
        server.stdin.write(line.encode() + b"\n")
        server.stdin.flush()

    try:
        wait_listening(port)
        kind = Floor if floor else SimStudent
        students = [kind(f"B{i}", 1 + i % 3, port=port, code=CODE) for i in range(n)]
        t0 = time.perf_counter()
        for i in range(0, n, 20):    # join in waves, like a class arriving
            await asyncio.gather(*(s.connect(60) for s in students[i:i + 20]))
            await asyncio.gather(*(s.join() for s in students[i:i + 20]))
        joined = time.perf_counter() - t0
        command("start 18:00")
        await asyncio.sleep(1.0)     # the night begins for everyone
        for s in students:
            s.latencies.clear()

        async def teacher(until: float) -> None:
            t = 18 * 60
            while time.monotonic() + 15 < until:
                await asyncio.sleep(15)
                t += 20
                command(f"advance {t // 60 % 24:02d}:{t % 60:02d}")

        until = time.monotonic() + seconds
        cpu0 = cpu_seconds(server.pid)
        await asyncio.gather(teacher(until), *(play(s, until, pace, random.Random(i))
                                               for i, s in enumerate(students)))
        cpu = cpu_seconds(server.pid) - cpu0
        lat = sorted(x for s in students for x in s.latencies)
        await asyncio.gather(*(s.close() for s in students))
        def q(p: float) -> float:
            return lat[min(len(lat) - 1, int(len(lat) * p))] * 1e3

        return {"joined_s": joined, "turns": len(lat), "median_ms": statistics.median(lat) * 1e3,
                "p95_ms": q(0.95), "p99_ms": q(0.99), "max_ms": lat[-1] * 1e3,
                "turns_per_s": len(lat) / seconds, "cpu_ms_per_turn": cpu / len(lat) * 1e3}
    finally:
        server.terminate()
        server.wait(10)


def row(label: str, r: dict[str, float], floor: dict[str, float] | None = None) -> str:
    ratio = f"{r['p99_ms'] / floor['p99_ms']:>7.1f}x" if floor else f"{'':>8}"
    return (f"{label:>18} {r['turns']:>6.0f} {r['turns_per_s']:>7.1f} {r['median_ms']:>6.0f}ms "
            f"{r['p95_ms']:>6.0f}ms {r['p99_ms']:>6.0f}ms {r['max_ms']:>6.0f}ms {ratio} "
            f"{r['cpu_ms_per_turn']:>9.1f}ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, nargs="+", default=[30, 100])
    ap.add_argument("--seconds", type=float, default=40)
    ap.add_argument("--pace", type=float, nargs=2, default=[2.0, 6.0], metavar=("MIN", "MAX"))
    ap.add_argument("--scenes", type=Path, default=ROOT / "scenes")
    ap.add_argument("--no-saturation", action="store_true")
    ap.add_argument("--profile", metavar="FILE", default="",
                    help="run the server under cProfile, writing FILE (the last run's)")
    args = ap.parse_args()
    pace = (args.pace[0], args.pace[1])
    print(f"classroom turn latency: {args.seconds:.0f} s of play per run, each student acting "
          f"every {pace[0]:g}-{pace[1]:g} s, loopback SSH, scenario {args.scenes.name}")
    print(f"{'':>18} {'turns':>6} {'turns/s':>7} {'median':>8} {'p95':>8} {'p99':>8} "
          f"{'worst':>8} {'x floor':>8} {'CPU/turn':>11}")
    for n in args.students:
        floor = asyncio.run(run(n, args.seconds, pace, args.scenes, floor=True))
        print(row(f"floor, {n}", floor), flush=True)
        r = asyncio.run(run(n, args.seconds, pace, args.scenes, profile=args.profile))
        print(row(f"{n} students", r, floor), flush=True)
    if args.no_saturation:
        return 0
    print(f"saturation: 100 students, each pace halved until the p99 passes {LIMIT_MS:.0f} ms")
    lo, hi, best = pace[0], pace[1], 0.0
    while True:
        r = asyncio.run(run(100, args.seconds / 2, (lo, hi), args.scenes))
        print(row(f"pace {lo:g}-{hi:g} s", r), flush=True)
        if r["p99_ms"] > LIMIT_MS or hi < 0.05:
            break
        best = r["turns_per_s"]
        lo, hi = lo / 2, hi / 2
    print(f"saturation throughput: {best:.1f} turns/s with p99 under {LIMIT_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
