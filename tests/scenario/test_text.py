"""Text with holes: `{expression}` and conditional text `{condition: this|that}`."""

from __future__ import annotations

from pathlib import Path

import pytest

from winterpalace.engine import choose, start, view
from winterpalace.engine.expr import ExprError
from winterpalace.engine.model import Template, TextIf
from winterpalace.scenario import ScenarioError, load_scenario
from winterpalace.scenario.text import compile_text
from winterpalace.tools.analysis import uses


def fake_compile(src: str, want: str | None) -> tuple[str, str, str | None]:
    """Stands in for the expression compiler: records what it was asked to compile."""
    if "bad" in src:
        raise ExprError("unknown name `bad`", src.index("bad"), 3)
    return ("expr", src, want)


def parts(text: str) -> tuple:
    return compile_text(text, fake_compile).parts


def test_plain_text_and_expression_holes() -> None:
    assert parts("No holes here.") == ("No holes here.",)
    assert parts("You have {gold} gold.") == ("You have ", ("expr", "gold", None), " gold.")
    assert parts("{{not a hole}} and }}") == ("{not a hole} and }",)


def test_conditional_text_with_and_without_otherwise() -> None:
    got = parts("{resolve > 1: You feel brave.|You feel uncertain.} Go on.")
    assert got == (TextIf(("expr", "resolve > 1", "bool"), Template(("You feel brave.",)),
                          Template(("You feel uncertain.",))), " Go on.")
    only_then = parts("{has(revolver): The revolver is heavy.}")[0]
    assert only_then.otherwise == Template(("",))


def test_branches_hold_holes_and_nested_conditionals() -> None:
    (outer,) = parts("{gold > 0: You carry {gold} gold{gold > 9: , a fortune}.|Empty.}")
    assert outer.then.parts[0:2] == ("You carry ", ("expr", "gold", None))
    inner = outer.then.parts[3]
    assert isinstance(inner, TextIf) and inner.then == Template((", a fortune",))
    assert outer.otherwise == Template(("Empty.",))


def test_time_literals_quotes_and_apostrophes_do_not_split() -> None:
    (late,) = parts("{time >= 22:00: It's dark.|It isn't dark yet.}")
    assert late.cond == ("expr", "time >= 22:00", "bool")
    assert late.then == Template(("It's dark.",)) and late.otherwise.parts == ("It isn't dark yet.",)
    assert parts("{role == 'a: b}'}") == (("expr", "role == 'a: b}'", None),)


@pytest.mark.parametrize("text, message, offset", [
    ("Oops {", "a `{` without its `}`", 5),
    ("Oops } here", "a `}` without its `{`", 5),
    ("Empty {} hole", "`{}` needs an expression inside", 6),
    ("{c: one|two|three}", "conditional text has at most two branches", 11),
    ("x {bad}", "unknown name `bad`", 3),
    ("x {c: fine {bad}}", "unknown name `bad`", 12),
    ("{bad: text}", "unknown name `bad`", 1),
])
def test_mistakes_are_located_in_the_text(text: str, message: str, offset: int) -> None:
    with pytest.raises(ExprError) as info:
        compile_text(text, fake_compile)
    assert info.value.message.startswith(message) and info.value.offset == offset


SCENES = """\
variables: { resolve: 1, gold: 0 }
scenes:
  a:
    title: A
    place: p
    text: "You have {gold} gold. {resolve > 1: You feel brave.|You feel uncertain.}"
    choices:
      - label: "{gold > 0: Spend your {gold} gold|Take heart}"
        do: [resolve += 1, gold += 2]
        go: a
      - { label: Leave, go: out }
  out:
    title: Out
    place: p
    text: Gone.
    ending: { title: Gone, epilogue: Bye. }
"""


def test_conditional_text_is_chosen_when_shown(write_scenario) -> None:
    world = load_scenario(write_scenario(**{"s.yaml": SCENES}))
    ws, ps, _ = start(world, "r")
    v = view(world, ws, ps)
    assert v.text == "You have 0 gold. You feel uncertain."
    assert v.choices[0].label == "Take heart"
    ws, ps, _ = choose(world, ws, ps, 0)
    v = view(world, ws, ps)
    assert v.text == "You have 2 gold. You feel brave."
    assert v.choices[0].label == "Spend your 2 gold"
    assert world.scenes["a"].text.plain == \
        "You have {gold} gold. {resolve > 1: You feel brave.|You feel uncertain.}"


def test_tools_see_what_conditional_text_reads(write_scenario) -> None:
    world = load_scenario(write_scenario(**{"s.yaml": SCENES.replace(
        "{resolve > 1:", "{visited(out) or resolve > 1:")}))
    u = uses(world)
    assert "resolve" in u.reads and ("visited", "out") in u.calls


def test_mistake_in_conditional_text_is_reported_at_its_line_and_column(
        write_scenario) -> None:
    text = SCENES.replace("{resolve > 1:", "{resolv > 1:")
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario(**{"s.yaml": text}))
    (p,) = info.value.problems
    line = text.splitlines().index(next(x for x in text.splitlines() if "resolv >" in x)) + 1
    col = text.splitlines()[line - 1].index("resolv >") + 1
    assert (Path(p.file).name, p.line, p.col) == ("s.yaml", line, col)
    assert "resolv" in p.message and p.hint and "resolve" in p.hint
