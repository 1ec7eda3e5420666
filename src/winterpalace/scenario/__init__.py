"""YAML scenario folders -> validated `World`s, with located errors."""

from .errors import Problem, ScenarioError
from .load import default_scenario_dir, load_scenario

__all__ = ["Problem", "ScenarioError", "default_scenario_dir", "load_scenario"]
