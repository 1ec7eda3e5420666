"""Engine benchmark on the shared workload: load+validate, random play, peak memory.

    python bench/engine_bench.py [--nodes 1000 10000] [--runs 10000] [--repeat 3]
                                 [--choicescript DIR]

Each figure is measured in a fresh process so peak memory (max RSS) belongs to that phase alone.
Load is measured without the compiled-scenario cache (the files parsed and validated) and with
it (the scenario read before). Random play is uniform among the enabled choices, with the state
reset per playthrough, and the scene text rendered at every step, as ink and ChoiceScript do on
the same workload.

With a ChoiceScript checkout (`--choicescript DIR` or $WINTERPALACE_CHOICESCRIPT: a folder
holding randomtest.js; not part of this repository), its randomtest plays the same graph in
the same run, alternated with ours, uniformly too (`avoidUsedOptions=false`, no logging), in
a temporary copy whose chooseIndex counts the choices made: the ratio printed is ours over
its, from figures of the same minutes (target: at least 2x). Without one, the shared README's
figures are shown for reference.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def phase_load(path: str, cached: bool) -> dict[str, float]:
    from winterpalace.scenario import load_scenario
    base = _peak_mb()
    t = time.perf_counter()
    world = load_scenario(path, use_cache=cached)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "peak_mb": _peak_mb(), "base_mb": base,
            "scenes": len(world.scenes)}


def phase_play(path: str, runs: int, seed: int) -> dict[str, float]:
    from winterpalace.engine import choose, start, view
    from winterpalace.scenario import load_scenario
    world = load_scenario(path)
    random_ = random.Random(seed).random    # int(random() * k): uniform, as rng.choice is
    role = next(iter(world.roles))
    choices = 0
    chars = 0
    t = time.perf_counter()
    for i in range(runs):
        ws, ps, _ = start(world, role, seed=i)
        while ps.ending is None:
            v = view(world, ws, ps)
            chars += len(v.text)
            options = []
            for c in v.choices:
                if c.enabled:
                    options.append(c)
            ws, ps, _ = choose(world, ws, ps, options[int(random_() * len(options))].index)
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


class ChoiceScript:
    """ChoiceScript's randomtest on a workload's cs_scenes, in a temporary copy of a checkout
    whose chooseIndex counts the choices it makes."""

    def __init__(self, checkout: Path, scenes: Path):
        self.dir = Path(tempfile.mkdtemp(prefix="wp-choicescript-"))
        shutil.copytree(checkout, self.dir, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".git", "node_modules"))
        game = self.dir / "web" / "mygame" / "scenes"
        for old in game.glob("*.txt"):
            old.unlink()
        for scene in scenes.glob("*.txt"):
            shutil.copy(scene, game / scene.name)
        test = self.dir / "randomtest.js"
        text = test.read_text()
        head = "function chooseIndex(options, choiceLine, sceneName) {"
        tail = 'console.log("Time: " + duration + "s")'
        if text.count(head) != 1 or tail not in text:
            raise SystemExit(f"{checkout}: not the randomtest.js this benchmark knows")
        text = text.replace(head, "var wpChoices = 0;\n" + head + " wpChoices++;")
        text = text.replace(tail, tail + '; console.log("Choices: " + wpChoices)')
        test.write_text(text)

    def run(self, runs: int, seed: int) -> dict[str, float]:
        out = subprocess.run(["node", "randomtest.js", f"num={runs}", "game=mygame",
                              f"seed={seed}", "showCoverage=false", "showChoices=false",
                              "avoidUsedOptions=false"], cwd=self.dir, capture_output=True,
                             text=True, check=False).stdout
        seconds = re.search(r"^Time: ([0-9.]+)s", out, re.M)
        choices = re.search(r"^Choices: (\d+)", out, re.M)
        if "RANDOMTEST PASSED" not in out or not seconds or not choices:
            raise SystemExit("ChoiceScript's randomtest failed:\n" + out[-2000:])
        return {"seconds": float(seconds.group(1)), "choices": int(choices.group(1))}

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3,
                    help="fresh processes per figure; the median is shown (peers: median of 3)")
    ap.add_argument("--choicescript", type=Path,
                    default=os.environ.get("WINTERPALACE_CHOICESCRIPT") or None,
                    help="a ChoiceScript checkout (randomtest.js) to play the same graph")
    ap.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        kind, path = a.phase[0], a.phase[1]
        result = phase_load(path, kind == "load-cached") if kind.startswith("load") else \
            phase_play(path, int(a.phase[2]), int(a.phase[3]))
        print(json.dumps(result))
        return 0
    from workload import generate_graph, write_scenario
    os.environ.setdefault("WINTERPALACE_CACHE", tempfile.mkdtemp(prefix="wp-bench-cache-"))
    print(f"Winter Palace engine benchmark (Python {sys.version.split()[0]})")
    for n in a.nodes:
        out = HERE / "out" / f"w{n}"
        scenario = write_scenario(generate_graph(n, out), out)
        load, load_times = median_run(a.repeat, "load", str(scenario))
        run_phase("load-cached", str(scenario))          # into the cache
        warm, _ = median_run(a.repeat, "load-cached", str(scenario))
        plays, peers = [], []
        cs = ChoiceScript(a.choicescript, out / "cs_scenes") if a.choicescript else None
        try:
            for _ in range(a.repeat):    # alternated: both see the same minutes of the machine
                plays.append(run_phase("play", str(scenario), str(a.runs), str(a.seed)))
                if cs is not None:
                    peers.append(cs.run(a.runs, a.seed))
        finally:
            if cs is not None:
                cs.close()
        play = sorted(plays, key=lambda r: r["seconds"])[len(plays) // 2]
        cps = play["choices"] / play["seconds"]
        spread = f" (runs: {', '.join(f'{t:.2f}' for t in load_times)})" if a.repeat > 1 else ""
        print(f"\n{n:,} nodes, median of {a.repeat}")
        print(f"  load + validate: {load['seconds']:.2f} s{spread}, peak memory "
              f"{load['peak_mb']:.0f} MB (interpreter alone {load['base_mb']:.0f} MB)")
        print(f"  load from the compiled-scenario cache: {warm['seconds']:.3f} s, peak memory "
              f"{warm['peak_mb']:.0f} MB")
        print(f"  random play: {play['runs']:,} playthroughs in {play['seconds']:.1f} s = "
              f"{play['runs'] / play['seconds']:,.0f} playthroughs/s, {cps / 1000:.1f}k choices/s"
              f" ({play['choices']:,} choices), peak memory {play['peak_mb']:.0f} MB")
        if peers:
            theirs = statistics.median(p["choices"] / p["seconds"] for p in peers)
            print(f"  ChoiceScript randomtest, same run: {a.runs:,} playthroughs in "
                  f"{statistics.median(p['seconds'] for p in peers):.1f} s = "
                  f"{theirs / 1000:.1f}k choices/s; ours is {cps / theirs:.2f}x (target >= 2x)")
        for peer, fig in PEERS.get(n, {}).items():
            print(f"  peer {peer} (shared README): {fig}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
