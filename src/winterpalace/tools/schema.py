"""`winterpalace schema`: a JSON Schema of the scene format, for editors' YAML extensions.

Field names and which are required come from the loader's own tables, so the schema cannot
drift from what `check` accepts; the schema adds types, patterns and descriptions.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..scenario import loader as L

TIME = {"$ref": "#/$defs/time"}
DURATION = {"$ref": "#/$defs/duration"}
EXPR = {"$ref": "#/$defs/expression"}
TEXT = {"type": "string"}
BOOL = {"type": "boolean"}
EFFECTS = {"$ref": "#/$defs/effects"}
ID = {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"}


def _obj(fields: dict[str, bool], props: dict[str, Any], description: str) -> dict[str, Any]:
    missing = set(fields) - set(props)
    assert not missing, f"schema lacks {missing}"   # a loader field with no schema: fix here
    return {"type": "object", "description": description, "additionalProperties": False,
            "properties": {k: props[k] for k in fields},
            "required": [k for k, req in fields.items() if req]}


def _map(item: Any, description: str) -> dict[str, Any]:
    return {"type": ["object", "null"], "description": description,
            "propertyNames": {"pattern": ID["pattern"]}, "additionalProperties": item}


def build_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one scenario file (world.yaml or a scene file)."""
    defs: dict[str, Any] = {
        "time": {"type": ["string", "integer"], "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$",
                 "description": 'a 24-hour time, quoted: "22:00"'},
        "duration": {"type": "string", "pattern": r"^\s*(\d+\s*h)?\s*(\d+\s*m(in)?)?\s*$",
                     "description": "a duration with a unit: 10m, 1h, 1h30m"},
        "expression": {"type": ["string", "boolean"],
                       "description": "a condition, e.g. `resolve > 1 and has(revolver)`"},
        "effects": {"description": "effects: `x = 1`, `x += 1`, `give(item)`, `learn(note)`",
                    "oneOf": [{"type": "string"},
                              {"type": "array", "items": {"type": "string"}}]},
        "value": {"type": ["integer", "boolean", "string"],
                  "description": "a starting value: a number, true/false or text"},
    }
    defs["clock"] = _obj(L.CLOCK_FIELDS, {
        "start": {"type": "string", "description": 'date and time: "1917-10-25 18:00"'},
        "end": {"type": "string", "description": "at most 24 hours after the start"},
        "calendar": {"enum": ["julian", "gregorian"]},
        "default_takes": DURATION}, "the night's clock")
    defs["role"] = _obj(L.ROLE_FIELDS, {
        "name": TEXT, "title": TEXT, "intro": TEXT,
        "start": {**ID, "description": "the first scene"}, "at": TIME,
        "time_out": {**ID, "description": "the ending scene when the clock runs out"},
        "variables": _map({"$ref": "#/$defs/value"}, "this role's own starting values")},
        "a role a player can take")
    defs["variant"] = _obj(L.VARIANT_FIELDS, {"if": EXPR, "text": TEXT, "append": BOOL},
                           "other text when a condition holds")
    defs["choice"] = _obj(L.CHOICE_FIELDS, {
        "label": TEXT, "go": {**ID, "description": "the scene to go to; leave out to stay"},
        "takes": DURATION, "after": TIME, "before": TIME, "if": EXPR,
        "otherwise": {"type": "string", "description": "hide, show, or the reason shown"},
        "once": BOOL, "do": EFFECTS, "result": TEXT, "remember": TEXT,
        "told": {**TEXT, "description": "the result told, not shown: used in content mode"}},
        "a choice")
    defs["ending"] = _obj(L.ENDING_FIELDS, {
        "title": TEXT, "epilogue": TEXT, "note": TEXT, "historical": BOOL,
        "told": {**TEXT, "description": "the epilogue told, not shown: used in content mode"}},
        "makes the scene an ending")
    defs["redirect"] = _obj(L.REDIRECT_FIELDS, {"if": EXPR, "go": ID},
                            "on entering, go straight on if the condition holds")
    defs["decision"] = _obj(L.DECISION_FIELDS, {
        "id": ID, "question": TEXT, "history": TEXT, "source": TEXT,
        "prompts": {"type": "object", "additionalProperties": False,
                    "properties": {s: TEXT for s in L.PROMPT_STAGES}}},
        "a decision point for the classroom debrief")
    defs["scene"] = _obj(L.SCENE_FIELDS, {
        "title": TEXT, "place": ID, "text": TEXT,
        "variants": {"type": "array", "items": {"$ref": "#/$defs/variant"}},
        "choices": {"type": "array", "items": {"$ref": "#/$defs/choice"}},
        "ending": {"$ref": "#/$defs/ending"},
        "wait": {"oneOf": [DURATION, BOOL]},
        "on_enter": EFFECTS,
        "redirect": {"type": "array", "items": {"$ref": "#/$defs/redirect"}},
        "content_notes": {"type": "array", "items": {"type": "string"}},
        "decision": {"$ref": "#/$defs/decision"},
        "told": {**TEXT, "description": "violence told, not shown: used in content mode"}},
        "a scene")
    defs["place"] = _obj(L.PLACE_FIELDS, {"name": TEXT, "area": ID, "detail": TEXT}, "a place")
    defs["area"] = {"oneOf": [TEXT, _obj(L.AREA_FIELDS, {"name": TEXT}, "an area")]}
    defs["item"] = {"oneOf": [TEXT, _obj(L.ITEM_FIELDS, {"name": TEXT, "about": TEXT},
                                         "an item")]}
    defs["stint"] = _obj(L.STINT_FIELDS, {"at": ID, "from": TIME, "until": TIME, "if": EXPR},
                         "where a character is, from when until when")
    defs["character"] = _obj(L.CHARACTER_FIELDS, {
        "name": TEXT, "about": TEXT, "invented": BOOL,
        "schedule": {"type": "array", "items": {"$ref": "#/$defs/stint"}}}, "a character")
    defs["reach"] = _obj(L.REACH_FIELDS, {
        "if": EXPR, "text": TEXT, "go": ID, "do": EFFECTS,
        "told": {**TEXT, "description": "the text told, not shown: used in content mode"}},
        "how an event reaches a player")
    reaches = {"type": "array", "items": {"$ref": "#/$defs/reach"}}
    defs["event"] = _obj(L.EVENT_FIELDS, {"title": TEXT, "at": TIME, "if": EXPR, "do": EFFECTS,
                                          "narrate": reaches}, "something on the clock")
    defs.update(_lesson_defs())
    sections = {
        "lesson": {"$ref": "#/$defs/lesson"},
        "variables": _map({"$ref": "#/$defs/value"}, "each player's own variables"),
        "world_flags": _map({"$ref": "#/$defs/value"}, "values shared by everyone"),
        "scenes": _map({"$ref": "#/$defs/scene"}, "scenes by id"),
        "places": _map({"$ref": "#/$defs/place"}, "places by id"),
        "areas": _map({"$ref": "#/$defs/area"}, "groups of places"),
        "characters": _map({"$ref": "#/$defs/character"}, "people with schedules"),
        "items": _map({"$ref": "#/$defs/item"}, "things a player can carry"),
        "events": _map({"$ref": "#/$defs/event"}, "things that happen on the clock"),
        "narrate": _map(reaches, "more ways events reach players"),
        "glossary": {"type": ["object", "null"], "description": "terms explained",
                     "additionalProperties": TEXT},
        "notes": _map(TEXT, "facts a player can learn"),
        "scenario": {"type": "string", "description": "the scenario's id, kept in saves"},
        "title": TEXT, "subtitle": TEXT, "clock": {"$ref": "#/$defs/clock"},
        "roles": _map({"$ref": "#/$defs/role"}, "the roles"),
    }
    fields = {**{k: False for k in L.WORLD_FIELDS}, **L.SECTION_FIELDS}
    top = _obj(fields, sections, "A Winter Palace scenario file: world.yaml (which also needs "
               "scenario, title, clock and roles) or a scene file.")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://winterpalace.invalid/scene-format.schema.json",
            "title": "Winter Palace scenario file", **top, "$defs": defs}


