"""The architecture holds: every layer imports only the layers under it, modules and packages do
not import each other in circles, nothing reaches for another package's private names, and a
package's public names are used through the package. Also: the engine is pure, and YAML is
only read safely.

An import is any `import`/`from ... import` (at any depth: a lazy one counts) and any string
that names one of our modules (what `importlib.import_module` would be given).

The layers, lowest first (a module may import its own package and anything in a lower layer;
packages in the same layer do not import each other):
"""

from __future__ import annotations

import ast
import importlib
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
    ("winterpalace.program",),                       # the command line's helpers
    ("winterpalace.handouts.cli",),                  # the subcommands' front doors ...
    ("winterpalace.classroom.cli",),                 # (`classroom balance` is the packets')
    ("winterpalace.classroom.simulate",),            # simulated students: drive the whole door
    ("winterpalace.cli",),                           # the program's front door
    ("winterpalace.__main__",),                      # `python -m winterpalace`
)
ROOT = "winterpalace"
BOTTOM = LAYERS[0]

__doc__ += "\n".join(f"    {n}. " + ", ".join(layer) for n, layer in enumerate(LAYERS)) + "\n"


def module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}
PACKAGES = {m for m, p in MODULES.items() if p.name == "__init__.py"}


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(PKG.parent)}:{line}"


def layer_of(module: str) -> tuple[int, str]:
    """(layer number, the prefix that put it there) for a winterpalace module. The root
    package's prefix names only itself: a new top-level module must be given its layer."""
    best = (-1, "")
    for n, layer in enumerate(LAYERS):
        for prefix in layer:
            fits = module == prefix or (prefix != ROOT and module.startswith(prefix + "."))
            if fits and len(prefix) > len(best[1]):
                best = (n, prefix)
    return best


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


@cache
def for_types_only(path: Path) -> frozenset[int]:
    """Lines of imports under `if TYPE_CHECKING:` (names for annotations, never run)."""
    lines: set[int] = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            lines |= {n.lineno for s in node.body for n in ast.walk(s)
                      if isinstance(n, (ast.Import, ast.ImportFrom))}
    return frozenset(lines)


