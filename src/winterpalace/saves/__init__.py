"""Saved games that survive crashes, edited scenarios, odd files and hand edits.

- `store`: slots in one folder per scenario, nights and their autosaves, listing, deleting.
- `files`: reading with hard limits (regular files only, bounded size and depth) and the
  atomic write; tidying what killed writes left behind.
- `fit`: every saved game checked against the scenario, and fitted to an edited one;
  `damage`: what it says when it cannot (`Damaged`, `Refused`).
- `undo`: undo levels stored as differences from the next newer state.
- `progress`: the endings found across games, beside the saves.
"""

from .files import MAX_JSON_DEPTH, MAX_SAVE_BYTES
from .fit import UNDO_DEPTH
from .progress import PROGRESS_FILE, Found, Progress
from .store import (
                    AUTOSAVE,
                    ENV_VAR,
                    SAVE_FORMAT,
                    Loaded,
                    SaveError,
                    SaveInfo,
                    SaveStore,
                    Written,
                    check_slot,
                    checksum,
                    default_saves_dir,
                    new_night,
                    scenario_fingerprint,
                    user_data_dir,
)

__all__ = ["AUTOSAVE", "ENV_VAR", "MAX_JSON_DEPTH", "MAX_SAVE_BYTES", "PROGRESS_FILE",
           "SAVE_FORMAT", "UNDO_DEPTH", "Found", "Loaded", "Progress", "SaveError", "SaveInfo", "SaveStore", "Written",
           "checksum", "check_slot", "default_saves_dir", "new_night", "scenario_fingerprint",
           "user_data_dir"]
