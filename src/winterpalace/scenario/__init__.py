"""YAML scenario folders -> validated `World`s, with located errors.

What other packages use is exported here. Importing this package stays light (no YAML parser,
no loader): a scenario found in the compiled-scenario cache starts without them. The loader
(`scenario.loader.Loader`), its `NodeReader` and the YAML composer (`scenario.yamlnodes`) are
imported from their modules by the few tools that extend them (the language server).
"""

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

__all__ = [
    "AREA_FIELDS", "CHARACTER_FIELDS", "CHOICE_FIELDS", "CLOCK_FIELDS", "DECISION_FIELDS",
    "ENDING_FIELDS", "EVENT_FIELDS", "FILE_FIELDS", "ITEM_FIELDS", "LINT_FIELDS",
    "PLACE_FIELDS", "REACH_FIELDS", "REDIRECT_FIELDS", "ROLE_FIELDS", "SCENE_FIELDS",
    "STINT_FIELDS", "VARIANT_FIELDS", "WORLD_FIELDS", "WORLD_FILE", "FileProblem", "Problem",
    "ScenarioError", "Sources", "Suppression", "default_scenario_dir", "load_or_report",
    "load_scenario", "read_bounded", "render_problems",
]
