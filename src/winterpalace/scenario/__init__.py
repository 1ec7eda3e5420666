"""YAML scenario folders -> validated `World`s, with located errors.

What other packages use is exported here. Importing this package stays light (no YAML parser,
no loader): a scenario found in the compiled-scenario cache starts without them. The names that
need them (the `Loader` the language server extends, the YAML composer the walkthroughs read
with, the lesson's and the stats' field tables) are imported on first use.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .errors import Problem, ScenarioError, Sources, render_problems
from .fields import (
    AREA_FIELDS,
    CHARACTER_FIELDS,
    CHOICE_FIELDS,
    CLOCK_FIELDS,
    DECISION_FIELDS,
    ENDING_FIELDS,
    EVENT_FIELDS,
    FILE_FIELDS,
    ITEM_FIELDS,
    PLACE_FIELDS,
    REACH_FIELDS,
    REDIRECT_FIELDS,
    ROLE_FIELDS,
    SCENE_FIELDS,
    STINT_FIELDS,
    VARIANT_FIELDS,
    WORLD_FIELDS,
)
from .files import WORLD_FILE, FileProblem, read_bounded
from .lint import LINT_FIELDS, Suppression
from .load import default_scenario_dir, load_scenario
from .report import load_or_report

# Name -> the module it is in, imported when the name is first asked for.
_LAZY = {
    "Loader": "loader", "SECTION_KINDS": "loader", "Entry": "reader",
    "compose": "yamlnodes", "too_deep": "yamlnodes",
    "EASY_FIELDS": "lesson", "EXCERPT_FIELDS": "lesson", "FACTION_FIELDS": "lesson",
    "LESSON_FIELDS": "lesson", "PACKET_FIELDS": "lesson", "VOTE_FIELDS": "lesson",
    "RULES": "lesson", "STAT_FIELDS": "stats",
}

if TYPE_CHECKING:   # the checker sees them as they are
    from .lesson import (
        EASY_FIELDS,
        EXCERPT_FIELDS,
        FACTION_FIELDS,
        LESSON_FIELDS,
        PACKET_FIELDS,
        RULES,
        VOTE_FIELDS,
    )
    from .loader import SECTION_KINDS, Loader
    from .reader import Entry
    from .stats import STAT_FIELDS
    from .yamlnodes import compose, too_deep


def __getattr__(name: str) -> Any:
    home = _LAZY.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


# `cache` is the compiled-scenario cache (`cache.turned_off()` for `--no-cache`).
__all__ = [
    "AREA_FIELDS", "CHARACTER_FIELDS", "CHOICE_FIELDS", "CLOCK_FIELDS", "DECISION_FIELDS",
    "EASY_FIELDS", "ENDING_FIELDS", "EVENT_FIELDS", "EXCERPT_FIELDS", "Entry", "FACTION_FIELDS",
    "FILE_FIELDS", "FileProblem", "ITEM_FIELDS", "LESSON_FIELDS", "LINT_FIELDS", "Loader",
    "PACKET_FIELDS", "PLACE_FIELDS", "Problem", "REACH_FIELDS", "REDIRECT_FIELDS", "ROLE_FIELDS",
    "RULES", "SCENE_FIELDS", "SECTION_KINDS", "STAT_FIELDS", "STINT_FIELDS", "ScenarioError",
    "Sources", "Suppression", "VARIANT_FIELDS", "VOTE_FIELDS", "WORLD_FIELDS", "WORLD_FILE",
    "cache", "compose", "default_scenario_dir", "load_or_report", "load_scenario", "read_bounded",
    "render_problems", "too_deep"
]
