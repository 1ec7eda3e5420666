"""Saved games: versioned JSON files in named slots, in one folder per scenario.

A save holds the format version, the scenario's id and a fingerprint of everything a game
depends on, a summary for menus, the night it belongs to, the game and its undo levels, and a
SHA-256 checksum of all of that. Reading it checks everything (saves/files.py for the file,
saves/fit.py for the game) before anything is used; a save from an edited scenario is fitted to
it where that is safe. A save that cannot be used is refused with the reason and is never
changed: not by reading it, and not by a save over it.

Nights: every game is one night, with an id that its saves carry. The autosave of a night goes
to `autosave-<role>`; a new night never overwrites an unfinished one there: the old night is
kept under a name of its own (`officer-1910`) and goes on being autosaved there when it is
continued.

Folders: `--saves DIR`, else the environment variable `WINTERPALACE_SAVES`, else `saves/` of a
checkout, else a per-user data folder. Inside it each scenario has its own sub-folder, so playing
another scenario never touches the shipped game's saves.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import secrets
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import Game, World
from ..errors import WinterPalaceError
from ..sanitise import printable
from .damage import Damaged, Refused
from .files import MAX_SAVE_BYTES, Unreadable, atomic_write, clean_stale, decode_json, read_bounded
from .fit import UNDO_DEPTH, Fitted, fit
from .progress import PROGRESS_FILE, Progress
from .undo import difference

SAVE_FORMAT = 1
ENV_VAR = "WINTERPALACE_SAVES"
AUTOSAVE = "autosave"             # a night is autosaved in `autosave-<role>` (or a kept name)
SLOT_LENGTH = 40
# Names Windows keeps for devices, whatever follows them: a save called `con` could not be
# copied to a Windows machine (and `nul.json` there is no file at all).
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.IGNORECASE)
_FINGERPRINT = "2:"               # fingerprints of this kind cover everything a game uses


class SaveError(WinterPalaceError):
    """A save could not be written or read; the message says why and what to do.

    `refused`: the request cannot be done as asked (a name that cannot be a save's, a save
    that is not there, a name that is taken) and the player should ask again; otherwise
    something went wrong (a file that cannot be read or written).

    For a file that cannot be loaded: `trouble` says what kind of file it is (DAMAGED,
    EDITED, NEWER, FOREIGN) and `reason` why, in short, for a list of saves.
    """

    def __init__(self, message: str, refused: bool = False, *, trouble: str = "",
                 reason: str = ""):
        super().__init__(message)
        self.refused = refused
        self.trouble = trouble
        self.reason = reason


# What a file that cannot be loaded is (SaveInfo.trouble), and the name it is kept aside
# under when its slot is needed: it is named for what it is, never rewritten.
DAMAGED = "damaged"     # not a save this program wrote (bytes, JSON, checksum, contents)
EDITED = "edited"       # a sound save the edited scenario cannot follow
NEWER = "newer"         # made by a newer version of Winter Palace
FOREIGN = "foreign"     # a save of another scenario
BEFORE_EDIT = "before-edit"           # `officer-before-edit`: a night as saved before an edit
_EDITED_LEAD = "the scenario has changed since it was saved: "


@dataclass(frozen=True, slots=True)
class SaveInfo:
    """What a menu shows about one save, without loading the game."""

    slot: str
    path: Path
    role: str = ""
    role_name: str = ""
    scene_title: str = ""
    clock: str = ""                 # hh:mm in the game
    saved_at: str = ""              # ISO time the save was written (UTC)
    ended: bool = False
    problem: str | None = None      # why it cannot be loaded, or None
    auto: bool = False              # a night's autosave (under `autosave-*` or a kept name)
    night: str = ""                 # the id of the night it belongs to
    ending_title: str = ""
    trouble: str = ""               # what a file that cannot be loaded is (DAMAGED, EDITED, ...)
    changes: tuple[str, ...] = ()   # how loading it fits it to an edited scenario

    def why_not(self, subject: str = "") -> str:
        """Why it cannot be loaded, reason first, as a clause (`subject` names it, default its
        slot): `the scenario has changed since `x` was saved (...), so it cannot be loaded`."""
        who = subject or f"`{self.slot}`"
        problem = self.problem or ""
        if self.trouble == EDITED and problem.startswith(_EDITED_LEAD):
            return (f"the scenario has changed since {who} was saved "
                    f"({problem[len(_EDITED_LEAD):]}), so it cannot be loaded")
        if problem.startswith("damaged: "):
            return f"{who} is damaged ({problem[9:]}) and cannot be loaded"
        return f"{who} cannot be loaded ({problem})"

    def describe(self, now: _dt.datetime | None = None) -> str:
        """`autosave-sinegub: Lieutenant Sinegub, 23:10, The gallery (2 min ago)`."""
        if self.problem:
            return f"{self.slot}: cannot be loaded ({self.problem})"
        return f"{self.slot}: {self.summary(now)}"

    def summary(self, now: _dt.datetime | None = None) -> str:
        """`Lieutenant Sinegub, 23:10, The gallery (2 min ago)`."""
        parts = [p for p in (self.role_name, self.clock, self.scene_title) if p]
        if self.ended:
            parts.append("finished")
        ago = _ago(self.saved_at, now)
        return ", ".join(parts) + (f" ({ago})" if ago else "")

    def played(self, now: _dt.datetime | None = None) -> str:
        """`last played 2 min ago` (or on a date)."""
        ago = _ago(self.saved_at, now)
        if not ago:
            return ""
        return f"last played {ago}" if not ago[0].isdigit() or "ago" in ago else \
            f"last played on {ago}"


@dataclass(frozen=True, slots=True)
class Loaded:
    """A save read back: the game, its undo levels (oldest first), and what had to change."""

    game: Game
    undo: tuple[Game, ...]
    info: SaveInfo
    changes: tuple[str, ...] = ()   # how the game was fitted to an edited scenario

    @property
    def warning(self) -> str | None:
        """One short report of the changes, or None."""
        if not self.changes:
            return None
        return ("The scenario has changed since this game was saved: "
                + "; ".join(self.changes) + ".")


@dataclass(frozen=True, slots=True)
class Written:
    """What an autosave did: the slot it went to and anything the player should know."""

    info: SaveInfo
    notes: tuple[str, ...] = ()


def new_night() -> str:
    """A fresh id for a night (saves of one night carry the same id)."""
    return secrets.token_hex(6)


def default_saves_dir() -> Path:
    """`$WINTERPALACE_SAVES`, else `saves/` of a checkout, else a per-user data folder."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "pyproject.toml").is_file() and (checkout / "saves").is_dir():
        return checkout / "saves"
    return user_data_dir() / "saves"


