"""README's and docs/playing.md's command tables list exactly the commands `help` lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from winterpalace.session import Session

ROOT = Path(__file__).resolve().parent.parent


def table_commands(text: str) -> list[str]:
    """The first command word of each row of the table headed `| command | what it does |`."""
    table = text.split("| command | what it does |", 1)[1].split("\n\n", 1)[0]
    rows = [ln for ln in table.splitlines() if ln.startswith("| `")]
    return [re.match(r"\| `(\S+?)[ `]", row).group(1) for row in rows]  # type: ignore[union-attr]


@pytest.mark.parametrize("doc", ["README.md", "docs/playing.md"])
def test_the_command_table_matches_help(doc: str) -> None:
    words = [usage.split()[0] for usage in Session.COMMANDS.help()]
    assert table_commands((ROOT / doc).read_text(encoding="utf-8")) == words
