"""Property tests: whatever an author writes, the loader answers with a world or located errors."""

from __future__ import annotations

import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winterpalace.engine import expr as ex
from winterpalace.scenario import ScenarioError, load_scenario

SCENES = """\
scenes:
  a:
    title: A
    place: p
    text: Here.
    choices:
      - { label: Go, go: out }
  out:
    title: Out
    place: p
    text: Gone.
    ending: { title: Gone, epilogue: Bye. }
"""

SYM = ex.Symbols(player_vars={"resolve": ex.INT, "ok": ex.BOOL}, world_flags={"flag": ex.STR},
                 things={"item": {"revolver"}, "scene": {"a"}}, roles=["r"],
                 time_of=lambda s: 0)

ATOMS = ["resolve", "ok", "flag", "time", "role", "1", "0", "22:00", "30m", '"x"', "true",
         "has(revolver)", "visited(a)", "random(1, 2)", "(", ")", "and", "or", "not", "==",
         "<", "+", "-", "*", "/", "%", "=", "+=", ",", ".", "__import__", "'", "{", "\x00"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40),
                 st.lists(st.sampled_from(ATOMS), max_size=12).map(" ".join)))
def test_random_expressions_compile_or_raise_expr_error(src: str) -> None:
    for compile_ in (ex.compile_expr, ex.compile_effect):
        try:
            compile_(src, SYM)
        except ex.ExprError as e:
            assert 0 <= e.offset <= len(src) and e.message


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5),
                         st.text(alphabet=string.printable, max_size=12),
                         st.sampled_from(["22:00", "10m", "out", "a", "resolve > 1", "give(x)"]))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["title", "place", "text", "choices", "go", "label",
                                         "takes", "if", "do", "ending", "wait", "variants",
                                         "redirect", "otherwise", "once", "x"]),
                        inner, max_size=5)),
    max_leaves=20)


def _check(root: Path) -> None:
    try:
        load_scenario(root)
    except ScenarioError as e:
        assert e.problems
        for p in e.problems:
            assert p.file and p.message and p.line >= 0 and p.col >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.dictionaries(st.sampled_from(["scenes", "places", "events", "items", "narrate",
                                            "variables", "glossary", "junk"]),
                           yaml_values, max_size=3))
def test_random_yaml_documents_load_or_give_located_errors(doc, write_scenario) -> None:
    root = write_scenario(**{"s.yaml": SCENES})
    (root / "fuzz.yaml").write_text(yaml.safe_dump(doc))
    _check(root)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_random_text_files_load_or_give_located_errors(text: str, write_scenario) -> None:
    root = write_scenario(**{"s.yaml": SCENES})
    (root / "fuzz.yaml").write_text(text, encoding="utf-8", errors="replace")
    _check(root)
