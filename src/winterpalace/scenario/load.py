"""`load_scenario`: a scenario folder in, a validated `World` out, from the cache when it can.

This module is light on purpose: a scenario found in the compiled-scenario cache starts without
importing the YAML parser or the loader at all.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from ..engine.model import World
from . import cache
from .files import WORLD_FILE
from .sources import Sources, read_sources


def load_scenario(path: str | os.PathLike[str], *, use_cache: bool = True) -> World:
    """Load and validate the scenario in folder `path` (or the folder of a world.yaml).

    A scenario loaded before, with every file as it was, comes from the user's cache (see
    scenario/cache.py; `use_cache=False`, `--no-cache` or WINTERPALACE_NO_CACHE=1 read the
    files instead). Raises ScenarioError with every problem found.
    """
    root = Path(path)
    if root.is_file() and root.name == WORLD_FILE:
        root = root.parent
    store = cache.Store.open() if use_cache else None
    if store is None:
        return _load(root, None)
    sources = read_sources(root, store.code)
    if sources is None:
        return _load(root, None)     # something the loader will report
    world = store.get(sources.key)
    if world is not None:
        return world
    world = _load(root, sources)
    was_enabled = gc.isenabled()
    gc.disable()    # hundreds of thousands of objects live on: nothing for the collector
    try:
        store.put(sources.key, world)
    finally:
        if was_enabled:
            gc.enable()
    return world


def _load(root: Path, sources: Sources | None) -> World:
    # The YAML parser is imported only when files are parsed.
    from .loader import Loader
    return Loader(root, sources=sources).load()


def default_scenario_dir() -> Path:
    """The shipped scenario: inside the installed package, or `scenes/` of a checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "scenes"
    if (packaged / WORLD_FILE).is_file():
        return packaged
    checkout = here.parent.parent / "scenes"
    return checkout
