"""Engine benchmark on the shared workload: load+validate, random play, peak memory.

    python bench/engine_bench.py [--nodes 1000 10000] [--runs 10000] [--repeat 3]

Each figure is measured in a fresh process so peak memory (max RSS) belongs to that phase alone.
Random play is uniform among the enabled choices, with the state reset per playthrough, and the
scene text rendered at every step, as ink and ChoiceScript do on the same workload.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PEERS = {  # from ../shared/bench/README.md (2-core machine, medians of 3 runs)
    1000: {"ink compile": "1.29 s, 196 MB", "ink play": "19.5k choices/s",
           "ChoiceScript randomtest": "49k choices/s, 89 MB"},
    10000: {"ink compile": "9.60 s, 1.2 GB", "ink play": "15.8k choices/s",
            "ChoiceScript randomtest": "39.8k choices/s, 146 MB"},
}


def _peak_mb() -> float:
    """This process's peak resident memory. /proc's VmHWM starts afresh at exec; ru_maxrss can
    carry the parent's peak over, which would blame the generator's memory on the engine."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_load(path: str) -> dict[str, float]:
    from winterpalace.scenario import load_scenario
    base = _peak_mb()
    t = time.perf_counter()
    world = load_scenario(path)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "peak_mb": _peak_mb(), "base_mb": base,
            "scenes": len(world.scenes)}


def phase_play(path: str, runs: int, seed: int) -> dict[str, float]:
    from winterpalace.engine import choose, start, view
    from winterpalace.scenario import load_scenario
    world = load_scenario(path)
    rng = random.Random(seed)
    role = next(iter(world.roles))
    choices = 0
    chars = 0
    t = time.perf_counter()
    for i in range(runs):
        ws, ps, _ = start(world, role, seed=i)
        while ps.ending is None:
            v = view(world, ws, ps)
            chars += len(v.text)
            options = [c for c in v.choices if c.enabled]
            ws, ps, _ = choose(world, ws, ps, rng.choice(options).index)
            choices += 1
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "runs": runs, "choices": choices, "text_chars": chars,
            "peak_mb": _peak_mb()}


def run_phase(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--phase", *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def median_run(repeat: int, *args: str) -> tuple[dict[str, float], list[float]]:
    """The run with the median time of `repeat` fresh processes, and all their times."""
    runs = sorted((run_phase(*args) for _ in range(repeat)), key=lambda r: r["seconds"])
    return runs[len(runs) // 2], [r["seconds"] for r in runs]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3,
                    help="fresh processes per figure; the median is shown (peers: median of 3)")
    ap.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        kind, path = a.phase[0], a.phase[1]
        result = phase_load(path) if kind == "load" else \
            phase_play(path, int(a.phase[2]), int(a.phase[3]))
        print(json.dumps(result))
        return 0
    from workload import generate_graph, write_scenario
    print(f"Winter Palace engine benchmark (Python {sys.version.split()[0]})")
    for n in a.nodes:
        out = HERE / "out" / f"w{n}"
        scenario = write_scenario(generate_graph(n, out), out)
        load, load_times = median_run(a.repeat, "load", str(scenario))
        play, _ = median_run(a.repeat, "play", str(scenario), str(a.runs), str(a.seed))
        cps = play["choices"] / play["seconds"]
        spread = f" (runs: {', '.join(f'{t:.2f}' for t in load_times)})" if a.repeat > 1 else ""
        print(f"\n{n:,} nodes, median of {a.repeat}")
        print(f"  load + validate: {load['seconds']:.2f} s{spread}, peak memory "
              f"{load['peak_mb']:.0f} MB (interpreter alone {load['base_mb']:.0f} MB)")
        print(f"  random play: {play['runs']:,} playthroughs in {play['seconds']:.1f} s = "
              f"{play['runs'] / play['seconds']:,.0f} playthroughs/s, {cps / 1000:.1f}k choices/s"
              f" ({play['choices']:,} choices), peak memory {play['peak_mb']:.0f} MB")
        for peer, fig in PEERS.get(n, {}).items():
            print(f"  peer {peer}: {fig}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
