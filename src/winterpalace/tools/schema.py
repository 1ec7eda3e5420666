"""`winterpalace schema`: JSON Schemas of the scene format, for editors' YAML extensions.

Field names and which are required come from the loader's own tables, and every field's
description from `fielddocs`, so the schema cannot drift from what `check` accepts. There are
three: `world` (world.yaml: scenario, title, clock and roles, and any section), `scenes` (any
other file: sections only) and `any` (either, for an editor that cannot tell them apart).
Pattern mistakes carry a readable message (`patternErrorMessage`, which yaml-language-server
and VS Code show instead of the regular expression).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..errors import EXIT_BAD_SCENARIO, EXIT_ERROR, EXIT_OK, stderr
from .fielddocs import describe, tables

KINDS = ("any", "world", "scenes")
TIME_RE = r"^([01]?\d|2[0-3]):[0-5]\d$"
def _nocase(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" for c in word)


# engine/clock.py's duration grammar: `10m`, `1h30m`, `2h30`, `90 min`, `2 hours 15 minutes`.
_HOURS = "(" + "|".join(_nocase(w) for w in ("hours", "hour", "hrs", "hr", "h")) + ")"
_MINUTES = "(" + "|".join(_nocase(w) for w in ("minutes", "minute", "mins", "min", "m")) + ")"
DURATION_RE = (rf"^\s*(\d+\s*{_HOURS}(\s*,?\s*(and\s+)?\d+\s*{_MINUTES}?)?"
               rf"|\d+\s*{_MINUTES})\s*$")   # never empty
ID_RE = r"^[A-Za-z_][A-Za-z0-9_]*$"

TIME = {"$ref": "#/$defs/time"}
DURATION = {"$ref": "#/$defs/duration"}
EXPR = {"$ref": "#/$defs/expression"}
TEXT = {"type": "string"}
BOOL = {"type": "boolean"}
EFFECTS = {"$ref": "#/$defs/effects"}
ID = {"type": "string", "pattern": ID_RE,
      "patternErrorMessage": "an id: letters, digits and _, not starting with a digit"}
TEXTS = {"type": "array", "items": TEXT}


def _obj(kind: str, props: dict[str, Any], description: str) -> dict[str, Any]:
    """An object with exactly the loader's fields of `kind`, each described."""
    fields = tables()[kind]
    missing = set(fields) - set(props)
    assert not missing, f"schema lacks {kind}.{missing}"   # a loader field with no schema
    out = {}
    for k in fields:
        # `allOf` keeps a $ref's own rules while giving this use of it its own description.
        prop = props[k]
        text = describe(kind, k)
        out[k] = {"allOf": [prop], "description": text, "markdownDescription": text} \
            if "$ref" in prop else {**prop, "description": text, "markdownDescription": text}
    return {"type": "object", "description": description, "additionalProperties": False,
            "properties": out, "required": [k for k, req in fields.items() if req]}


def _map(item: Any, description: str) -> dict[str, Any]:
    return {"type": ["object", "null"], "description": description,
            "propertyNames": {"pattern": ID_RE}, "additionalProperties": item}


