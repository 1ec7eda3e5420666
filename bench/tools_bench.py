"""Authoring-tools benchmark: `check` time and random-test playthroughs per second.

    python bench/tools_bench.py [--nodes 1000 10000] [--runs 2000] [--shipped N] [--editor]
                                [--random-cli N]

Scenarios come from the shared workload (bench/workload.py converts gen_workload.py's graph.json
into a scenario folder). For each size it reports: load, analysis (every `check` warning) and
the whole `check`; then random playthroughs through the tools' own tester (coverage, dead-end
and loop detection included), as playthroughs and actions per second. Figures are printed,
never asserted. Then `check` as a fresh process, and the language server over stdio: the
time from an edit of one file to the diagnostics published for it (target: under 300 ms on
10,000 scenes). `--editor` runs only those. `--shipped N` instead plays N nights per role of
the shipped game: with and
without the simulated other players, on one process and on two.

`check` as a fresh process is compared with a fresh process that only loads the scenario, in
the same run (alternated, medians of 3): without the cache, `check` must take at most twice
the load (the target); with it, the load is a cache read and the ratio says what the analysis
costs on top. `--random-cli N` (default 10000; 0: skip) times `winterpalace test --random N`
on the shipped game as a user runs it (a fresh process, its default processes; target: under
10 s for 10,000), with the CPU time it took.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
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
    world = load_scenario(root, use_cache=False)
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


LOAD_ONLY = "import sys; from winterpalace.scenario import load_scenario; " \
    "load_scenario(sys.argv[1], use_cache=sys.argv[2] == '1')"


def _timed(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, capture_output=True, check=False)
    return time.perf_counter() - t0


def check_cli(nodes: int, repeat: int = 3) -> None:
    """`winterpalace check` as an author runs it: a fresh process, load and analysis; against
    a fresh process that only loads, in the same run."""
    root = str(scenario_for(nodes))
    runs: dict[str, list[float]] = {k: [] for k in ("load", "check", "load cached",
                                                     "check cached")}
    subprocess.run([sys.executable, "-m", "winterpalace", "check", root], capture_output=True,
                   check=False)    # into the cache
    for _ in range(repeat):
        runs["load"].append(_timed([sys.executable, "-c", LOAD_ONLY, root, "0"]))
        runs["check"].append(_timed([sys.executable, "-m", "winterpalace", "check",
                                     "--no-cache", root]))
        runs["load cached"].append(_timed([sys.executable, "-c", LOAD_ONLY, root, "1"]))
        runs["check cached"].append(_timed([sys.executable, "-m", "winterpalace", "check",
                                            root]))
    m = {k: statistics.median(v) for k, v in runs.items()}
    print(f"{nodes:>6} scenes  `winterpalace check` (fresh processes, median of {repeat}): "
          f"{m['check']:.2f} s without the cache = {m['check'] / m['load']:.2f}x its load "
          f"({m['load']:.2f} s; target <= 2x); {m['check cached']:.2f} s with it "
          f"(the load from the cache: {m['load cached']:.2f} s)")


def random_cli(runs: int) -> None:
    """`winterpalace test --random N` on the shipped game, as a user runs it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "winterpalace", "test", "--random",
                           str(runs), "--seed", "1"], capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    head = done.stdout.splitlines()[0] if done.stdout else done.stderr[-300:]
    print(f"shipped game, `winterpalace test --random {runs:,}` (a fresh process): "
          f"{seconds:.1f} s (target < 10 s for 10,000), CPU {cpu:.1f} s over "
          f"{os.cpu_count()} CPUs\n  {head}")


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
    ap.add_argument("--random-cli", type=int, default=10000, metavar="N",
                    help="`winterpalace test --random N` on the shipped game (0: skip)")
    args = ap.parse_args()
    os.environ.setdefault("WINTERPALACE_CACHE", tempfile.mkdtemp(prefix="wp-bench-cache-"))
    if args.shipped:
        shipped(args.shipped)
        return 0
    if args.random_cli:
        random_cli(args.random_cli)
    for n in args.nodes:
        if not args.editor:
            bench(n, args.runs)
        check_cli(n)
        lsp(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
