"""Reloading a scenario while it is played: the place kept, errors shown, nothing lost."""

from __future__ import annotations

import os
from pathlib import Path

from winterpalace.scenario import load_scenario
from winterpalace.session import Session
from winterpalace.tools.new import write_scenario
from winterpalace.tools.watch import Watcher


def _touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # a visible change


def test_reload_keeps_place_and_values(tmp_path: Path) -> None:
    root = tmp_path / "n"
    write_scenario(root)
    session, _ = Session.new(load_scenario(root), "messenger", 1)
    session.handle("Steady")            # courage 2, still on the quay
    session.handle("Walk")              # to the bridge
    w = Watcher(root)
    assert w.poll(session) is None      # nothing changed yet
    scenes = root / "scenes.yaml"
    _touch(scenes, scenes.read_text().replace("Sailors at a barricade", "Red Guards at a fire"))
    r = w.poll(session)
    assert r is not None and r.ok and not r.moved
    v = session.view()
    assert v.scene == "bridge" and "Red Guards at a fire" in v.text
    assert session.game.player.vars["courage"] == 2 and v.clock.hhmm == "20:25"


def test_reload_with_errors_keeps_playing(tmp_path: Path) -> None:
    root = tmp_path / "n"
    write_scenario(root)
    session, _ = Session.new(load_scenario(root), "messenger", 1)
    w = Watcher(root)
    scenes = root / "scenes.yaml"
    good = scenes.read_text()
    _touch(scenes, good.replace("go: bridge", "go: brige"))
    r = w.poll(session)
    assert r is not None and not r.ok
    assert "still playing the old version" in r.message
    assert "scenes.yaml" in r.errors and "did you mean `bridge`?" in r.errors and "^" in r.errors
    # The game goes on: not the loader's "Nothing was started." of `check` and `play`.
    assert "Nothing was started" not in r.errors + r.message
    assert "in 1 file; still playing the old version" in r.message
    session.handle("Walk")              # the old world still works
    assert session.view().scene == "bridge"
    _touch(scenes, good)
    assert w.poll(session).ok            # type: ignore[union-attr]


def test_reload_when_the_scene_is_gone(tmp_path: Path) -> None:
    root = tmp_path / "n"
    write_scenario(root)
    session, _ = Session.new(load_scenario(root), "messenger", 1)
    session.handle("Walk")
    w = Watcher(root)
    scenes = root / "scenes.yaml"
    text = scenes.read_text()
    text = text.replace("  bridge:\n", "  span:\n").replace("go: bridge", "go: span")
    _touch(scenes, text)
    r = w.poll(session)
    assert r is not None and r.ok and r.moved
    assert session.view().scene == "quay"
    assert "`bridge` is gone" in r.message
