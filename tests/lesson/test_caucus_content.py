"""Caucus breaks (faction-only talk) and content mode (violence told, not shown)."""

from __future__ import annotations

from pathlib import Path

from winterpalace.classroom.names import name_key
from winterpalace.classroom.room import Room
from winterpalace.scenario import load_scenario
from winterpalace.session import Notice, Screen


def _heard(room: Room, key: str) -> list[str]:
    return [o.text for k, o in room.outbox if k == name_key(key) and isinstance(o, Notice)]


def test_a_caucus_break_keeps_talk_inside_each_faction(world, at_martov):
    room = at_martov({"Anna": "Bolshevik", "Ivan": "Bolshevik", "Boris": "Left SR"})
    assert room.caucus(5).ok
    assert room.halted and not room.caucus(5).ok
    turn = room.choose("Anna", 0)
    assert turn.refused and "caucus" in turn.refused
    room.outbox.clear()
    room.log.clear()
    assert room.say("Anna", "We vote against, together").ok
    assert any("Anna says" in t and "together" in t for t in _heard(room, "ivan"))
    assert not any("together" in t for k in ("boris", "misha", "olga") for t in _heard(room, k))
    assert any(ln.kind == "say" and "[caucus Bolshevik] Anna" in ln.text for ln in room.log)
    # A student with no faction speaks to the room as usual.
    assert room.say("Misha", "Hold the bridge").ok
    assert room.end_caucus().ok and not room.halted and not room.end_caucus().ok
    assert room.choose("Anna", 0).refused is None
    again = Room.replay(world, [room.opening_record(), *room.records])
    assert again.snapshot() == room.snapshot()
    assert not any(r["t"] == "say" for r in room.records)      # talk is never journaled


def test_caucus_length_is_checked(world):
    room = Room(world, "c-123")
    assert not room.caucus(0).ok and not room.caucus(120).ok


TOLD = Path(__file__).parent / "told"      # world.yaml: a told text of every kind
TOLD_WORLD = """\
scenario: told
title: Told
clock: { start: 1917-10-25 18:00, end: 1917-10-26 03:00 }
roles:
  r: { name: Someone, intro: Hello., start: stairs, at: "18:00", time_out: out }
places:
  p: { name: A stairwell }
"""
TOLD_SCENES = """\
scenes:
  stairs:
    title: The stairs
    place: p
    content_notes: [violence]
    text: A bayonet goes in; blood on the marble, {where}.
    told: Later you will only say that there was a fight on the stairs, {where}.
    choices:
      - { label: Leave, go: out }
  out:
    title: Out
    place: p
    text: Gone.
    ending: { title: Gone, epilogue: Bye. }
variables:
  where: "below the portraits"
"""


def test_content_mode_tells_instead_of_showing(write_scenario):
    w = load_scenario(write_scenario(TOLD_WORLD, **{"s.yaml": TOLD_SCENES}))
    assert w.scenes["stairs"].content_notes == ("violence",)
    for gentle, want, not_want in ((True, "fight on the stairs", "bayonet"),
                                   (False, "bayonet", "fight on the stairs")):
        room = Room(w, "gentle-1", gentle=gentle)
        room.join("Anna", "r", 1)
        text = room.view("Anna").text
        assert want in text and not_want not in text
        assert "below the portraits" in text
        screens = [o for k, o in room.outbox if isinstance(o, Screen)]
        assert screens and all(want in s.view.text for s in screens)




def test_content_mode_tells_results_narrations_and_epilogues(write_scenario):
    w = load_scenario(TOLD)
    for gentle in (True, False):
        room = Room(w, "gentle-2", gentle=gentle)
        assert room.set_window(60).ok and room.start().ok
        room.join("Anna", "r", 1)
        turn = room.choose("Anna", 0)        # what Anna's own screen shows of her turn
        assert turn.refused is None and turn.ended == "out"
        shown = [turn.result, *(n.text for n in turn.narrations),
                 room.view("Anna").ending.epilogue]
        told = ["You fire. Afterwards you do not want to talk about it.",
                "Somewhere below there is firing, and then it stops.",
                "In the morning the stairs have been washed."]
        assert shown == told if gentle else not set(shown) & set(told), shown
        # Boris is still on the stairs when the teacher moves the night past the volley.
        room.join("Boris", "r", 2)
        room.outbox.clear()
        assert room.advance(w.clock.parse_time("18:40")).ok
        heard = [n.text for k, o in room.outbox if k == name_key("boris") and isinstance(o, Screen)
                 and o.turn for n in o.turn.narrations]
        assert heard == ([told[1]] if gentle else ["A volley; a cadet falls screaming on the "
                                                   "stairs."])


def test_told_without_what_it_tells_is_a_mistake(write_scenario):
    import pytest

    from winterpalace.scenario import ScenarioError
    bad = (TOLD / "world.yaml").read_text().replace(
        "        result: Your bullet takes him in the throat.\n", "")
    root = write_scenario(bad, **{"empty.yaml": ""})
    with pytest.raises(ScenarioError) as e:
        load_scenario(root)
    (p,) = e.value.problems
    assert p.headline().endswith("`told:` is a gentler `result:`, and there is no `result:` "
                                 "here; add a `result:` or remove `told:`")


def test_told_is_checked_like_other_text(write_scenario):
    import pytest

    from winterpalace.scenario import ScenarioError
    bad = TOLD_SCENES.replace("{where}.\n    choices", "{wher}.\n    choices")
    with pytest.raises(ScenarioError) as e:
        load_scenario(write_scenario(TOLD_WORLD, **{"s.yaml": bad}))
    line = bad.splitlines()[6]
    assert f"s.yaml:7:{line.index('wher') + 1}: in `told`: unknown name `wher`" in \
        e.value.render()
