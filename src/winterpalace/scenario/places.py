"""Where the night happens and who is in it: areas, places and characters (their schedules)."""

from __future__ import annotations

from collections.abc import Iterable

from ..engine import Area, Character, Clock, Place, Stint, Symbols
from .context import References
from .fields import AREA_FIELDS, CHARACTER_FIELDS, PLACE_FIELDS, STINT_FIELDS
from .reader import Entry, NodeReader
from .yamlnodes import ScalarNode

__all__ = ["compile_areas", "compile_characters", "compile_places"]


def compile_areas(ld: NodeReader, entries: Iterable[Entry]) -> dict[str, Area]:
    """`areas:`: a name each (`id: Name`, or `id: {name: Name}`)."""
    areas = {}
    for e in entries:
        if isinstance(e.node, ScalarNode):
            name = ld.string(e.file, e.node, f"areas.{e.id}")
        else:
            f = ld.fields(e.file, e.node, AREA_FIELDS, f"area `{e.id}`") or {}
            name = ld.field_str(e.file, f, "name") if f else None
        areas[e.id] = Area(e.id, name or e.id, ld.where(e.file, e.key))
    return areas


def compile_places(ld: NodeReader, entries: Iterable[Entry],
                   ref: References) -> dict[str, Place]:
    """`places:`: a name, the area it is in, a detail."""
    places = {}
    for e in entries:
        f = ld.fields(e.file, e.node, PLACE_FIELDS, f"place `{e.id}`") or {}
        area = None
        if "area" in f:
            area = ref.check(e.file, f["area"][1], "area", f"place `{e.id}`")
        places[e.id] = Place(e.id, ld.field_str(e.file, f, "name") or e.id, area,
                             ld.field_str(e.file, f, "detail", required=False) or "",
                             ld.where(e.file, e.key))
    return places


def compile_characters(ld: NodeReader, entries: Iterable[Entry], sym: Symbols,
                       clock: Clock | None, ref: References) -> dict[str, Character]:
    """`characters:`: who they are and where they are when (`schedule:`)."""
    return {e.id: compile_character(ld, e, sym, clock, ref) for e in entries}


def compile_character(ld: NodeReader, e: Entry, sym: Symbols, clock: Clock | None,
                      ref: References) -> Character:
    f = ld.fields(e.file, e.node, CHARACTER_FIELDS, f"character `{e.id}`") or {}
    stints = []
    for s in ld.list_of(e.file, f["schedule"][1], "schedule") if "schedule" in f else []:
        sf = ld.fields(e.file, s, STINT_FIELDS, "a schedule entry")
        if sf is None:
            continue
        place = ref.check(e.file, sf["at"][1], "place", "schedule") if "at" in sf else None
        start = ld.time_of_day(e.file, sf["from"][1], "from", clock) if "from" in sf \
            else (clock.start if clock else 0)
        end = ld.time_of_day(e.file, sf["until"][1], "until", clock) if "until" in sf \
            else (clock.end if clock else 0)
        cond = ld.cond(e.file, sf["if"][1], sym, "if") if "if" in sf else None
        if start is not None and end is not None and end <= start:
            ld.error(e.file, s, f"`until` is not after `from` in {e.id}'s schedule")
        if place and start is not None and end is not None:
            stints.append(Stint(start, end, place, cond))
    return Character(e.id, ld.field_str(e.file, f, "name") or e.id,
                     ld.field_str(e.file, f, "about", required=False) or "",
                     tuple(stints),
                     not (ld.boolean(e.file, f["invented"][1], "invented")
                          if "invented" in f else False),
                     ld.where(e.file, e.key))
