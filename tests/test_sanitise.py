"""One rule of what is unsafe to show, the same for `printable` (drops it), `escaped` (shows it
as an escape) and a scenario's error messages (which are escaped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from winterpalace.sanitise import escaped, first_unsafe, printable, unsafe
from winterpalace.scenario import ScenarioError, load_scenario

# The characters the two functions once disagreed about, and the classic ones.
INVISIBLE = {
    "\u200e": r"\u200e",    # left-to-right mark
    "\u200f": r"\u200f",    # right-to-left mark
    "\u061c": r"\u061c",    # Arabic letter mark
    "\u200b": r"\u200b",    # zero-width space
    "\ufeff": r"\ufeff",    # byte-order mark
    "\u202e": r"\u202e",    # right-to-left override
    "\u2066": r"\u2066",    # left-to-right isolate
    "\u2028": r"\u2028",    # line separator
    "\x1b": r"\x1b",        # a terminal escape
    "\x07": r"\x07",
    "\x85": r"\x85",        # next line (C1)
    "\r": r"\r",
    "\udc80": r"\udc80",    # a lone surrogate (a file name's undecodable byte)
}


@pytest.mark.parametrize("ch,shown", INVISIBLE.items())
def test_an_unsafe_character_is_dropped_by_one_and_escaped_by_the_other(ch: str,
                                                                         shown: str) -> None:
    assert unsafe(ch)
    text = f"go{ch}north"
    assert printable(text) == "gonorth"
    assert escaped(text) == f"go{shown}north"
    assert first_unsafe(text) == 2
    assert escaped(text).isprintable() and escaped(text).isascii()


def test_tab_and_newline_are_kept_by_escaped_only() -> None:
    assert escaped("a\tb\nc") == "a\tb\nc"
    assert printable("a\tb\nc") == "abc"
    assert first_unsafe("a\tb\nc", keep="\t\n") == -1
    assert first_unsafe("a\tb\nc\x1b", keep="\t\n") == 5


def test_what_is_safe_is_left_alone() -> None:
    for text in ("Café — «Аврора»", "日本語", "h\u0301i", "no\u00a0break", "\U0001f600"):
        assert escaped(text) == text and printable(text) == text and first_unsafe(text) == -1
    assert printable("  Аврора  ") == "Аврора"
    assert printable("  Аврора  ", strip=False) == "  Аврора  "
    assert printable("abcdef", 3) == "abc"
    assert printable("ab\u202ecdef", 4) == "abc"      # the limit counts what was typed


def write(root: Path, scenes: str) -> Path:
    root.mkdir()
    (root / "world.yaml").write_text(
        "scenario: tiny\ntitle: Tiny\n"
        "clock: { start: 1917-10-25 18:00, end: 1917-10-26 03:00 }\n"
        "roles:\n  r: { name: Someone, intro: Hello., start: a, at: \"18:00\", "
        "time_out: out }\nplaces:\n  p: { name: A place }\n", encoding="utf-8")
    (root / "s.yaml").write_text(scenes, encoding="utf-8")
    return root


@pytest.mark.parametrize("ch", ["\u202e", "\u200f", "\u200b", "\ufeff"])
def test_a_scenario_error_shows_an_invisible_character_escaped(tmp_path: Path, ch: str) -> None:
    """An id written with a bidi mark or a zero-width character in it (raw, in the file) is
    quoted in the error with the character shown, not hidden or reordering the line."""
    root = write(tmp_path / "night", (
        "scenes:\n"
        "  a:\n    title: A\n    place: p\n    text: Here.\n"
        f"    choices:\n      - {{ label: Leave, go: ou{ch}t }}\n"
        "  out: { title: Out, place: p, text: Gone., ending: { title: Gone, epilogue: Bye. } }\n"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(root)
    rendered = info.value.render()
    assert ascii(ch)[1:-1] in rendered, rendered
    assert ch not in rendered
    assert not any(unsafe(c) for c in rendered if c not in "\t\n")


@pytest.mark.parametrize("escape", [r"\u202e", r"\u200f", r"\u061c", r"\u200b", r"\ufeff",
                                    r"\e", r"\x07", r"\U0000202E"])
def test_a_double_quoted_escape_may_not_make_an_unsafe_character(tmp_path: Path,
                                                                 escape: str) -> None:
    root = write(tmp_path / "night", (
        "scenes:\n"
        f"  a:\n    title: A\n    place: p\n    text: \"Here{escape}.\"\n"
        "    choices:\n      - { label: Leave, go: out }\n"
        "  out: { title: Out, place: p, text: Gone., ending: { title: Gone, epilogue: Bye. } }\n"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(root)
    assert "control character U+" in info.value.render()


def test_a_safe_escape_is_still_text(tmp_path: Path) -> None:
    root = write(tmp_path / "night", (
        "scenes:\n"
        "  a:\n    title: A\n    place: p\n    text: \"Caf\\u00e9\\tand \\U0001F600\\u00a0.\"\n"
        "    choices:\n      - { label: Leave, go: out }\n"
        "  out: { title: Out, place: p, text: Gone., ending: { title: Gone, epilogue: Bye. } }\n"))
    world = load_scenario(root)
    assert world.scenes["a"].text.parts == ("Café\tand \U0001f600\u00a0.",)
