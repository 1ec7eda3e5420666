"""Saved games: versioned JSON files in named slots, written so that no crash can lose one.

A save holds the format version, the scenario's id and a fingerprint of its scenes, a summary for
menus, the game and a few undo levels, and a SHA-256 checksum of all of that. It is written to a
temporary file in the same folder, flushed, fsync'd and renamed over the old one, so a `kill -9`
in the middle leaves the previous save whole.

A save this program cannot use (corrupt, from a newer format, from another scenario, or whose
scene is gone from a changed scenario) is refused with a message that says what to do, and is
never overwritten or deleted: a save over such a slot is refused too.

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
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .engine.model import World
from .engine.state import STATE_VERSION, Game

SAVE_FORMAT = 1
ENV_VAR = "WINTERPALACE_SAVES"
AUTOSAVE = "autosave"             # autosave slots are `autosave-<role>`
MAX_UNDO_SAVED = 20               # undo levels kept in a save
MAX_SAVE_BYTES = 16 * 1024 * 1024  # a save larger than this is not ours
_SLOT_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class SaveError(Exception):
    """A save could not be written or read; the message says why and what to do."""


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

    @property
    def auto(self) -> bool:
        return self.slot.startswith(AUTOSAVE)

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


@dataclass(frozen=True, slots=True)
class Loaded:
    """A save read back: the game, its undo levels (oldest first) and any warning."""

    game: Game
    undo: tuple[Game, ...]
    info: SaveInfo
    warning: str | None = None      # e.g. the scenario changed but the scene is still there


def default_saves_dir() -> Path:
    """`$WINTERPALACE_SAVES`, else `saves/` of a checkout, else a per-user data folder."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parent.parent.parent
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


def check_slot(name: str) -> str:
    """The slot's canonical name, or SaveError: letters, digits, `-` and `_`, at most 40."""
    slot = name.strip().lower()
    if slot.endswith(".json"):
        slot = slot[:-5]
    if not _SLOT_RE.fullmatch(slot):
        raise SaveError(f"`{name[:40]}` cannot be a save name: use up to 40 letters, digits, "
                        "`-` or `_` (no spaces, dots or slashes), like `before-the-storm`.")
    return slot


def scenario_fingerprint(world: World) -> str:
    """A digest of what a saved game refers to: scenes, their choices, roles, events."""
    h = hashlib.sha256()
    for sid in sorted(world.scenes):
        s = world.scenes[sid]
        h.update(f"S{sid}|{s.place}|{len(s.choices)}\n".encode())
        for c in s.choices:
            h.update(f"C{c.label.plain}|{c.go}|{c.once}\n".encode())
    for rid in sorted(world.roles):
        h.update(f"R{rid}|{world.roles[rid].start}\n".encode())
    for ev in world.events:
        h.update(f"E{ev.id}|{ev.at}\n".encode())
    return h.hexdigest()[:16]


