"""Load errors that say the rule, and no errors that only follow from another one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from winterpalace.scenario import ScenarioError, load_scenario

LIGHTHOUSE = Path(__file__).resolve().parent.parent / "tools" / "lighthouse"


def errors(root: Path) -> list[str]:
    with pytest.raises(ScenarioError) as e:
        load_scenario(root)
    return [p.headline() for p in e.value.problems]


@pytest.fixture
def lighthouse(tmp_path: Path) -> Callable[[str, str, str], Path]:
    """A copy of the lighthouse with one mistake: (file, text, replacement)."""
    import shutil

    def make(file: str, old: str, new: str) -> Path:
        root = tmp_path / "lh"
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(LIGHTHOUSE, root)
        path = root / file
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
        return root
    return make


def test_a_file_that_is_not_yaml_hides_the_errors_it_explains(lighthouse) -> None:
    got = errors(lighthouse("keeper/tower.yaml", "  cottage:\n", "  cottage:\n\t  x: 1\n"))
    assert len(got) == 1, got
    assert "YAML syntax" in got[0] and "this is a tab: indent with spaces" in got[0]
    assert "2 errors in other files naming what this file declares" in got[0]


def test_a_real_mistake_elsewhere_is_still_reported_after_a_syntax_error(lighthouse) -> None:
    root = lighthouse("keeper/tower.yaml", "  cottage:\n", "  cottage:\n\t  x: 1\n")
    jetty = root / "shared" / "jetty.yaml"
    jetty.write_text(jetty.read_text().replace("go: boat", "go: baot"))
    got = errors(root)
    assert len(got) == 2 and "unknown scene `baot`" in got[1]


def test_a_clock_too_long_comes_first_and_alone(lighthouse) -> None:
    got = errors(lighthouse("world.yaml", "end: 1903-11-15 06:00", "end: 1903-11-15 22:00"))
    assert len(got) == 1 and "the night is longer than 24 hours" in got[0]


def test_an_events_if_reading_a_player_variable_says_the_rule(lighthouse) -> None:
    got = errors(lighthouse("world.yaml", 'if: storm == "gale" and not cargo_landed',
                            'if: storm == "gale" and not saw_boat'))
    assert len(got) == 1
    assert "`saw_boat` is a player's variable, and an event's own `if:` and `do:` read and " \
        "change the world only" in got[0]


def test_an_events_if_about_one_player(lighthouse) -> None:
    got = errors(lighthouse("world.yaml", 'if: storm == "gale" and not cargo_landed',
                            'if: storm == "gale" and has(rope)'))
    assert "an event's `if:` is about the world only, but `has(rope)` is about one player" \
        in got[0]


def test_an_event_outside_the_clock_gives_the_range(lighthouse) -> None:
    got = errors(lighthouse("world.yaml", 'at: "04:30"', 'at: "07:30"'))
    assert got == [got[0]] and "the night runs from 20:00 to 06:00" in got[0]


def test_an_unknown_place_is_named_plainly(lighthouse) -> None:
    got = errors(lighthouse("endings.yaml", "place: sound", "place: sund"))
    assert got[0].endswith("unknown place `sund` in `place:`; did you mean `sound`?")


def test_world_fields_in_a_scene_file(lighthouse) -> None:
    root = lighthouse("shared/jetty.yaml", "scenes:", "title: Jetty\nscenes:")
    [got] = errors(root)
    assert "`title:` belongs in world.yaml, not in a scene file" in got


def test_a_walkthrough_inside_the_scenario_folder(lighthouse) -> None:
    root = lighthouse("world.yaml", "", "")
    (root / "walk.yaml").write_text("role: keeper\nseed: 1\nsteps:\n  - do: 1\n")
    [got] = errors(root)
    assert "this looks like a walkthrough" in got and "tests/walkthroughs/" in got


def test_a_comma_in_a_flow_mapping(lighthouse) -> None:
    got = errors(lighthouse("world.yaml", 'about: "Brass, smoky, reliable."',
                            "about: Brass, smoky, reliable."))
    assert "put quotes around text that holds a comma" in got[0]
