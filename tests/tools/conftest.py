"""Tiny scenarios written into tmp_path, one per kind of mistake."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

WORLD = """\
scenario: tiny
title: Tiny
clock: {{ start: 1917-10-25 20:00, end: 1917-10-26 02:00, default_takes: 10m }}
roles:
  r: {{ name: R, intro: Hi., start: {start}, at: "{at}", time_out: out }}
places:
  p: {{ name: P }}
  q: {{ name: Q }}
{extra}
"""

OUT = """
  out:
    title: Out
    place: p
    text: Dawn.
    ending: { title: Over, epilogue: Done. }
"""

Make = Callable[..., Path]


@pytest.fixture
def make(tmp_path: Path) -> Make:
    """make(scenes, extra="", start="a", at="20:00") -> folder with world.yaml and scenes.yaml."""
    count = [0]

    def _make(scenes: str, extra: str = "", start: str = "a", at: str = "20:00") -> Path:
        count[0] += 1
        root = tmp_path / f"s{count[0]}"
        root.mkdir()
        (root / "world.yaml").write_text(
            WORLD.format(start=start, at=at, extra=textwrap.dedent(extra)), encoding="utf-8")
        (root / "scenes.yaml").write_text(
            "scenes:\n" + textwrap.indent(textwrap.dedent(scenes), "  ") + OUT,
            encoding="utf-8")
        return root
    return _make
