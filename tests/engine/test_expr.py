"""The condition/effect language: values, types, and the mistakes it refuses."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from winterpalace.engine import expr as ex
from winterpalace.engine.clock import Clock, parse_duration, parse_hhmm, time_shaped, until_time

CLOCK = Clock(__import__("datetime").date(1917, 10, 25), 6 * 60, 30 * 60)

SYM = ex.Symbols(
    player_vars={"resolve": ex.INT, "reported": ex.BOOL, "faction": ex.STR},
    world_flags={"aurora_fired": ex.BOOL, "march": ex.STR},
    things={"item": {"revolver"}, "scene": {"gallery"}, "character": {"konovalov"},
            "place": {"malachite"}, "area": {"palace"}, "event": {"aurora"}, "note": {"n1"}},
    roles=["sinegub", "sailor"],
    time_of=CLOCK.parse_time,
)


def ctx(**over):
    base = {"time": CLOCK.resolve(22 * 60), "role": "sinegub", "place": "malachite",
            "area": "palace", "vars": {"resolve": 2, "reported": False, "faction": "Left SR"},
            "flags": {"aurora_fired": True, "march": "none"}, "items": ["revolver"],
            "notes": [], "visits": {"gallery": 3}, "fired": {"aurora"}, "rng": 7,
            "present": lambda c: c == "konovalov", "show": str}
    base.update(over)
    ns = SimpleNamespace(**base)
    ns.random = lambda lo, hi: lo
    ns.own = lambda store: getattr(ns, store)   # effects change the context's own vars/flags
    return ns


@pytest.mark.parametrize("src, expected", [
    ("resolve > 1", True),
    ("resolve + 3 * 2 == 8", True),
    ("(resolve + 3) * 2 == 10", True),
    ("-resolve < 0", True),
    ("resolve / 0 == 0", True),          # division never raises
    ("7 % 3 == 1 and 7 / 2 == 3", True),
    ("not reported and aurora_fired", True),
    ("reported or march == \"none\"", True),
    ("faction == 'Left SR'", True),
    ("time >= 21:40 and time < 02:00", True),
    ("time - 30m > 21:00", True),
    ("time - 21:00 == 60", True),
    ("has(revolver) and visited(gallery) and visits(gallery) == 3", True),
    ("present(konovalov) and at(malachite) and within(palace)", True),
    ("fired(aurora) and not knows(n1)", True),
    ("role == \"sinegub\"", True),
    ("max(resolve, 5) == 5 and min(resolve, 5) == 2", True),
    ("1h30m == 90", True),
    ("true != false", True),
])
def test_conditions_evaluate(src: str, expected: bool) -> None:
    assert ex.compile_expr(src, SYM)(ctx()) is expected


def test_time_literal_after_midnight_is_next_day() -> None:
    # 01:30 in a night that starts at 06:00 is on the second day, after 22:00.
    cond = ex.compile_expr("time < 01:30", SYM)
    assert cond(ctx(time=CLOCK.resolve(23 * 60)))
    assert not cond(ctx(time=CLOCK.resolve(2 * 60)))


@pytest.mark.parametrize("src, message, offset", [
    ("resolv > 1", "unknown name `resolv`", 0),
    ("resolve > ", "ends too early", 10),
    ("resolve >> 1", "unexpected", 9),
    ("resolve and 3", "`and` joins true/false", 0),
    ("time > 5", "compares two numbers or two times", 0),
    ("has(revolvr)", "unknown item `revolvr`", 4),
    ("has(gallery)", "unknown item `gallery`", 4),
    ("visited(revolver)", "unknown scene", 8),
    ("role == \"sinegob\"", "no role `sinegob`", 8),
    ("resolve = 1", "unexpected `=`", 8),
    ("a.b", "unexpected character '.'", 1),
    ("resolve.__class__", "unexpected character '.'", 7),
    ("__import__('os')", "unknown function `__import__`", 0),
    ("random(1, 6) > 3", "only be used in effects", 0),
    ("give(revolver)", "is an effect, not a value", 0),
    ("1 < resolve < 3", "cannot be chained", 12),
    ("25:00 > time", "not a time of day", 0),
    ("resolve", "should be true/false", 0),
    ("\"unterminated", "unexpected character", 0),
    ("", "empty", 0),
])
def test_mistakes_are_located(src: str, message: str, offset: int) -> None:
    with pytest.raises(ex.ExprError) as info:
        ex.compile_expr(src, SYM)
    assert message in info.value.message
    assert info.value.offset == offset


def test_suggestions() -> None:
    with pytest.raises(ex.ExprError) as info:
        ex.compile_expr("resolv > 1", SYM)
    assert info.value.hint == "did you mean `resolve`?"
    with pytest.raises(ex.ExprError) as info:
        ex.compile_expr("revolver", SYM)
    assert "write `has(revolver)`" in (info.value.hint or "")
    with pytest.raises(ex.ExprError) as info:
        ex.compile_expr("reported && true", SYM)
    assert info.value.hint == "write `and`"


def test_effects_change_the_right_store() -> None:
    c = ctx()
    for src in ["resolve += 2", "reported = true", "march = \"turned_back\"", "give(revolver)",
                "take(revolver)", "learn(n1)", "resolve -= random(1, 6)"]:
        ex.compile_effect(src, SYM)(c)
    assert c.vars == {"resolve": 3, "reported": True, "faction": "Left SR"}
    assert c.flags["march"] == "turned_back"
    assert c.items == [] and c.notes == ["n1"]
    eff = ex.compile_effect("aurora_fired = false", SYM)
    assert eff.world and eff.writes == {"aurora_fired"}


@pytest.mark.parametrize("src, message", [
    ("resolve == 1", "not an effect"),
    ("nonsense = 1", "unknown variable `nonsense`"),
    ("time = 22:00", "cannot be set"),
    ("reported += 1", "needs a number"),
    ("resolve = true", "is a number, but this is true/false"),
    ("gve(revolver)", "not an effect"),
])
def test_bad_effects(src: str, message: str) -> None:
    with pytest.raises(ex.ExprError) as info:
        ex.compile_effect(src, SYM)
    assert message in info.value.message


def test_reads_are_recorded_for_tools() -> None:
    cond = ex.compile_expr("resolve > 1 and has(revolver) and not aurora_fired", SYM)
    assert cond.reads == {"resolve", "aurora_fired"}
    assert ("has", "revolver") in cond.calls


def test_times_and_durations() -> None:
    assert parse_hhmm("01:30") == 90 and parse_hhmm("24:00") is None and parse_hhmm("1:3") is None
    assert parse_duration("1h30m") == 90 and parse_duration("10m") == 10
    assert parse_duration("90 min") == 90 and parse_duration("10") is None
    assert parse_duration("") is None and parse_duration("ten") is None


def test_weeks_and_days_only_where_they_are_asked_for() -> None:
    """One grammar: weeks and days (`long=True`, for `classroom purge --older-than`) come
    before the hours; a scene file or the prompt, whose night is at most a day, refuses them."""
    for text, minutes in (("2w", 2 * 7 * 1440), ("30d", 30 * 1440), ("30 D", 30 * 1440),
                          ("1d12h", 1440 + 720), ("3 days", 3 * 1440),
                          ("1 week, 2 days and 3 hours", (9 * 24 + 3) * 60)):
        assert parse_duration(text, long=True) == minutes
        assert parse_duration(text) is None and parse_duration(text, bare=True) is None
    for text, minutes in (("1h30m", 90), ("30 min", 30), ("90m", 90), ("12h", 720),
                          ("2h30", 150)):
        assert parse_duration(text, long=True) == parse_duration(text) == minutes
    for bad in ("1d30", "1h 2d", "-3d", "d", "30", "2 months", "1w" + "0" * 20):
        assert parse_duration(bad, long=True) is None


def test_the_grammar_of_a_wait() -> None:
    """`wait` takes a duration (`parse_duration`, a bare number too) or a time to wait until."""
    assert parse_duration("30", bare=True) == 30 and parse_duration("2h30", bare=True) == 150
    for said in ("until 22:00", "till 22:00", "til 22:00", "to 22:00", "UNTIL 22:00"):
        assert until_time(said) == "22:00", said
    assert until_time("22:00") is None and until_time("until") is None
    assert until_time("until 22:00 sharp") is None and until_time("for 22:00") is None
    assert time_shaped("9:05") and time_shaped("22:00") and time_shaped("25:00")
    assert not time_shaped("2200") and not time_shaped("22:0") and not time_shaped("a 22:00")
