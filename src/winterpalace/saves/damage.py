"""What can be wrong with a save file, for `fit` (the game in it) and `undo` (its undo levels)."""

from __future__ import annotations

from ..errors import WinterPalaceError

__all__ = ["Damaged", "Refused"]


class Damaged(WinterPalaceError):
    """The save is not one this program wrote for this scenario: what is wrong, briefly."""


class Refused(WinterPalaceError):
    """The scenario changed in a way the save cannot follow: why, briefly."""
