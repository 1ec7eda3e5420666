"""`load_scenario`: a scenario folder in, a validated `World` out, from the cache when it can.

This module is light on purpose: a scenario found in the compiled-scenario cache starts without
importing the YAML parser or the loader at all.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from ..engine import World
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
    # The collector is off until a big World is out of its sight (see _settle): hundreds of
    # thousands of records that all live on are nothing to collect.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _settle(_cached(root) if use_cache else _load(root, None))
    finally:
        if was_enabled:
            gc.enable()


def _cached(root: Path) -> World:
    store = cache.Store.open()
    if store is None:
        return _load(root, None)
    with store:
        sources = read_sources(root, store.code)
        if sources is None:
            return _load(root, None)     # something the loader will report
        world = store.get(sources.key)
        if world is None:
            world = _load(root, sources)
            if not sources.unchanged():  # a file changed while it was read
                return world
            if _big(world):
                cache.put_later(store, sources.key, world)   # when the program ends
            else:
                store.put(sources.key, world)
        return world


def _load(root: Path, sources: Sources | None) -> World:
    # The YAML parser is imported only when files are parsed.
    from .loader import Loader
    loader = Loader(root, sources=sources)
    try:
        return loader.load()
    finally:
        # The loader refers to itself through its symbols' references: without that cycle,
        # it and the files' text go at once, not at the collector's next full pass.
        loader.setup = None


# Scenes and glossary terms in a World the cyclic collector is told to leave be, and whose
# entry in the cache is written when the program ends (cache.put_later).
BIG = 5_000


def _big(world: World) -> bool:
    return len(world.scenes) + len(world.glossary) >= BIG


def _settle(world: World) -> World:
    """A big World lives as long as the program: take it (and what was loaded with it) out of
    the cyclic garbage collector's sight. Otherwise every full collection while playing or
    checking walks its hundreds of thousands of records again (after a 10,000-scene load,
    making 200,000 small lists took 0.8 s instead of 0.04 s). Its records hold no cycles;
    they are freed as usual when the World is dropped."""
    if _big(world):
        gc.freeze()
    return world


def default_scenario_dir() -> Path:
    """The shipped scenario: inside the installed package, or `scenes/` of a checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "scenes"
    if (packaged / WORLD_FILE).is_file():
        return packaged
    checkout = here.parent.parent / "scenes"
    return checkout
