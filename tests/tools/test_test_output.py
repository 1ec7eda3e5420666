"""`winterpalace test` output an author can act on: labels and lines, texts covered, saved
findings that fail until fixed, recordings by label, one loop finding per loop."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from winterpalace.cli import main
from winterpalace.scenario import load_scenario
from winterpalace.tools import walkthrough
from winterpalace.tools.randomtest import random_test

from .conftest import Make

LIGHTHOUSE = Path(__file__).parent / "lighthouse"

DEAD_END = """
a:
  title: A
  place: p
  text: "{tired: You are tired.|You are fresh.}"
  variants:
    - { if: tired, text: The room swims., append: true }
  choices:
    - { label: Rest, do: [tired = true], go: b }
    - { label: Leave, go: out }
b:
  title: B
  place: p
  text: Nowhere to go.
  choices:
    - { label: Climb out, if: not tired, go: out }
    - { label: Never, if: tired and not tired, go: out }
"""


def test_a_saved_finding_fails_until_the_bug_is_fixed(make: Make, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = make(DEAD_END, extra="variables: { tired: false }")
    saved = tmp_path / "findings"
    assert main(["test", str(root), "--random", "50", "--no-progress", "--history-only",
                 "--save-findings", str(saved)]) == 1
    [path] = sorted(saved.glob("*dead-end*.yaml"))
    result = walkthrough.run_file(path)
    assert not result.passed
    assert "the player is stuck in `b`" in result.render()
    # The author fixes the scene: the same walkthrough now passes.
    scenes = root / "scenes.yaml"
    scenes.write_text(scenes.read_text().replace("if: not tired, go: out", "go: out"))
    assert walkthrough.run_file(path).passed
    out = capsys.readouterr().out
    # Never-reached choices by label and file:line, not `b#1`.
    assert "`Never` in `b` (" in out and "scenes.yaml:" in out and "b#1" not in out


def test_coverage_counts_texts_and_every_scene(make: Make) -> None:
    world = load_scenario(make(DEAD_END, extra="variables: { tired: false }"))
    report = random_test(world, 50, seed=1, others=False)
    totals = report.totals()
    assert totals["scenes"][1] == len(world.scenes)          # endings included, as check counts
    # `a` is only ever seen before resting: its variant and the "tired" branch never show.
    assert totals["texts"] == (1, 3)
    from winterpalace.tools.randomtest import describe_text
    never = [describe_text(world, k) for k in report.never()["texts"]]
    assert never[0].startswith("variant `if: tired` of `a` (") and "scenes.yaml:" in never[0]
    assert never[1].startswith("conditional text 1 of `a`, shown (")
    assert any(c["where"].startswith("`Never` in `b` (") for c in report.to_dict()["never_choices"])


LOOP = """
a:
  title: A
  place: p
  text: Here.
  wait: 30m
  choices:
    - { label: Into the store, takes: 0m, go: b }
    - { label: Leave, go: out }
b:
  title: B
  place: p
  text: Store.
  choices:
    - { label: Look about, takes: 0m, go: c }
c:
  title: C
  place: p
  text: Corner.
  choices:
    - { label: Back, takes: 0m, go: a }
"""


def test_one_loop_finding_per_loop(make: Make, tmp_path: Path) -> None:
    world = load_scenario(make(LOOP))
    report = random_test(world, 200, seed=1, others=False)
    loops = [f for f in report.findings if f.kind == "loop"]
    assert len(loops) == 1 and loops[0].cause == ("a", "b", "c")
    path = tmp_path / "loop.yaml"
    path.write_text(loops[0].walkthrough(str(make(LOOP))))
    result = walkthrough.run_file(path)
    assert not result.passed and "without time passing" in result.render()


def test_record_from_a_transcript_writes_labels(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "lh"
    shutil.copytree(LIGHTHOUSE, root)
    transcript = tmp_path / "t.txt"
    transcript.write_text("> 3\n> 2\n> look\n> wait\n")   # lamp room: go down; stairs: cottage
    out = tmp_path / "walk.yaml"
    assert main(["test", str(root), "--record", str(out), "--role", "keeper", "--seed", "1",
                 "--from", str(transcript)]) == 0
    text = out.read_text()
    assert 'do: "Go down the stairs"' in text and 'do: "Out to the cottage"' in text
    assert 'do: "wait"' in text and '"3"' not in text
    assert walkthrough.run_file(out).passed
    json.dumps(text)


def test_exhaustive_warns_early_and_abstraction_finishes() -> None:
    from winterpalace.tools import exhaustive
    world = load_scenario(LIGHTHOUSE)
    told: list[str] = []
    space = exhaustive.explore(world, "keeper", bound=5000, warn=told.append)
    assert not space.complete and len(told) == 1
    assert "past the bound (5,000)" in told[0] and "--abstract" in told[0]
    assert space.estimate is not None and space.estimate > 5000
    for role, ending in (("keeper", "keeper_dawn"), ("smuggler", "smuggler_gone")):
        told.clear()
        ab = exhaustive.explore(world, role, bound=50_000, abstract=True, warn=told.append)
        assert ab.complete and ending in ab.endings and not told
        assert ab.unreachable_endings(world) is None      # abstraction proves nothing
    # A path found under abstraction is real: it plays to its ending.
    from winterpalace.tools.walkthrough import Step, Walkthrough, run
    path = ab.endings["smuggler_gone"]
    w = Walkthrough("x", "abstract path", LIGHTHOUSE, "smuggler", 0,
                    [Step(p, {}, 1, 1) for p in path] + [Step(None, {"ending": "smuggler_gone"},
                                                              1, 1)])
    assert run(w, world).passed