def _lesson_defs() -> dict[str, Any]:
    """The `lesson:` section (role sheets, factions, votes; scenario/lesson.py)."""
    from ..scenario import lesson as LS
    texts = {"type": "array", "items": TEXT}
    easy = _obj(LS.EASY_FIELDS, {"who": TEXT, "goal": TEXT, "secret_goal": TEXT,
                                 "knows": texts}, "the easier-reading sheet")
    excerpt = _obj(LS.EXCERPT_FIELDS, {"text": TEXT, "source": TEXT}, "a passage and source")
    sheet = {"name": TEXT, "who": TEXT, "goal": TEXT, "secret_goal": TEXT, "knows": texts,
             "excerpts": {"type": "array", "items": excerpt}, "glossary": texts, "easy": easy}
    value = {"$ref": "#/$defs/value"}
    share = {"oneOf": [TEXT, {"type": "object", "additionalProperties": {"type": "number"}}]}
    vote = _obj(LS.VOTE_FIELDS, {
        "decision": ID, "ballot": ID, "role": ID, "yes": TEXT, "no": TEXT,
        "options": {"type": "object", "additionalProperties": value},
        "rule": {"enum": list(LS.RULES)}, "flag": ID, "carried": value, "lost": value,
        "replaces": ID, "hold": TIME, "seats_flag": ID,
        "history": {"type": "object", "additionalProperties": share}}, "a vote the class decides")
    return {"lesson": _obj(LS.LESSON_FIELDS, {
        "faction_variable": ID,
        "roles": {"type": "object", "additionalProperties":
                  _obj(LS.PACKET_FIELDS, sheet, "a role sheet")},
        "factions": {"type": "object", "additionalProperties": _obj(
            LS.FACTION_FIELDS, {**sheet, "role": ID, "seats": {"type": "integer"}},
            "a faction's sheet and seats")},
        "votes": {"type": "object", "additionalProperties": vote}},
        "the classroom lesson: role sheets, factions, votes")}


def register(sub: Any) -> None:
    p = sub.add_parser("schema", help="print a JSON Schema of the scene format",
                       description="Print a JSON Schema of scenario files, for an editor's "
                       "YAML extension (completion and inline validation). See "
                       "docs/authoring.md.")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=cmd_schema)


def cmd_schema(args: argparse.Namespace) -> int:
    text = json.dumps(build_schema(), indent=2) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            sys.stderr.write(f"winterpalace: cannot write {args.output}: {e.strerror}\n")
            return 1
        return 0
    sys.stdout.write(text)
    return 0
