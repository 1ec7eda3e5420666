"""`winterpalace lsp` driven over stdio by a real client, as an editor drives it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from winterpalace.tools.lsp.client import Client

LIGHTHOUSE = Path(__file__).parent / "lighthouse"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[Client, Path]]:
    root = tmp_path / "lighthouse"
    shutil.copytree(LIGHTHOUSE, root)
    client = Client()
    try:
        caps = client.initialize(root)["capabilities"]
        assert caps["hoverProvider"] and caps["definitionProvider"]
        assert caps["completionProvider"] and caps["codeActionProvider"]
        yield client, root
    finally:
        client.close()


def pos(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    lines = text.splitlines()
    n = next(i for i, line in enumerate(lines) if needle in line)
    return n, lines[n].index(needle) + offset


@pytest.mark.slow
def test_diagnostics_as_the_author_types(session: tuple[Client, Path]) -> None:
    client, root = session
    jetty = root / "shared" / "jetty.yaml"
    text = jetty.read_text()
    client.open(jetty)
    assert client.diagnostics(jetty)[1] == []                       # clean
    # A typo in a go: an error, located, with a code and a quick fix.
    bad = text.replace("go: boat", "go: baot")
    client.change(jetty, bad, 2)
    _, diags = client.diagnostics(jetty, where=bool)
    [d] = diags
    line, col = pos(bad, "baot")
    assert d["range"]["start"] == {"line": line, "character": col}
    assert d["range"]["end"] == {"line": line, "character": col + 4}
    assert d["severity"] == 1 and d["code"] == "unknown-scene"
    assert "did you mean `boat`?" in d["message"]
    [action] = client.request("textDocument/codeAction", {
        "textDocument": {"uri": jetty.as_uri()}, "range": d["range"],
        "context": {"diagnostics": diags}})
    assert action["kind"] == "quickfix"
    assert action["edit"]["changes"][jetty.as_uri()] == [{"range": d["range"],
                                                          "newText": "boat"}]
    # Fixed, then a label a command shadows: a warning from the analysis, with its code.
    shadowed = text.replace("label: Watch the sound", "label: Look")
    client.change(jetty, shadowed, 3)
    _, diags = client.diagnostics(jetty, where=bool)
    [w] = diags
    assert w["severity"] == 2 and w["code"] == "shadowed-label"
    assert w["range"]["start"]["line"] == pos(shadowed, "label: Look")[0]
    client.change(jetty, text, 4)
    assert client.diagnostics(jetty, where=lambda d: d == [])[1] == []
    # Another file's mistake is published for that file, not this one.
    tower = root / "keeper" / "tower.yaml"
    client.open(tower, tower.read_text().replace("go: jetty", "go: jety"))
    _, diags = client.diagnostics(tower, where=bool)
    assert [d["code"] for d in diags] == ["unknown-scene"]


@pytest.mark.slow
def test_completion_definition_hover(session: tuple[Client, Path]) -> None:
    client, root = session
    jetty = root / "shared" / "jetty.yaml"
    text = jetty.read_text()
    client.open(jetty)
    client.diagnostics(jetty)

    def labels(line: int, col: int) -> set[str]:
        return {i["label"] for i in client.at("textDocument/completion", jetty, line, col)["items"]}

    # go: completes scene ids.
    line, col = pos(text, "go: stairs", 4)
    assert {"lamp_room", "stairs", "cottage", "keeper_dawn"} <= labels(line, col)
    # In an if:, after `has(`: items; after a space: variables, flags and functions.
    edited = text.replace("if: has(rope)", "if: has(")
    client.change(jetty, edited, 2)
    line, col = pos(edited, "if: has(", len("if: has("))
    assert labels(line, col) == {"lantern", "rope", "oilcan"}
    line, col = pos(edited, 'if: role == "smuggler" and', len("if: "))
    got = labels(line, col)
    assert {"saw_boat", "storm", "cargo_landed", "present", "time", "role"} <= got
    # otherwise: offers hide and show.
    edited = text.replace("        takes: 5m\n", "        takes: 5m\n        otherwise: \n", 1)
    client.change(jetty, edited, 3)
    line, col = pos(edited, "otherwise: ", len("otherwise: "))
    assert {"hide", "show"} <= labels(line, col)
    # A field name under a choice.
    edited = text.replace("        takes: 5m\n", "        takes: 5m\n        rem\n", 1)
    client.change(jetty, edited, 4)
    line, col = pos(edited, "        rem", len("        rem"))
    assert {"remember", "result", "once", "otherwise"} <= labels(line, col)
    client.change(jetty, text, 5)

    # Go to definition from a go: to the scene in another file.
    line, col = pos(text, "go: stairs", 6)
    loc = client.at("textDocument/definition", jetty, line, col)
    tower = (root / "keeper" / "tower.yaml").resolve()
    assert loc["uri"] == tower.as_uri()
    assert loc["range"]["start"]["line"] == pos(tower.read_text(), "  stairs:")[0]

    # Hover: a field's documentation, and what an id is.
    line, col = pos(text, "label:", 1)
    hover = client.at("textDocument/hover", jetty, line, col)["contents"]["value"]
    assert "**label** (choice)" in hover and "may type" in hover
    line, col = pos(text, "place: jetty", 1)
    assert "place id" in client.at("textDocument/hover", jetty, line, col)["contents"]["value"]
    line, col = pos(text, "go: stairs", 5)
    hover = client.at("textDocument/hover", jetty, line, col)["contents"]["value"]
    assert "**stairs** (scene) The tower stairs" in hover

    # A request that raced an edit shortening the file (a position past its end, or a column
    # past a line's end) finds nothing there: no error, and the server goes on.
    end = len(text.splitlines())
    for line, col in ((end + 3, 0), (9999, 4), (end, 0), (0, 500)):
        assert client.at("textDocument/hover", jetty, line, col) is None
        assert client.at("textDocument/definition", jetty, line, col) is None
        client.at("textDocument/completion", jetty, line, col)       # raises on an error
    line, col = pos(text, "place: jetty", 1)
    assert "place id" in client.at("textDocument/hover", jetty, line, col)["contents"]["value"]


def test_incremental_reload_matches_a_fresh_load(tmp_path: Path) -> None:
    """Reusing unchanged files and scenes gives what loading from scratch gives, and a
    declaration removed in one file is missed where another file names it."""
    from winterpalace.scenario import ScenarioError, load_scenario
    from winterpalace.tools.lsp.project import Project

    root = tmp_path / "lh"
    shutil.copytree(LIGHTHOUSE, root)
    project = Project(root.resolve())
    assert project.load().loaded
    tower = (root / "keeper" / "tower.yaml").resolve()
    text = tower.read_text()

    def same_as_fresh(edited: str) -> None:
        project.overlays = {str(tower): edited}
        report = project.load()
        tower.write_text(edited)
        try:
            fresh = load_scenario(root)
        except ScenarioError as e:
            assert not report.loaded
            assert sorted(p.message for ps in report.by_file.values() for p in ps) == \
                sorted(p.message for p in e.problems)
            return
        assert report.loaded and project.world is not None
        got, want = project.world, fresh
        assert {s: (sc.title, sc.where.line, [(c.label.plain, c.go, c.where.line)
                                             for c in sc.choices])
                for s, sc in got.scenes.items()} == \
            {s: (sc.title, sc.where.line, [(c.label.plain, c.go, c.where.line)
                                           for c in sc.choices])
             for s, sc in want.scenes.items()}

    same_as_fresh(text.replace("One hundred and eight", "One hundred and nine"))
    same_as_fresh(text.replace("  stairs:\n", "  steps:\n"))       # jetty.yaml names `stairs`
    report_files = {Path(f).name for f in project.load().by_file}
    assert "jetty.yaml" in report_files
    same_as_fresh(text.replace("    choices:\n", "    choices:\n      - { label: Pause }\n", 1))
    same_as_fresh(text)
    assert project.load().reused >= 4