@cache
def imported(path: Path) -> tuple[tuple[str, tuple[str, ...], tuple[str | None, ...], int], ...]:
    """(module, names imported from it, the names they are bound to, line) for each import;
    a string naming a module is bound to nothing (None)."""
    found: list[tuple[str, tuple[str, ...], tuple[str | None, ...], int]] = []
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            found += [(a.name, (), (a.asname,), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((module, tuple(a.name for a in node.names),
                          tuple(a.asname or a.name for a in node.names), node.lineno))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.value in MODULES and node.value != ROOT:
            found.append((node.value, (), (None,), node.lineno))   # importlib's way in
    return tuple(found)


def ours(module: str, names: tuple[str, ...]) -> list[str]:
    """The winterpalace modules an import brings in (`from . import x` names module x)."""
    if module != ROOT and not module.startswith(ROOT + "."):
        return []
    subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
    return subs or [module]


def package_of(module: str) -> str:
    """The top-level package (or module) a module is part of: `winterpalace.tools`."""
    return ".".join(module.split(".")[:2])


def edges(run_time_only: bool = False) -> list[tuple[str, str, Path, int]]:
    """(importer, imported, file, line) between our modules (only those that run, if asked)."""
    return [(module, target, path, line)
            for module, path in MODULES.items()
            for target_module, names, _, line in imported(path)
            if not (run_time_only and line in for_types_only(path))
            for target in ours(target_module, names) if target in MODULES]


def test_every_module_is_in_a_layer() -> None:
    lost = [m for m in MODULES if layer_of(m)[0] < 0]
    assert not lost, f"in no layer (add them to LAYERS in this test): {lost}"


def test_nothing_imports_a_layer_above_it_or_beside_it() -> None:
    wrong = []
    for module, target, path, line in edges():
        mine, my_prefix = layer_of(module)
        theirs, their_prefix = layer_of(target)
        if package_of(target) == package_of(module) and theirs <= mine:
            continue   # within one package, downwards or level
        if theirs > mine or (theirs == mine and their_prefix != my_prefix):
            wrong.append(f"{where(path, line)}: {module} (layer {mine}) imports {target} "
                         f"(layer {theirs})")
    assert not wrong, "\n".join(wrong)


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles_between_packages_or_modules() -> None:
    """Not between top-level packages, not between a package's sub-packages, and not between
    modules, a lazy import included (a circle hidden in a function is still a circle). A
    package's `__init__` gathering its own modules is not a circle, nor are names imported
    for annotations only."""
    packages: dict[str, set[str]] = {}
    subpackages: dict[str, set[str]] = {}
    modules: dict[str, set[str]] = {}
    for module, target, _, _ in edges(run_time_only=True):
        if package_of(module) != package_of(target):
            packages.setdefault(package_of(module), set()).add(package_of(target))
        a, b = module.split(".")[:3], target.split(".")[:3]
        if a[:2] == b[:2] and a != b:
            subpackages.setdefault(".".join(a), set()).add(".".join(b))
        if module in PACKAGES and target.startswith(module + "."):
            continue
        modules.setdefault(module, set()).add(target)
    assert not _circles(packages), f"packages in an import circle: {_circles(packages)}"
    assert not _circles(subpackages), f"sub-packages in a circle: {_circles(subpackages)}"
    assert not _circles(modules), f"modules in an import circle: {_circles(modules)}"


@cache
def private_names_defined(package: str) -> frozenset[str]:
    """`_names` a package defines: functions, classes, attributes set on anything."""
    names: set[str] = set()
    for module, path in MODULES.items():
        if package_of(module) != package:
            continue
        for node in ast.walk(tree(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return frozenset(n for n in names if n.startswith("_") and not n.startswith("__"))


def test_no_module_uses_another_packages_private_names() -> None:
    """Not by importing them, not through a module imported under any name, and not as an
    attribute of anything when only another package defines that name (overriding one in a
    subclass included)."""
    wrong = []
    packages = sorted({package_of(m) for m in MODULES})
    for module, path in MODULES.items():
        mine = package_of(module)
        others = set().union(*(private_names_defined(p) for p in packages if p != mine))
        own = private_names_defined(mine)
        aliases: dict[str, str] = {}
        for target_module, names, bound, line in imported(path):
            if not ours(target_module, names):
                continue
            if not names:
                if bound[0]:                              # import winterpalace.x as y
                    aliases[bound[0]] = target_module
                continue
            for name, as_name in zip(names, bound, strict=True):
                if f"{target_module}.{name}" in MODULES:
                    aliases[as_name or name] = f"{target_module}.{name}"
                elif name.startswith("_") and not name.startswith("__") \
                        and package_of(target_module) != mine:
                    wrong.append(f"{where(path, line)}: {name} from {target_module}")
        for node in ast.walk(tree(path)):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                continue
            base = node.value.id if isinstance(node.value, ast.Name) else None
            if base in aliases and package_of(aliases[base]) != mine:
                wrong.append(f"{where(path, node.lineno)}: {aliases[base]}.{node.attr}")
            elif node.attr in others and node.attr not in own:
                wrong.append(f"{where(path, node.lineno)}: .{node.attr}, private to another "
                             "package")
        wrong += overrides_across_packages(module, path)
    assert not wrong, "\n".join(wrong)


@cache
def classes() -> dict[tuple[str, str], tuple[frozenset[str], tuple[tuple[str, str], ...]]]:
    """(module, class) -> (its `_methods`, its bases among our classes as (module, class))."""
    found: dict[tuple[str, str], tuple[frozenset[str], tuple[tuple[str, str], ...]]] = {}
    for module, path in MODULES.items():
        names: dict[str, tuple[str, str]] = {}
        for target_module, imported_names, bound, _ in imported(path):
            if not imported_names:
                continue
            for name, as_name in zip(imported_names, bound, strict=True):
                names[as_name or name] = (target_module, name)
        for node in tree(path).body:
            if isinstance(node, ast.ClassDef):
                names[node.name] = (module, node.name)
        for node in tree(path).body:
            if not isinstance(node, ast.ClassDef):
                continue
            methods = frozenset(n.name for n in node.body
                                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                                and n.name.startswith("_") and not n.name.startswith("__"))
            bases = tuple(names[b.id] for b in node.bases
                          if isinstance(b, ast.Name) and b.id in names)
            found[(module, node.name)] = (methods, bases)
    return found


def overrides_across_packages(module: str, path: Path) -> list[str]:
    """A class here overriding a `_method` of a base class in another package."""
    wrong = []
    table = classes()
    for node in tree(path).body:
        if not isinstance(node, ast.ClassDef):
            continue
        methods, bases = table[(module, node.name)]
        todo, seen = list(bases), set()
        while todo:
            base = todo.pop()
            if base in seen or base not in table:
                continue
            seen.add(base)
            base_methods, more = table[base]
            if package_of(base[0]) != package_of(module):
                wrong += [f"{where(path, node.lineno)}: {node.name} overrides {base[1]}.{m}, "
                          f"private to {package_of(base[0])}"
                          for m in sorted(methods & base_methods)]
            todo += more
    return wrong


def test_packages_are_used_through_their_public_names() -> None:
    """Another package imports a package's names from the package (or from a module the
    package lists in `__all__`), and only names the package makes public."""
    wrong = []
    public = {p: set(getattr(importlib.import_module(p), "__all__", ())) for p in PACKAGES}
    for module, path in MODULES.items():
        for target_module, names, bound, line in imported(path):
            if not ours(target_module, names) or target_module == ROOT or bound == (None,):
                continue          # the root; or a subcommand's module named in the registry
            owner = package_of(target_module)
            if owner not in PACKAGES or package_of(module) == owner:
                continue
            if target_module == owner:
                wrong += [f"{where(path, line)}: {owner}.{n} is not in its __all__"
                          for n in names if n not in public[owner]]
                continue
            listed = target_module[len(owner) + 1:].split(".")[0] in public[owner]
            if not listed and not names:
                wrong.append(f"{where(path, line)}: {target_module} (not in {owner}'s __all__)")
            for n in names if not listed else ():
                if f"{target_module}.{n}" in MODULES:
                    continue
                hint = f"import it from {owner}" if n in public[owner] else \
                    f"add it to {owner}'s __all__ if it is public"
                wrong.append(f"{where(path, line)}: {target_module}.{n} ({hint})")
    assert not wrong, "\n".join(wrong)


def _stdlib(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or top == "__future__"


def test_the_bottom_layer_uses_the_standard_library_only() -> None:
    for module, path in MODULES.items():
        if layer_of(module)[0] == 0:
            for target, _, _, line in imported(path):
                assert _stdlib(target) or layer_of(target)[0] == 0, (where(path, line), target)


def test_engine_uses_the_standard_library_only() -> None:
    for path in sorted((PKG / "engine").glob("*.py")):
        for module, _, _, line in imported(path):
            assert _stdlib(module) or layer_of(module)[0] <= 1, (where(path, line), module)


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
            for module, _, _, _ in imported(path):
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


def test_the_readme_and_the_architecture_guide_name_every_part() -> None:
    """A newcomer's two maps (README's Layout, docs/architecture.md) name every package and
    top-level module, so neither falls behind the code."""
    root = PKG.parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    guide = (root / "docs" / "architecture.md").read_text(encoding="utf-8")
    parts = [p.name + "/" if p.is_dir() else p.name for p in sorted(PKG.iterdir())
             if (p.is_dir() and (p / "__init__.py").exists())
             or (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))]
    for part in parts:
        assert part in layout, f"README's Layout does not name {part}"
        assert part.removesuffix("/") in guide, f"docs/architecture.md does not name {part}"