def _defs() -> dict[str, Any]:
    defs: dict[str, Any] = {
        "time": {"type": ["string", "integer"], "pattern": TIME_RE,
                 "patternErrorMessage": 'a 24-hour time, quoted: "22:00"',
                 "description": 'a 24-hour time, quoted: "22:00"'},
        "duration": {"type": "string", "pattern": DURATION_RE,
                     "patternErrorMessage": "a duration with a unit: 10m, 1h, 1h30m or "
                                            "90 min",
                     "description": "a duration with a unit: 10m, 1h, 1h30m"},
        "expression": {"type": ["string", "boolean"],
                       "description": "a condition, e.g. `resolve > 1 and has(revolver)`"},
        "effects": {"description": "effects: `x = 1`, `x += 1`, `give(item)`, `learn(note)`",
                    "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "value": {"type": ["integer", "boolean", "string"],
                  "description": "a starting value: a number, true/false or text"},
        "lint": None,
    }
    defs["lint"] = _obj("lint", {
        "ignore": {"oneOf": [TEXT, TEXTS]}, "why": {**TEXT, "minLength": 1}},
        "silence findings of `check`, with a reason")
    lint = {"$ref": "#/$defs/lint"}
    defs["clock"] = _obj("clock", {
        "start": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$",
                  "patternErrorMessage": 'a date and time: "1917-10-25 18:00"'},
        "end": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$",
                "patternErrorMessage": 'a date and time: "1917-10-26 06:00"'},
        "calendar": {"enum": ["julian", "gregorian"]},
        "default_takes": DURATION}, "the night's clock")
    defs["role"] = _obj("role", {
        "name": TEXT, "title": TEXT, "intro": TEXT, "start": ID, "at": TIME, "time_out": ID,
        "variables": _map({"$ref": "#/$defs/value"}, "this role's own starting values")},
        "a role a player can take")
    defs["variant"] = _obj("variant", {"if": EXPR, "text": TEXT, "append": BOOL},
                           "other text when a condition holds")
    defs["choice"] = _obj("choice", {
        "label": TEXT, "go": ID, "takes": DURATION, "after": TIME, "before": TIME, "if": EXPR,
        # `hide` and `show` are offered by editors; any other text is the reason shown.
        "otherwise": {"anyOf": [{"enum": ["hide", "show"]}, {"type": "string"}]},
        "once": BOOL, "do": EFFECTS, "result": TEXT, "remember": TEXT, "told": TEXT,
        "lint": lint}, "a choice")
    defs["ending"] = _obj("ending", {"title": TEXT, "epilogue": TEXT, "note": TEXT,
                                     "historical": BOOL, "told": TEXT},
                          "makes the scene an ending")
    defs["redirect"] = _obj("redirect", {"if": EXPR, "go": ID},
                            "on entering, go straight on if the condition holds")
    defs["decision"] = _obj("decision", {
        "id": ID, "question": TEXT, "history": TEXT, "source": TEXT,
        "prompts": {"type": "object", "additionalProperties": False,
                    "properties": dict.fromkeys(("feelings", "facts", "learned", "then_and_now"), TEXT)}},
        "a decision point for the classroom debrief")
    defs["scene"] = _obj("scene", {
        "title": TEXT, "place": ID, "text": TEXT,
        "variants": {"type": "array", "items": {"$ref": "#/$defs/variant"}},
        "choices": {"type": "array", "items": {"$ref": "#/$defs/choice"}},
        "ending": {"$ref": "#/$defs/ending"},
        "wait": {"oneOf": [DURATION, BOOL]},
        "on_enter": EFFECTS,
        "redirect": {"type": "array", "items": {"$ref": "#/$defs/redirect"}},
        "content_notes": TEXTS, "decision": {"$ref": "#/$defs/decision"}, "told": TEXT,
        "brief": TEXT, "lint": lint}, "a scene")
    defs["place"] = _obj("place", {"name": TEXT, "area": ID, "detail": TEXT}, "a place")
    defs["area"] = {"oneOf": [TEXT, _obj("area", {"name": TEXT}, "an area")]}
    defs["item"] = {"oneOf": [TEXT, _obj("item", {"name": TEXT, "about": TEXT}, "an item")]}
    defs["stint"] = _obj("stint", {"at": ID, "from": TIME, "until": TIME, "if": EXPR},
                         "where a character is, from when until when")
    defs["character"] = _obj("character", {
        "name": TEXT, "about": TEXT, "invented": BOOL,
        "schedule": {"type": "array", "items": {"$ref": "#/$defs/stint"}}}, "a character")
    defs["reach"] = _obj("reach", {"if": EXPR, "text": TEXT, "go": ID, "do": EFFECTS,
                                   "told": TEXT, "remember": TEXT},
                         "how an event reaches a player")
    defs["stat"] = _obj("stat", {"show": ID, "name": TEXT, "about": TEXT,
                                 "out_of": {"type": "integer", "minimum": 1},
                                 "when_true": TEXT, "when_false": TEXT,
                                 "values": {"type": "object", "additionalProperties": TEXT}},
                        "a quality the `stats` screen shows")
    reaches = {"type": "array", "items": {"$ref": "#/$defs/reach"}}
    defs["event"] = _obj("event", {"title": TEXT, "at": TIME, "if": EXPR, "do": EFFECTS,
                                   "narrate": reaches}, "something on the clock")
    defs.update(_lesson_defs())
    return defs


def _sections() -> dict[str, Any]:
    reaches = {"type": "array", "items": {"$ref": "#/$defs/reach"}}
    return {
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
        "glossary": {"type": ["object", "null"], "additionalProperties": TEXT},
        "notes": _map(TEXT, "facts a player can learn"),
        "lint": {"$ref": "#/$defs/lint"},
    }


