"""Mistakes in a `lesson:` section are reported at their file:line:col."""

from __future__ import annotations

import pytest

from winterpalace.scenario import ScenarioError, load_scenario

WORLD = """\
scenario: tiny
title: Tiny
clock: { start: 1917-10-25 18:00, end: 1917-10-26 03:00 }
roles:
  r: { name: Someone, intro: Hello., start: a, at: "18:00", time_out: out }
places:
  p: { name: A place }
variables:
  vote: "none"
  side: "none"
world_flags:
  result: "not_yet"
glossary:
  MRC: The committee.
scenes:
  r_a:
    title: A
    place: p
    text: Here.
    decision: { id: the_vote, question: Which?, history: It passed. }
    choices:
      - { label: Yes, go: out, do: [vote = "aye"] }
  a:
    title: A
    place: p
    text: Here.
    choices:
      - { label: Leave, go: r_a }
  out:
    title: Out
    place: p
    text: Gone.
    ending: { title: Gone, epilogue: Bye. }
"""


def _errors(write_scenario, lesson: str) -> str:
    with pytest.raises(ScenarioError) as e:
        load_scenario(write_scenario(WORLD, **{"lesson.yaml": lesson}))
    return e.value.render()


@pytest.mark.parametrize("lesson, where, message", [
    ("lesson:\n  roles:\n    x: { who: W, goal: G }\n", (3, "x"),
     "unknown role `x` in `lesson.roles`"),
    ("lesson:\n  roles:\n    r: { who: W, goal: G, glossary: [MCR] }\n", (3, "MCR"),
     "`MCR` is not in the glossary; did you mean `MRC`?"),
    ("lesson:\n  roles:\n    r: { who: W }\n", (3, "{"), "role sheet `r` needs `goal:`"),
    ("lesson:\n  faction_variable: side\n  factions:\n    A: { role: r, seats: many, who: W,"
     " goal: G }\n", (4, "many"), "`seats` should be a whole number"),
    ("lesson:\n  votes:\n    v: { decision: the_vot, ballot: vote, options: {aye: aye, nay: nay},"
     " yes: aye, no: nay, flag: result, carried: passed, lost: lost, hold: \"19:00\", role: r }\n",
     (3, "the_vot"), "no scene marks the decision `the_vot`; did you mean `the_vote`?"),
    ("lesson:\n  votes:\n    v: { decision: the_vote, ballot: vote, options: {aye: aye, nay: nay},"
     " yes: aye, no: nay, flag: reslt, carried: passed, lost: lost, hold: \"19:00\", role: r }\n",
     (3, "reslt"), "unknown world flag `reslt` in `flag:`; did you mean `result`?"),
    ("lesson:\n  votes:\n    v: { decision: the_vote, ballot: vote, options: {aye: aye, nay: nay},"
     " yes: maybe, no: nay, flag: result, carried: passed, lost: lost, hold: \"19:00\","
     " role: r }\n", (3, "maybe"), "`yes: maybe` is not one of the options"),
    ("lesson:\n  teachers: 3\n", (2, "teachers"), "`teachers` is not a part of `lesson:`"),
])
def test_each_lesson_mistake_is_located(write_scenario, lesson, where, message):
    line, token = where
    col = lesson.splitlines()[line - 1].index(token) + 1
    text = _errors(write_scenario, lesson)
    assert f"lesson.yaml:{line}:{col}: {message}" in text, text
    assert text.endswith("1 error in 1 file. Nothing was started.")


def test_a_good_lesson_loads(write_scenario):
    w = load_scenario(write_scenario(WORLD, **{"lesson.yaml": (
        "lesson:\n  roles:\n    r: { who: W, goal: G, glossary: [MRC] }\n  votes:\n"
        "    v: { decision: the_vote, ballot: vote, options: {aye: aye, nay: nay}, yes: aye,"
        " no: nay, flag: result, carried: passed, lost: lost, hold: \"19:00\", role: r }\n")}))
    assert w.lesson.packets["r"].glossary == ("MRC",)
    assert w.lesson.votes["v"].scene == "r_a" and w.lesson.votes["v"].hold == 19 * 60
