"""Fixtures for the handouts: the shipped night."""

from __future__ import annotations

from pathlib import Path

import pytest

from winterpalace.engine.model import World
from winterpalace.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def world() -> World:
    return load_scenario(ROOT / "scenes")
