"""Web classroom benchmark: the turn latency browser students see, at a class's pace.

    python bench/web_bench.py [--students 30 100] [--seconds 40] [--pace 2 6] [--scenes DIR]
                              [--saturation]

The server is a real `winterpalace classroom` process (its page on a loopback port, the
shipped night by default); the students are simulated browsers in this process: WebSocket
clients that speak the page's protocol (`classroom.websim`), log in with the class code,
choose a role and play. Each acts every 2 to 6 seconds (`--pace`, uniform), as people reading
and choosing do; the teacher starts the night at 18:00 and moves the clock on by 20 minutes
every 15 seconds, and a projector page is open the whole time (it is redrawn on every change).
A turn is "send a line, then `time`, and wait until the answer to `time` has arrived": all the
line's outputs have been received by then. The figure includes the journal's fsync, the JSON
of every screen and the WebSocket framing on both sides.

Figures, for each class size: median, 95th and 99th percentile, and the worst turn; the
server's CPU time per turn (from /proc).

The floor, measured in the same run: the same clients against an aiohttp WebSocket server
that answers every line at once with a fixed screen's worth of JSON (no game, no journal).
"x floor" is the class's p99 over the floor's p99: what the game itself adds.

On a 2-core machine the simulated browsers compete with the server for the CPU, so the
figures are an upper bound of what a class of real devices would see.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402  (after the path to src/ is set)
from classroom_bench import cpu_seconds, free_port, wait_listening  # noqa: E402

from winterpalace.classroom.websim import WebSimStudent  # noqa: E402

CODE = "bench-lamp-river-11"
LIMIT_MS = 200.0

FLOOR_SERVER = r'''
import asyncio, json, sys
from aiohttp import web

SCREEN = json.dumps({"t": "out", "items": [{"type": "Screen", "view": {"title": "x" * 40,
    "text": "x" * 1500, "choices": [{"number": n, "label": "x" * 40} for n in range(1, 5)]}}]})
TIME = json.dumps({"t": "out", "items": [{"type": "Notice",
                                          "text": "The class clock is at 18:00."}]})

async def ws(request):
    sock = web.WebSocketResponse()
    await sock.prepare(request)
    await sock.send_str(json.dumps({"t": "hello", "mode": "class"}))
    async for msg in sock:
        data = json.loads(msg.data)
        if data.get("t") == "hello":
            await sock.send_str(json.dumps({"t": "login"}))
        elif data.get("t") == "login":
            await sock.send_str(json.dumps({"t": "ask", "kind": "play", "options": []}))
        elif data.get("text") == "time":
            await sock.send_str(TIME)
        else:
            await sock.send_str(SCREEN)
    return sock

app = web.Application()
app.router.add_get("/ws", ws)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
'''


class Floor(WebSimStudent):
    async def join(self) -> None:
        await self.login()


async def play(s: WebSimStudent, until: float, pace: tuple[float, float],
               rng: random.Random) -> None:
    """Act every `pace` seconds (uniform) until `until`: choices, waits, looks, says."""
    await asyncio.sleep(rng.uniform(0, pace[1]))         # not all at once
    while time.monotonic() < until:
        pick = rng.random()
        line = str(rng.randint(1, 4)) if pick < 0.6 else "wait" if pick < 0.8 else \
            "look" if pick < 0.9 else f"say hello from {s.name}"
        await s.turn(line)
        await asyncio.sleep(rng.uniform(*pace))


async def projector(url: str, until: float) -> int:
    """A projector page for the whole run; returns how many redraws it received."""
    n = 0
    async with aiohttp.ClientSession() as http, http.ws_connect(url + "/projector/ws") as ws:
        await ws.send_json({"t": "hello"})
        while time.monotonic() < until:
            try:
                await ws.receive(timeout=max(0.1, until - time.monotonic()))
                n += 1
            except TimeoutError:
                break
    return n


async def run(n: int, seconds: float, pace: tuple[float, float], scenes: Path,
              floor: bool = False) -> dict[str, float]:
    ssh_port, port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="wp-web-bench-"))
    if floor:
        server = subprocess.Popen([sys.executable, "-c", FLOOR_SERVER, str(port)],
                                  stdin=subprocess.PIPE)
    else:
        server = subprocess.Popen(
            [sys.executable, "-m", "winterpalace", "classroom", "--host", "127.0.0.1",
             "--port", str(ssh_port), "--web", str(port), "--code", CODE, "--saves", str(tmp),
             "--scenes", str(scenes), "--stdin", "--max-connections", str(n + 20),
             "--max-per-address", str(n + 20)],
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
        kind = Floor if floor else WebSimStudent
        students = [kind(f"B{i}", 1 + i % 3, url=url, code=CODE) for i in range(n)]
        t0 = time.perf_counter()
        for i in range(0, n, 20):    # join in waves, like a class arriving
            await asyncio.gather(*(s.connect(timeout=60) for s in students[i:i + 20]))
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
        watchers = [] if floor else [projector(url, until)]
        done = await asyncio.gather(teacher(until), *watchers,
                                    *(play(s, until, pace, random.Random(i))
                                      for i, s in enumerate(students)))
        cpu = cpu_seconds(server.pid) - cpu0
        lat = sorted(x for s in students for x in s.latencies)
        await asyncio.gather(*(s.close() for s in students))

        def q(p: float) -> float:
            return lat[min(len(lat) - 1, int(len(lat) * p))] * 1e3

        return {"joined_s": joined, "turns": len(lat), "median_ms": statistics.median(lat) * 1e3,
                "p95_ms": q(0.95), "p99_ms": q(0.99), "max_ms": lat[-1] * 1e3,
                "turns_per_s": len(lat) / seconds, "cpu_ms_per_turn": cpu / len(lat) * 1e3,
                "redraws": float(done[1]) if watchers else 0.0}
    finally:
        server.terminate()
        server.wait(10)


def row(label: str, r: dict[str, float], floor: dict[str, float] | None = None) -> str:
    ratio = f"{r['p99_ms'] / floor['p99_ms']:>7.1f}x" if floor else f"{'':>8}"
    return (f"{label:>18} {r['turns']:>6.0f} {r['turns_per_s']:>7.1f} {r['median_ms']:>6.0f}ms "
            f"{r['p95_ms']:>6.0f}ms {r['p99_ms']:>6.0f}ms {r['max_ms']:>6.0f}ms {ratio} "
            f"{r['cpu_ms_per_turn']:>9.1f}ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--students", type=int, nargs="+", default=[30, 100])
    ap.add_argument("--seconds", type=float, default=40)
    ap.add_argument("--pace", type=float, nargs=2, default=[2.0, 6.0], metavar=("MIN", "MAX"))
    ap.add_argument("--scenes", type=Path, default=ROOT / "scenes")
    ap.add_argument("--saturation", action="store_true",
                    help="also: 100 students, each pace halved until the p99 passes 200 ms")
    args = ap.parse_args()
    pace = (args.pace[0], args.pace[1])
    print(f"web classroom turn latency: {args.seconds:.0f} s of play per run, each student "
          f"acting every {pace[0]:g}-{pace[1]:g} s, loopback WebSocket, a projector open, "
          f"scenario {args.scenes.name}")
    print(f"{'':>18} {'turns':>6} {'turns/s':>7} {'median':>8} {'p95':>8} {'p99':>8} "
          f"{'worst':>8} {'x floor':>8} {'CPU/turn':>11}")
    for n in args.students:
        floor = asyncio.run(run(n, args.seconds, pace, args.scenes, floor=True))
        print(row(f"floor, {n}", floor), flush=True)
        r = asyncio.run(run(n, args.seconds, pace, args.scenes))
        print(row(f"{n} students", r, floor) + f"  (projector redrawn {r['redraws']:.0f} times)",
              flush=True)
    if not args.saturation:
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
