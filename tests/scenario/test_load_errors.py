"""Every kind of authoring mistake is reported at its file:line:col, all of them at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from winterpalace.cli import main
from winterpalace.scenario import ScenarioError, load_scenario

SCENES_HEAD = """\
scenes:
  a:
    title: A
    place: p
    text: Here.
    choices:
"""
OUT = """\
  out:
    title: Out
    place: p
    text: Gone.
    ending: { title: Gone, epilogue: Bye. }
"""


def problems(root: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(root)
    return [p.headline().replace(str(root) + "/", "", 1) for p in info.value.problems]


def scene_file(choices: str, extra: str = "") -> str:
    return SCENES_HEAD + choices + OUT + extra


def only(write_scenario, choices: str, extra: str = "") -> str:
    root = write_scenario(**{"s.yaml": scene_file(choices, extra)})
    found = problems(root)
    assert len(found) == 1, found
    return found[0]


def test_unknown_go_target_with_suggestion(write_scenario) -> None:
    got = only(write_scenario, "      - label: Leave\n        go: outt\n")
    assert got == "s.yaml:8:13: unknown scene `outt` in `go:`; did you mean `out`?"


def test_unknown_field_typo(write_scenario) -> None:
    got = only(write_scenario, "      - label: Leave\n        go: out\n        tkes: 10m\n")
    assert got == "s.yaml:9:9: `tkes` is not a field of a choice; did you mean `takes`?"


def test_bad_time_literal(write_scenario) -> None:
    got = only(write_scenario, "      - label: Leave\n        go: out\n        after: \"25:00\"\n")
    assert got.startswith("s.yaml:9:16: bad time `25:00` in `after`")


def test_bad_duration(write_scenario) -> None:
    got = only(write_scenario, "      - label: Leave\n        go: out\n        takes: 10\n")
    assert got == "s.yaml:9:16: bad duration `10` in `takes`; add a unit: `10m`, `1h`, `1h30m`"


def test_unknown_variable_in_effect(write_scenario) -> None:
    got = only(write_scenario, "      - label: Leave\n        go: out\n        do: [resolv += 1]\n")
    assert got.startswith("s.yaml:9:14: in `do`: unknown variable `resolv`")


def test_unknown_variable_in_condition_points_at_the_name(write_scenario) -> None:
    got = only(write_scenario,
               "      - label: Leave\n        go: out\n        if: time > 20:00 and braveness > 1\n")
    assert got.startswith("s.yaml:9:30: in `if`: unknown name `braveness`")


def test_expression_syntax_error(write_scenario) -> None:
    got = only(write_scenario, "      - label: Leave\n        go: out\n        if: \"time >> 20:00\"\n")
    assert got.startswith("s.yaml:9:20: in `if`: unexpected `>`")


def test_expression_in_text_hole(write_scenario) -> None:
    root = write_scenario(**{"s.yaml": scene_file("      - { label: Leave, go: out }\n").replace(
        "text: Here.", "text: |\n      First line.\n      Your resolve is {resolv}.")})
    [got] = problems(root)
    assert got.startswith("s.yaml:7:24: in `text`: unknown name `resolv`")


def test_missing_required_field(write_scenario) -> None:
    got = only(write_scenario, "      - go: out\n")
    assert got == "s.yaml:7:9: a choice needs `label:`"


def test_duplicate_id_across_files(write_scenario) -> None:
    root = write_scenario(**{"s.yaml": scene_file("      - { label: Leave, go: out }\n"),
                             "more__t.yaml": OUT.join(["scenes:\n", ""])})
    [got] = problems(root)
    # Files are read in sorted order: more/t.yaml first, so the copy in s.yaml is the duplicate.
    assert got.startswith("s.yaml:8:3: duplicate scene id `out`; it is already defined at ")
    assert got.endswith("more/t.yaml:2")


def test_role_without_start_scene(write_scenario) -> None:
    world = """\
        scenario: tiny
        title: Tiny
        clock: { start: 1917-10-25 18:00, end: 1917-10-26 03:00 }
        roles:
          r:
            name: Someone
            intro: Hello.
            at: "18:00"
            time_out: out
        places:
          p: { name: A place }
        """
    root = write_scenario(world)
    assert problems(root) == ["world.yaml:6:5: role `r` needs `start:`"]


def test_yaml_syntax_error(write_scenario) -> None:
    root = write_scenario(**{"s.yaml": "scenes:\n  a:\n    title: A: B\n"})
    [got] = [p for p in problems(root) if p.startswith("s.yaml")]  # (then scenes are missing)
    assert got.startswith("s.yaml:3:13: YAML syntax: mapping values are not allowed")
    assert "must be quoted" in got


def test_not_utf8(write_scenario) -> None:
    root = write_scenario()
    (root / "bad.yaml").write_bytes(b"scenes:\n  a:\n    title: caf\xe9\n")
    [got] = problems(root)
    assert got == "bad.yaml:3:15: this file is not UTF-8 text; save it as UTF-8"


def test_every_mistake_at_once(write_scenario) -> None:
    root = write_scenario(**{"s.yaml": scene_file(
        "      - label: Leave\n        go: outt\n        tkes: 5m\n        if: nope\n")})
    assert len(problems(root)) == 3


def test_cli_check_reports_without_traceback(write_scenario, capsys) -> None:
    root = write_scenario(**{"s.yaml": scene_file("      - label: Leave\n        go: galery\n")})
    assert main(["check", str(root)]) == 2
    err = capsys.readouterr().err
    assert "s.yaml:8:13: unknown scene `galery` in `go:`" in err
    assert "  8 |         go: galery" in err and "^^^^^^" in err
    assert "1 error in 1 file. Nothing was started." in err
    assert "Traceback" not in err


def test_cli_play_on_broken_scenario_exits_2(write_scenario) -> None:
    root = write_scenario(**{"s.yaml": scene_file("      - label: Leave\n        go: galery\n")})
    done = subprocess.run([sys.executable, "-m", "winterpalace", "play", "--scenes", str(root)],
                          capture_output=True, text=True, input="")
    assert done.returncode == 2
    assert "unknown scene `galery`" in done.stderr and "Traceback" not in done.stderr


def test_valid_minimal_scenario_loads(write_scenario) -> None:
    world = load_scenario(write_scenario())
    assert set(world.scenes) == {"a", "out"} and world.roles["r"].start == "a"


def test_the_documented_example_is_clean_even_strictly() -> None:
    from winterpalace.cli import main as cli_main
    example = Path(__file__).resolve().parents[2] / "docs" / "example"
    assert cli_main(["check", str(example), "--strict"]) == 0


def test_comma_inside_a_flow_list_effect_gets_a_hint(write_scenario) -> None:
    line = "      - { label: Leave, go: out, do: [resolve = max(resolve, 3)] }"
    root = write_scenario(**{"s.yaml": "variables: { resolve: 1 }\n" + scene_file(line + "\n")})
    got = problems(root)
    col = line.index(", 3)") + 1
    assert got[0] == (f"s.yaml:8:{col}: in `do`: expected `)` here, found the end of the "
                      "expression; in a [...] list a comma starts the next entry: put quotes "
                      "around an effect that contains a comma")
    assert len(got) == 2 and "unexpected `)`" in got[1]