def _checksum(payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _ago(iso: str, now: _dt.datetime | None = None) -> str:
    try:
        then = _dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    if then.tzinfo is None:
        then = then.replace(tzinfo=_dt.timezone.utc)
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


class SaveStore:
    """The saves of one scenario in one folder."""

    def __init__(self, world: World, root: str | os.PathLike[str] | None = None):
        self.world = world
        self.root = Path(root) if root is not None else default_saves_dir()
        self.folder = self.root / _folder_name(world.id)
        self._fingerprint = scenario_fingerprint(world)

    # ------------------------------------------------------------------ paths and listing

    def path(self, slot: str) -> Path:
        return self.folder / f"{check_slot(slot)}.json"

    @staticmethod
    def autosave_slot(role: str) -> str:
        return check_slot(f"{AUTOSAVE}-{role}"[:40])

    def list(self) -> list[SaveInfo]:
        """Every save in the folder, newest first; unreadable ones carry their problem."""
        if not self.folder.is_dir():
            return []
        infos = []
        for p in self.folder.glob("*.json"):
            slot = p.stem
            if not _SLOT_RE.fullmatch(slot):
                continue
            infos.append(self.info(slot))
        infos.sort(key=lambda i: (i.saved_at, i.slot), reverse=True)
        return infos

    def latest_autosave(self) -> SaveInfo | None:
        """The newest autosave of an unfinished game that can be loaded, if any."""
        for info in self.list():
            if info.auto and not info.ended and info.problem is None:
                return info
        return None

    # ------------------------------------------------------------------ reading

    def _read(self, slot: str) -> tuple[dict[str, Any], Path]:
        """The checked JSON of a save, or SaveError naming the problem."""
        path = self.path(slot)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise SaveError(f"There is no save called `{slot}`. Type `saves` to list them.") \
                from None
        except OSError as e:
            raise SaveError(f"The save `{slot}` cannot be read ({e.strerror}).") from None
        if size > MAX_SAVE_BYTES:
            raise SaveError(f"`{path}` is too large to be a save; it was left as it is.")
        try:
            raw = path.read_bytes()
            data = json.loads(raw.decode("utf-8"))
        except OSError as e:
            raise SaveError(f"The save `{slot}` cannot be read ({e.strerror}).") from None
        except (UnicodeDecodeError, ValueError):
            raise SaveError(f"The save `{slot}` is damaged (not valid JSON) and cannot be "
                            f"loaded. It was left untouched at {path}; load another save or "
                            "start again.") from None
        if not isinstance(data, dict) or not isinstance(data.get("format"), int):
            raise SaveError(f"`{path}` is not a Winter Palace save; it was left untouched.")
        if data["format"] > SAVE_FORMAT:
            raise SaveError(f"The save `{slot}` was made by a newer version of Winter Palace "
                            f"(save format {data['format']}, this one reads {SAVE_FORMAT}). "
                            "Update the game to load it; the file was left untouched.")
        stored = data.get("checksum")
        body = {k: v for k, v in data.items() if k != "checksum"}
        if stored != _checksum(body):
            raise SaveError(f"The save `{slot}` is damaged (its checksum does not match) and "
                            f"cannot be loaded. It was left untouched at {path}; load another "
                            "save or start again.")
        if data.get("scenario") != self.world.id:
            raise SaveError(f"The save `{slot}` belongs to the scenario "
                            f"`{data.get('scenario')}`, not `{self.world.id}`; play that "
                            "scenario (`--scenes DIR`) to load it.")
        return data, path

    def info(self, slot: str) -> SaveInfo:
        """A summary of a save for menus; its `problem` is set when it cannot be loaded."""
        path = self.path(slot)
        try:
            data, _ = self._read(slot)
            summary = data.get("summary") or {}
            info = SaveInfo(slot, path, str(summary.get("role", "")),
                            str(summary.get("role_name", "")), str(summary.get("title", "")),
                            str(summary.get("clock", "")), str(data.get("saved_at", "")),
                            bool(summary.get("ended", False)))
            problem = self._scene_problem(data)
            return info if problem is None else SaveInfo(slot, path, problem=problem)
        except SaveError as e:
            return SaveInfo(slot, path, problem=_short(str(e)))

    def _scene_problem(self, data: dict[str, Any]) -> str | None:
        if data.get("fingerprint") == self._fingerprint:
            return None
        try:
            player = data["game"]["player"]
            scene, role = str(player["scene"]), str(player["role"])
        except (KeyError, TypeError):
            return "the saved game is incomplete"
        if role not in self.world.roles:
            return f"the role `{role}` is gone from the scenario"
        if scene not in self.world.scenes:
            return f"the scene `{scene}` is gone from the scenario"
        return None

    def load(self, slot: str) -> Loaded:
        """Read a save back, or SaveError with a message for the player."""
        slot = check_slot(slot)
        data, _ = self._read(slot)
        problem = self._scene_problem(data)
        if problem is not None:
            raise SaveError(f"The save `{slot}` cannot be loaded: {problem} since it was made "
                            "(the scenario has changed). Load another save or start again; "
                            "the file was left untouched.")
        changed = data.get("fingerprint") != self._fingerprint
        try:
            game = self._game(data["game"], changed)
            undo = []
            for g in data.get("undo", []):
                try:
                    undo.append(self._game(g, changed))
                except SaveError:
                    undo.clear()  # older levels that no longer fit are dropped, newer kept
        except (KeyError, TypeError, ValueError):
            raise SaveError(f"The save `{slot}` is damaged (the game inside is incomplete); "
                            "it was left untouched.") from None
        info = self.info(slot)
        warning = None
        if changed:
            warning = ("The scenario has changed since this game was saved; your scene is "
                       "still there, so the game goes on from it.")
        return Loaded(game, tuple(undo), info, warning)

    def _game(self, data: dict[str, Any], changed: bool) -> Game:
        if int(data.get("version", 0)) > STATE_VERSION:
            raise SaveError("the game state is from a newer version")
        game = Game.from_dict(data)
        p = game.player
        if p.scene not in self.world.scenes or p.role not in self.world.roles:
            raise SaveError(f"the scene `{p.scene}` is gone")
        if changed:
            game = self._fill_in(game)
        return game

    def _fill_in(self, game: Game) -> Game:
        """Give a game from a changed scenario the variables and flags it lacks."""
        role = self.world.roles[game.player.role]
        variables = dict(self.world.variables)
        variables.update(role.variables)
        variables.update({k: v for k, v in game.player.vars.items() if k in variables})
        flags = dict(self.world.world_flags)
        flags.update({k: v for k, v in game.world.flags.items() if k in flags})
        items = tuple(i for i in game.player.items if i in self.world.items)
        notes = tuple(n for n in game.player.notes if n in self.world.notes)
        return Game(replace(game.world, flags=flags),
                    game.player.with_(vars=variables, items=items, notes=notes))

    # ------------------------------------------------------------------ writing

    def save(self, slot: str, game: Game, undo: list[Game] | tuple[Game, ...] = (),
             *, allow_auto: bool = True) -> SaveInfo:
        """Write `game` to `slot` atomically; refuses to replace a save it cannot read."""
        slot = check_slot(slot)
        if not allow_auto and slot.startswith(AUTOSAVE):
            raise SaveError("Names starting with `autosave` are kept for the autosaves; "
                            "choose another name.")
        path = self.path(slot)
        if path.exists():
            try:
                self._read(slot)
            except SaveError as e:
                raise SaveError(f"Not saved: the slot `{slot}` holds a save this game cannot "
                                f"read, and it is never overwritten ({_short(str(e))}). "
                                "Choose another name.") from None
        view_scene = self.world.scenes[game.player.scene]
        role = self.world.roles[game.player.role]
        payload: dict[str, Any] = {
            "format": SAVE_FORMAT,
            "program": "winterpalace",
            "scenario": self.world.id,
            "fingerprint": self._fingerprint,
            "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "summary": {"role": role.id, "role_name": role.name, "title": view_scene.title,
                        "clock": self.world.clock.hhmm(game.player.time),
                        "ended": game.player.ending is not None},
            "game": game.to_dict(),
            "undo": [g.to_dict() for g in list(undo)[-MAX_UNDO_SAVED:]],
        }
        payload["checksum"] = _checksum(payload)
        data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
        except OSError as e:
            raise SaveError(f"Not saved: {path} could not be written ({e.strerror or e}). "
                            "Your game goes on; try `save` with another folder "
                            "(`--saves DIR`).") from None
        return self.info(slot)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if hasattr(os, "O_DIRECTORY"):
        # The rename itself must reach the disk too, or a power cut could undo it.
        try:
            dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(dfd)
        except OSError:
            pass
        finally:
            os.close(dfd)


def _short(message: str) -> str:
    first = message.split(". ")[0].rstrip(".")
    return first[:120]
