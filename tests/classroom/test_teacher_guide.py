"""docs/classroom.md, followed as a teacher would: its install line is the README's and brings
the classroom server with it, and every option it lists is one the command takes."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from winterpalace import cli

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "classroom.md"


def test_the_install_line_is_the_readmes_and_brings_the_server():
    readme = (ROOT / "README.md").read_text("utf-8")
    play = next(b for b in re.findall(r"```\n(.+?)\n```", readme) if b.endswith("winterpalace"))
    install = play.removesuffix(" && .venv/bin/winterpalace")
    guide = GUIDE.read_text("utf-8")
    assert f"```\n{install}\n```" in guide
    for doc in [readme, *(p.read_text("utf-8") for p in (ROOT / "docs").glob("*.md"))]:
        assert "[classroom]" not in doc and "needs asyncssh" not in doc
    # The server's libraries come with a plain install, no extra to name.
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = [re.split(r"[<>=\s]", d)[0] for d in deps["dependencies"]]
    assert {"asyncssh", "platformdirs"} <= set(names)
    required = [r for r in metadata.requires("winterpalace") or [] if "extra ==" not in r]
    assert any(r.startswith("asyncssh") for r in required)


def test_every_option_the_guide_lists_is_one_the_command_takes(capsys):
    guide = GUIDE.read_text("utf-8")
    table = guide[guide.index("| option | what it does |"):]
    table = table[:table.index("\n\n")]
    listed = re.findall(r"^\| `(--[a-z-]+)", table, re.MULTILINE)
    assert "--advertise" in listed and len(listed) >= 10
    assert cli.main(["classroom", "--help"]) == 0
    helped = capsys.readouterr().out
    for option in listed:
        assert option in helped, option
