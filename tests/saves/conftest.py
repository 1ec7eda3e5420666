"""Fixtures for the saves: the example world, a store per test, games played a little."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from winterpalace.engine.model import World
from winterpalace.saves import SaveStore, checksum
from winterpalace.scenario import load_scenario
from winterpalace.session import Session

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "example"


@pytest.fixture(scope="session")
def world() -> World:
    return load_scenario(EXAMPLE)


@pytest.fixture
def store(world: World, tmp_path: Path) -> SaveStore:
    return SaveStore(world, tmp_path / "saves")


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A copy of the example scenario that a test may edit."""
    dest = tmp_path / "scenario"
    shutil.copytree(EXAMPLE, dest)
    return dest


def played(world: World, store: SaveStore | None, moves: tuple[str, ...] = ("1", "2"),
           role: str = "officer", seed: int = 7) -> Session:
    """A session of `role` after `moves` (default: the revolver, then up to the Malachite Room)."""
    s, _ = Session.new(world, role, seed=seed)
    s.store = store
    for m in moves:
        s.handle(m)
    return s


def rewrite(path: Path, change: Callable[[dict[str, Any]], Any]) -> bytes:
    """Edit a save's JSON by hand and recompute its checksum, as a determined player would."""
    data = json.loads(path.read_bytes())
    change(data)
    data.pop("checksum", None)
    data["checksum"] = checksum(data)
    raw = json.dumps(data).encode()
    path.write_bytes(raw)
    return raw


def snapshot(folder: Path) -> dict[str, Any]:
    """Every entry of a folder with what it is and holds: to prove nothing was changed."""
    out: dict[str, Any] = {}
    for p in sorted(folder.iterdir()) if folder.is_dir() else []:
        st = p.lstat()
        if p.is_symlink():
            out[p.name] = ("link", str(p.readlink()))
        elif p.is_file() and st.st_size > 1 << 20:     # big ones by size, time and inode
            out[p.name] = ("big file", st.st_size, st.st_mtime_ns, st.st_ino)
        elif p.is_file():
            out[p.name] = ("file", p.read_bytes(), st.st_mtime_ns)
        else:
            out[p.name] = ("other", st.st_mode, st.st_mtime_ns)
    return out



@pytest.fixture
def drive() -> Callable[..., str]:
    """`drive(flow, keys, role=...)`: the real prompt_toolkit loop on `keys`; what was shown."""
    import asyncio

    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from winterpalace.ui.terminal import run_async

    def run(flow: Any, keys: str, role: str | None = None) -> str:
        shown: list[str] = []

        async def main() -> int:
            with create_pipe_input() as inp:
                inp.send_text(keys)
                session: PromptSession[str] = PromptSession(input=inp, output=DummyOutput())
                return await run_async(flow, session, shown.append,
                                       opening=flow.start(role=role), color_system=None,
                                       width=100)

        assert asyncio.run(main()) == 0
        return "".join(shown)
    return run
