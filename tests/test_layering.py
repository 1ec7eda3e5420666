"""The architecture holds: every layer imports only the layers under it, packages do not import
each other in circles, nothing reaches for another module's private names, and the engine is pure.

The layers, lowest first (a module may import its own package and anything in a lower layer;
packages in the same layer do not import each other):
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "src" / "winterpalace"

# Lowest first. A module belongs to the layer of the longest prefix that names it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("winterpalace", "winterpalace.errors", "winterpalace.sanitise", "winterpalace.commands"),
    ("winterpalace.engine",),                        # the pure core: standard library only
    ("winterpalace.scenario",),                      # YAML folders -> validated worlds
    ("winterpalace.saves",),                         # versioned, atomic saves
    ("winterpalace.session",),                       # one player's game: commands in, outputs out
    ("winterpalace.menus",),                         # title, role choice, ending: around a game
    ("winterpalace.ui", "winterpalace.web"),         # the terminal, plain and browser shells
    ("winterpalace.handouts",),                      # printed role sheets for a class
    ("winterpalace.classroom",),                     # a shared night for a class
    ("winterpalace.tools",),                         # authoring tools: they check all of it
    ("winterpalace.program",),                       # what every subcommand shares
    ("winterpalace.handouts.cli",),                  # the subcommands' front doors ...
    ("winterpalace.classroom.cli",),                 # (`classroom balance` is the packets')
    ("winterpalace.classroom.simulate",),            # simulated students: drive the whole door
    ("winterpalace.cli",),                           # the program's front door
    ("winterpalace.__main__",),                      # `python -m winterpalace`
)

__doc__ += "\n".join(f"    {n}. " + ", ".join(layer) for n, layer in enumerate(LAYERS)) + "\n"


def module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def layer_of(module: str) -> tuple[int, str]:
    """(layer number, the prefix that put it there) for a winterpalace module."""
    best = (-1, "")
    for n, layer in enumerate(LAYERS):
        for prefix in layer:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best[1]):
                best = (n, prefix)
    assert best[0] >= 0, f"{module} is in no layer: add it to LAYERS"
    return best


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imported(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for each import, at any depth (lazy ones too)."""
    found: list[tuple[str, list[str], int]] = []
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((module, [a.name for a in node.names], node.lineno))
    return found


def ours(module: str, names: list[str]) -> list[str]:
    """The winterpalace modules an import brings in (`from . import x` names module x)."""
    if not module.startswith("winterpalace"):
        return []
    subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
    return subs or [module]


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_nothing_imports_a_layer_above_it_or_beside_it() -> None:
    wrong = []
    for module, path in MODULES.items():
        mine, my_prefix = layer_of(module)
        for target_module, names, line in imported(path):
            for target in ours(target_module, names):
                theirs, their_prefix = layer_of(target)
                if package_of(target) == package_of(module) and theirs <= mine:
                    continue   # within one package, downwards or level
                if theirs > mine or (theirs == mine and their_prefix != my_prefix):
                    wrong.append(f"{path.relative_to(PKG.parent)}:{line}: {module} (layer {mine})"
                                 f" imports {target} (layer {theirs})")
    assert not wrong, "\n".join(wrong)


def test_packages_do_not_import_each_other_in_a_circle() -> None:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        for target_module, names, _ in imported(path):
            for target in ours(target_module, names):
                if package_of(target) != package_of(module):
                    graph.setdefault(package_of(module), set()).add(package_of(target))

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    circles = sorted(p for p in graph if reaches(p, p, {p}))
    assert not circles, f"packages in an import circle: {circles}"


def test_no_module_uses_another_modules_private_names() -> None:
    wrong = []
    for path in MODULES.values():
        aliases: dict[str, str] = {}
        for target_module, names, line in imported(path):
            if not target_module.startswith("winterpalace"):
                continue
            for name in names:
                if f"{target_module}.{name}" in MODULES:
                    aliases[name] = f"{target_module}.{name}"
                elif name.startswith("_") and not name.startswith("__"):
                    wrong.append(f"{path.relative_to(PKG.parent)}:{line}: {name} from {target_module}")
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in aliases and node.attr.startswith("_") \
                    and not node.attr.startswith("__"):
                wrong.append(f"{path.relative_to(PKG.parent)}:{node.lineno}: "
                             f"{aliases[node.value.id]}.{node.attr}")
    assert not wrong, "\n".join(wrong)


def test_other_packages_use_each_packages_public_names() -> None:
    """A name a package lists in `__all__` is imported from the package, not its submodules."""
    import importlib

    wrong = []
    for package in sorted({package_of(m) for m in MODULES if m.count(".") >= 1}):
        if (PKG.parent / package.replace(".", "/") / "__init__.py").exists():
            public = set(getattr(importlib.import_module(package), "__all__", ()))
        else:
            continue
        for module, path in MODULES.items():
            if package_of(module) == package:
                continue
            for target_module, names, line in imported(path):
                if target_module.startswith(package + "."):
                    wrong += [f"{path.relative_to(PKG.parent)}:{line}: {target_module}.{n}"
                              f" (import it from {package})" for n in names if n in public]
    assert not wrong, "\n".join(wrong)


def test_engine_uses_the_standard_library_only() -> None:
    for path in sorted((PKG / "engine").glob("*.py")):
        for module, _names, _ in imported(path):
            top = module.split(".")[0]
            assert top in sys.stdlib_module_names or top == "__future__" \
                or layer_of(module)[0] <= 1, (path.name, module)


def calls(path: Path, name: str) -> list[int]:
    return [n.lineno for n in ast.walk(tree(path)) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name) and n.func.id == name]


def test_engine_does_no_io_and_never_evaluates_text() -> None:
    for path in sorted((PKG / "engine").glob("*.py")):
        for fn in ("print", "open", "input", "eval", "exec", "compile", "__import__"):
            assert not calls(path, fn), (path.name, fn)


def test_loading_knows_nothing_of_screens() -> None:
    for folder in ("scenario", "engine", "saves"):
        for path in sorted((PKG / folder).glob("*.py")):
            for module, _, _ in imported(path):
                assert not module.startswith(("rich", "prompt_toolkit", "asyncssh", "aiohttp")), \
                    (path, module)


def test_yaml_is_only_ever_read_safely() -> None:
    for path in sorted(PKG.rglob("*.py")):
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "yaml":
                assert node.attr not in ("load", "load_all", "unsafe_load", "full_load",
                                         "UnsafeLoader", "FullLoader", "Loader"), \
                    (path, node.lineno, node.attr)
        assert not calls(path, "eval") and not calls(path, "exec"), path
