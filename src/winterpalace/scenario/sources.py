"""The files of a scenario folder, found once, and the key of what they hold.

The compiled-scenario cache (cache.py) keys a scenario by everything the loader's result depends
on: the walk's list of files (so a file added, removed or renamed is a new key), the name each
is shown by (relative to the working folder, as in messages and positions), every byte of
each, the folder as given, and the code that compiles them. Reading and hashing the bytes
costs far less than parsing them: 5 MB, some 10 ms.

The bytes are not kept: a scenario found in the cache needs none, and one that is not is read
again by the loader, which hashes what it reads the same way. Only if that gives the key again
(no file changed in between) is the result stored under the key.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import MAX_TOTAL_BYTES
from .files import WORLD_FILE, FileProblem, Found, Namer, find_yaml, read_bounded


@dataclass
class Sources:
    """A folder's files as the loader reads them (world.yaml first), named, and their key."""

    root: Path
    found: Found
    namer: Namer
    key: str
    code: bytes
    _again: Any = field(default=None, repr=False)   # the key of what the loader read

    def read(self, path: Path) -> bytes:
        """A file's bytes for the loader, hashed into the key of what it reads."""
        raw = read_bounded(path)
        if self._again is None:
            self._again = _digest(self.code, self.root)
        _add(self._again, self.namer.name(path), raw)
        return raw

    def unchanged(self) -> bool:
        """Whether the loader read every file, as it was when the key was made."""
        return self._again is not None and self._again.hexdigest() == self.key


def _digest(code: bytes, root: Path) -> Any:
    digest = hashlib.sha256(code)
    digest.update(os.fsencode(str(root)) + b"\0")
    return digest


def _add(digest: Any, name: str, raw: bytes) -> None:
    digest.update(b"%s\0%d\0" % (name.encode("utf-8", "surrogateescape"), len(raw)))
    digest.update(raw)


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
    digest = _digest(code, root)
    total = 0
    for path in [world, *found.files]:
        try:
            raw = read_bounded(path)
        except FileProblem:
            return None
        total += len(raw)
        if total > MAX_TOTAL_BYTES:
            return None
        _add(digest, namer.name(path), raw)
    return Sources(root, found, namer, digest.hexdigest(), code)