def build_schema(kind: str = "any") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of world.yaml (`world`), of other scenario files
    (`scenes`), or of either (`any`)."""
    assert kind in KINDS, kind
    sections = _sections()
    world_props = {"scenario": {**TEXT, "pattern": r"^[A-Za-z0-9_-]+$",
                                "patternErrorMessage": "an id: letters, digits, - and _"},
                   "title": TEXT, "subtitle": TEXT, "clock": {"$ref": "#/$defs/clock"},
                   "roles": _map({"$ref": "#/$defs/role"}, "the roles"),
                   "stats": _map({"type": "array", "items": {"$ref": "#/$defs/stat"}},
                                 "each role's `stats` screen")}
    file_schema = _obj("file", sections, "A scene file of a Winter Palace scenario: sections "
                       "only (the world's own fields live in world.yaml).")
    world_schema = _obj("world", world_props, "")
    if kind == "scenes":
        top = file_schema
        title = "Winter Palace scene file"
    else:
        props = {**file_schema["properties"], **world_schema["properties"]}
        top = {"type": "object", "additionalProperties": False, "properties": props,
               "required": world_schema["required"] if kind == "world" else []}
        if kind == "world":
            title = "Winter Palace world.yaml"
            top["description"] = ("A scenario's world.yaml: scenario, title, clock and roles, "
                                  "and any section a scene file may hold.")
        else:
            title = "Winter Palace scenario file"
            top["description"] = ("A Winter Palace scenario file: world.yaml (which also needs "
                                  "scenario, title, clock and roles) or a scene file.")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://winterpalace.invalid/{kind}.schema.json",
            "title": title, **top, "$defs": _defs()}


def _lesson_defs() -> dict[str, Any]:
    """The `lesson:` section (role sheets, factions, votes; scenario/lesson.py)."""
    from ..scenario import RULES
    easy = _obj("easy", {"who": TEXT, "goal": TEXT, "secret_goal": TEXT, "knows": TEXTS},
                "the easier-reading sheet")
    excerpt = _obj("excerpt", {"text": TEXT, "source": TEXT}, "a passage and source")
    sheet = {"name": TEXT, "who": TEXT, "goal": TEXT, "secret_goal": TEXT, "knows": TEXTS,
             "excerpts": {"type": "array", "items": excerpt}, "glossary": TEXTS, "easy": easy}
    value = {"$ref": "#/$defs/value"}
    share = {"oneOf": [TEXT, {"type": "object", "additionalProperties": {"type": "number"}}]}
    vote = _obj("vote", {
        "decision": ID, "ballot": ID, "role": ID, "yes": TEXT, "no": TEXT,
        "options": {"type": "object", "additionalProperties": value},
        "rule": {"enum": list(RULES)}, "flag": ID, "carried": value, "lost": value,
        "replaces": ID, "hold": TIME, "seats_flag": ID,
        "history": {"type": "object", "additionalProperties": share}}, "a vote the class decides")
    return {"lesson": _obj("lesson", {
        "faction_variable": ID,
        "roles": {"type": "object", "additionalProperties": _obj("packet", sheet, "a role sheet")},
        "factions": {"type": "object", "additionalProperties": _obj(
            "faction", {**sheet, "role": ID, "seats": {"type": "integer"}},
            "a faction's sheet and seats")},
        "votes": {"type": "object", "additionalProperties": vote}},
        "the classroom lesson: role sheets, factions, votes")}


def register(sub: Any) -> None:
    p = sub.add_parser("schema", help="print a JSON Schema of the scene format",
                       description="Print a JSON Schema of scenario files, for an editor's "
                       "YAML extension (completion, hover and inline validation). See "
                       "docs/authoring.md.")
    p.add_argument("--output", "-o", metavar="FILE",
                   help="write here instead of standard output (with --kind all: a folder)")
    p.add_argument("--kind", choices=(*KINDS, "all"), default="any",
                   help="world (world.yaml), scenes (the other files), any (either; the "
                   "default), or all: the three files into the folder given with -o")
    p.set_defaults(func=cmd_schema)


def cmd_schema(args: argparse.Namespace) -> int:
    kind = getattr(args, "kind", "any")
    if kind == "all":
        if not args.output:
            stderr("winterpalace: --kind all needs -o FOLDER")
            return EXIT_BAD_SCENARIO
        folder = Path(args.output)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for k in KINDS:
                name = "winterpalace.schema.json" if k == "any" else f"winterpalace.{k}.schema.json"
                (folder / name).write_text(json.dumps(build_schema(k), indent=2) + "\n",
                                           encoding="utf-8")
        except OSError as e:
            stderr(f"winterpalace: cannot write into {folder}: {e.strerror}")
            return EXIT_ERROR
        return EXIT_OK
    text = json.dumps(build_schema(kind), indent=2) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            stderr(f"winterpalace: cannot write {args.output}: {e.strerror}")
            return EXIT_ERROR
        return EXIT_OK
    sys.stdout.write(text)
    return EXIT_OK
