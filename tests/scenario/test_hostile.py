"""Hostile or huge scenario folders: every one is a located error and exit 2, never a traceback.

Each generator below writes a folder that once gave a Python traceback (RecursionError,
ValueError, MemoryError), hung, or read a whole filesystem. The commands that load a scenario
(`check`, `play --scenes`, `test`, `graph`) must answer each with `file:line:col: message` on
stderr and exit status 2, with short output; a few go through the real `winterpalace` process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winterpalace.cli import main
from winterpalace.engine import limits
from winterpalace.scenario import ScenarioError, load_scenario
from winterpalace.scenario import files as scenario_files
from winterpalace.scenario import loader as scenario_loader
from winterpalace.scenario.files import FileProblem, read_bounded

WORLD = """\
scenario: tiny
title: Tiny
clock: { start: 1917-10-25 18:00, end: 1917-10-26 03:00 }
roles:
  r: { name: Someone, intro: Hello., start: a, at: "18:00", time_out: out }
places:
  p: { name: A place }
variables:
  n: 1
"""

SCENES = """\
scenes:
  a:
    title: A
    place: p
    text: TEXT
    choices:
      - { label: Leave, go: out, if: COND }
  out: { title: Out, place: p, text: Gone., ending: { title: Gone, epilogue: Bye. } }
