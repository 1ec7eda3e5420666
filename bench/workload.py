"""Turn the shared benchmark workload (graph.json from gen_workload.py) into a scenario folder.

    python bench/workload.py --nodes 1000 --out bench/out/w1000

The graph is the same one ink and ChoiceScript are measured on (see ../shared/bench/README.md):
three choices per node, one gated by `resolve > thr`, conditional text, a 200-step cap.
Scenes go 1,000 to a file, with the conditional text inline (`{resolve > 2: brave|uncertain}`).
"""

from __future__ import annotations

import argparse
import json
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


def write_scenario(graph_path: Path, out: Path) -> Path:
    """Write `out/scenario/` (world.yaml + scenes/*.yaml) from a graph.json; return its path."""
    g = json.loads(graph_path.read_text())
    root = out / "scenario"
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    cap = g["max_steps"]
    (root / "world.yaml").write_text(f"""scenario: workload-{g['n']}
title: Generated workload of {g['n']} nodes
clock:
  start: 1917-10-25 06:00
  end: 1917-10-26 06:00
  default_takes: 0m
roles:
  player:
    name: The player
    intro: A generated graph.
    start: {g['start']}
    at: "06:00"
    time_out: end
variables:
""" + "".join(f"  {k}: {v}\n" for k, v in g["variables"].items()) + """places:
  nowhere: { name: Nowhere }
scenes:
  end:
    title: The end
    place: nowhere
    text: The end.
    ending: { title: The end, epilogue: The end. }
""")
    nodes = g["nodes"]
    for start in range(0, len(nodes), SCENES_PER_FILE):
        lines = ["scenes:"]
        for nd in nodes[start:start + SCENES_PER_FILE]:
            t0, t1, t2 = nd["text"]
            c = t2["if"]
            thr = c["value"]
            # Conditional text inline, as the ink (`{c: a|b}`) and ChoiceScript (`@{(c) a|b}`)
            # versions of the workload write it.
            text = "\n\n".join([t0, t1, f"{{resolve > {thr}: {t2['then']}|{t2['else']}}}"])
            on_enter = ["steps += 1"] + [f"{e['var']} {e['op']} {e['value']}"
                                         for e in nd["on_enter"]]
            lines += [
                f"  {nd['id']}:",
                f"    title: {_q(nd['id'])}",
                "    place: nowhere",
                f"    text: {_q(text)}",
                f"    on_enter: [{', '.join(on_enter)}]",
                f"    redirect: [{{if: steps > {cap}, go: end}}]",
                "    choices:",
            ]
            for ch in nd["choices"]:
                target = "end" if ch["target"] == "END" else ch["target"]
                entry = [f"label: {_q(ch['text'])}", f"go: {target}"]
                if ch["condition"]:
                    cc = ch["condition"]
                    cond = "%s %s %d" % (cc["var"], cc["op"], cc["value"])
                    entry.append(f"if: {_q(cond)}")
                if ch["effects"]:
                    effs = ", ".join(f"{e['var']} {e['op']} {e['value']}" for e in ch["effects"])
                    entry.append(f"do: [{effs}]")
                lines.append("      - {" + ", ".join(entry) + "}")
        name = f"part{start // SCENES_PER_FILE:03d}.yaml"
        (root / "scenes" / name).write_text("\n".join(lines) + "\n")
    return root


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    print(write_scenario(generate_graph(a.nodes, a.out), a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
