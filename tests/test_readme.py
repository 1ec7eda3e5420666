"""The README's two commands stay true: CI runs the test command verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```\n(.+?)\n```", readme)
    test_cmd = next(b for b in blocks if "pytest" in b)
    play_cmd = next(b for b in blocks if b.endswith("winterpalace"))
    assert test_cmd in (ROOT / ".ci" / "run").read_text().splitlines()
    assert "pip install -e ." in play_cmd
