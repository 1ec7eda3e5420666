"""The handouts stand on the engine and the scenario alone (and the bottom layer: the error
base, the sanitiser, the command table); the class session package stands
above them and imports nothing from the command line's top."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "src" / "winterpalace"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                base = path.relative_to(PKG.parent).with_suffix("").parts[:-node.level]
                mod = ".".join([*base, node.module] if node.module else base)
            if mod:
                found.add(mod)
                found |= {f"{mod}.{a.name}" for a in node.names}    # `from pkg import mod`
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_handouts_depend_only_on_the_engine_and_the_scenario() -> None:
    for path in sorted((PKG / "handouts").glob("*.py")):
        for mod in _imports(path):
            if mod.startswith("winterpalace."):
                inside = mod.split(".")[1]
                assert inside in ("errors", "sanitise", "commands", "engine", "scenario",
                                  "handouts"), (path.name, mod)


def test_the_class_session_is_one_package_below_the_command_line() -> None:
    assert not (PKG / "lesson").exists()
    for path in sorted((PKG / "classroom").glob("*.py")):
        for mod in _imports(path):
            assert mod not in ("winterpalace.cli", "winterpalace.lesson"), (path.name, mod)
            assert not mod.startswith(("winterpalace.lesson.", "winterpalace.tools")), \
                (path.name, mod)
    for name in ("session.py", "tools/simulated_players.py"):
        mods = _imports(PKG / name)
        # counting is the engine's (its votes module, or the engine's public API)
        assert mods & {"winterpalace.engine.votes", "winterpalace.engine.single_player",
                       "winterpalace.engine.historical"}, name
