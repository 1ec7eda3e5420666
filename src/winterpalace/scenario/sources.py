"""The files of a scenario folder, found and read once, and the key of what they hold.

The compiled-scenario cache (cache.py) keys a scenario by everything the loader's result depends
on: the walk's list of files (so a file added, removed or renamed is a new key), the name each
is shown by (relative to the working folder, as in messages and positions), every byte of
each, the folder as given, and the code that compiles them. Reading the bytes costs far less
than parsing them: 5 MB, some 10 ms.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..engine.limits import MAX_TOTAL_BYTES
from .files import WORLD_FILE, FileProblem, Found, Namer, find_yaml, read_bounded


@dataclass
class Sources:
    """A folder's files as the loader reads them (world.yaml first), their bytes, and the key."""

    root: Path
    found: Found
    namer: Namer
    data: dict[Path, bytes]     # the loader takes each file's bytes from here (once)
    key: str


def read_sources(root: Path, code: bytes) -> Sources | None:
    """Find and read every file the loader would read, in its order, and key them with `code`
    (the fingerprint of the compiler). None where the loader would report a problem (no
    world.yaml, a file it cannot read, a folder past the limits): it then reads the folder
    itself and says what is wrong, and nothing is cached."""
    world = root / WORLD_FILE
    try:
        if not root.is_dir() or not os.path.lexists(world):
            return None
    except OSError:
        return None
    found = find_yaml(root, skip=world)
    if found.problems:
        return None
    namer = Namer(root, None, found.links)
    digest = hashlib.sha256(code)
    digest.update(os.fsencode(str(root)) + b"\0")
    data: dict[Path, bytes] = {}
    total = 0
    for path in [world, *found.files]:
        try:
            raw = read_bounded(path)
        except FileProblem:
            return None
        total += len(raw)
        if total > MAX_TOTAL_BYTES:
            return None
        data[path] = raw
        name = namer.name(path)
        digest.update(b"%s\0%d\0" % (name.encode("utf-8", "surrogateescape"), len(raw)))
        digest.update(raw)
    return Sources(root, found, namer, data, digest.hexdigest())
