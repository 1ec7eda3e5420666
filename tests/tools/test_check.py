"""`winterpalace check`: each warning caught in a small broken scenario, quiet on a valid one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from winterpalace.cli import main
from winterpalace.scenario import load_scenario
from winterpalace.tools.check import check_world
from winterpalace.tools.new import write_scenario

from .conftest import Make


def line_of(root: Path, text: str) -> int:
    """The line of scenes.yaml holding `text` (so the tests say what they point at)."""
    lines = (root / "scenes.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def codes(root: Path) -> list[tuple[str, int, str]]:
    return [(p.code, p.line, p.message) for p in check_world(load_scenario(root)).problems]


VALID = """
a:
  title: A
  place: p
  text: Here.
  wait: 30m
  choices:
    - { label: Go on, go: b }
b:
  title: B
  place: p
  text: There.
  choices:
    - { label: Back, go: a }
    - { label: Leave, go: out }
"""


def test_valid_scenario_is_quiet(make: Make, capsys: pytest.CaptureFixture[str]) -> None:
    root = make(VALID)
    assert codes(root) == []
    assert main(["check", str(root), "--strict"]) == 0
    out = capsys.readouterr()
    assert "No errors, no warnings." in out.out
    assert out.err == ""


def test_a_file_or_a_missing_folder_is_named_for_what_it_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_scenario(tmp_path / "night")
    scene_file = next(p for p in (tmp_path / "night").rglob("*.yaml") if p.name != "world.yaml")
    assert main(["check", str(scene_file)]) == 2
    err = capsys.readouterr().err
    assert "this is a file, not a scenario folder" in err and str(scene_file.parent) in err
    assert main(["check", str(tmp_path / "nowhere")]) == 2
    assert "no such scenario folder" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "night" / "world.yaml")]) == 0   # its folder, then


def test_new_scenario_passes_strict(tmp_path: Path) -> None:
    write_scenario(tmp_path / "night")
    assert check_world(load_scenario(tmp_path / "night")).problems == []


def test_unreachable_scene(make: Make) -> None:
    root = make(VALID + """
lost:
  title: Lost
  place: p
  text: Nobody comes here.
  choices: [{ label: Out, go: out }]
""")
    got = codes(root)
    assert [(c, ln) for c, ln, _ in got] == [("unreachable", line_of(root, "lost:"))]
    assert "scene `lost` cannot be reached from any role's start" in got[0][2]


def test_unreachable_ending(make: Make) -> None:
    root = make(VALID + """
never:
  title: Never
  place: p
  text: x
  ending: { title: Never, epilogue: x }
""")
    assert [(c, ln) for c, ln, _ in codes(root)] == [("ending-unreachable", line_of(root, "never:"))]


def test_window_closed_before_arrival(make: Make) -> None:
    # b is first reached at 21:00 (1 h walk); the choice closes at 20:30.
    root = make("""
a:
  title: A
  place: p
  text: Here.
  wait: 30m
  choices:
    - { label: Walk, takes: 1h, go: b }
b:
  title: B
  place: p
  text: There.
  wait: 10m
  choices:
    - { label: Catch the tram, before: "20:30", go: out }
""")
    got = codes(root)
    assert [(c, ln) for c, ln, _ in got] == [("window-closed", line_of(root, "Catch the tram"))]
    assert "closes at 20:30, but no player reaches `b` before 21:00" in got[0][2]


def test_window_never_open(make: Make) -> None:
    # b can be held no later than 20:20 (no wait, no way back); the choice opens at 23:00.
    root = make("""
a:
  title: A
  place: p
  text: Here.
  choices:
    - { label: Walk, takes: 20m, go: b, before: "20:01" }
b:
  title: B
  place: p
  text: There.
  choices:
    - { label: Late door, after: "23:00", go: out }
    - { label: Leave, go: out }
""")
    got = codes(root)
    assert [(c, ln) for c, ln, _ in got] == [("window-never-open", line_of(root, "Late door"))]
    assert "opens at 23:00, but no player is in `b` after 20:20" in got[0][2]


def test_scene_only_after_clock_end(make: Make) -> None:
    root = make("""
a:
  title: A
  place: p
  text: Here.
  wait: 30m
  choices:
    - { label: A very long walk, takes: 7h, go: far }
far:
  title: Far
  place: p
  text: Too far.
  choices: [{ label: Out, go: out }]
""")
    got = codes(root)
    assert ("after-clock-end", line_of(root, "far:")) in [(c, ln) for c, ln, _ in got]
    assert "can only be reached after the clock's end (02:00)" in got[0][2]


def test_choice_never_enabled(make: Make) -> None:
    root = make("""
