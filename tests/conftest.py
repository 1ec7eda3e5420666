"""Shared fixtures: the example scenario from the docs, and a helper to write small scenarios."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from winterpalace.engine.model import World
from winterpalace.scenario import load_scenario

from .browser import browser  # noqa: F401  (one headless Chromium per session: tests/browser.py)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "example"


@pytest.fixture(autouse=True)
def _saves_in_tmp(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """No test (nor a game it starts) writes into the checkout's saves/ or the user's folder."""
    monkeypatch.setenv("WINTERPALACE_SAVES", str(tmp_path_factory.mktemp("saves")))


@pytest.fixture(scope="session")
def example() -> World:
    return load_scenario(EXAMPLE)


MINIMAL_WORLD = """\
scenario: tiny
title: Tiny
clock: { start: 1917-10-25 18:00, end: 1917-10-26 03:00 }
roles:
  r:
    name: Someone
    intro: Hello.
    start: a
    at: "18:00"
    time_out: out
places:
  p: { name: A place }
"""

MINIMAL_SCENES = """\
scenes:
  a:
    title: A
    place: p
    text: Here.
    choices:
      - { label: Leave, go: out }
  out:
    title: Out
    place: p
    text: Gone.
    ending: { title: Gone, epilogue: Bye. }
"""


@pytest.fixture
def minimal_world() -> str:
    """The world.yaml `write_scenario` writes by default: role `r` starts at `a`, ends at `out`."""
    return MINIMAL_WORLD


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[..., Path]:
    """Write world.yaml and scene files into a fresh folder; returns the folder."""
    def write(world: str = MINIMAL_WORLD, **files: str) -> Path:
        root = tmp_path / "scn"
        root.mkdir(exist_ok=True)
        (root / "world.yaml").write_text(textwrap.dedent(world))
        if not files:
            files = {"scenes.yaml": MINIMAL_SCENES}
        for name, text in files.items():
            path = root / name.replace("__", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        return root
    return write
