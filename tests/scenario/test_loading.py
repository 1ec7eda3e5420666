"""Loading file by file: forward references, one report per mistake, YAML tags as pyyaml's."""

from __future__ import annotations

import pytest
import yaml

from winterpalace.engine import choose, start, view
from winterpalace.scenario import ScenarioError, load_scenario
from winterpalace.scenario.yamlnodes import MappingNode, SequenceNode, compose

FIRST = """\
scenes:
  a:
    title: A
    place: p
    text: "{visited(b): Back again.|First time here.} Courage {courage}."
    choices:
      - { label: "To B", go: b, if: "courage > 0", do: [met = true] }
"""
LATER = """\
variables: { courage: 2 }
world_flags: { met: false }
places:
  q: { name: Another place }
scenes:
  b:
    title: B
    place: q
    text: B.
    choices:
      - { label: "Back to A", go: a }
      - { label: Leave, go: out }
  out:
    title: Out
    place: q
    text: Gone.
    ending: { title: Gone, epilogue: Bye. }
"""


def headlines(root) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(root)
    return [p.headline().replace(str(root) + "/", "", 1) for p in info.value.problems]


def test_a_file_may_name_what_later_files_declare(write_scenario) -> None:
    world = load_scenario(write_scenario(**{"a.yaml": FIRST, "z.yaml": LATER}))
    assert list(world.scenes) == ["a", "b", "out"]   # declaration order, whenever compiled
    ws, ps, _ = start(world, "r")
    assert view(world, ws, ps).text == "First time here. Courage 2."
    ws, ps, _ = choose(world, ws, ps, 0)
    ws, ps, _ = choose(world, ws, ps, 0)
    assert ps.scene == "a" and ws.flags["met"] is True
    assert view(world, ws, ps).text == "Back again. Courage 2."


def test_unknown_target_in_an_early_file_is_reported_once_where_it_is(write_scenario) -> None:
    first = FIRST.replace("go: b,", "go: bb,")
    got = headlines(write_scenario(**{"a.yaml": first, "z.yaml": LATER}))
    assert got == ["a.yaml:7:30: unknown scene `bb` in `go:`; did you mean `b`?"]


def test_mistake_in_a_scene_compiled_early_is_reported_once(write_scenario) -> None:
    later = LATER.replace("      - { label: Leave, go: out }",
                          "      - { label: Leave, go: out, tkes: 5m }")
    got = headlines(write_scenario(**{"a.yaml": FIRST, "z.yaml": later}))
    assert got == ["z.yaml:12:34: `tkes` is not a field of a choice; did you mean `takes`?"]


def test_duplicate_scene_in_a_later_file_names_the_first(write_scenario) -> None:
    dup = "scenes:\n  b:\n    title: B2\n    place: q\n    text: Again.\n    wait: 5m\n"
    got = headlines(write_scenario(**{"a.yaml": FIRST, "m.yaml": LATER, "z.yaml": dup}))
    (only,) = got
    assert only.startswith("z.yaml:2:3: duplicate scene id `b`; it is already defined at ")
    assert only.endswith("m.yaml:6")


def test_event_condition_cannot_read_a_player_variable_even_if_a_scene_does(
        write_scenario) -> None:
    event = "events:\n  bell:\n    title: A bell\n    at: \"19:00\"\n    if: courage > 0\n"
    got = headlines(write_scenario(**{"a.yaml": FIRST, "z.yaml": LATER + event}))
    assert len(got) == 1 and got[0].startswith("z.yaml:22:9: in `if`:"), got
    assert "courage" in got[0]


def test_a_second_document_in_a_file_is_a_located_error(write_scenario) -> None:
    got = headlines(write_scenario(**{"a.yaml": FIRST, "z.yaml": LATER + "---\nscenes: {}\n"}))
    assert got == ["z.yaml:18:1: a second YAML document (after `---`) in one file; a scenario "
                   "file holds one document: remove the `---` line, or move what follows into a "
                   "file of its own"]


TRICKY = ["text", "=", "<<", "~", "null", "Null", "NULL", "", "yes", "No", "ON", "off", "y", "n",
          "tRUE", "true", "1_000", "0x1F", "0o17", "017", "1:30", "22:00", "1e3", "1.5", ".inf",
          "-.Inf", ".nan", "+1", "-", "-x", ".x", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
          "y1", "nothing", "offline", "Truex", "~x"]


@pytest.mark.parametrize("scalar", TRICKY)
def test_tags_are_pyyamls(scalar: str) -> None:
    for doc in (f"k: {scalar}\n", f"k: [x, {scalar}]\n", f"k: '{scalar}'\n"):
        try:
            theirs = yaml.compose(doc, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            with pytest.raises(yaml.YAMLError):
                compose(doc)
            continue
        ours, second = compose(doc)
        assert second is None
        assert ours.value[0][1].tag == theirs.value[0][1].tag, doc
        if ours.value[0][1].tag.endswith("seq"):
            assert [n.tag for n in ours.value[0][1].value] == \
                [n.tag for n in theirs.value[0][1].value], doc


def _shape(node) -> object:
    """A node tree as plain data: tag, value, position and style of every node."""
    where = (node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, MappingNode):
        return where, [(_shape(k), _shape(v)) for k, v in node.value]
    if isinstance(node, SequenceNode):
        return where, [_shape(n) for n in node.value]
    # Plain style is '' from libyaml and None from the Python parser: the same thing.
    return where, node.value, node.end_mark.line, node.end_mark.column, node.style or None


def test_without_libyaml_the_python_composer_gives_the_same_nodes(monkeypatch) -> None:
    from pathlib import Path

    from winterpalace.scenario import yamlnodes
    texts = [p.read_text() for p in sorted(Path(__file__).resolve().parents[2]
                                           .joinpath("docs", "example").rglob("*.yaml"))]
    assert texts
    fast = [_shape(compose(t)[0]) for t in texts]
    monkeypatch.setattr(yamlnodes, "_Composer", None)
    assert [_shape(compose(t)[0]) for t in texts] == fast
    example = load_scenario(Path(__file__).resolve().parents[2] / "docs" / "example")
    assert len(example.scenes) == 8


def test_a_mistake_in_world_yaml_is_reported_once(write_scenario, minimal_world) -> None:
    world = minimal_world.replace("title: Tiny", "titel: Tiny")
    got = headlines(write_scenario(world, **{"a.yaml": FIRST, "z.yaml": LATER}))
    assert got == ["world.yaml:1:1: world.yaml needs `title:`",
                   "world.yaml:2:1: `titel` is not a field of world.yaml; did you mean `title`?"]
