"""Scaling benchmark: a 50 MB file and 100,000 files, memory against the input's size.

    python bench/scale_bench.py [--repeat 1] [--skip-check]

Two generated workloads (bench/workload.py; written under bench/out/ the first time, never
committed), each at a tenth of its size and in full:

- one file of 1.5 million glossary terms (some 50 MB), beside a two-scene world;
- 100,000 files of one scene each (the shared workload's graph, 55 MB in all).

For each, in fresh processes: the load without the cache (the files parsed and validated),
its peak memory (VmHWM) as a multiple of the input's bytes (target: within 10x), and its
time per MB at a tenth and in full (their ratio near 1: time linear in the input); the load
from the compiled-scenario cache; and `winterpalace check` on the 100,000 files.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workload  # noqa: E402

MB = 2**20


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(path: str, cached: bool) -> dict[str, float]:
    from winterpalace.scenario import load_scenario
    base = _peak_mb()
    t, c = time.perf_counter(), time.process_time()
    world = load_scenario(path, use_cache=cached)
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c,
            "peak_mb": _peak_mb(), "base_mb": base,
            "scenes": len(world.scenes), "glossary": len(world.glossary)}


def run(path: Path, cached: bool, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--phase", str(path), str(int(cached))],
                         check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)


def best(repeat: int, path: Path, cached: bool, env: dict[str, str]) -> dict[str, float]:
    runs = sorted((run(path, cached, env) for _ in range(repeat)), key=lambda r: r["seconds"])
    return runs[len(runs) // 2]


def size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*.yaml"))


def check(path: Path, env: dict[str, str]) -> tuple[float, float]:
    """`winterpalace check --no-cache` as a fresh process: seconds and its peak memory (MB),
    from /usr/bin/time when there is one."""
    time_cmd = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    t = time.perf_counter()
    done = subprocess.run([*time_cmd, sys.executable, "-m", "winterpalace", "check",
                           "--no-cache", str(path)], capture_output=True, text=True, env=env,
                          check=False)
    seconds = time.perf_counter() - t
    last = done.stderr.strip().splitlines()[-1:] if time_cmd else []
    peak = int(last[0]) / 1024 if last and last[0].isdigit() else float("nan")
    return seconds, peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="fresh processes per figure (median)")
    ap.add_argument("--skip-check", action="store_true", help="no `check` of the 100,000 files")
    ap.add_argument("--phase", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(phase(a.phase[0], a.phase[1] == "1")))
        return 0
    out = HERE / "out"
    loads = {
        "glossary": [workload.write_glossary(150_000, out / "g150000"),
                     workload.write_glossary(1_500_000, out / "g1500000")],
        "files": [workload.write_scenario(workload.generate_graph(10_000, out / "w10000x1"),
                                          out / "w10000x1", per_file=1, cap=False),
                  workload.write_scenario(workload.generate_graph(100_000, out / "w100000x1"),
                                          out / "w100000x1", per_file=1, cap=False)],
    }
    names = {"glossary": ("one file of 150,000 glossary terms", "one file of 1.5 million terms"),
             "files": ("10,000 files of one scene", "100,000 files of one scene")}
    env = {**os.environ, "WINTERPALACE_CACHE": tempfile.mkdtemp(prefix="wp-scale-cache-")}
    print(f"Scaling (Python {sys.version.split()[0]}, median of {a.repeat} fresh processes)")
    for kind, (small, full) in loads.items():
        per_mb = []
        for label, root in zip(names[kind], (small, full), strict=True):
            mb = size(root) / MB
            got = best(a.repeat, root, False, env)
            per_mb.append(got["seconds"] / mb)
            target = " (target <= 10x)" if root == full else \
                f" (of which the interpreter and modules: {got['base_mb']:.0f} MB)"
            print(f"  {label}, {mb:.1f} MB of YAML: load {got['seconds']:.2f} s "
                  f"(CPU {got['cpu']:.2f} s, {got['seconds'] / mb:.3f} s/MB), peak memory "
                  f"{got['peak_mb']:.0f} MB = {got['peak_mb'] / mb:.1f}x the input{target}")
        print(f"    time per MB, full size / a tenth: {per_mb[1] / per_mb[0]:.2f} "
              "(1.00: linear)")
        run(full, True, env)                      # into the cache
        warm = best(a.repeat, full, True, env)
        print(f"    from the compiled-scenario cache: {warm['seconds']:.2f} s, peak memory "
              f"{warm['peak_mb']:.0f} MB = {warm['peak_mb'] / (size(full) / MB):.1f}x the input")
    if not a.skip_check:
        full = loads["files"][1]
        seconds, peak = check(full, env)
        load = best(1, full, False, env)["seconds"]
        print(f"  `winterpalace check --no-cache` on 100,000 files: {seconds:.1f} s = "
              f"{seconds / load:.2f}x its load ({load:.1f} s), peak memory {peak:.0f} MB = "
              f"{peak / (size(full) / MB):.1f}x the input")
    return 0


if __name__ == "__main__":
    sys.exit(main())
