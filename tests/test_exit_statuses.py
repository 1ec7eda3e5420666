"""One set of exit statuses and one way to standard error: a mistake in the command line is 2
(as argparse's own usage errors are), a failure 1, and every front end says so through
`errors.stderr`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from winterpalace.cli import main
from winterpalace.errors import EXIT_BAD_SCENARIO, EXIT_ERROR

ROOT = Path(__file__).parent.parent
SRC = ROOT / "src" / "winterpalace"
EXAMPLE = ROOT / "docs" / "example"


@pytest.mark.parametrize("argv,said", [
    (["schema", "--kind", "all"], "--kind all needs -o FOLDER"),
    (["graph", str(EXAMPLE), "--role", "tsar"], "no role 'tsar'"),
    (["test", str(EXAMPLE), "--role", "tsar"], "no role 'tsar'"),
    (["test", str(EXAMPLE), "--random", "0"], "--random needs at least 1"),
    (["test", str(EXAMPLE), "--jobs", "0"], "--jobs needs at least 1"),
    (["test", str(EXAMPLE), "--record", "x.yaml"], "--record needs --role"),
    (["classroom", "purge", "--older-than", "soon"], "not an age"),
    (["play", "--scenes", str(EXAMPLE), "--web", "0"], "--web takes a port"),
    # A folder the classroom's subcommands are given that is not there, or holds no session.
    (["classroom", "debrief", "/no/such/folder"], "/no/such/folder: no such folder"),
    (["classroom", "debrief", "."], "is not a session folder"),
    (["classroom", "debrief", "--saves", "/no/such"], "no classroom session in /no/such"),
    (["lesson", "debrief", "/no/such/folder"], "/no/such/folder: no such folder"),
    (["classroom", "purge", "--older-than", "30d", "--saves", "/no/such"], "no such folder"),
    (["classroom", "--resume", "/no/such/folder"], "/no/such/folder: no such folder"),
    (["classroom", "--resume", "--saves", "nothing-here"], "no classroom session to resume"),
    (["classroom", "--tls-cert", "/no/cert.pem", "--tls-key", "/no/key.pem", "--saves",
      "made"], "--tls-cert /no/cert.pem: no such file"),
])
def test_a_mistake_in_the_command_line_is_status_2(argv, said, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WINTERPALACE_SAVES", str(tmp_path / "saves"))
    assert main(argv) == EXIT_BAD_SCENARIO
    assert said in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()
    assert not (tmp_path / "nothing-here").exists() and not (tmp_path / "made").exists()


def test_a_failure_that_is_not_the_command_line_is_status_1(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    assert main(["schema", "--kind", "all", "-o", str(blocker / "s")]) == EXIT_ERROR
    assert "cannot write into" in capsys.readouterr().err


def test_one_set_of_statuses_and_one_stderr_helper():
    """errors.py alone defines exit statuses and writes to sys.stderr by hand (it survives a
    closed stderr; a direct write there would raise)."""
    for path in SRC.rglob("*.py"):
        if path == SRC / "errors.py":
            continue
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(SRC)
        assert not re.search(r"^\s*EXIT_\w+(\s*,\s*EXIT_\w+)*\s*=", text, re.M), where
        assert "sys.stderr.write" not in text, where
        assert not re.search(r"^def _?stderr\(", text, re.M), where
