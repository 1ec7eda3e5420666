"""Hypothesis over save files: any bytes, any JSON, any hand edit of a valid save.

Each must give a clear refusal or a game that plays, never a traceback and never a changed file.
"""

from __future__ import annotations

import copy
import json
import tempfile
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winterpalace.engine.limits import MAX_NUMBER
from winterpalace.menus import Flow
from winterpalace.saves import SaveError, SaveStore, checksum
from winterpalace.scenario import load_scenario
from winterpalace.session import Session

from .conftest import EXAMPLE

WORLD = load_scenario(EXAMPLE)
COMMANDS = ["look", "1", "2", "w", "undo", "history", "map", "inventory", "notes", "1",
            "undo 5", "3"]
SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _base() -> dict[str, Any]:
    """A valid save with a few undo levels, as a dict."""
    with tempfile.TemporaryDirectory() as root:
        store = SaveStore(WORLD, root)
        s, _ = Session.new(WORLD, "officer", seed=3)
        s.store = store
        for line in ("1", "wait 5", "go up", "wait 5"):
            s.handle(line)
        return json.loads(store.path("autosave-officer").read_bytes())


BASE = _base()


def _sealed(data: Any) -> bytes:
    if isinstance(data, dict):
        data = dict(data)
        data.pop("checksum", None)
        data["checksum"] = checksum(data)
    return json.dumps(data).encode()


def _check(raw: bytes) -> None:
    """The file gives a refusal or a playable game, and is not changed by either (a game
    fitted to the scenario goes on at once; the file as it was is kept beside it)."""
    with tempfile.TemporaryDirectory() as root:
        store = SaveStore(WORLD, root)
        store.folder.mkdir(parents=True)
        path = store.folder / "x.json"
        path.write_bytes(raw)
        info = store.info("x")
        assert store.saves()[0].slot == "x"
        try:
            loaded = store.load("x")
        except SaveError as e:
            assert info.problem and "Traceback" not in str(e)
            out = Flow(WORLD, store=store, confirm=False).resume("x")
            assert out[0].kind == "error"
        else:
            assert info.problem is None
            session = Session(WORLD, loaded.game, list(loaded.undo))
            session.view()
            for line in COMMANDS:
                session.handle(line)       # an exception here fails the test
            flow = Flow(WORLD, store=store, confirm=False)
            assert "Welcome back" in flow.resume("x")[0].text
            if loaded.changes:
                files = {p.name: p.read_bytes() for p in store.folder.iterdir()}
                kept = [name for name, b in files.items() if b == raw]
                assert kept and (kept == ["x.json"] or kept[0].endswith("-before-edit.json")), \
                    sorted(files)
                return
        assert path.read_bytes() == raw
        assert sorted(p.name for p in store.folder.iterdir()) == ["x.json"]


@SETTINGS
@given(st.binary(max_size=3000))
def test_any_bytes(raw: bytes) -> None:
    _check(raw)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=25)


@SETTINGS
@given(JSON, st.booleans())
def test_any_json_with_or_without_a_good_checksum(value: Any, framed: bool) -> None:
    if framed:   # past the first checks: a save's frame around any game at all
        value = {**{k: v for k, v in BASE.items() if k not in ("game", "undo")},
                 "game": value, "undo": [value] if isinstance(value, dict) else value}
        raw = _sealed(value)
    else:
        raw = json.dumps(value).encode()
    _check(raw)


IDS = sorted({*WORLD.scenes, *WORLD.items, *WORLD.notes, *WORLD.roles, *WORLD.variables,
              *WORLD.world_flags, *(e.id for e in WORLD.events), "nowhere", ""})
NUMBERS = st.sampled_from([-1, 0, 1, 7, WORLD.clock.start - 1, WORLD.clock.start,
                           WORLD.clock.end, WORLD.clock.end + 1, MAX_NUMBER, MAX_NUMBER + 1,
                           2**63, 2**64, -(2**64) - 1]) | st.integers()


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _places(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _places(v, (*path, i))
    return out


PLACES = [p for p in _places(BASE) if p[0] != "checksum"]


@st.composite
def edited(draw: Any) -> bytes:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PLACES))
        parent: Any = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue                       # an earlier edit took this place away
        if not isinstance(parent, (dict, list)):
            continue
        how = draw(st.sampled_from(["id", "number", "text", "json", "drop", "double"]))
        last = path[-1]
        if how == "drop":
            del parent[last]
        elif how == "double" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        else:
            parent[last] = draw({"id": st.sampled_from(IDS), "number": NUMBERS,
                                 "text": st.text(max_size=30), "json": JSON,
                                 "double": JSON}[how])
    if draw(st.booleans()):
        data["fingerprint"] = "an older scenario"    # the save is fitted, not checked exactly
    return _sealed(data)


@SETTINGS
@given(edited())
def test_any_hand_edit_of_a_valid_save(raw: bytes) -> None:
    _check(raw)


def test_the_base_save_itself_plays() -> None:
    _check(_sealed(BASE))
    assert len(BASE["undo"]) == 3       # the edits reach into undo levels too