"""


def scenes(text: str = "Here.", cond: str = "n > 0") -> str:
    return SCENES.replace("TEXT", _q(text)).replace("COND", _q(cond))


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(root: Path, files: dict[str, str | bytes], world: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if world:
        (root / "world.yaml").write_text(WORLD)
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body)
    return root


def _fifo(root: Path) -> Path:
    write(root, {"s.yaml": scenes()})
    os.mkfifo(root / "pipe.yaml")
    return root


def _link_loop(root: Path) -> Path:
    write(root, {"s.yaml": scenes()})
    os.symlink("b.yaml", root / "a.yaml")
    os.symlink("a.yaml", root / "b.yaml")
    os.symlink("..", root / "up")        # links to folders are not followed
    os.symlink(".", root / "self")
    return root


def _device(root: Path) -> Path:
    write(root, {"s.yaml": scenes()})
    os.symlink("/dev/zero", root / "zero.yaml")
    return root


def _dangling(root: Path) -> Path:
    write(root, {"s.yaml": scenes()})
    os.symlink("nowhere.yaml", root / "gone.yaml")
    return root


def _laughs() -> str:
    lines = ["glossary:", "  l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return scenes() + "\n".join(lines) + "\n"


# name -> (builder, the file the error is in, a piece of its message)
Builder = Callable[[Path], Path]
CASES: dict[str, tuple[Builder, str, str]] = {
    "parentheses": (lambda r: write(r, {"s.yaml": scenes(cond="(" * 120 + "n > 0" + ")" * 120)}),
                    "s.yaml", "nests too deeply"),
    "calls": (lambda r: write(r, {"s.yaml": scenes(cond="max(" * 200 + "n, 1" + ")" * 200
                                                  + " > 0")}), "s.yaml", "nests too deeply"),
    "not": (lambda r: write(r, {"s.yaml": scenes(cond="not " * 990 + "n > 0")}),
            "s.yaml", "too deep"),
    "minus": (lambda r: write(r, {"s.yaml": scenes(cond="-" * 990 + "n > 0")}),
              "s.yaml", "too deep"),
    "sum": (lambda r: write(r, {"s.yaml": scenes(cond=" + ".join(["n"] * 500) + " > 0")}),
            "s.yaml", "too deep"),
    "tokens": (lambda r: write(r, {"s.yaml": scenes(cond=" or ".join(["n > 0"] * 1000))}),
               "s.yaml", "too long"),
    "int literal": (lambda r: write(r, {"s.yaml": scenes(cond="n > " + "9" * 4400)}),
                    "s.yaml", "more than 30 digits"),
    "duration literal": (lambda r: write(r, {"s.yaml": scenes(cond="n > " + "9" * 4400 + "m")}),
                         "s.yaml", "too long a duration"),
    "text literal": (lambda r: write(r, {"s.yaml": scenes(cond="'" + "x" * 20_000 + "' == ''")}),
                     "s.yaml", "at most 10,000"),
    "conditional text": (lambda r: write(r, {"s.yaml": scenes(
        text="{n > 0: a " * 450 + "b" + "}" * 450)}), "s.yaml", "nests too deeply"),
    "yaml flow nesting": (lambda r: write(r, {"s.yaml": "scenes: " + "[" * 1200 + "]" * 1200}),
                          "s.yaml", "nesting"),
    "yaml block nesting": (lambda r: write(r, {"s.yaml": "scenes:\n" + "".join(
        "  " * (i + 1) + f"k{i}:\n" for i in range(1100))}), "s.yaml", "nesting"),
    "yaml int": (lambda r: write(r, {"s.yaml": "variables:\n  big: " + "9" * 5000 + "\n"
                                     + scenes()}), "s.yaml", "largest number"),
    "initial text": (lambda r: write(r, {"s.yaml": "variables:\n  t: " + "x" * 20_000 + "\n"
                                         + scenes()}), "s.yaml", "a text holds at most"),
    "stored literal": (lambda r: write(r, {"s.yaml": scenes().replace(
        "go: out,", "go: out, do: [\"n = 10000000000000000\"],")}), "s.yaml", "always be refused"),
    "aliases": (lambda r: write(r, {"s.yaml": _laughs()}), "s.yaml", "aliases"),
    "self alias": (lambda r: write(r, {"s.yaml": scenes() + "glossary:\n  a: &a [*a]\n"}),
                   "s.yaml", "inside its own anchor"),
    "many values": (lambda r: write(r, {"s.yaml": "glossary: {a: [" + ",".join(["a"] * 500_000)
                                        + "]}\n" + scenes()}), "s.yaml", "values"),
    "huge key": (lambda r: write(r, {"s.yaml": scenes() + "places:\n  ? " + "k" * 2_000_000
                                     + "\n  : { name: x, nme: y }\n"}), "s.yaml", "nme"),
    "one 50 MB line": (lambda r: write(r, {"s.yaml": "scenes: {a: " + "x" * 50_000_000 + "}}\n"}),
                       "s.yaml", "YAML syntax"),
    "binary": (lambda r: write(r, {"s.yaml": bytes(range(256)) * 64}), "s.yaml", "not UTF-8"),
    "NUL": (lambda r: write(r, {"s.yaml": scenes("Here.\x00")}), "s.yaml", "U+0000"),
    "escape": (lambda r: write(r, {"s.yaml": "a: \x1b[31m\n"}), "s.yaml", "U+001B"),
    "escaped escape": (lambda r: write(r, {"s.yaml": scenes().replace('"Here."', '"\\e[2JHere."')}),
                       "s.yaml", "U+001B"),
    "escaped bidi": (lambda r: write(r, {"s.yaml": scenes().replace('"Here."', '"\\u202eHere."')}),
                     "s.yaml", "U+202E"),
    "latin-1": (lambda r: write(r, {"s.yaml": scenes("Café").encode("latin-1")}),
                "s.yaml", "not UTF-8"),
    "utf-16": (lambda r: write(r, {"s.yaml": scenes().encode("utf-16")}), "s.yaml", "not UTF-8"),
    "FIFO": (_fifo, "pipe.yaml", "FIFO"),
    "link loop": (_link_loop, "a.yaml", "loop"),
    "device": (_device, "zero.yaml", "device"),
    "dangling link": (_dangling, "gone.yaml", "link to nothing"),
    "no world.yaml": (lambda r: write(r, {"s.yaml": scenes()}, world=False),
                      "world.yaml", "no world.yaml"),
    "world.yaml a folder": (lambda r: write(r, {"world.yaml/s.yaml": scenes()}, world=False),
                            "world.yaml", "not a regular file"),
}
SLOW = {"one 50 MB line", "many values", "huge key"}
LOCATED = re.compile(r"^(?P<file>[^\n]*?):(?P<line>\d+):(?P<col>\d+): ", re.MULTILINE)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    got = capsys.readouterr()
    return code, got.out + got.err


def assert_located(output: str, file: str, piece: str) -> None:
    assert "Traceback" not in output
    assert len(output) < 20_000, output[:2000]   # excerpts are windows, messages are clipped
    heads = [m for m in LOCATED.finditer(output) if m.group("file").endswith(file)]
    assert heads, output[:2000]
    assert any(piece in output[m.start():output.find("\n", m.start())] for m in heads), \
        output[:2000]


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_locates_every_hostile_folder(name: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    build, file, piece = CASES[name]
    root = build(tmp_path / "scn")
    code, output = run(["check", str(root)], capsys)
    assert code == 2, output[:2000]
    assert_located(output, file, piece)


@pytest.mark.parametrize("name", sorted(set(CASES) - SLOW))
def test_every_loading_command_locates_them_too(name: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    build, file, piece = CASES[name]
    root = build(tmp_path / "scn")
    for args in (["play", "--scenes", str(root), "--plain", "--role", "r"],
                 ["test", str(root), "--random", "3", "--no-progress"],
                 ["graph", str(root)]):
        code, output = run(args, capsys)
        assert code == 2, (args, output[:2000])
        assert_located(output, file, piece)


def test_the_real_command_on_hostile_folders(tmp_path: Path) -> None:
    """Through `winterpalace` processes: exit 2, located, short, no traceback; `check /` and
    `play --scenes /usr` are refused at once (no world.yaml: nothing else is read)."""
    folders = {name: CASES[name][0](tmp_path / str(i)) for i, name in
               enumerate(["FIFO", "parentheses", "yaml flow nesting", "aliases"])}
    runs = [(["check", str(root)], CASES[name][1], CASES[name][2])
            for name, root in folders.items()]
    runs += [(["play", "--scenes", str(folders["FIFO"]), "--plain"], "pipe.yaml", "FIFO"),
             (["check", "/"], "world.yaml", "no world.yaml"),
             (["play", "--scenes", "/usr", "--plain"], "world.yaml", "no world.yaml")]
    for args, file, piece in runs:
        done = subprocess.run([sys.executable, "-m", "winterpalace", *args], input="",
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 2, (args, done.stderr[-2000:])
        assert_located(done.stdout + done.stderr, file, piece)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = write(tmp_path / "scn", {"s.yaml": scenes()})
    with open(root / "big.yaml", "wb") as f:
        f.truncate(limits.MAX_FILE_BYTES + 1)   # sparse: no time spent writing it
    code, output = run(["check", str(root)], capsys)
    assert code == 2
    assert_located(output, "big.yaml", "larger than 64 MB")
    assert "big.yaml:1:1:" in output


def test_read_bounded_trusts_no_size_and_reads_only_files(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(FileProblem, match="larger than"):
        read_bounded(path, 99)
    os.mkfifo(tmp_path / "p.yaml")
    with pytest.raises(FileProblem, match="FIFO"):
        read_bounded(tmp_path / "p.yaml")   # opened without blocking: no writer, no hang
    with pytest.raises(FileProblem, match="folder"):
        read_bounded(tmp_path)


@pytest.mark.parametrize("limit, value, message", [
    ("MAX_FILES", 2, "more than 2 YAML files"),
    ("MAX_FOLDER_ENTRIES", 3, "more than 3 files and folders"),
    ("MAX_FOLDER_DEPTH", 2, "folders nest more than 2 deep"),
])
def test_folder_walks_are_capped(limit: str, value: int, message: str, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path / "scn", {"s.yaml": scenes(), "x/y/z/t.yaml": "glossary: {}\n",
                                    "u.yaml": "glossary: {}\n", "v.yaml": "glossary: {}\n"})
    monkeypatch.setattr(scenario_files, limit, value)
    with pytest.raises(ScenarioError) as info:
        load_scenario(root)
    assert any(message in p.message for p in info.value.problems), info.value.problems


def test_total_bytes_and_error_count_are_capped(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path / "scn", {"s.yaml": scenes(), "t.yaml": "glossary: {a: b}\n"})
    monkeypatch.setattr(scenario_loader, "MAX_TOTAL_BYTES", 300)
    with pytest.raises(ScenarioError) as info:
        load_scenario(root)
    assert "files together are larger than" in info.value.problems[-1].message
    monkeypatch.undo()
    places = "places:\n" + "".join(f"  q{i}: {{ nme: x }}\n" for i in range(3000))
    write(root, {"t.yaml": places})
    with pytest.raises(ScenarioError) as info:
        load_scenario(root)
    assert len(info.value.problems) == limits.MAX_PROBLEMS
    assert "the loader stopped there" in info.value.summary()


# --------------------------------------------------------------------------- generated nesting

@st.composite
def conditions(draw: st.DrawFn) -> str:
    """A condition of randomly chosen nestings, up to 400 levels: numbers inside parentheses,
    `-`, calls and sums; conditions inside `not`, parentheses, `and` and `or`."""
    number = "n"
    for kind in draw(st.lists(st.sampled_from(["()", "-", "max", "+", "*"]), max_size=200)):
        number = {"()": f"({number})", "-": f"-{number}", "max": f"max({number}, 1)",
                  "+": f"{number} + 1", "*": f"2 * {number}"}[kind]
    cond = f"{number} > 0"
    for kind in draw(st.lists(st.sampled_from(["()", "not", "and", "or"]), max_size=200)):
        cond = {"()": f"({cond})", "not": f"not {cond}", "and": f"n > 1 and {cond}",
                "or": f"{cond} or n < 0"}[kind]
    return cond


@st.composite
def texts(draw: st.DrawFn) -> str:
    depth = draw(st.integers(0, 60))
    opening = draw(st.lists(st.sampled_from(["{n > 0: ", "{n > 1: a|", "{{", "{n}"]),
                            min_size=depth, max_size=depth))
    closing = "".join("}" for o in opening if o.startswith("{n >"))
    return "".join(opening) + "x" + closing


@st.composite
def yaml_nestings(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 1500))
    kinds = draw(st.lists(st.sampled_from(["[", "{a: "]), min_size=depth, max_size=depth))
    return "glossary: " + "".join(kinds) + "x" + "".join("]" if k == "[" else "}"
                                                          for k in reversed(kinds)) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cond=conditions(), text=texts(), glossary=yaml_nestings())
def test_generated_nestings_load_or_give_located_errors(tmp_path: Path, cond: str, text: str,
                                                        glossary: str) -> None:
    root = write(tmp_path / "gen", {"s.yaml": scenes(text, cond), "g.yaml": glossary})
    try:
        load_scenario(root)
    except ScenarioError as e:
        for p in e.problems:
            assert p.line >= 1 and p.col >= 1 and p.file.endswith(".yaml"), p


@pytest.mark.parametrize("name", ["yaml flow nesting", "yaml block nesting", "NUL", "aliases",
                                  "self alias", "escaped escape"])
def test_the_pure_python_yaml_reader_is_bounded_too(name: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml, pyyaml composes in Python, recursing once per level: it stops at
    MAX_YAML_DEPTH with a located error, and every other bound holds the same."""
    from winterpalace.scenario import yamlnodes
    monkeypatch.setattr(yamlnodes, "_Composer", None)
    build, file, piece = CASES[name]
    with pytest.raises(ScenarioError) as info:
        load_scenario(build(tmp_path / "scn"))
    [p] = [p for p in info.value.problems if p.file.endswith(file)]
    assert p.line >= 1 and p.col >= 1 and (piece in p.message or "nesting deeper" in p.message)