def user_data_dir() -> Path:
    """The per-user data folder of this program on this system."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "winterpalace"


def _is_slot(name: str) -> bool:
    """Letters of any alphabet (with their accents), digits, `-` and `_`, up to 40, starting
    with a letter or a digit; lower case, NFC."""
    if not 0 < len(name) <= SLOT_LENGTH or name != name.lower():
        return False
    for i, ch in enumerate(name):
        cat = unicodedata.category(ch)
        if cat[0] == "L" or cat == "Nd" or (i and (cat[0] == "M" or ch in "-_")):
            continue
        return False
    return True


def check_slot(name: str) -> str:
    """The slot's canonical name (lower case), or SaveError: letters of any alphabet, digits,
    `-` and `_`, up to 40, starting with a letter or a digit; not a name Windows keeps."""
    slot = unicodedata.normalize("NFC", name.strip()).lower()
    if slot.endswith(".json"):
        slot = slot[:-5]
    if not _is_slot(slot):
        shown = printable(name, 40, strip=False)
        first = slot[:1]
        why = ("start it with a letter or a digit" if first in ("-", "_") else
               f"use at most {SLOT_LENGTH} characters" if len(slot) > SLOT_LENGTH else
               "use letters (of any alphabet), digits, `-` and `_`, with no spaces, dots or "
               "slashes")
        raise SaveError(f"`{shown}` cannot be a save name: {why}, like `before-the-storm`.",
                        refused=True)
    if _RESERVED.fullmatch(slot):
        raise SaveError(f"`{slot}` cannot be a save name: Windows keeps that name for a "
                        f"device. Choose another, like `{slot}-1`.", refused=True)
    return slot


def scenario_fingerprint(world: World) -> str:
    """A digest of everything a saved game refers to.

    The clock; the names and types of variables and world flags; items, notes, places and
    characters; scenes (place, ending or not, choices by label, target and once-only); roles;
    events. A save whose fingerprint matches is checked strictly; any other is fitted.
    """
    lines: list[str] = []     # one line each, hashed at once (40,000 updates took 0.1 s)

    def put(*parts: object) -> None:
        lines.append("\x1f".join(str(p) for p in parts) + "\n")

    put("clock", world.clock.start, world.clock.end)
    for name, value in sorted(world.variables.items()):
        put("V", name, type(value).__name__)
    for name, value in sorted(world.world_flags.items()):
        put("F", name, type(value).__name__)
    for kind, ids in (("I", world.items), ("N", world.notes), ("P", world.places),
                      ("C", world.characters)):
        for ident in sorted(ids):
            put(kind, ident)
    scenes = world.scenes
    for sid in sorted(scenes):
        s = scenes[sid]
        lines.append(f"S\x1f{sid}\x1f{s.place}\x1f{s.ending is not None}\x1f{len(s.choices)}\n")
        lines += [f"c\x1f{c.label.plain}\x1f{c.go}\x1f{c.once}\n" for c in s.choices]
    for rid in sorted(world.roles):
        r = world.roles[rid]
        put("R", rid, r.start, r.start_time, r.time_out,
            *sorted(f"{k}:{type(v).__name__}" for k, v in r.variables.items()))
    for ev in world.events:
        put("E", ev.id, ev.at)
    h = hashlib.sha256("".join(lines).encode("utf-8", "replace"))
    return _FINGERPRINT + h.hexdigest()[:32]


def checksum(payload: dict[str, Any]) -> str:
    """The checksum a save carries: of its JSON (without the checksum), keys sorted."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def _ago(iso: str, now: _dt.datetime | None = None) -> str:
    try:
        then = _dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    now = now or _dt.datetime.now(_dt.UTC)
    if then.tzinfo is None:
        then = then.replace(tzinfo=_dt.UTC)
    secs = int((now - then).total_seconds())
    if secs < 60:
        return "just now"
    if secs < 3600:
        return f"{secs // 60} min ago"
    if secs < 86400:
        return f"{secs // 3600} h ago"
    return then.date().isoformat()


