"""The docs cover the format: every field the loader accepts, every value a field takes, and
every code `check` gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from winterpalace.scenario import lesson
from winterpalace.tools.codes import CODES
from winterpalace.tools.fielddocs import FIELDS, tables
from winterpalace.tools.schema import build_schema

DOCS = Path(__file__).resolve().parent.parent / "docs"
FORMAT = (DOCS / "scene-format.md").read_text(encoding="utf-8")
AUTHORING = (DOCS / "authoring.md").read_text(encoding="utf-8")


def documented(name: str, text: str) -> bool:
    return bool(re.search(rf"(^|[\s`{{,(]){re.escape(name)}:", text, re.M)) \
        or f"`{name}`" in text


@pytest.mark.parametrize("kind", sorted(tables()))
def test_every_field_is_in_scene_format_and_described(kind: str) -> None:
    for name in tables()[kind]:
        assert documented(name, FORMAT), f"{kind}.{name} is not in docs/scene-format.md"
        assert FIELDS[kind].get(name), f"{kind}.{name} has no description in fielddocs"


def enums(node: object) -> set[str]:
    """Every enumerated value anywhere in the schema."""
    out: set[str] = set()
    if isinstance(node, dict):
        out |= {str(v) for v in node.get("enum", ())}
        for v in node.values():
            out |= enums(v)
    elif isinstance(node, list):
        for v in node:
            out |= enums(v)
    return out


def test_every_value_a_field_takes_is_documented() -> None:
    values = enums(build_schema("any")) | set(lesson.RULES)
    assert {"julian", "gregorian", "hide", "show", "majority", "any"} <= values
    for v in values:
        assert f"`{v}`" in FORMAT or re.search(rf"\b{v}\b", FORMAT), v
    assert "`wait: true`" in FORMAT


def test_every_check_code_is_in_authoring() -> None:
    for code in CODES:
        assert f"`{code}`" in AUTHORING, f"{code} is not in the table of docs/authoring.md"


def test_the_docs_say_where_walkthroughs_live_and_how_others_are_simulated() -> None:
    assert "outside the scenario folder" in AUTHORING
    assert 'if: role == "keeper"' in AUTHORING
