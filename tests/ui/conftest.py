"""Fixtures for the front ends: a save folder per test, the example world, a driven terminal."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from winterpalace.engine.model import World
from winterpalace.menus import Flow
from winterpalace.saves import SaveStore
from winterpalace.scenario import load_scenario
from winterpalace.ui.terminal import run_async

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "docs" / "example"


@pytest.fixture(autouse=True)
def _no_user_saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever writes into the checkout's saves/ or the user's data folder."""
    monkeypatch.setenv("WINTERPALACE_SAVES", str(tmp_path / "env-saves"))


@pytest.fixture(scope="session")
def world() -> World:
    return load_scenario(EXAMPLE)


@pytest.fixture
def store(world: World, tmp_path: Path) -> SaveStore:
    return SaveStore(world, tmp_path / "saves")


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A copy of the example scenario that a test may change."""
    dest = tmp_path / "scenario"
    shutil.copytree(EXAMPLE, dest)
    return dest


@pytest.fixture
def drive():
    """`drive(flow, keys, ...)`: run the real prompt_toolkit loop on `keys`; what was shown."""
    return _drive


def _drive(flow: Flow, keys: str, *, resume: bool = False, role: str | None = None,
           opening: list | None = None) -> str:
    """Run the real prompt_toolkit loop on `keys` (pipe input); return everything shown."""
    shown: list[str] = []

    async def main() -> int:
        with create_pipe_input() as inp:
            inp.send_text(keys)
            session: PromptSession[str] = PromptSession(input=inp, output=DummyOutput())
            first = opening if opening is not None else flow.start(role=role, resume=resume)
            return await run_async(flow, session, shown.append, opening=first,
                                   color_system=None, width=80)

    assert asyncio.run(main()) == 0
    return "".join(shown)
