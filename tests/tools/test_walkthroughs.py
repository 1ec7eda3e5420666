"""Walkthrough files: every shipped one passes; divergences and mistakes are located."""

from __future__ import annotations

from pathlib import Path

import pytest

from winterpalace.cli import main
from winterpalace.scenario import load_scenario
from winterpalace.tools import walkthrough

from .conftest import Make

WALKTHROUGHS = sorted((Path(__file__).parent.parent / "walkthroughs").glob("*.yaml"))
EXAMPLE = Path(__file__).parent.parent.parent / "docs" / "example"


@pytest.mark.parametrize("path", WALKTHROUGHS, ids=[p.stem for p in WALKTHROUGHS])
def test_shipped_walkthrough(path: Path) -> None:
    result = walkthrough.run_file(path)
    assert result.passed, result.render()


def _write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "w.yaml"
    p.write_text(f"scenario: {EXAMPLE.resolve()}\nrole: officer\nseed: 1\n" + body,
                 encoding="utf-8")
    return p


def test_first_divergence_is_located(tmp_path: Path) -> None:
    p = _write(tmp_path, """steps:
  - do: Go up
    expect: { scene: malachite }
  - do: Go back down
    expect: { scene: malachite, time: "18:20" }
  - do: wait
""")
    r = walkthrough.run_file(p)
    assert not r.passed and r.steps_run == 2
    assert r.failure is not None
    assert (r.failure.line, r.failure.col) == (7, 5)
    assert r.failure.message == ("step 2 (`Go back down`): expected scene `malachite`, but the "
                                 "player is in `guardroom`")
    assert "THE GUARDROOM" in "\n".join(r.seen)


FAILING_EXPECTATIONS = [
    ('{ time: "19:00" }', "expected the time 19:00, but it is 18:10"),
    ("{ vars: { resolve: 9 } }", "expected resolve = 9, but it is 2"),
    ("{ vars: { no_such: 1 } }", "there is no variable `no_such`"),
    ("{ flags: { no_such: 1 } }", "there is no world flag `no_such`"),
    ("{ has: [revolver] }", "expected the player to carry `revolver`"),
    ("{ lacks: [revolver], knows: [no_such] }", "expected the player to know `no_such`"),
    ("{ text: Ministers dance }", 'expected the text "Ministers dance" in what the player saw'),
    ("{ ending: arrest }", "expected the ending `arrest`, but the night goes on"),
    ("{ can: [Report] }", "expected the choice `Report` to be offered"),
    ("{ cannot: [Go back down] }", "expected the choice `Go back down` to be not offered"),
    ("{ scene: guardroom }", "expected scene `guardroom`, but the player is in `malachite`"),
    ("{ refused: true }", "expected the command to be refused, but it was carried out"),
    ("{ stuck: true }", "expected the player to be stuck, but they can act in `malachite`"),
    ("{ loop: true }", "expected the player to be going round"),
]


def test_every_expectation_has_a_failing_case() -> None:
    fields = {f.split(":")[0] for e, _ in FAILING_EXPECTATIONS
              for f in e.strip("{} ").split(", ")}
    assert fields == walkthrough.EXPECT_FIELDS


@pytest.mark.parametrize("expect, message", FAILING_EXPECTATIONS)
def test_each_expectation_can_fail(tmp_path: Path, expect: str, message: str) -> None:
    p = _write(tmp_path, f"steps:\n  - do: Go up\n    expect: {expect}\n")
    r = walkthrough.run_file(p)
    assert not r.passed and r.failure is not None
    assert message in r.failure.message


def test_refused_command_is_a_divergence_unless_expected(tmp_path: Path) -> None:
    r = walkthrough.run_file(_write(tmp_path, "steps:\n  - do: 7\n"))
    assert not r.passed and r.failure is not None
    assert "step 1 (`7`) was refused: There is no choice 7" in r.failure.message
    r = walkthrough.run_file(_write(tmp_path, "steps:\n  - { do: 7, expect: { refused: no choice 7 } }\n"))
    assert r.passed


def test_mistakes_in_the_file_are_reported_at_once(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("role: officer\nsede: 1\nsteps:\n  - do: 1\n    expct: {}\n"
                 "  - expect: { scen: x }\n", encoding="utf-8")
    with pytest.raises(walkthrough.WalkthroughError) as e:
        walkthrough.parse(p)
    got = [(x.line, x.message) for x in e.value.problems]
    assert (2, "`sede` is not a field of a walkthrough") in got
    assert (4, "`expct` is not a field of a step") in got
    assert (6, "`scen` is not something a step can expect") in got


def test_cli_runs_walkthroughs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path, "steps:\n  - { do: Go up, expect: { scene: malachite } }\n")
    assert main(["test", "--walkthroughs", str(good)]) == 0
    assert "1 of 1 walkthroughs passed." in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("malachite", "guardroom"), encoding="utf-8")
    assert main(["test", "--walkthroughs", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "bad.yaml:5:5: step 1 (`Go up`): expected scene `guardroom`" in out
    bad.write_text("role: [", encoding="utf-8")
    assert main(["test", "--walkthroughs", str(bad)]) == 2


def test_record_then_replay(tmp_path: Path, make: Make) -> None:
    world = load_scenario(EXAMPLE)
    transcript = ("Choose a role, 1 to 2:\n> 1\nYou are The officer.\n> look\n> 1\n"
                  "> Go up\n> help\n> Go back\n> next\n> next\n> next\n")
    commands, role = walkthrough.commands_from_transcript(transcript)
    assert role == "1" and commands == ["look", "1", "Go up", "help", "Go back", "next",
                                        "next", "next"]
    text = walkthrough.record(world, "officer", 4, commands, "recorded",
                              str(EXAMPLE.resolve()))
    out = tmp_path / "rec.yaml"
    out.write_text(text, encoding="utf-8")
    assert text.count("- do:") == 6          # look and help change nothing: not recorded
    assert "ending: arrest" in text
    r = walkthrough.run_file(out)
    assert r.passed, r.render()


def test_cli_record_from_transcript(tmp_path: Path) -> None:
    t = tmp_path / "t.txt"
    t.write_text("Choose a role, 1 to 2:\n> 2\n> Tie\n> wait\n", encoding="utf-8")
    target = tmp_path / "walks" / "sailor_ribbon.yaml"
    assert main(["test", str(EXAMPLE), "--record", str(target), "--from", str(t)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "role: sailor" in text and 'do: "Tie"' in text
    assert walkthrough.run_file(target).passed
