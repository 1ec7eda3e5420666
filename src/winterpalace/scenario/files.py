"""Finding and reading a scenario folder's files, within the bounds of engine/limits.py.

A folder named on the command line may be anything: `/`, a home folder, a folder holding a FIFO
or a link to /dev/zero called `x.yaml`, a 50 MB file, a link that points at itself. Nothing here
hangs, follows a link to a folder, or reads more than the limits allow; every refusal is a
located Problem (the file, line 1 column 1 when it is about the whole file).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..engine import MAX_FILE_BYTES, MAX_FILES, MAX_FOLDER_DEPTH, MAX_FOLDER_ENTRIES
from ..errors import WinterPalaceError

WORLD_FILE = "world.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
MB = 2**20


class FileProblem(WinterPalaceError):
    """A file that cannot be read, and why (a sentence for an author)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; FileProblem otherwise.

    Opened without blocking (a FIFO must not hang the loader), checked to be a regular file
    after opening (what `stat` said before may have changed), and read to `limit` + 1 bytes at
    most whatever its size claims to be (files in /proc say 0).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise FileProblem("cannot read the file: it is a symbolic link that leads in a "
                              "loop", "point the link at a file, or remove it") from None
        if e.errno == errno.ENOENT and os.path.islink(path):
            raise FileProblem("cannot read the file: it is a symbolic link to nothing",
                              "point the link at a file, or remove it") from None
        raise FileProblem(f"cannot read the file: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        mode = st.st_mode
        if not stat.S_ISREG(mode):
            raise FileProblem(f"this is not a regular file but {_kind(mode)}: only regular "
                              "files are read", "move it away, or rename it so it does not end "
                              "in .yaml")
        if st.st_size > limit:
            raise _too_big(limit)
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, MB))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as e:
        raise FileProblem(f"cannot read the file: {e.strerror or e}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise _too_big(limit)
    return data


def _too_big(limit: int) -> FileProblem:
    return FileProblem(f"this file is larger than {limit // MB} MB, the most a scenario file "
                       "may be; it was not read", "split it into several files")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


@dataclass
class Found:
    """The YAML files of a folder (sorted, not yet read), or why they could not all be found."""

    files: list[Path] = field(default_factory=list)
    problems: list[tuple[Path, str, str | None]] = field(default_factory=list)  # path, message, hint
    links: set[Path] = field(default_factory=set)   # the files that are symbolic links


def find_yaml(root: Path, skip: Path | None = None) -> Found:
    """Every `*.yaml`/`*.yml` under `root`, in path order, without hidden files and folders.

    Links to folders are not followed (a link to `..` or `/` would walk without end); links to
    files are read like the file. The walk stops at MAX_FOLDER_ENTRIES entries looked at,
    MAX_FOLDER_DEPTH folders deep and MAX_FILES YAML files, with a problem saying so.
    """
    found = Found()
    seen = 0
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    seen += 1
                    if seen > MAX_FOLDER_ENTRIES:
                        found.problems.append((root, (f"the scenario folder holds more than "
                                                      f"{MAX_FOLDER_ENTRIES:,} files and "
                                                      "folders; is it the right folder?"),
                                               ("give the folder that holds world.yaml and "
                                                "the scene files")))
                        found.files = []
                        return found
                    if entry.name.startswith("."):
                        continue
                    path = Path(entry.path)
                    try:
                        is_dir = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        is_dir = False
                    if is_dir:
                        if depth + 1 > MAX_FOLDER_DEPTH:
                            found.problems.append((path, (f"folders nest more than "
                                                          f"{MAX_FOLDER_DEPTH} deep here; this "
                                                          "one was not read"), None))
                            continue
                        stack.append((path, depth + 1))
                    elif path.suffix in YAML_SUFFIXES and path != skip:
                        found.files.append(path)
                        try:
                            if entry.is_symlink():
                                found.links.add(path)
                        except OSError:
                            found.links.add(path)   # unsure: named the slow, sure way
                        if len(found.files) > MAX_FILES:
                            found.problems.append((root, (f"the scenario folder holds more "
                                                          f"than {MAX_FILES:,} YAML files; is "
                                                          "it the right folder?"), None))
                            found.files = []
                            return found
        except OSError as e:
            found.problems.append((folder, f"cannot read the folder: {e.strerror or e}", None))
    found.files.sort()
    return found


class Namer:
    """How files are named in messages and in the compiled scenario: relative to the working
    folder (or `base`) when inside it, else as found.

    A file the walk found under `root` that is not a link is `root`'s real path joined with its
    place under `root` (the walk follows no link to a folder), so only `root` and links are
    resolved: 100,000 files cost no 100,000 walks up their folders.
    """

    def __init__(self, root: Path, base: Path | None = None, links: set[Path] | None = None):
        self.root = root
        self.base = base
        self.links = links            # None: nothing known, resolve every file
        self._real_root: Path | None = None
        self._real_base: Path | None = None

    def _base(self) -> Path:
        if self._real_base is None:
            self._real_base = (self.base or Path.cwd()).resolve()
        return self._real_base

    def name(self, path: Path) -> str:
        try:
            return str(self._real(path).relative_to(self._base()))
        except (ValueError, OSError, RuntimeError):   # outside, or a link in a loop
            return str(path)

    def _real(self, path: Path) -> Path:
        if self.links is not None and path not in self.links and path.name != WORLD_FILE:
            try:
                rel = path.relative_to(self.root)
            except ValueError:
                return path.resolve()
            if self._real_root is None:
                self._real_root = self.root.resolve()
            return self._real_root / rel
        return path.resolve()
