"""The architecture holds: the engine is pure, and nothing under it knows about screens."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "src" / "winterpalace"


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = path.relative_to(PKG.parent).with_suffix("").parts[:-node.level]
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
    return found


def calls(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name) and n.func.id == name]


def test_engine_uses_the_standard_library_only() -> None:
    for path in sorted((PKG / "engine").glob("*.py")):
        for mod in imports(path):
            top = mod.split(".")[0]
            assert top == "winterpalace" and mod.startswith("winterpalace.engine") \
                or top in sys.stdlib_module_names or top == "__future__", (path.name, mod)


def test_engine_does_no_io_and_never_evaluates_text() -> None:
    for path in sorted((PKG / "engine").glob("*.py")):
        for fn in ("print", "open", "input", "eval", "exec", "compile", "__import__"):
            assert not calls(path, fn), (path.name, fn)


def test_loading_knows_nothing_of_screens() -> None:
    for folder in ("scenario", "engine"):
        for path in sorted((PKG / folder).glob("*.py")):
            for mod in imports(path):
                assert not mod.startswith(("rich", "prompt_toolkit", "winterpalace.ui",
                                           "winterpalace.classroom", "asyncssh")), (path, mod)


def test_yaml_is_only_ever_read_safely() -> None:
    for path in sorted(PKG.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "yaml":
                assert node.attr not in ("load", "load_all", "unsafe_load", "full_load",
                                         "UnsafeLoader", "FullLoader", "Loader"), \
                    (path, node.lineno, node.attr)
        assert not calls(path, "eval") and not calls(path, "exec"), path
