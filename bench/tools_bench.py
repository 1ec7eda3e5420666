"""Authoring-tools benchmark: `check` time and random-test playthroughs per second.

    python bench/tools_bench.py [--nodes 1000 10000] [--runs 2000] [--shipped N] [--editor]

Scenarios come from the shared workload (bench/workload.py converts gen_workload.py's graph.json
into a scenario folder). For each size it reports: load, analysis (every `check` warning) and
the whole `check`; then random playthroughs through the tools' own tester (coverage, dead-end
and loop detection included), as playthroughs and actions per second. Figures are printed,
never asserted. Then `check` as a fresh process, and the language server over stdio: the
time from an edit of one file to the diagnostics published for it (target: under 300 ms on
10,000 scenes). `--editor` runs only those. `--shipped N` instead plays N nights per role of
the shipped game: with and
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


def lsp(nodes: int, edits: int = 5) -> None:
    """The language server over stdio on the workload: first diagnostics after opening a
    file, then the refresh after each edit of that file (load errors, then warnings)."""
    import shutil
    import tempfile

    from winterpalace.tools.lsp.client import Client
    src = scenario_for(nodes)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "scenario"
        shutil.copytree(src, root)
        parts = sorted((root / "scenes").glob("*.yaml"))
        part = parts[len(parts) // 2]
        text = part.read_text(encoding="utf-8")
        client = Client([sys.executable, "-m", "winterpalace", "lsp"])
        try:
            client.initialize(root)
            t0 = time.perf_counter()
            client.open(part)
            at, _ = client.diagnostics(part, timeout=120)
            first = at - t0
            loads, fixes, warned = [], [], []
            client.diagnostics(part, timeout=120, where=lambda d: any(
                x.get("severity") == 2 for x in d))   # the first analysis is done
            for i in range(edits):
                # A typo (an error: the load's refresh), then its fix, then the warnings of
                # the analysis that follows: each step waited for, as an author would.
                bad = text.replace("go: ", "go: x", 1)
                t0 = time.perf_counter()
                client.change(part, bad, 2 * i + 2)
                at, _ = client.diagnostics(part, timeout=120, where=lambda d: any(
                    x.get("code") == "unknown-scene" for x in d))
                loads.append(at - t0)
                t0 = time.perf_counter()
                client.change(part, text.replace("title: \"", f"title: \"{i}", 1), 2 * i + 3)
                at, _ = client.diagnostics(part, timeout=120, where=lambda d: not any(
                    x.get("code") == "unknown-scene" for x in d))
                fixes.append(at - t0)
                at, _ = client.diagnostics(part, timeout=120, where=lambda d: any(
                    x.get("severity") == 2 for x in d))
                warned.append(at - t0)
        finally:
            client.close()
    def med(xs: list[float]) -> str:
        return f"{sorted(xs)[len(xs) // 2] * 1000:5.0f} ms"
    files = len(list(src.glob("scenes/*.yaml")))
    print(f"{nodes:>6} scenes  lsp: first diagnostics {first:6.2f} s; an edit of one file "
          f"(of {files}), median of {edits}: its load errors {med(loads)}, its fix {med(fixes)}, "
          f"the analysis' warnings after it {med(warned)}")


def check_cli(nodes: int) -> None:
    """`winterpalace check` as an author runs it: a fresh process, load and analysis."""
    import subprocess
    root = scenario_for(nodes)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "winterpalace", "check", str(root)],
                   capture_output=True, check=False)
    print(f"{nodes:>6} scenes  `winterpalace check` (a fresh process): "
          f"{time.perf_counter() - t0:6.2f} s")


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
    ap.add_argument("--editor", action="store_true",
                    help="only `check` and the language server's response times")
    args = ap.parse_args()
    if args.shipped:
        shipped(args.shipped)
        return 0
    for n in args.nodes:
        if not args.editor:
            bench(n, args.runs)
        check_cli(n)
        lsp(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