a:
  title: A
  place: p
  text: Here.
  wait: 30m
  choices:
    - { label: Draw the revolver, if: has(revolver), go: out }
    - { label: Brave, if: courage > 5, go: out }
    - { label: Gain courage, do: [courage += 1] }
""", extra="""
variables: { courage: 0 }
items: { revolver: a revolver }
""")
    got = codes(root)
    assert ("never-enabled", line_of(root, "Draw the")) in [(c, ln) for c, ln, _ in got]
    assert ("never-enabled", line_of(root, "Brave")) not in [(c, ln) for c, ln, _ in got]   # courage can grow
    msg = next(m for c, ln, m in got if c == "never-enabled")
    assert "`has(revolver)` is never true" in msg


def test_dead_end(make: Make) -> None:
    root = make("""
a:
  title: A
  place: p
  text: Here.
  choices:
    - { label: Only while brave, if: brave, go: out }
    - { label: Only before nine, before: "21:00", do: [brave = true] }
""", extra="variables: { brave: false }\n")
    got = codes(root)
    assert [c for c, _, _ in got] == ["dead-end"]
    assert "no choice is enabled as r at 21:00 with brave = false" in got[0][2]


def test_dead_end_quiet_when_conditions_cover_every_case(make: Make) -> None:
    root = make("""
a:
  title: A
  place: p
  text: Here.
  choices:
    - { label: Brave, if: brave, go: out }
    - { label: Not brave, if: not brave, do: [brave = true] }
""", extra="variables: { brave: false }\n")
    assert codes(root) == []


def test_variables_flags_and_items(make: Make) -> None:
    root = make("""
a:
  title: A
  place: p
  text: Here, {fixed}.
  wait: 30m
  choices:
    - label: Do things
      do: [written = 1, flag = true, give(ribbon)]
    - { label: Use the key, if: has(key), go: out }
""", extra="""
variables: { written: 0, fixed: 3, idle: 0 }
world_flags:
  flag: false
items: { ribbon: a ribbon, key: a key }
""")
    got = {(c, m.split("`")[1]) for c, _, m in codes(root)}
    assert got >= {("never-read", "written"), ("never-read", "flag"),
                   ("never-written", "fixed"), ("unused", "idle"),
                   ("item-never-used", "ribbon"), ("item-never-given", "key")}


def test_role_without_ending(make: Make) -> None:
    # The start scene goes round in a circle, and no time can pass: no ending is reachable.
    root = make("""
a:
  title: A
  place: p
  text: Here.
  choices: [{ label: Again, takes: 0m, go: b }]
b:
  title: B
  place: p
  text: Here.
  choices: [{ label: Again, takes: 0m, go: a }]
""")
    got = [c for c, _, _ in codes(root)]
    assert "role-no-ending" in got


@pytest.mark.parametrize("scene, message", [
    ("""
a:
  title: A
  place: p
  text: Here.
  choices: [{ label: x, after: "23:00", before: "22:00", go: out }]
""", "`before` is not later than `after`"),
])
def test_window_order_is_a_load_error(make: Make, scene: str, message: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = make(scene)
    assert main(["check", str(root)]) == 2
    assert message in capsys.readouterr().err


def test_event_outside_clock_is_a_load_error(make: Make,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = make(VALID, extra="""
events:
  late: { title: Late, at: "05:00" }
""")
    assert main(["check", str(root), "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert any("outside the clock" in p["message"] for p in data["problems"])


def test_strict_and_json(make: Make, capsys: pytest.CaptureFixture[str]) -> None:
    root = make(VALID + """
lost:
  title: Lost
  place: p
  text: x
  choices: [{ label: Out, go: out }]
""")
    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err
    line = line_of(root, "lost:")
    assert f"scenes.yaml:{line}:3: scene `lost` cannot be reached" in err
    assert f"{line} |   lost:" in err and "^^^^" in err
    assert main(["check", str(root), "--strict"]) == 1


def test_json_output(make: Make, capsys: pytest.CaptureFixture[str]) -> None:
    root = make(VALID + """
lost:
  title: Lost
  place: p
  text: x
  choices: [{ label: Out, go: out }]
""")
    capsys.readouterr()
    assert main(["check", str(root), "--format", "json", "--strict"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["errors"] == 1
    p = data["problems"][0]
    assert (p["line"], p["col"], p["code"], p["severity"]) == \
        (line_of(root, "lost:"), 3, "unreachable", "error")
