"""Generators of damaged saves and odd files for a saves folder.

Each generator takes the folder and a valid save's bytes and leaves one odd entry named
`<case>.json` (or as the case says). `CASES` maps a case name to its generator; tests run every
one of them through listing, loading, `--continue` and saving, and none may hang, crash or
change a file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

Generator = Callable[[Path, bytes], Path]


def _file(name: str, data: Callable[[bytes], bytes]) -> Generator:
    def make(folder: Path, valid: bytes) -> Path:
        path = folder / f"{name}.json"
        path.write_bytes(data(valid))
        return path
    return make


def _flip(valid: bytes) -> bytes:
    i = len(valid) // 3
    return valid[:i] + bytes([valid[i] ^ 0x20]) + valid[i + 1:]


def _huge(folder: Path, valid: bytes) -> Path:
    path = folder / "huge.json"
    with open(path, "wb") as f:           # sparse: 1 GB that costs no disk
        f.write(b"[")
        f.truncate(1 << 30)
    return path


def _fifo(folder: Path, valid: bytes) -> Path:
    path = folder / "fifo.json"
    os.mkfifo(path)
    return path


def _link(name: str, target: str | Callable[[Path], str]) -> Generator:
    def make(folder: Path, valid: bytes) -> Path:
        path = folder / f"{name}.json"
        os.symlink(target(path) if callable(target) else target, path)
        return path
    return make


def _folder(folder: Path, valid: bytes) -> Path:
    path = folder / "folder.json"
    path.mkdir()
    (path / "inside.json").write_bytes(valid)
    return path


def _big_int(valid: bytes) -> bytes:
    data = json.loads(valid)
    return json.dumps(data).replace('"turn":', '"turn": ' + "9" * 5000 + ', "x":', 1).encode()


CASES: dict[str, Generator] = {
    "empty": _file("empty", lambda v: b""),
    "truncated": _file("truncated", lambda v: v[: len(v) // 2]),
    "bit-flip": _file("bit-flip", _flip),
    "brackets-2k": _file("brackets-2k", lambda v: b"[" * 1000 + b"]" * 1000),
    "braces-deep": _file("braces-deep", lambda v: b'{"a":' * 900 + b"1" + b"}" * 900),
    "brackets-16m": _file("brackets-16m", lambda v: b"[" * (8 << 20) + b"]" * (8 << 20)),
    "open-brackets": _file("open-brackets", lambda v: b"[" * 100_000),
    "not-utf8": _file("not-utf8", lambda v: b"\xff\xfe" + v.decode().encode("utf-16-le")),
    "nan": _file("nan", lambda v: b'{"format": NaN}'),
    "big-int": _file("big-int", _big_int),
    "a-list": _file("a-list", lambda v: b"[1, 2, 3]"),
    "huge": _huge,
    "fifo": _fifo,
    "dev-zero": _link("dev-zero", "/dev/zero"),
    "dev-tty": _link("dev-tty", "/dev/tty"),
    "link-to-folder": _link("link-to-folder", "/"),
    "dangling": _link("dangling", "/nonexistent/save.json"),
    "loop": _link("loop", lambda p: str(p)),
    "folder": _folder,
    "odd-name": _file("Odd Name", lambda v: v),
}
