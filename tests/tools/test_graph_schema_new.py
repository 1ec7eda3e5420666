"""graph, schema and new."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from winterpalace.cli import main
from winterpalace.scenario import load_scenario
from winterpalace.tools import graph
from winterpalace.tools.schema import build_schema

from .conftest import Make

EXAMPLE = Path(__file__).parent.parent.parent / "docs" / "example"

GRAPH = """
a:
  title: Start "here"
  place: p
  text: x
  wait: 30m
  choices:
    - { label: Go, takes: 20m, go: b, after: "21:00", if: not tired }
b:
  title: B
  place: q
  text: x
  choices: [{ label: Out, go: out }]
  redirect: [{ if: tired, go: out }]
island:
  title: Island
  place: q
  text: x
  choices: [{ label: Out, go: out }]
"""
EXTRA = """
variables: { tired: false }
"""


def test_dot(make: Make) -> None:
    world = load_scenario(make(GRAPH, EXTRA))
    dot = graph.to_dot(world)
    assert dot.startswith("digraph scenario {") and dot.rstrip().endswith("}")
    assert 'label="P"' in dot and 'label="Q"' in dot          # grouped by place
    assert '"a" -> "b" [label="20 min, from 21:00, if not tired"];' in dot
    assert '"b" -> "out" [label="if tired", style=dashed];' in dot
    assert 'Start \\"here\\"' in dot                           # quotes escaped
    island = next(line for line in dot.splitlines() if line.strip().startswith('"island" ['))
    assert "unreachable" in island and "dashed" in island
    out = next(line for line in dot.splitlines() if line.strip().startswith('"out" ['))
    assert "doubleoctagon" in out
    b = next(line for line in dot.splitlines() if line.strip().startswith('"b" ['))
    assert "from 21:20" in b and graph.hour_colour(21 * 60) in b


def test_mermaid_and_role_filter(make: Make) -> None:
    world = load_scenario(make(GRAPH, EXTRA))
    m = graph.to_mermaid(world, "r")
    assert m.startswith("flowchart LR")
    assert 's_a -->|"20 min, from 21:00, if not tired"| s_b' in m
    assert "#quot;here#quot;" in m
    # Not reachable, but it leads into the role's scenes: shown, and marked.
    assert "class s_island unreachable" in m
    assert "classDef unreachable fill:#dddddd,stroke-dasharray: 5 5" in m


def test_svg_without_graphviz(make: Make, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    root = make(GRAPH, EXTRA)
    assert main(["graph", str(root), "--format", "svg"]) == 1
    err = capsys.readouterr().err
    assert "needs Graphviz" in err and "apt install graphviz" in err


def test_svg_with_graphviz(make: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in `dot` that answers like Graphviz does, so the pipe is tested where it is absent.
    fake = tmp_path / "dot"
    fake.write_text(f"#!{sys.executable}\nimport sys\nsrc = sys.stdin.read()\n"
                    "assert src.startswith('digraph')\nprint('<svg>' + str(len(src)) + '</svg>')\n")
    fake.chmod(0o755)
    monkeypatch.setattr(graph.shutil, "which", lambda name: str(fake))
    out = tmp_path / "g.svg"
    assert main(["graph", str(make(GRAPH, EXTRA)), "--format", "svg", "-o", str(out)]) == 0
    assert out.read_text().startswith("<svg>")


def test_schema_accepts_scenarios_and_rejects_mistakes(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    main(["new", str(tmp_path / "n")])
    files = list(EXAMPLE.rglob("*.yaml")) + list((tmp_path / "n").glob("*.yaml"))
    for f in files:
        errors = list(v.iter_errors(yaml.safe_load(f.read_text(encoding="utf-8"))))
        assert errors == [], f
    bad = {"scenes": {"a": {"title": "A", "place": "p", "text": "x",
                            "choices": [{"label": "x", "tkaes": "5m"}]}}}
    assert any("tkaes" in e.message for e in v.iter_errors(bad))
    assert list(v.iter_errors({"scenes": {"a": {"title": "A", "place": "p", "text": "x",
                                                "wait": "5 seconds"}}}))
    # The duration grammar is the engine's: what the loader takes, the schema takes.
    for text in ("5 minutes", "1h30m", "2h30", "2 hours 15 minutes", "90 MIN"):
        assert not list(v.iter_errors({"scenes": {"a": {"title": "A", "place": "p",
                                                        "text": "x", "wait": text}}})), text


def test_schema_knows_every_loader_field() -> None:
    from winterpalace import scenario
    s = build_schema()
    assert set(s["$defs"]["choice"]["properties"]) == set(scenario.CHOICE_FIELDS)
    assert set(s["$defs"]["scene"]["properties"]) == set(scenario.SCENE_FIELDS)
    assert set(s["properties"]) == set(scenario.FILE_FIELDS) | set(scenario.WORLD_FIELDS)


def test_new_refuses_a_folder_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    assert main(["new", str(tmp_path / "x")]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert (tmp_path / "x" / "keep.txt").read_text() == "mine"


@pytest.mark.slow
def test_new_scenario_checks_and_plays(tmp_path: Path) -> None:
    root = tmp_path / "night"
    run = [sys.executable, "-m", "winterpalace"]
    assert subprocess.run([*run, "new", str(root)], capture_output=True).returncode == 0
    done = subprocess.run([*run, "check", str(root), "--strict"], capture_output=True, text=True)
    assert done.returncode == 0 and "No errors, no warnings." in done.stdout
    world = load_scenario(root)
    scenes = list(world.scenes.values())
    assert len(world.roles) == 1 and len(scenes) == 3 and len(world.events) == 1
    assert sum(1 for s in scenes if s.ending) == 1
    play = subprocess.run([*run, "play", "--scenes", str(root), "--seed", "1", "--plain"],
                          input="1\n2\n" + "w\n" * 30, capture_output=True, text=True,
                          timeout=60)
    assert play.returncode == 0, play.stderr
    assert "THE END: The night is over." in play.stdout
    assert "A single boom rolls across the water" in play.stdout


def test_world_and_scene_schemas_describe_every_field(tmp_path: Path) -> None:
    world, scenes = build_schema("world"), build_schema("scenes")
    for s in (world, scenes):
        jsonschema.Draft202012Validator.check_schema(s)
    choice = scenes["$defs"]["choice"]["properties"]
    assert all(p.get("description") for p in choice.values())
    assert choice["label"]["description"].startswith("What the player sees")
    # hide and show are offered for otherwise:, any other text still allowed.
    assert {"enum": ["hide", "show"]} in choice["otherwise"]["anyOf"]
    v = jsonschema.Draft202012Validator(scenes)
    bad_scene = {"title": "x", "scenes": {"a": {"title": "A", "place": "p", "text": "x",
                                                "wait": ""}}}
    messages = [e.message for e in v.iter_errors(bad_scene)]
    assert any("title" in m for m in messages)            # title: belongs in world.yaml
    assert list(v.iter_errors(bad_scene["scenes"] and {"scenes": bad_scene["scenes"]}))
    assert scenes["$defs"]["duration"]["patternErrorMessage"] == \
        "a duration with a unit: 10m, 1h, 1h30m or 90 min"
    w = jsonschema.Draft202012Validator(world)
    assert any("'roles' is a required property" in e.message for e in w.iter_errors({}))
    main(["new", str(tmp_path / "n")])
    assert list(w.iter_errors(yaml.safe_load((tmp_path / "n" / "world.yaml").read_text()))) == []
    assert list(v.iter_errors(yaml.safe_load((tmp_path / "n" / "scenes.yaml").read_text()))) == []
    assert main(["schema", "--kind", "all", "-o", str(tmp_path / "s")]) == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "winterpalace.scenes.schema.json", "winterpalace.schema.json",
        "winterpalace.world.schema.json"]