def _folder_name(scenario_id: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", scenario_id).strip("-").lower()
    return name[:60] or "scenario"


def _slot_word(text: str, longest: int) -> str:
    word = re.sub(r"[^a-z0-9_-]+", "-", text.lower().replace(":", "")).strip("-_")
    return word[:longest].strip("-_") or "night"


def _printable(value: Any, longest: int) -> str:
    """A save's field as text to show: its first `longest` characters, the unprintable dropped."""
    return printable(str(value), longest, strip=False)




class SaveStore:
    """The saves of one scenario in one folder."""

    def __init__(self, world: World, root: str | os.PathLike[str] | None = None):
        self.world = world
        self.root = Path(root) if root is not None else default_saves_dir()
        self.folder = self.root / _folder_name(world.id)
        self._fingerprint_of: str | None = None
        self._infos: dict[str, tuple[Any, SaveInfo]] = {}    # slot -> (stat key, info)
        self._written: dict[str, Any] = {}                    # slot -> stat key of our write
        self._checked: dict[int, Game] = {}                   # games known to be sound
        self._records: dict[int, tuple[Game, dict[str, Any]]] = {}   # game -> to_dict()
        self._deltas: dict[tuple[int, int], tuple[Game, Game, dict[str, Any]]] = {}

    def progress(self) -> Progress:
        """The endings found in every game of this scenario, kept beside its saves."""
        return Progress(self.folder / PROGRESS_FILE)

    @property
    def _fingerprint(self) -> str:
        """The scenario's fingerprint, worked out when a game is first saved or loaded (a big
        scenario's takes a tenth of a second: not before the first screen)."""
        if self._fingerprint_of is None:
            self._fingerprint_of = scenario_fingerprint(self.world)
        return self._fingerprint_of

    def for_world(self, world: World) -> SaveStore:
        """This store for a reloaded scenario (`play --watch`): the same folder, new checks.
        The files this store wrote stay its own: the night being played follows the edits
        (an author's `--watch`), with no copy kept at each reload."""
        if world is self.world:
            return self
        store = SaveStore(world, self.root)
        store._written = dict(self._written)
        return store

    # ------------------------------------------------------------------ paths and listing

    def path(self, slot: str) -> Path:
        return self.folder / f"{check_slot(slot)}.json"

    @staticmethod
    def autosave_slot(role: str) -> str:
        return check_slot(f"{AUTOSAVE}-{_slot_word(role, 30)}")

    def tidy(self) -> int:
        """Remove what killed writes left behind (run at start); how many files."""
        return clean_stale(self.folder)

    def usable(self) -> str | None:
        """None if saves can be written here, else why not (for a message at start)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            return f"{self.folder} cannot be made ({_why(e)})"
        if not self.folder.is_dir():
            return f"{self.folder} is not a folder"
        if not os.access(self.folder, os.W_OK | os.X_OK):
            return f"{self.folder} cannot be written to"
        return None

    def saves(self) -> list[SaveInfo]:
        """Every save in the folder, newest first, then those that cannot be loaded."""
        try:
            names = sorted(e.name for e in os.scandir(self.folder))
        except OSError:
            return []
        infos = []
        for name in names:
            if name.startswith(".") or not name.lower().endswith(".json"):
                continue
            stem = unicodedata.normalize("NFC", name[:-5])
            if _is_slot(stem) and not _RESERVED.fullmatch(stem):
                infos.append(self.info(stem))
            else:
                shown = _printable(stem, 40) or "?"
                infos.append(SaveInfo(shown, self.folder / name, problem=(
                    "its file name is not a save name: rename it to letters, digits, `-` "
                    "and `_` to load it")))
        good = sorted((i for i in infos if i.problem is None),
                      key=lambda i: (i.saved_at, i.slot), reverse=True)
        return good + [i for i in infos if i.problem is not None]

    def unfinished(self) -> list[SaveInfo]:
        """The unfinished nights: autosaves that can be loaded, newest first."""
        return [i for i in self.saves() if i.auto and not i.ended and i.problem is None]

    def unloadable_nights(self, newer_than: SaveInfo | None = None) -> list[SaveInfo]:
        """Autosaves that cannot be loaded (newest first), those saved after `newer_than`
        only if it is given: what `continue` must not pass over without a word. A file
        that cannot be read counts from when it was last written."""
        floor = _when(newer_than.saved_at) if newer_than is not None else None
        bad = [i for i in self.saves() if i.auto and i.problem is not None]
        bad.sort(key=lambda i: (_when(i.saved_at) or _FUTURE, i.slot), reverse=True)
        if floor is None:
            return bad
        return [i for i in bad if (_when(i.saved_at) or _FUTURE) > floor]

    def latest_autosave(self) -> SaveInfo | None:
        """The newest autosave of an unfinished game that can be loaded, if any."""
        nights = self.unfinished()
        return nights[0] if nights else None

    def night_slot(self, night: str) -> SaveInfo | None:
        """The autosave of the night `night`, if it has one here."""
        if not night:
            return None
        return next((i for i in self.saves() if i.auto and i.night == night
                     and i.problem is None), None)

    # ------------------------------------------------------------------ reading

    def _read(self, slot: str) -> dict[str, Any]:
        """The checked JSON of a save (file, format, checksum, scenario), or SaveError."""
        path = self.path(slot)
        try:
            raw = read_bounded(path)
        except FileNotFoundError:
            raise SaveError(f"There is no save called `{slot}`. Type `saves` to list them.",
                            refused=True) from None
        except Unreadable as e:
            raise _damaged(slot, path, str(e)) from None
        try:
            data = decode_json(raw)
        except Unreadable as e:
            raise _damaged(slot, path, str(e)) from None
        if not isinstance(data, dict) or type(data.get("format")) is not int:
            raise SaveError(f"`{path}` is not a Winter Palace save; it was left untouched.",
                            trouble=DAMAGED, reason="damaged: not a Winter Palace save")
        if data["format"] > SAVE_FORMAT:
            raise SaveError(f"The save `{slot}` was made by a newer version of Winter Palace "
                            f"(save format {data['format']}, this one reads {SAVE_FORMAT}). "
                            "Update the game to load it; the file was left untouched.",
                            trouble=NEWER, reason="it was made by a newer version of Winter "
                            "Palace: update the game to load it")
        stored = data.get("checksum")
        body = {k: v for k, v in data.items() if k != "checksum"}
        if stored != checksum(body):
            raise _damaged(slot, path, "damaged: its checksum does not match")
        if data.get("scenario") != self.world.id:
            other = _printable(data.get("scenario"), 60)
            raise SaveError(f"The save `{slot}` belongs to the scenario `{other}`, not "
                            f"`{self.world.id}`; play that scenario (`--scenes DIR`) to load "
                            "it.", trouble=FOREIGN,
                            reason=f"it belongs to the scenario `{other}`")
        return data

    def _fit(self, slot: str, data: dict[str, Any]) -> Fitted:
        exact = data.get("fingerprint") == self._fingerprint
        try:
            return fit(data.get("game"), data.get("undo", []), self.world, exact=exact,
                       labels=data.get("choices"))
        except Damaged as e:
            raise _damaged(slot, self.path(slot), f"damaged: {e}") from None
        except Refused as e:
            raise SaveError(f"The scenario has changed since `{slot}` was saved ({e}), so it "
                            "cannot be loaded. The file was left untouched; load another save "
                            "or start again.", trouble=EDITED,
                            reason=_short(_EDITED_LEAD + str(e))) from None

    def info(self, slot: str) -> SaveInfo:
        """A summary of a save for menus; its `problem` is set when it cannot be loaded."""
        path = self.path(slot)
        key = _stat_key(path)
        cached = self._infos.get(slot)
        if cached is not None and key is not None and cached[0] == key:
            return cached[1]
        data: dict[str, Any] | None = None
        try:
            data = self._read(slot)
            fitted = self._fit(slot, data)
            info = self._describe(slot, data, fitted.game, fitted.changes)
        except SaveError as e:
            info = _unloadable(slot, path, e, data)
        if key is not None:
            self._infos[slot] = (key, info)
        return info

    def _describe(self, slot: str, data: dict[str, Any], game: Game,
                  changes: tuple[str, ...] = ()) -> SaveInfo:
        p = game.player
        scene = self.world.scenes[p.scene]
        kind = data.get("kind")
        auto = kind == "auto" if kind in ("auto", "named") else slot.startswith(AUTOSAVE)
        night = data.get("night")
        return SaveInfo(slot, self.path(slot), p.role, self.world.roles[p.role].name,
                        scene.title, self.world.clock.hhmm(p.time),
                        _printable(data.get("saved_at", ""), 40), p.ending is not None,
                        auto=auto, night=night if isinstance(night, str) else "",
                        ending_title=scene.ending.title if scene.ending else "",
                        changes=changes)

    def load(self, slot: str) -> Loaded:
        """Read a save back, or SaveError with a message for the player. Changes no file."""
        slot = check_slot(slot)
        data = self._read(slot)
        fitted = self._fit(slot, data)
        info = self._describe(slot, data, fitted.game, fitted.changes)
        return Loaded(fitted.game, fitted.undo, info, fitted.changes)

    def home_slot(self, loaded: Loaded) -> str:
        """Where the game of a loaded save goes on being autosaved."""
        if loaded.info.auto:
            return loaded.info.slot
        own = self.night_slot(loaded.info.night)
        return own.slot if own is not None else self.autosave_slot(loaded.game.player.role)

    # ------------------------------------------------------------------ writing

    def save(self, slot: str, game: Game, undo: Iterable[Game] = (), *,
             allow_auto: bool = True, night: str = "", auto: bool = False) -> SaveInfo:
        """Write `game` to `slot` atomically (a player's `save`, unless `auto`).

        Refuses to replace a save it cannot read, the autosave of a night, or a save of another
        night; never writes what `load` would refuse.
        """
        slot = check_slot(slot)
        if not allow_auto and slot.startswith(AUTOSAVE):
            raise SaveError("Names starting with `autosave` are kept for the autosaves; "
                            "choose another name.", refused=True)
        if not auto:
            old = self._existing(slot)
            if old is not None and old.problem is not None:
                raise SaveError(f"Not saved: the slot `{slot}` holds a save this game cannot "
                                f"read, and it is never overwritten ({old.problem}). "
                                "Choose another name.", refused=True)
            if old is not None and old.auto:
                raise SaveError(f"Not saved: `{slot}` is the autosave of "
                                f"{'this' if night and old.night == night else 'another'} "
                                f"night ({old.summary()}). Choose another name.", refused=True)
            if old is not None and not old.ended and old.night != night:
                raise SaveError(f"Not saved: `{slot}` holds a save of another night "
                                f"({old.summary()}). Choose another name, or `delete {slot}` "
                                "first.", refused=True)
        return self._write(slot, game, list(undo), night, auto)

    def autosave(self, slot: str, game: Game, undo: Iterable[Game], night: str) -> Written:
        """Autosave a night to `slot`, unless another night has taken it meanwhile.

        Another unfinished night found there (a second game, say) is never overwritten: this
        night moves to a name of its own instead, and the note says so. A file there that
        cannot be loaded is kept aside under a name that says what it is; so is a save that
        loading fits to an edited scenario (`officer-before-edit`), as it was before the fit.
        """
        slot = check_slot(slot)
        notes: list[str] = []
        key = _stat_key(self.path(slot))
        if key is not None and self._written.get(slot) != key:
            old = self.info(slot)
            if old.problem is not None:
                kept = self._move_aside(slot, self.aside_name(old))
                notes.append(_sentence(f"{old.why_not()}; it is kept as it is, as `{kept}`."))
            elif not old.ended and old.night and old.night != night:
                new = self._free_name(f"{_slot_word(game.player.role, 28)}-"
                                      f"{self.world.clock.hhmm(game.player.time)}")
                notes.append(f"`{slot}` holds another unfinished night ({old.summary()}), so "
                             f"this one is autosaved as `{new}`.")
                slot = new
            elif old.changes and not (old.ended and old.night != night):
                # The game being written was fitted from this file: the night as it was
                # saved stays, for when the scenario has those parts again.
                kept = self._move_aside(slot, self.aside_name(old))
                notes.append(f"The game as it was saved before the scenario changed is kept "
                             f"as `{kept}`: `load {kept}` goes back to it.")
        info = self._write(slot, game, list(undo), night, True, notes)
        return Written(info, tuple(notes))

    def keep_aside(self, slot: str) -> SaveInfo | None:
        """Move the unfinished night in `slot` to a name of its own; its new info, or None.

        Nothing is moved when the slot is empty or holds a finished night. A file that cannot
        be loaded is moved too (named for what it is: `aside_name`), so that a new night can
        be saved.
        """
        slot = check_slot(slot)
        info = self._existing(slot)
        if info is None or (info.problem is None and info.ended):
            return None
        if info.problem is not None:
            return self.info(self._move_aside(slot, self.aside_name(info)))
        return self.info(self._move_aside(slot, self.kept_name(info)))

    def aside_name(self, info: SaveInfo) -> str:
        """A free name for a file kept aside that says what it holds: a night as saved before
        the scenario was edited (`officer-before-edit`), whether the edited scenario can load
        it or not; else `damaged-...`, `newer-...`, `other-scenario-...`."""
        if info.trouble == EDITED or (info.problem is None and info.changes):
            return self._free_name(f"{_slot_word(info.role or 'night', 22)}-{BEFORE_EDIT}")
        lead = {NEWER: "newer", FOREIGN: "other-scenario"}.get(info.trouble, "damaged")
        return self._free_name(f"{lead}-{info.slot}"[:34])

    def kept_name(self, info: SaveInfo) -> str:
        """A free name for a night kept aside: `officer-1910` (then `officer-1910-2`, ...)."""
        return self._free_name(f"{_slot_word(info.role or 'night', 28)}-{info.clock}")

    def delete(self, slot: str) -> SaveInfo:
        """Delete a save (or a file that cannot be loaded); what it was, or SaveError."""
        slot = check_slot(slot)
        path = self.path(slot)
        if not os.path.lexists(path):
            raise SaveError(f"There is no save called `{slot}`. Type `saves` to list them.",
                            refused=True)
        info = self.info(slot)
        try:
            os.unlink(path)
        except IsADirectoryError:
            raise SaveError(f"`{path}` is a folder, not a save; it was left alone.") from None
        except OSError as e:
            if os.path.isdir(path):
                raise SaveError(f"`{path}` is a folder, not a save; it was left alone.") \
                    from None
            raise SaveError(f"`{slot}` could not be deleted ({_why(e)}).") from None
        self._infos.pop(slot, None)
        self._written.pop(slot, None)
        return info

    # ------------------------------------------------------------------ internals

    def exists(self, slot: str) -> bool:
        """Whether there is anything at all under that name (a save or a damaged file)."""
        return os.path.lexists(self.path(slot))

    def _existing(self, slot: str) -> SaveInfo | None:
        return self.info(slot) if self.exists(slot) else None

    def _free_name(self, base: str) -> str:
        base = check_slot(_slot_word(base, 34))
        name, n = base, 1
        while os.path.lexists(self.path(name)):
            n += 1
            name = f"{base}-{n}"
        return name

    def _move_aside(self, slot: str, wanted: str) -> str:
        """Rename a save without rewriting it; never replaces another file."""
        new = self._free_name(wanted)
        src, dst = self.path(slot), self.path(new)
        try:
            try:
                # A hard link never replaces a file that appeared meanwhile; rename would.
                os.link(src, dst, follow_symlinks=False)
            except FileExistsError:
                raise
            except (OSError, NotImplementedError):
                os.rename(src, dst)     # no hard links here: the name was checked free
            else:
                os.unlink(src)
        except OSError as e:
            raise SaveError(f"Not saved: `{slot}` holds a file that is never overwritten, and "
                            f"it could not be kept aside as `{new}` ({_why(e)}). Your game "
                            "goes on; `save NAME` saves it.") from None
        self._infos.pop(slot, None)
        self._written.pop(slot, None)
        return new

    def _write(self, slot: str, game: Game, undo: list[Game], night: str, auto: bool,
               notes: list[str] | None = None) -> SaveInfo:
        self._check_sound(game, undo)
        undo = undo[-UNDO_DEPTH:]
        payload = self._payload(game, undo, night, auto)
        data = _encode_within_limit(payload, self._levels(game, undo), notes)
        path = self.path(slot)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
        except OSError as e:
            raise SaveError(f"Not saved: {path} could not be written ({_why(e)}). "
                            "Your game goes on; try `save` with another folder "
                            "(`--saves DIR`).") from None
        key = _stat_key(path)
        info = self._describe(slot, payload, game)
        if key is not None:
            self._written[slot] = key
            self._infos[slot] = (key, info)
        return info

    def _payload(self, game: Game, undo: list[Game], night: str, auto: bool) -> dict[str, Any]:
        """The save file's contents but its undo levels and checksum."""
        role = self.world.roles[game.player.role]
        scene = self.world.scenes[game.player.scene]
        return {
            "format": SAVE_FORMAT,
            "program": "winterpalace",
            "scenario": self.world.id,
            "fingerprint": self._fingerprint,
            "saved_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds"),
            "kind": "auto" if auto else "named",
            "night": night,
            "summary": {"role": role.id, "role_name": role.name, "title": scene.title,
                        "clock": self.world.clock.hhmm(game.player.time),
                        "ended": game.player.ending is not None},
            "choices": self._labels([game, *undo]),
            "game": self._record(game),
        }

    def _record(self, game: Game) -> dict[str, Any]:
        cached = self._records.get(id(game))
        if cached is not None and cached[0] is game:
            return cached[1]
        return game.to_dict()

    def _levels(self, game: Game, undo: list[Game]) -> list[dict[str, Any]]:
        """The undo levels as differences, each from the next newer state (cached per pair:
        from one turn to the next only the newest pair is new)."""
        chain = [*undo, game]
        records = {id(g): (g, self._record(g)) for g in chain}
        deltas: dict[tuple[int, int], tuple[Game, Game, dict[str, Any]]] = {}
        out = []
        for old, new in zip(chain, chain[1:], strict=False):
            key = (id(old), id(new))
            cached = self._deltas.get(key)
            if cached is None or cached[0] is not old or cached[1] is not new:
                cached = (old, new, difference(records[id(old)][1], records[id(new)][1]))
            deltas[key] = cached
            out.append(cached[2])
        self._records, self._deltas = records, deltas
        return out

    def _check_sound(self, game: Game, undo: list[Game]) -> None:
        """Refuse to write what `load` would refuse (e.g. a value beyond the bounds)."""
        fresh = [g for g in [game, *undo[-UNDO_DEPTH:]] if self._checked.get(id(g)) is not g]
        if fresh:
            try:
                fit(fresh[0].to_dict(), [g.to_dict() for g in fresh[1:]], self.world,
                    exact=True)
            except (Damaged, Refused) as e:
                raise SaveError(f"Not saved: the game holds something a save cannot ({e}).") \
                    from None
        self._checked = {id(g): g for g in [game, *undo[-UNDO_DEPTH:]]}

    def _labels(self, games: list[Game]) -> dict[str, str]:
        """The label of every once-only choice taken, to find it again if the scene changes."""
        out: dict[str, str] = {}
        for g in games:
            for key in g.player.used:
                if key in out:
                    continue
                sid, _, index = key.rpartition("#")
                scene = self.world.scenes.get(sid)
                if scene is not None and index.isdigit() and int(index) < len(scene.choices):
                    out[key] = scene.choices[int(index)].label.plain
        return out


def _encode_within_limit(payload: dict[str, Any], levels: list[dict[str, Any]],
                         notes: list[str] | None) -> bytes:
    """`payload` with as many of the newest undo `levels` as fit in MAX_SAVE_BYTES, and its
    checksum, as the file's bytes; `payload` is left holding what was encoded. Says in `notes`
    when undo levels had to give way."""
    def encode(keep: int) -> bytes:
        payload["undo"] = levels[len(levels) - keep:]
        payload.pop("checksum", None)
        payload["checksum"] = checksum(payload)
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass")

    data = encode(len(levels))
    if len(data) <= MAX_SAVE_BYTES:
        return data
    # The reader refuses a larger file, so older undo levels give way: as many of the newest
    # as fit (a binary search; this is rare).
    data = encode(0)
    if len(data) > MAX_SAVE_BYTES:
        raise SaveError(f"Not saved: the game has grown too large to save "
                        f"({len(data) // (1024 * 1024)} MB; a save holds at most "
                        f"{MAX_SAVE_BYTES // (1024 * 1024)} MB).")
    fits, too_many = 0, len(levels)
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if len(encode(middle)) <= MAX_SAVE_BYTES:
            fits = middle
        else:
            too_many = middle
    data = encode(fits)
    if notes is not None:
        notes.append(f"The save would have been too large with every undo level: it "
                     f"keeps the last {fits}.")
    return data


def _stat_key(path: Path) -> Any:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_mode)


