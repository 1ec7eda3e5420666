"""The checks issue 15 asked for: each with a scenario that has the mistake and one without."""

from __future__ import annotations

from pathlib import Path

import pytest

from winterpalace.scenario import load_scenario
from winterpalace.tools.check import check_world

from .conftest import Make


def found(root: Path) -> list[tuple[str, str]]:
    return [(p.code, p.message) for p in check_world(load_scenario(root)).problems]


def codes(root: Path) -> list[str]:
    return [c for c, _ in found(root)]


def scene(choices: str, extra_fields: str = "", wait: str = "wait: 30m") -> str:
    return f"""
a:
  title: A
  place: p
  text: Here.
  {wait}
  {extra_fields}
  choices:
{choices}
"""


# --------------------------------------------------------------------------- labels


def test_label_shadowed_by_a_command(make: Make) -> None:
    bad = found(make(scene("    - { label: Look }\n"
                           "    - { label: Leave, go: out }")))
    assert [c for c, _ in bad] == ["shadowed-label"]
    assert "is the command `look`: typing the label runs the command" in bad[0][1]
    # Typed in full, a label that only starts with a command's word is the choice.
    assert codes(make(scene("    - { label: Look out over the sound }\n"
                            "    - { label: Help the wounded cadet }\n"
                            "    - { label: I will go, go: out }"))) == []
    # One the command also takes asks which is meant.
    bad = found(make(scene("    - { label: Wait 10 minutes }\n"
                           "    - { label: Leave, go: out }")))
    assert [c for c, _ in bad] == ["shadowed-label"] and "asks which one" in bad[0][1]


def test_label_shadowed_by_a_classroom_command(make: Make) -> None:
    bad = found(make(scene("    - { label: Say nothing, go: out }")))
    assert [c for c, _ in bad] == ["shadowed-label"] and "in the classroom" in bad[0][1]


def test_duplicate_labels_on_screen_together(make: Make) -> None:
    root = make(scene("    - { label: Go on, go: out }\n    - { label: go on }"))
    assert codes(root) == ["duplicate-label"]


def test_duplicate_labels_with_exclusive_conditions_are_fine(make: Make) -> None:
    root = make(scene("    - { label: Go on, if: brave, go: out }\n"
                      "    - { label: Go on, if: not brave }\n"
                      "    - { label: Be brave, if: not brave, do: [brave = true] }"),
                extra="variables: { brave: false }")
    assert codes(root) == []


@pytest.mark.parametrize("word,hint", [("hdie", "did you mean `hide`?"), ("Locked", "Locked.")])
def test_otherwise_one_word(make: Make, word: str, hint: str) -> None:
    root = make(scene(f"    - {{ label: Open, if: time > 23:00, otherwise: {word} }}\n"
                      "    - { label: Leave, go: out }"))
    bad = list(check_world(load_scenario(root)).problems)
    assert [p.code for p in bad] == ["otherwise-word"]
    assert hint in (bad[0].hint or "")


@pytest.mark.parametrize("word", ["hide", "show", "Locked.", "The door is locked"])
def test_otherwise_hide_show_or_a_sentence(make: Make, word: str) -> None:
    root = make(scene(f"    - {{ label: Open, if: time > 23:00, otherwise: {word} }}\n"
                      "    - { label: Leave, go: out }"))
    assert codes(root) == []


# --------------------------------------------------------------------------- loops


CYCLE = """
a:
  title: A
  place: p
  text: Here.
  choices: [{ label: On, go: b }]
b:
  title: B
  place: p
  text: B.
  redirect: [{ if: {cond_b}, go: c }]
  choices: [{ label: Leave, go: out }]
c:
  title: C
  place: p
  text: C.
  on_enter: [{enter}]
  redirect: [{ if: {cond_c}, go: b }]
  choices: [{ label: Leave, go: out }]
"""


def cycle(cond_b: str, cond_c: str, enter: str = "seen = true") -> str:
    return CYCLE.replace("{cond_b}", cond_b).replace("{cond_c}", cond_c) \
        .replace("{enter}", enter)


def test_redirect_cycle_found_once(make: Make) -> None:
    bad = found(make(cycle("not seen or seen", "true"), extra="variables: { seen: false }"))
    assert [c for c, _ in bad] == ["redirect-cycle"]
    assert "`b` -> `c` -> `b`" in bad[0][1]


def test_redirects_that_stop_are_no_cycle(make: Make) -> None:
    # c's on_enter makes b's redirect false the second time round.
    root = make(cycle("not seen", "true", "seen = true"), extra="variables: { seen: false }")
    assert "redirect-cycle" not in codes(root)


LOOP = """
a:
  title: A
  place: p
  text: Here.
  wait: 30m
  choices:
    - { label: Into the store, takes: {t1}, go: b }
    - { label: Leave, go: out }
b:
  title: B
  place: p
  text: The store.
  choices:
    - { label: Back, takes: {t2}, go: a, do: [{effect}] }
"""


def loop(t1: str, t2: str, effect: str = "looked = true") -> str:
    return LOOP.replace("{t1}", t1).replace("{t2}", t2).replace("{effect}", effect)


