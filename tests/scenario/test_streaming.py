"""Big files are read a part at a time: the same World, and the same mistakes reported, as
when a file is composed whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from winterpalace.scenario import ScenarioError, default_scenario_dir, load_scenario
from winterpalace.scenario import loader as scenario_loader

from ..conftest import EXAMPLE, MINIMAL_SCENES, MINIMAL_WORLD
from .test_cache import flat


def both(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """What loading gives with every file whole, then with every file in parts: a World or
    the sorted (file, line, col, message) of the problems."""
    out = []
    for limit in (10**12, 0):
        monkeypatch.setattr(scenario_loader, "STREAM_CHARS", limit)
        try:
            out.append(flat(load_scenario(root, use_cache=False)))
        except ScenarioError as e:
            out.append(sorted((p.file, p.line, p.col, p.message, p.hint) for p in e.problems))
    return out[0], out[1]


@pytest.mark.parametrize("root", [default_scenario_dir(), EXAMPLE], ids=["shipped", "example"])
def test_the_same_world(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, parts = both(root, monkeypatch)
    assert isinstance(whole, tuple) and whole == parts


GLOSSARY = "glossary:\n  bolshevik: A member of Lenin's party.\n  soviet: A council.\n"

CASES = {
    "duplicate term in a file": {"scenes.yaml": MINIMAL_SCENES + GLOSSARY + "  soviet: again\n"},
    "duplicate term across files": {"scenes.yaml": MINIMAL_SCENES + GLOSSARY,
                                    "more.yaml": "glossary:\n  x: y\n  'soviet': Again.\n"},
    "empty term": {"scenes.yaml": MINIMAL_SCENES + "glossary:\n  soviet:\n"},
    "duplicate scene": {"scenes.yaml": MINIMAL_SCENES + "  a: { title: A, place: p, text: B, "
                        "choices: [{label: L, go: out}] }\n"},
    "duplicate scene across files": {"scenes.yaml": MINIMAL_SCENES,
                                     "b.yaml": MINIMAL_SCENES.replace("out:", "gone:")},
    "list key": {"scenes.yaml": MINIMAL_SCENES + "places:\n  [a, b]: { name: X }\n"},
    "syntax error after entries": {"scenes.yaml": MINIMAL_SCENES.replace("out:", "x:")
                                   + "places:\n  q: { name: Q }\n  r: [unclosed\n"},
    "scene naming a later variable": {"scenes.yaml": MINIMAL_SCENES.replace(
        "text: Here.", "text: 'Here {n}.'") + "variables:\n  n: 3\n"},
    "second document": {"scenes.yaml": MINIMAL_SCENES + "---\nscenes: {}\n"},
    "a list, not a mapping": {"scenes.yaml": "- a\n- b\n"},
    "world fields in a scene file": {"scenes.yaml": MINIMAL_SCENES + "title: X\n"},
    "notes and a duplicate note": {"scenes.yaml": MINIMAL_SCENES + "notes:\n  n1: A note.\n",
                                   "more.yaml": "notes:\n  n1: Again.\n"},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_mistakes(name: str, write_scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_scenario(MINIMAL_WORLD, **CASES[name])
    whole, parts = both(root, monkeypatch)
    assert whole == parts
    if name != "scene naming a later variable":
        assert isinstance(whole, list) and whole, name


def test_a_big_glossary_is_read_in_parts(write_scenario) -> None:
    """Past STREAM_CHARS a file is composed a part at a time (here 100,000 terms)."""
    terms = "".join(f"  term{i:06d}: The meaning of word {i}.\n" for i in range(100_000))
    assert len(terms) > scenario_loader.STREAM_CHARS
    root = write_scenario(MINIMAL_WORLD, **{"scenes.yaml": MINIMAL_SCENES,
                                            "glossary.yaml": "glossary:\n" + terms
                                            + "  term000007: again\n"})
    with pytest.raises(ScenarioError) as e:
        load_scenario(root)
    (p,) = e.value.problems
    assert (p.line, p.col, p.message) == (100_002, 3, "duplicate key `term000007` in `glossary`")
    assert p.hint == "it was first given at line 9"
    (root / "glossary.yaml").write_text("glossary:\n" + terms)
    world = load_scenario(root)
    assert len(world.glossary) == 100_000 and world.glossary["term099999"] == \
        "The meaning of word 99999."
