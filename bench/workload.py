"""Turn the shared benchmark workload (graph.json from gen_workload.py) into a scenario folder,
and write the two scaling workloads.

    python bench/workload.py --nodes 1000 --out bench/out/w1000
    python bench/workload.py --nodes 100000 --per-file 1 --out bench/out/w100000x1
    python bench/workload.py --glossary 1500000 --out bench/out/g1500000

The graph is the same one ink and ChoiceScript are measured on (see ../shared/bench/README.md):
three choices per node, one gated by `resolve > thr`, conditional text, a 200-step cap.
Scenes go 1,000 to a file, with the conditional text inline (`{resolve > 2: brave|uncertain}`).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# ../shared beside the checkout (a git worktree sits one level deeper: look further up).
GENERATOR = next((p / "shared" / "bench" / "gen_workload.py" for p in HERE.parents
                  if (p / "shared" / "bench" / "gen_workload.py").is_file()),
                 HERE.parent.parent / "shared" / "bench" / "gen_workload.py")
SCENES_PER_FILE = 1000


def _q(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


def generate_graph(nodes: int, out: Path, seed: int = 12345) -> Path:
    """Run the shared generator (if graph.json is not there yet) and return graph.json's path."""
    graph = out / "graph.json"
    if not graph.exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(GENERATOR), "--nodes", str(nodes), "--seed", str(seed),
                        "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return graph


def write_scenario(graph_path: Path, out: Path, per_file: int = SCENES_PER_FILE,
                   cap: bool = True) -> Path:
    """Write `out/scenario/` (world.yaml + scenes/*.yaml) from a graph.json; return its path.

    `per_file` scenes go to a file; with fewer than 1,000 a file, the files go 1,000 to a
    folder (scenes/000/s0000000.yaml, ...). Without `cap` the scenes do not count steps nor
    end the game after 200 (`steps += 1` and a redirect): 39 YAML values a scene instead of
    47, so that 100,000 of them fit in the loader's 4 million.
    """
    g = json.loads(graph_path.read_text())
    root = out / "scenario"
    if (root / "world.yaml").exists():
        return root   # written before (the graph is seeded: the same every time)
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    nodes = g["nodes"]
    for start in range(0, len(nodes), per_file):
        lines = ["scenes:"]
        for nd in nodes[start:start + per_file]:
            lines += _scene_lines(nd, g["max_steps"] if cap else None)
        if per_file >= SCENES_PER_FILE:
            path = root / "scenes" / f"part{start // per_file:03d}.yaml"
        else:
            folder = root / "scenes" / f"{start // 1000:03d}"
            folder.mkdir(exist_ok=True)
            path = folder / f"s{start:07d}.yaml"
        path.write_text("\n".join(lines) + "\n")
    _write_world(root, g["n"], g["start"], g["variables"])   # last: the folder is complete
    return root


def _write_world(root: Path, n: int, start: str, variables: dict[str, int],
                 extra: str = "") -> None:
    (root / "world.yaml").write_text(f"""scenario: workload-{n}
title: Generated workload of {n} nodes
clock:
  start: 1917-10-25 06:00
  end: 1917-10-26 06:00
  default_takes: 0m
roles:
  player:
    name: The player
    intro: A generated graph.
    start: {start}
    at: "06:00"
    time_out: end
variables:
""" + "".join(f"  {k}: {v}\n" for k, v in variables.items()) + extra + """places:
  nowhere: { name: Nowhere }
scenes:
  end:
    title: The end
    place: nowhere
    text: The end.
    ending: { title: The end, epilogue: The end. }
""")


def _scene_lines(nd: dict, cap: int | None) -> list[str]:
    t0, t1, t2 = nd["text"]
    c = t2["if"]
    thr = c["value"]
    # Conditional text inline, as the ink (`{c: a|b}`) and ChoiceScript (`@{(c) a|b}`)
    # versions of the workload write it.
    text = "\n\n".join([t0, t1, f"{{resolve > {thr}: {t2['then']}|{t2['else']}}}"])
    on_enter = (["steps += 1"] if cap else []) + [f"{e['var']} {e['op']} {e['value']}"
                                                  for e in nd["on_enter"]]
    lines = [
        f"  {nd['id']}:",
        f"    title: {_q(nd['id'])}",
        "    place: nowhere",
        f"    text: {_q(text)}",
    ]
    if on_enter:
        lines.append(f"    on_enter: [{', '.join(on_enter)}]")
    if cap:
        lines.append(f"    redirect: [{{if: steps > {cap}, go: end}}]")
    lines.append("    choices:")
    for ch in nd["choices"]:
        target = "end" if ch["target"] == "END" else ch["target"]
        entry = [f"label: {_q(ch['text'])}", f"go: {target}"]
        if ch["condition"]:
            cc = ch["condition"]
            cond = f"{cc['var']} {cc['op']} {int(cc['value'])}"
            entry.append(f"if: {_q(cond)}")
        if ch["effects"]:
            effs = ", ".join(f"{e['var']} {e['op']} {e['value']}" for e in ch["effects"])
            entry.append(f"do: [{effs}]")
        lines.append("      - {" + ", ".join(entry) + "}")
    return lines


GLOSSARY_WORDS = ["river", "lamp", "storm", "tower", "forest", "bridge", "candle", "mirror", "garden", "harbor", "cellar", "market", "chapel", "meadow", "lantern", "anvil", "banner", "cliff", "dune", "ember"]


def write_glossary(entries: int, out: Path, seed: int = 12345) -> Path:
    """A scenario whose glossary has `entries` terms in one file (scenes/glossary.yaml; 1.5
    million make some 50 MB), beside a world of two scenes: one big file, few scenes."""
    root = out / "scenario"
    big = root / "scenes" / "glossary.yaml"
    if big.exists():
        return root
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    _write_world(root, 1, "start", {"steps": 0})
    with open(root / "scenes" / "start.yaml", "w") as f:
        f.write("scenes:\n  start:\n    title: Start\n    place: nowhere\n"
                "    text: A glossary of many words.\n"
                "    choices:\n      - { label: Leave, go: end }\n")
    rng = random.Random(seed)
    words = GLOSSARY_WORDS
    tmp = big.with_suffix(".tmp")
    with open(tmp, "w") as f:
        f.write("glossary:\n")
        for i in range(entries):
            a, b, c = rng.choice(words), rng.choice(words), rng.choice(words)
            f.write(f"  term{i:07d}: {a} {b} {c}\n")
    tmp.rename(big)
    return root


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, help="scenes of the shared workload's graph")
    ap.add_argument("--per-file", type=int, default=SCENES_PER_FILE,
                    help=f"scenes in a file (default {SCENES_PER_FILE})")
    ap.add_argument("--no-cap", action="store_true",
                    help="scenes without the 200-step cap (fewer YAML values a scene)")
    ap.add_argument("--glossary", type=int, metavar="N",
                    help="instead: a scenario with a glossary of N terms in one file")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    if a.glossary:
        print(write_glossary(a.glossary, a.out))
    elif a.nodes:
        print(write_scenario(generate_graph(a.nodes, a.out), a.out, a.per_file, not a.no_cap))
    else:
        ap.error("give --nodes or --glossary")
    return 0


if __name__ == "__main__":
    sys.exit(main())
