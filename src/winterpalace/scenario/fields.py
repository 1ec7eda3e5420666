"""The fields each kind of mapping in a scenario may have: name -> required?

One table per kind, read by the section's compiler, and by the tools that describe the format
(`winterpalace schema`, the language server's field documentation).
"""

from __future__ import annotations

__all__ = ["AREA_FIELDS", "CHARACTER_FIELDS", "CHOICE_FIELDS", "CLOCK_FIELDS",
           "DECISION_FIELDS", "ENDING_FIELDS", "EVENT_FIELDS", "FILE_FIELDS", "ITEM_FIELDS",
           "PLACE_FIELDS", "PROMPT_STAGES", "REACH_FIELDS", "REDIRECT_FIELDS", "ROLE_FIELDS",
           "SCENE_FIELDS", "SECTION_FIELDS", "STINT_FIELDS", "VARIANT_FIELDS",
           "WORLD_FIELDS", "WORLD_FILE_FIELDS", "Fields"]


class Fields(dict[str, bool]):
    """The fields a kind of mapping may have, name -> required?, with the required ones at hand."""

    def __init__(self, table: dict[str, bool]):
        super().__init__(table)
        self.required = tuple(k for k, r in table.items() if r)


WORLD_FIELDS = Fields({"scenario": True, "title": True, "subtitle": False, "clock": True,
                       "roles": True, "stats": False})
SECTION_FIELDS = Fields({"variables": False, "world_flags": False, "scenes": False,
                         "places": False, "areas": False, "characters": False, "items": False,
                         "events": False, "narrate": False, "glossary": False, "notes": False,
                         "lesson": False})
WORLD_FILE_FIELDS = Fields({**WORLD_FIELDS, **SECTION_FIELDS, "lint": False})
FILE_FIELDS = Fields({**SECTION_FIELDS, "lint": False})   # what a scene file may hold
CLOCK_FIELDS = Fields({"start": True, "end": True, "calendar": False, "default_takes": False})
ROLE_FIELDS = Fields({"name": True, "title": False, "intro": True, "start": True, "at": True,
                      "time_out": True, "variables": False})
SCENE_FIELDS = Fields({"title": True, "place": True, "text": True, "variants": False,
                       "choices": False, "ending": False, "wait": False, "on_enter": False,
                       "redirect": False, "content_notes": False, "decision": False,
                       "told": False, "brief": False, "lint": False})
DECISION_FIELDS = Fields({"id": True, "question": True, "history": True, "source": False,
                          "prompts": False})
PROMPT_STAGES = ("feelings", "facts", "learned", "then_and_now")
VARIANT_FIELDS = Fields({"if": True, "text": True, "append": False})
CHOICE_FIELDS = Fields({"label": True, "go": False, "takes": False, "after": False,
                        "before": False, "if": False, "otherwise": False, "once": False,
                        "do": False, "result": False, "remember": False, "told": False,
                        "lint": False})
ENDING_FIELDS = Fields({"title": True, "epilogue": True, "note": False, "historical": False,
                        "told": False})
REDIRECT_FIELDS = Fields({"if": True, "go": True})
PLACE_FIELDS = Fields({"name": True, "area": False, "detail": False})
AREA_FIELDS = Fields({"name": True})
CHARACTER_FIELDS = Fields({"name": True, "about": False, "invented": False, "schedule": False})
STINT_FIELDS = Fields({"at": True, "from": False, "until": False, "if": False})
ITEM_FIELDS = Fields({"name": True, "about": False})
EVENT_FIELDS = Fields({"title": True, "at": True, "if": False, "do": False, "narrate": False})
REACH_FIELDS = Fields({"if": False, "text": False, "go": False, "do": False, "told": False,
                       "remember": False})
