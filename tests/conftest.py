"""Shared fixtures: the example scenario from the docs, and a helper to write small scenarios."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

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


def pytest_configure(config: pytest.Config) -> None:
    """The compiled-scenario cache of this run, in a temporary folder, set before any test
    module is imported (some load a scenario as they are): no test, nor a program it starts,
    writes into the user's cache. One folder for the run: tests find what earlier ones
    compiled, as a user's later runs do."""
    folder = Path(tempfile.mkdtemp(prefix="winterpalace-test-cache-"))
    _CACHE[:] = [folder]
    os.environ["WINTERPALACE_CACHE"] = str(folder / "scenarios")
    os.environ.pop("WINTERPALACE_NO_CACHE", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _CACHE:
        shutil.rmtree(folder, ignore_errors=True)


_CACHE: list[Path] = []


@pytest.fixture
def cache_folder() -> Path:
    """This run's compiled-scenario cache (see pytest_configure)."""
    return _CACHE[0] / "scenarios"


@pytest.fixture(autouse=True)
def _cache_in_tmp(cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a test that changed the environment leaves the cache where pytest_configure put it."""
    monkeypatch.setenv("WINTERPALACE_CACHE", str(cache_folder))
    monkeypatch.delenv("WINTERPALACE_NO_CACHE", raising=False)


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
