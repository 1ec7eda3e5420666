"""Authoring-tools benchmark: `check` time and random-test playthroughs per second.

    python bench/tools_bench.py [--nodes 1000 10000] [--runs 2000]

Scenarios come from the shared workload (bench/workload.py converts gen_workload.py's graph.json
into a scenario folder). For each size it reports: load, analysis (every `check` warning) and
the whole `check`; then random playthroughs through the tools' own tester (coverage, dead-end
and loop detection included), as playthroughs and actions per second. Figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import workload  # noqa: E402  (bench/workload.py, the shared converter)

from winterpalace.scenario import load_scenario  # noqa: E402
from winterpalace.tools import analysis  # noqa: E402
from winterpalace.tools.randomtest import random_test  # noqa: E402


def scenario_for(nodes: int) -> Path:
    out = HERE / "out" / f"w{nodes}"
    root = out / "scenario"
    if not (root / "world.yaml").exists():
        workload.write_scenario(workload.generate_graph(nodes, out), out)
    return root


def bench(nodes: int, runs: int) -> None:
    root = scenario_for(nodes)
    t0 = time.perf_counter()
    world = load_scenario(root)
    t1 = time.perf_counter()
    result = analysis.analyse(world)
    t2 = time.perf_counter()
    print(f"{nodes:>6} scenes  load {t1 - t0:6.2f} s  analysis {t2 - t1:6.2f} s  "
          f"check total {t2 - t0:6.2f} s  ({len(result.problems)} warnings)")
    report = random_test(world, runs, seed=1)
    r = report.runs / report.seconds
    a = report.actions / report.seconds
    totals = report.totals()
    print(f"{'':>6}         random test: {report.runs} playthroughs in {report.seconds:.2f} s = "
          f"{r:,.0f} playthroughs/s, {a:,.0f} actions/s; scenes covered "
          f"{totals['scenes'][0]}/{totals['scenes'][1]}, findings {len(report.findings)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=2000, help="random playthroughs per size")
    args = ap.parse_args()
    for n in args.nodes:
        bench(n, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
