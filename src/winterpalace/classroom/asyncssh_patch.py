"""The one patch of asyncssh's insides, kept here and nowhere else.

PATCH OF A PRIVATE METHOD: `asyncssh.editor.SSHLineEditor._build_printable`. asyncssh's line
editor builds a regular expression of every printable character (about 60,000 ranges, 0.1 s
of CPU) for each new session; every student's editor has the same keys, so we build it once
per key map and share it. Without this, each student joining stalls the class.

If asyncssh renames or drops the method, the patch does nothing (joining is then only slower);
if it starts caching the pattern itself, this module can go. Nothing else in Winter Palace
touches a private asyncssh name.
"""

from __future__ import annotations

from typing import Any

__all__ = ["share_printable_pattern"]


def share_printable_pattern() -> None:
    """Make every `SSHLineEditor` share one printable-character pattern per key map (once;
    calling again does nothing)."""
    from asyncssh.editor import SSHLineEditor

    build = getattr(SSHLineEditor, "_build_printable", None)
    if build is None or getattr(build, "shared", False):
        return
    made: dict[frozenset[str], Any] = {}

    def shared(self: Any) -> None:
        key = frozenset(self._keymap)
        if key not in made:
            build(self)
            made[key] = self._printable
        self._printable = made[key]

    shared.shared = True  # type: ignore[attr-defined]  # the mark that it is patched already
    # asyncssh's own method, replaced on its class: mypy rightly objects to that in general.
    SSHLineEditor._build_printable = shared  # type: ignore[method-assign]
