"""What every field of the scene format means: one sentence each.

The JSON Schema's descriptions, the language server's hover and the test that holds
docs/scene-format.md to the format all read this table; the loader's field tables say which
fields exist, and a test fails when a field has no sentence here.
"""

from __future__ import annotations

# kind -> field -> description. Kinds are the loader's mappings (scenario/loader.py, lesson.py).
FIELDS: dict[str, dict[str, str]] = {
    "world": {
        "scenario": "The scenario's id, kept in saves (letters, digits, - and _).",
        "title": "The night's title, shown on the title screen and in `check`.",
        "subtitle": "One line shown under the title.",
        "clock": "When the night begins and ends (at most 24 hours), its calendar and the "
                 "default cost of a choice.",
        "roles": "The roles a player can take, by id.",
        "stats": "What each role's `stats` screen shows: `role: [{ show: variable, name: "
                 "..., out_of: 5 }]`.",
    },
    "stat": {
        "show": "The player variable shown (a number, true/false or text).",
        "name": "What the screen calls it: `Resolve`.",
        "about": "A few words on what it means.",
        "out_of": "Numbers: the most it can be, shown as `3 of 5`.",
        "when_true": "True/false: the words for true (default `yes`).",
        "when_false": "True/false: the words for false (default `no`).",
        "values": "Text: words for some of its values, `{ none: not chosen yet }` (others are "
                  "shown as they are).",
    },
    "file": {
        "variables": "Each player's own variables with their starting values: a number, "
                     "true/false or text (the value gives the type).",
        "world_flags": "Values shared by everyone in the night, with their starting values.",
        "scenes": "The scenes, by id.",
        "places": "Places scenes happen in: `id: { name: ..., area: ..., detail: ... }`.",
        "areas": "Groups of places: `palace: Winter Palace`.",
        "characters": "People with schedules: where they are, from when until when.",
        "items": "Things a player can carry: `id: a name` or `{ name: ..., about: ... }`.",
        "notes": "Facts a player can learn with `learn(note)`: `id: the fact`.",
        "lesson": "Role sheets, factions and the class's votes for the classroom.",
        "glossary": "Terms explained to players (`glossary` command): `MRC: ...`.",
        "events": "Things that happen on the clock, by id.",
        "narrate": "More cases of events declared elsewhere: `event_id: [cases]`, "
                   "kept beside the scenes they concern.",
        "lint": "Silence findings of `check` for this whole file: "
                "`{ ignore: [code, ...], why: ... }`.",
    },
    "clock": {
        "start": 'Date and time the night begins: "1917-10-25 18:00".',
        "end": "Date and time the night ends: at most 24 hours after the start.",
        "calendar": "`julian` (the default) shows Old Style dates with the New Style beside "
                    "them; `gregorian` shows the date as it is.",
        "default_takes": "What a choice costs when it has no `takes:` (default 5m).",
    },
    "role": {
        "name": "The role's name in menus and the toolbar.",
        "title": "One line under the name in the role menu.",
        "intro": "The paragraph shown when the night begins.",
        "start": "The scene this role's night begins in.",
        "at": 'When this role\'s night begins: "20:00".',
        "time_out": "The ending scene this role is taken to when the clock runs out.",
        "variables": "This role's own starting values for declared variables.",
    },
    "scene": {
        "title": "The scene's heading.",
        "place": "The place id where the scene happens (who is present, `at()`, the map).",
        "text": "What the player reads: `{expression}` holes and `{cond: shown|otherwise}`.",
        "variants": "Other text by condition: the first replacing variant that holds, plus "
                    "every appending one.",
        "choices": "What the player can do here.",
        "ending": "Makes this scene an ending (it has no choices).",
        "wait": "The player may wait here: a duration per wait (`15m`), or `true` for the "
                "clock's `default_takes`.",
        "on_enter": "Effects each time the scene is entered.",
        "redirect": "On entering, go straight on to another scene when a condition holds.",
        "content_notes": "For teachers: what the scene holds (`violence`, `gunfire`, ...).",
        "decision": "Marks a decision history also made, for the classroom debrief.",
        "told": "A gentler text shown instead of `text` in content mode.",
        "brief": "The short text for a return visit (default: the text's first paragraph); "
                 "`look` shows the whole text.",
        "lint": "Silence findings of `check` for this scene: `{ ignore: [code], why: ... }`.",
    },
    "variant": {
        "if": "The condition under which this text is shown.",
        "text": "The text.",
        "append": "`true`: add after the scene's text instead of replacing it.",
    },
    "choice": {
        "label": "What the player sees and may type (a few letters are enough).",
        "go": "The scene to go to; leave out to stay in this scene.",
        "takes": "What the choice costs on the clock: `10m`, `1h30m`.",
        "after": 'Enabled only from this time: "22:00".',
        "before": 'Enabled only before this time: "02:00".',
        "if": "Enabled only while this condition holds.",
        "otherwise": "When shut: `hide` (the default), `show` (greyed, with the reason made "
                     "from the gate), or a reason of your own.",
        "once": "`true`: gone once taken.",
        "do": "Effects when taken: `x = 1`, `x += 1`, `give(item)`, `take(item)`, "
              "`learn(note)`.",
        "result": "Shown after the choice is taken.",
        "remember": "A phrase for the ending's \"your night\": the moments that mattered.",
        "told": "The result told, not shown: used in content mode.",
        "lint": "Silence findings of `check` for this choice: `{ ignore: [code], why: ... }`.",
    },
    "ending": {
        "title": "The ending's title.",
        "epilogue": "What happens after, shown at the end.",
        "note": "What really happened, shown after the epilogue.",
        "historical": "`true` for the ending history took.",
        "told": "The epilogue told, not shown: used in content mode.",
    },
    "redirect": {
        "if": "The condition under which the player goes straight on.",
        "go": "The scene to go to.",
    },
    "decision": {
        "id": "Unique id; the debrief groups players' choices by it.",
        "question": "The question the decision answers.",
        "history": "What was decided in 1917.",
        "source": "Where that is from.",
        "prompts": "Reflection questions: `feelings`, `facts`, `learned`, `then_and_now`.",
    },
    "place": {
        "name": "The place's name.",
        "area": "The area (id) it belongs to, for `within()`.",
        "detail": "A detail shown beside the name: `first floor`.",
    },
    "area": {"name": "The area's name."},
    "item": {
        "name": "The item's name: `a service revolver`.",
        "about": "A line shown by `inventory`.",
    },
    "character": {
        "name": "The character's name, shown when present.",
        "about": "Who they are.",
        "invented": "`true` for invented people (the default is historical).",
        "schedule": "Where they are, from when until when: the first entry that holds wins.",
    },
    "stint": {
        "at": "The place (id).",
        "from": 'From this time (default: the clock\'s start): "22:00".',
        "until": "Until this time, not included (default: the clock's end).",
        "if": "Only while this condition holds.",
    },
    "event": {
        "title": "The event's title, shown with its narration.",
        "at": 'When it happens: "23:00", inside the clock.',
        "if": "It happens only if this holds then: world flags, `time` and `fired(...)`, "
              "never a player's variables.",
        "do": "World effects, applied once for the whole night.",
        "narrate": "How it reaches each player: the first case that holds.",
    },
    "reach": {
        "if": "This case is for players for whom this holds (any player condition).",
        "text": "What those players read.",
        "go": "Interrupts the player and moves them to this scene.",
        "do": "Effects on that player (their variables, items, notes).",
        "told": "The text told, not shown: used in content mode.",
        "remember": "A phrase for the ending's \"your night\", when this case reached the "
                    "player: `heard the Aurora fire`.",
    },
    "lint": {
        "ignore": "The codes of the findings to silence (as `check` prints them: "
                  "`[never-enabled]`).",
        "why": "Why the finding is wrong here: kept and shown by `check --format json`.",
    },
    "lesson": {
        "faction_variable": "The player variable that holds a delegate's faction.",
        "roles": "One role sheet per role.",
        "factions": "Factions keyed by the faction variable's value.",
        "votes": "The class's votes, by id.",
    },
    "packet": {
        "name": "The sheet's heading.",
        "who": "Who you are.",
        "goal": "What you want tonight.",
        "secret_goal": "A goal revealed only in the debrief.",
        "knows": "What you know at the start: a list of sentences.",
        "excerpts": "Two or three short passages from the record, with their sources.",
        "glossary": "Glossary terms this role meets.",
        "easy": "The easier-reading sheet: any of who, goal, secret_goal, knows.",
    },
    "faction": {
        "role": "The role whose players take this faction.",
        "seats": "Its seats in the assembly of 1917.",
    },
    "easy": {
        "who": "Who you are, in easier words.",
        "goal": "The goal, in easier words.",
        "secret_goal": "The secret goal, in easier words.",
        "knows": "What you know, in easier words.",
    },
    "excerpt": {
        "text": "The passage.",
        "source": "Where it is from.",
    },
    "vote": {
        "decision": "The `decision:` id of the scene where the vote is cast.",
        "ballot": "The player variable the decision's choices set.",
        "options": "Each option and the value of the ballot variable that casts it.",
        "yes": "The option that carries the motion.",
        "no": "The option it is counted against (`rule: majority`).",
        "rule": "`majority` (yes beats no) or `any` (carried if any seats chose yes).",
        "flag": "The world flag the result sets for everyone.",
        "carried": "The flag's value when carried.",
        "lost": "The flag's value when not.",
        "replaces": "The event that decides the flag when nobody votes.",
        "hold": "The class clock waits here until the vote is counted.",
        "seats_flag": "A number world flag given the seats for `yes`.",
        "history": "How each faction voted in 1917: an option, or shares.",
        "role": "Who votes (default: the scene id's prefix).",
    },
}
FIELDS["faction"] = {**FIELDS["packet"], **FIELDS["faction"]}


