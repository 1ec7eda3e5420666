"""A saved game checked against the scenario, and fitted to an edited one, before it is used.

Everything in a save is checked here before the engine sees it: types, ranges, ids that exist,
history and trail entries, times within the night's clock, an ending that is an ending scene,
variables and flags of their declared types and within the bounds of `engine.limits`.

`exact=True` is for a save made with this very scenario (its fingerprint matches): whatever
does not fit is damage, and the save is refused. `exact=False` is for a save from an edited
scenario: it is migrated where that is safe, and each change is described for the player:

- a new variable or flag takes its declared starting value; a removed one is dropped; one
  whose type changed starts again from its new starting value;
- items and notes that are gone are dropped; events that are gone are forgotten; a new event
  whose time has already passed is counted as not having happened;
- a once-only choice that moved within its scene is found again by its label (one that is gone
  is forgotten);
- the history and trail are records of what happened: they keep scenes that are gone;
- a current scene that is gone falls back to the newest undo level whose scene still exists,
  else to the last scene of the night's trail that still exists.

It is refused, with the reason, where that is not safe: the role is gone, the saved time lies
outside a changed clock, or no scene of the night is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine import MAX_NUMBER, MAX_TEXT, STATE_VERSION, Game, PlayerState, Step, World, WorldState
from .damage import Damaged, Refused
from .undo import expand

UNDO_DEPTH = 50                  # undo levels a game keeps, in play and in its save
MAX_ID = 200                     # characters in an id (scene, item, event, ...)
MAX_LABEL = 4 * MAX_TEXT         # a rendered label may show a few texts
_RNG = 1 << 64
_KINDS = ("choice", "wait", "event")
_TYPE_WORDS = {bool: "true/false", int: "a number", str: "text"}


@dataclass(frozen=True, slots=True)
class Fitted:
    """A game ready to play, its undo levels (oldest first) and what had to change."""

    game: Game
    undo: tuple[Game, ...]
    changes: tuple[str, ...] = ()


def fit(game_data: Any, undo_data: Any, world: World, *, exact: bool,
        labels: Any = None) -> Fitted:
    """Check (and, unless `exact`, migrate) a saved game and its undo levels.

    `undo_data` is as saved: levels whole or as differences (saves/undo.py), oldest first.
    Raises Damaged or Refused; never anything else, whatever the data.
    """
    if not isinstance(labels, dict):
        labels = {}
    fitter = _Fitter(world, exact, labels)
    game, gone = fitter.game(game_data, "the game")
    changes = list(fitter.changes)
    undo_data = expand(game_data, undo_data)
    levels: list[Game] = []
    for raw in undo_data[-UNDO_DEPTH:]:
        # A level that cannot follow a changed scenario is left out; undo then skips it.
        try:
            level, level_gone = _Fitter(world, exact, labels).game(raw, "an undo level")
        except (Damaged, Refused):
            if exact:
                raise
            continue
        if level.player.role != game.player.role:
            if exact:
                raise Damaged("an undo level belongs to another role")
            continue
        if level_gone is None:
            levels.append(level)
    dropped = min(len(undo_data), UNDO_DEPTH) - len(levels)
    if gone is not None:
        game, levels, moved = _fall_back(world, game, levels, gone)
        changes.append(moved)
    elif dropped and not exact:
        changes.append(f"{_count(dropped, 'undo level')} could not follow the changes, so "
                       "`undo` reaches less far back")
    return Fitted(game, tuple(levels), tuple(changes))


def _fall_back(world: World, game: Game, levels: list[Game],
               gone: str) -> tuple[Game, list[Game], str]:
    """A game whose scene is gone, moved to the last point of its night that still exists."""
    clock = world.clock
    if levels:
        back = levels.pop()
        taken = len(game.player.history) - len(back.player.history)
        scene = world.scenes[back.player.scene]
        what = f" ({_count(taken, 'choice')} taken back)" if taken > 0 else ""
        return back, levels, (f"your scene `{gone}` is gone from the scenario: the game goes "
                              f"back to {clock.hhmm(back.player.time)}, {scene.title}{what}")
    p = game.player
    candidates = [sid for _, sid in reversed(p.trail)] + [world.roles[p.role].start]
    for sid in candidates:
        there = world.scenes.get(sid)
        if there is not None and there.ending is None:
            moved = Game(game.world, p.with_(scene=sid, ending=None))
            return moved, [], (f"your scene `{gone}` is gone from the scenario: you are back "
                               f"in {there.title}, the last scene of your night that is "
                               "still there")
    raise Refused(f"the scene `{gone}` and every other scene of this night are gone from "
                  "the scenario")


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


class _Fitter:
    """Checks one saved game; collects the changes a migration made."""

    def __init__(self, world: World, exact: bool, labels: dict[Any, Any]):
        self.world = world
        self.exact = exact
        self.labels = labels
        self.changes: list[str] = []

    # ------------------------------------------------------------------ the game

    def game(self, data: Any, what: str) -> tuple[Game, str | None]:
        """The game, and the id of its scene if that scene is gone (it then needs a new one)."""
        d = _obj(data, what)
        version = d.get("version")
        if type(version) is int and version > STATE_VERSION:
            raise Damaged("its game was saved by a newer version of Winter Palace")
        _int(version, "its state version", 1, STATE_VERSION)
        w = _obj(d.get("world"), "its world state")
        p = _obj(d.get("player"), "its player")
        world = self.world

        role_id = self.role(p.get("role"))
        time = self.time(p.get("time"), "its clock")
        world_time = self.time(w.get("time"), "its world clock")

        declared_vars = dict(world.variables)
        declared_vars.update(world.roles[role_id].variables)
        variables = self.values(p.get("vars"), declared_vars, "variable")
        flags = self.values(w.get("flags"), world.world_flags, "world flag")
        fired, decided = self.events(w.get("fired", []), w.get("decided", []), world_time)
        items = self.ids(p.get("items", []), world.items, "item",
                         "you no longer carry `{}`: it is gone from the scenario")
        notes = self.ids(p.get("notes", []), world.notes, "note",
                         "the note `{}` is gone from the scenario")
        visits = self.visits(p.get("visits", {}))
        used = self.used(p.get("used", []))
        history = self.history(p.get("history", []))
        trail = self.trail(p.get("trail", []))
        witnessed = self.witnessed(p.get("witnessed", []))
        scene_id, gone, ending = self.scene_and_ending(p.get("scene"), p.get("ending"))

        player = PlayerState(
            id=_text(p.get("id", "player"), "its player id", MAX_ID), role=role_id,
            scene=scene_id, time=time, vars=variables, items=items, notes=notes,
            visits=visits, used=used, history=history, trail=trail, witnessed=witnessed,
            ending=ending,
            seed=_int(p.get("seed", 0), "its seed", -_RNG, _RNG),
            rng=_int(p.get("rng", 0), "its random state", 0, _RNG - 1),
            turn=_int(p.get("turn", 0), "its turn count", 0, MAX_NUMBER))
        state = WorldState(time=world_time, flags=flags, fired=fired, decided=decided)
        return Game(state, player), gone

    def role(self, data: Any) -> str:
        """The player's role, which the scenario must still have."""
        role_id = _id(data, "its role")
        if role_id not in self.world.roles:
            self._mismatch(f"its role `{role_id}` is not in the scenario",
                           f"the role `{role_id}` is gone from the scenario")
        return role_id

    def scene_and_ending(self, scene: Any, ending: Any) -> tuple[str, str | None, str | None]:
        """The player's scene, the scene's id again if it is gone from the scenario (else
        None), and the ending: the scene's own when it is an ending scene, none otherwise."""
        world = self.world
        scene_id = _id(scene, "its scene")
        gone = None
        if scene_id not in world.scenes:
            if self.exact:
                raise Damaged(f"its scene `{scene_id}` is not in the scenario")
            gone = scene_id
        if ending is not None:
            ending = _id(ending, "its ending")
        should_end = scene_id if gone is None and world.scenes[scene_id].ending else None
        if ending != should_end and gone is None:
            if self.exact:
                raise Damaged(f"its ending `{ending}` is not the ending scene it is in"
                              if ending else "it is in an ending scene but not ended")
            self.changes.append("the night is over: your scene has become an ending"
                                if should_end else "your ending is no longer an ending: the "
                                "night goes on")
        return scene_id, gone, should_end

    def _mismatch(self, damaged: str, refused: str) -> None:
        raise Damaged(damaged) if self.exact else Refused(refused)

    # ------------------------------------------------------------------ parts

    def time(self, value: Any, what: str) -> int:
        clock = self.world.clock
        if type(value) is not int:
            raise Damaged(f"{what} is not a time")
        if not clock.start <= value <= clock.end:
            span = f"{clock.hhmm(clock.start)}-{clock.hhmm(clock.end)}"
            self._mismatch(f"{what} lies outside the night, {span}",
                           f"the night now runs {span}, and the saved time, "
                           f"{clock.hhmm(value)}, lies outside it")
        return value

    def values(self, data: Any, declared: dict[str, Any], kind: str) -> dict[str, Any]:
        """Variables or world flags: each of its declared type and within the bounds."""
        d = _obj(data, f"its {kind}s")
        out: dict[str, Any] = {}
        for name, value in d.items():
            _value(value, f"the {kind} `{name[:40]}`")
            if name not in declared:
                if self.exact:
                    raise Damaged(f"it has a {kind} `{name[:40]}` the scenario does not declare")
                self.changes.append(f"the {kind} `{name[:40]}` is gone from the scenario")
                continue
            want = type(declared[name])
            if type(value) is not want:
                if self.exact:
                    raise Damaged(f"the {kind} `{name}` should be {_TYPE_WORDS[want]}")
                self.changes.append(f"the {kind} `{name}` is now {_TYPE_WORDS[want]}: it starts "
                                    f"again at {_show(declared[name])}")
                value = declared[name]
            out[name] = value
        for name, value in declared.items():
            if name not in out and name not in d:
                if self.exact:
                    raise Damaged(f"its {kind} `{name}` is missing")
                self.changes.append(f"new {kind} `{name}` starts at {_show(value)}")
                out[name] = value
        return out

    def events(self, fired_data: Any, decided_data: Any,
               now: int) -> tuple[tuple[tuple[str, int], ...], frozenset[str]]:
        known = {ev.id: ev for ev in self.world.events}
        fired: list[tuple[str, int]] = []
        for entry in _list(fired_data, "its fired events"):
            pair = _list(entry, "a fired event")
            if len(pair) != 2:
                raise Damaged("a fired event is not an event and a time")
            eid = _id(pair[0], "a fired event")
            at = _int(pair[1], "a fired event's time", -MAX_NUMBER, MAX_NUMBER)
            if eid in known:
                fired.append((eid, at))
            elif self.exact:
                raise Damaged(f"its event `{eid[:40]}` is not in the scenario")
        decided: set[str] = set()
        for entry in _list(decided_data, "its decided events"):
            eid = _id(entry, "a decided event")
            if eid in known:
                decided.add(eid)
            elif self.exact:
                raise Damaged(f"its event `{eid[:40]}` is not in the scenario")
        if not self.exact:
            # An event added before the saved moment did not happen in this night.
            decided |= {ev.id for ev in self.world.events if ev.at <= now}
        return tuple(fired), frozenset(decided)

    def ids(self, data: Any, known: dict[str, Any], kind: str,
            change: str) -> tuple[str, ...]:
        out: list[str] = []
        for entry in _list(data, f"its {kind}s"):
            ident = _id(entry, f"an {kind}" if kind[0] in "aeiou" else f"a {kind}")
            if ident in out:
                raise Damaged(f"it lists the {kind} `{ident[:40]}` twice")
            if ident not in known:
                if self.exact:
                    raise Damaged(f"its {kind} `{ident[:40]}` is not in the scenario")
                self.changes.append(change.format(ident[:40]))
                continue
            out.append(ident)
        return tuple(out)

    def visits(self, data: Any) -> dict[str, int]:
        out: dict[str, int] = {}
        for sid, n in _obj(data, "its visits").items():
            count = _int(n, "a visit count", 0, MAX_NUMBER)
            if sid in self.world.scenes:
                out[sid] = count
            elif self.exact:
                raise Damaged(f"it has visited a scene `{sid[:40]}` the scenario does not have")
        return out

    def used(self, data: Any) -> frozenset[str]:
        """Once-only choices taken: `scene#index`, found again by label if they moved."""
        out: set[str] = set()
        for entry in _list(data, "its used choices"):
            key = _id(entry, "a used choice")
            sid, sep, index = key.rpartition("#")
            scene = self.world.scenes.get(sid)
            if not sep or not index.isascii() or not index.isdigit() or len(index) > 6:
                raise Damaged(f"`{key[:40]}` is not a choice")
            i = int(index)
            if scene is not None and i < len(scene.choices) and (
                    self.exact or self.labels.get(key) in (None, scene.choices[i].label.plain)):
                out.add(key)
                continue
            if self.exact:
                continue      # a choice that is not there is not hidden: nothing to keep
            label = self.labels.get(key)
            moved = [c for c in scene.choices if c.once and c.label.plain == label] \
                if scene is not None and isinstance(label, str) else []
            if len(moved) == 1:
                out.add(moved[0].key)
        return frozenset(out)

    def history(self, data: Any) -> tuple[Step, ...]:
        steps = []
        for entry in _list(data, "its history"):
            e = _list(entry, "a step of its history")
            if len(e) != 6:
                raise Damaged("a step of its history is incomplete")
            t = self.time(e[0], "the time of a step of its history")
            scene = self.scene_record(e[1], "a step of its history")
            kind = _text(e[2], "the kind of a step", 10)
            if kind not in _KINDS:
                raise Damaged(f"a step of its history is of an unknown kind `{kind}`")
            label = _text(e[3], "the label of a step", MAX_LABEL)
            key = _text(e[4], "the key of a step", MAX_ID)
            remember = None if e[5] is None else _text(e[5], "a remembered choice", MAX_TEXT)
            steps.append(Step(t, scene, kind, label, key, remember))
        return tuple(steps)

    def trail(self, data: Any) -> tuple[tuple[int, str], ...]:
        out = []
        for entry in _list(data, "its trail"):
            e = _list(entry, "a step of its trail")
            if len(e) != 2:
                raise Damaged("a step of its trail is not a time and a scene")
            out.append((self.time(e[0], "the time of a step of its trail"),
                        self.scene_record(e[1], "a step of its trail")))
        return tuple(out)

    def witnessed(self, data: Any) -> tuple[tuple[int, str], ...]:
        """What the player saw of the night's events, as the author's phrases (a record for
        the ending screen; saves made before it was kept have none)."""
        out = []
        for entry in _list(data, "the events it witnessed"):
            e = _list(entry, "an event witnessed")
            if len(e) != 2:
                raise Damaged("an event witnessed is not a time and a phrase")
            out.append((self.time(e[0], "the time of an event witnessed"),
                        _text(e[1], "an event witnessed", MAX_TEXT)))
        return tuple(out)

    def scene_record(self, value: Any, what: str) -> str:
        """A scene named in the history or trail: a record of what happened, kept even when
        the scene is gone (every screen that shows one skips a scene it does not know)."""
        return _id(value, f"the scene of {what}")


# ---------------------------------------------------------------------- plain checks


def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Damaged(f"{what} is missing or not a record")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise Damaged(f"{what} is not a list")
    return value


def _int(value: Any, what: str, lo: int, hi: int) -> int:
    if type(value) is not int or not lo <= value <= hi:
        raise Damaged(f"{what} is not a whole number in range")
    return value


def _text(value: Any, what: str, longest: int) -> str:
    if type(value) is not str or len(value) > longest:
        raise Damaged(f"{what} is not text of at most {longest:,} characters")
    return value


def _id(value: Any, what: str) -> str:
    if type(value) is not str or not value or len(value) > MAX_ID:
        raise Damaged(f"{what} is not a name")
    return value


def _value(value: Any, what: str) -> None:
    t = type(value)
    if t is bool:
        return
    if t is int:
        if abs(value) > MAX_NUMBER:
            raise Damaged(f"{what} is beyond {MAX_NUMBER:,}, the largest number a night holds")
        return
    if t is str:
        if len(value) > MAX_TEXT:
            raise Damaged(f"{what} is longer than {MAX_TEXT:,} characters")
        return
    raise Damaged(f"{what} is not true/false, a number or text")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value[:40]}"'
    return str(value)
