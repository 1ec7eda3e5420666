"""Property tests: whatever an author writes, the loader answers with a world or located errors."""

from __future__ import annotations

import json
import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winterpalace.engine import expr as ex
from winterpalace.engine import start, view
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


TEXT_ATOMS = ["{", "}", "{{", "}}", ":", "|", "'", '"', " ", "resolve", "resolve > 1", "22:00",
              "has(revolver)", "brave", "time >= 01:30", "{resolve}", "\n", "not", "x"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60),
                 st.lists(st.sampled_from(TEXT_ATOMS), max_size=16).map("".join)))
def test_random_texts_compile_or_raise_located_expr_error(text: str) -> None:
    from winterpalace.engine.model import Template
    from winterpalace.scenario.text import compile_text

    def compile_hole(src: str, want: str | None) -> ex.Condition:
        return ex.compile_expr(src, SYM, want)

    try:
        t = compile_text(text, compile_hole)
    except ex.ExprError as e:
        assert 0 <= e.offset <= len(text) and e.message
    else:
        assert isinstance(t, Template) and t.parts


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(TEXT_ATOMS), max_size=16).map("".join))
def test_random_scene_texts_load_or_give_located_errors(text: str, write_scenario) -> None:
    # A JSON string is a YAML double-quoted scalar on one line: the text reaches the template.
    root = write_scenario(**{"s.yaml": SCENES.replace("text: Here.", "text: " + json.dumps(text))})
    (root / "vars.yaml").write_text("variables: { resolve: 1 }\nitems: { revolver: a gun }\n")
    _check(root)
    try:
        world = load_scenario(root)
    except ScenarioError:
        return
    ws, ps, _ = start(world, "r")
    assert isinstance(view(world, ws, ps).text, str)   # and it renders