def tables() -> dict[str, dict[str, bool]]:
    """The loader's field tables by kind: which fields exist (and which are required)."""
    from .. import scenario
    from ..scenario import (
        EASY_FIELDS,
        EXCERPT_FIELDS,
        FACTION_FIELDS,
        LESSON_FIELDS,
        PACKET_FIELDS,
        STAT_FIELDS,
        VOTE_FIELDS,
    )
    return {
        "world": dict(scenario.WORLD_FIELDS), "file": dict(scenario.FILE_FIELDS), "clock": dict(scenario.CLOCK_FIELDS),
        "role": dict(scenario.ROLE_FIELDS), "scene": dict(scenario.SCENE_FIELDS),
        "variant": dict(scenario.VARIANT_FIELDS), "choice": dict(scenario.CHOICE_FIELDS),
        "ending": dict(scenario.ENDING_FIELDS), "redirect": dict(scenario.REDIRECT_FIELDS),
        "decision": dict(scenario.DECISION_FIELDS), "place": dict(scenario.PLACE_FIELDS),
        "area": dict(scenario.AREA_FIELDS), "item": dict(scenario.ITEM_FIELDS),
        "character": dict(scenario.CHARACTER_FIELDS), "stint": dict(scenario.STINT_FIELDS),
        "event": dict(scenario.EVENT_FIELDS), "reach": dict(scenario.REACH_FIELDS),
        "stat": dict(STAT_FIELDS),
        "lint": dict(scenario.LINT_FIELDS), "lesson": dict(LESSON_FIELDS),
        "packet": dict(PACKET_FIELDS), "faction": dict(FACTION_FIELDS),
        "easy": dict(EASY_FIELDS), "excerpt": dict(EXCERPT_FIELDS),
        "vote": dict(VOTE_FIELDS),
    }


def describe(kind: str, field: str) -> str:
    """The sentence for a field (an AssertionError names a field nobody documented)."""
    text = FIELDS.get(kind, {}).get(field)
    assert text, f"no description for {kind}.{field}: add one to tools/fielddocs.py"
    return text