def test_the_values_of_all_files_are_counted_together(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Many files each under the limit must not add up: the loader keeps some nodes until
    every file is read."""
    from winterpalace.scenario import yamlnodes
    root = write(tmp_path / "scn", {"s.yaml": scenes(), "t.yaml": "glossary: {a: b, c: d}\n"})
    world_and_scenes = 72    # world.yaml and s.yaml hold 69; t.yaml 7 more
    monkeypatch.setattr(yamlnodes, "MAX_YAML_NODES", world_and_scenes)
    with pytest.raises(ScenarioError) as info:
        load_scenario(root)
    assert any("the scenario's files together hold more than 72 values" in p.message
               for p in info.value.problems), info.value.problems


WALKTHROUGHS = {
    "huge integer": ("role: r\nseed: " + "9" * 5000 + "\nsteps: []\n", "more than 40 digits"),
    "impossible date": ("role: r\nsteps: [{do: 1, expect: {when: 2001-02-30}}]\n",
                        "cannot be read"),
    "deep": ("role: r\nsteps: " + "[" * 900 + "]" * 900 + "\n", "nests more than"),
    "self alias": ("role: r\nsteps: [&a [*a]]\n", "inside its own anchor"),
    "NUL": ("role: r\x00\n", "U+0000"),
}


@pytest.mark.parametrize("name", sorted(WALKTHROUGHS) + ["FIFO"])
def test_hostile_walkthrough_files_are_located_errors(name: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "w.yaml"
    if name == "FIFO":
        os.mkfifo(path)
        piece = "FIFO"
    else:
        body, piece = WALKTHROUGHS[name]
        path.write_text(body)
    code, output = run(["test", "--walkthroughs", str(path)], capsys)
    assert code == 2
    assert_located(output, "w.yaml", piece)
