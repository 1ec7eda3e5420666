"""Authoring-tools benchmark: `check` time and random-test playthroughs per second.

    python bench/tools_bench.py [--nodes 1000 10000] [--runs 2000] [--shipped N]

Scenarios come from the shared workload (bench/workload.py converts gen_workload.py's graph.json
into a scenario folder). For each size it reports: load, analysis (every `check` warning) and
the whole `check`; then random playthroughs through the tools' own tester (coverage, dead-end
and loop detection included), as playthroughs and actions per second. Figures are printed,
never asserted. `--shipped N` instead plays N nights per role of the shipped game: with and
without the simulated other players, on one process and on two.
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


def shipped(runs: int) -> None:
    from winterpalace.scenario import default_scenario_dir
    world = load_scenario(default_scenario_dir())
    for others, jobs in ((False, 1), (True, 1), (True, 2)):
        report = random_test(world, runs, seed=1, others=others, jobs=jobs)
        never = sum(len(v) for v in report.never().values())
        print(f"shipped game, {'other players' if others else 'history only '}, {jobs} "
              f"process{'es' if jobs > 1 else '  '}: {report.runs} playthroughs in "
              f"{report.seconds:6.2f} s = {report.runs / report.seconds:7,.0f} playthroughs/s, "
              f"{report.actions / report.seconds:9,.0f} actions/s; never reached: {never}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=2000, help="random playthroughs per size")
    ap.add_argument("--shipped", type=int, metavar="N",
                    help="only the shipped game: N playthroughs per role")
    args = ap.parse_args()
    if args.shipped:
        shipped(args.shipped)
        return 0
    for n in args.nodes:
        bench(n, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