def test_zero_time_loop_found_once(make: Make) -> None:
    bad = found(make(loop("0m", "0m"), extra="variables: { looked: false, n: 0 }"))
    assert [c for c, _ in bad].count("zero-time-loop") == 1
    assert "`Into the store`, `Back`" in next(m for c, m in bad if c == "zero-time-loop")


@pytest.mark.parametrize("t1,t2,effect", [("5m", "0m", "looked = true"),
                                          ("0m", "0m", "n += 1")])
def test_no_zero_time_loop_when_time_passes_or_state_grows(make: Make, t1: str, t2: str,
                                                           effect: str) -> None:
    root = make(loop(t1, t2, effect), extra="variables: { looked: false, n: 0 }")
    assert "zero-time-loop" not in codes(root)


# --------------------------------------------------------------------------- values


def test_text_compared_with_a_value_never_given(make: Make) -> None:
    bad = found(make(scene('    - { label: Sulk, if: mood != "angyr", go: out }\n'
                           '    - { label: Rage, do: [mood = "angry"] }'),
                     extra='variables: { mood: "calm" }'))
    assert [c for c, _ in bad] == ["unknown-value"]
    assert '`mood` is never "angyr": nothing gives it that value (it can only be "angry", ' \
        '"calm")' in bad[0][1]


def test_text_compared_with_a_value_some_effect_gives(make: Make) -> None:
    root = make(scene('    - { label: Sulk, if: mood != "angry", go: out }\n'
                      '    - { label: Rage, do: [mood = "angry"] }'),
                extra='variables: { mood: "calm" }')
    assert codes(root) == []


# --------------------------------------------------------------------------- roles


TWO_ROLES = """\
scenario: two
title: Two
clock: { start: 1903-11-14 20:00, end: 1903-11-15 02:00, default_takes: 10m }
roles:
  keeper: { name: K, intro: x, start: tower, at: "20:00", time_out: keeper_dawn }
  smuggler: { name: S, intro: x, start: boat, at: "20:00", time_out: smuggler_dawn }
places: { p: { name: P } }
items: { rope: a rope }
scenes:
  tower:
    title: Tower
    place: p
    text: x
    wait: 30m
    choices:
      - { label: Tie the lens, if: has(rope), go: keeper_dawn }
      - { label: Sleep, go: keeper_dawn }
  boat:
    title: Boat
    place: p
    text: x
    wait: 30m
    choices:
      - { label: Coil rope, if: not has(rope), do: [give(rope)] }
      - { label: Sail, go: smuggler_dawn }
  keeper_dawn: { title: D, place: p, text: x, ending: { title: K, epilogue: x } }
  smuggler_dawn: { title: D, place: p, text: x, ending: { title: S, epilogue: x } }
events:
  storm:
    title: Storm
    at: "23:00"
    narrate:
      - { if: role == "keeper", text: Wind. }
      - { text: Waves., go: keeper_dawn }
"""


def test_item_only_another_role_gets(tmp_path: Path) -> None:
    (tmp_path / "world.yaml").write_text(TWO_ROLES)
    got = found(tmp_path)
    assert ("never-obtained" in [c for c, _ in got])
    msg = next(m for c, m in got if c == "never-obtained")
    assert "`has(rope)` is never true here: only `smuggler` can get the item `rope`" in msg


def test_item_the_role_can_get(tmp_path: Path) -> None:
    (tmp_path / "world.yaml").write_text(TWO_ROLES.replace(
        "      - { label: Sleep, go: keeper_dawn }",
        "      - { label: Sleep, go: keeper_dawn }\n      - { label: Find rope, if: not has(rope), "
        "do: [give(rope)] }"))
    assert "never-obtained" not in codes(tmp_path)


def test_role_sent_into_another_roles_ending(tmp_path: Path) -> None:
    (tmp_path / "world.yaml").write_text(TWO_ROLES)
    got = found(tmp_path)
    msg = next(m for c, m in got if c == "other-role-ending")
    assert "role `smuggler` can be sent into `keeper_dawn`, which is `keeper`'s ending, by " \
        "event `storm`" in msg
    (tmp_path / "world.yaml").write_text(TWO_ROLES.replace(
        "{ text: Waves., go: keeper_dawn }", "{ text: Waves., go: smuggler_dawn }"))
    assert "other-role-ending" not in codes(tmp_path)


# --------------------------------------------------------------------------- waiting rooms


def test_waiting_room(make: Make) -> None:
    bad = found(make(scene('    - { label: Catch the boat, before: "21:00", go: out }')))
    assert [c for c, _ in bad] == ["waiting-room"]
    assert "from 21:00 a player in `a` can only wait" in bad[0][1]
    assert "until the night ends at 02:00 (5 h, 10 waits)" in bad[0][1]


def test_no_waiting_room_when_a_way_stays_open(make: Make) -> None:
    root = make(scene('    - { label: Catch the boat, before: "21:00", go: out }\n'
                      '    - { label: Walk home, after: "21:00", go: out }'))
    assert codes(root) == []
