"""`lint:` silences one finding with a reason, per choice, scene or file; `check --format json`
reports what was silenced and why; a suppression that silences nothing is itself reported."""

from __future__ import annotations

import json

import pytest

from winterpalace.cli import main
from winterpalace.scenario import ScenarioError, load_scenario
from winterpalace.tools.check import check_world

from .conftest import Make

SHADOWED = """
a:
  title: A
  place: p
  text: Here.
  {scene_lint}
  choices:
    - label: Look
      {choice_lint}
    - {{ label: Leave, go: out }}
"""


def build(make: Make, scene_lint: str = "", choice_lint: str = "", file_lint: str = "") -> str:
    root = make(SHADOWED.format(scene_lint=scene_lint, choice_lint=choice_lint))
    if file_lint:
        path = root / "scenes.yaml"
        path.write_text(file_lint + "\n" + path.read_text())
    return str(root)


WHY = 'lint: { ignore: [shadowed-label], why: "the number is how players pick it" }'


@pytest.mark.parametrize("where", ["choice", "scene", "file"])
def test_lint_silences_with_a_reason(make: Make, where: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = build(make, **{f"{where}_lint": WHY})
    assert check_world(load_scenario(root)).problems == []
    assert main(["check", root, "--strict", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["problems"] == []
    [s] = data["suppressed"]
    assert s["code"] == "shadowed-label" and s["why"] == "the number is how players pick it"
    assert s["scope"] == where and s["by"].startswith(root)


def test_without_lint_the_finding_stands(make: Make) -> None:
    problems = check_world(load_scenario(build(make))).problems
    assert [p.code for p in problems] == ["shadowed-label"]


def test_lint_on_another_choice_does_not_silence(make: Make) -> None:
    root = make("""
a:
  title: A
  place: p
  text: Here.
  choices:
    - { label: Look }
    - label: Leave
      go: out
      lint: { ignore: [shadowed-label], why: x }
""")
    got = [p.code for p in check_world(load_scenario(root)).problems]
    assert sorted(got) == ["lint-unused", "shadowed-label"]


def test_lint_naming_an_unknown_code(make: Make) -> None:
    root = build(make, choice_lint='lint: { ignore: [shadowed-lable], why: "x" }')
    got = check_world(load_scenario(root)).problems
    assert sorted(p.code for p in got) == ["lint-unknown-code", "shadowed-label"]
    bad = next(p for p in got if p.code == "lint-unknown-code")
    assert bad.hint == "did you mean `shadowed-label`?"


def test_lint_needs_a_reason(make: Make) -> None:
    root = build(make, choice_lint="lint: { ignore: [shadowed-label] }")
    with pytest.raises(ScenarioError) as e:
        load_scenario(root)
    assert "`lint` needs `why:`" in e.value.render(False)