def _damaged(slot: str, path: Path, reason: str) -> SaveError:
    return SaveError(f"The save `{slot}` cannot be loaded: {reason}. It was left untouched "
                     f"at {path}; load another save or start again.", trouble=DAMAGED,
                     reason=_short(reason))


def _unloadable(slot: str, path: Path, e: SaveError, data: dict[str, Any] | None) -> SaveInfo:
    """What a list shows of a file that cannot be loaded: why, what it is, and what its JSON
    (when it could be read) says of its kind, role and time."""
    auto = slot.startswith(AUTOSAVE)
    saved_at = role = clock = ""
    if data is not None:
        kind = data.get("kind")
        auto = kind == "auto" if kind in ("auto", "named") else auto
        saved_at = _printable(data.get("saved_at", ""), 40)
        summary = data.get("summary")
        if isinstance(summary, dict):
            role = _printable(summary.get("role", ""), 40)
            clock = _printable(summary.get("clock", ""), 5)
    if not saved_at:
        try:      # when the file was last written stands in for when it was saved
            saved_at = _dt.datetime.fromtimestamp(os.lstat(path).st_mtime, _dt.UTC) \
                .isoformat(timespec="milliseconds")
        except (OSError, ValueError, OverflowError):
            pass
    return SaveInfo(slot, path, role=role, clock=clock, saved_at=saved_at,
                    problem=e.reason or _short(str(e)), auto=auto,
                    trouble=e.trouble or DAMAGED)


_FUTURE = _dt.datetime.max.replace(tzinfo=_dt.UTC)


def _when(iso: str) -> _dt.datetime | None:
    try:
        then = _dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    return then if then.tzinfo is not None else then.replace(tzinfo=_dt.UTC)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _why(e: OSError) -> str:
    return e.strerror or str(e)


def _short(message: str) -> str:
    """The reason inside a refusal, for a list: `damaged: its checksum does not match`."""
    for lead in ("cannot be loaded: ",):
        if lead in message:
            message = message.split(lead, 1)[1]
            break
    first = message.split(". ")[0].rstrip(".")
    return first[:160]
