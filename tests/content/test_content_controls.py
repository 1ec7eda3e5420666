"""Content controls: every violent scene is marked for teachers and has a gentler `told:` text."""

from __future__ import annotations

import dataclasses
import re

import pytest

from winterpalace.engine import rules as eng
from winterpalace.engine.model import Template, World
from winterpalace.scenario import default_scenario_dir, load_scenario

# Content notes that mean a scene shows violence (and so needs a told, not shown, version).
VIOLENT_NOTES = {"violence", "gunfire", "death"}

# Scenes whose text shows people shot, beaten, bayoneted or killed: each must be marked.
KNOWN_VIOLENT = {
    "sailor_canal_fired", "sailor_tsar_rooms", "sailor_bayonets", "sailor_crowd",
    "sailor_ending_blood", "sailor_ending_volley",
    "sinegub_breach", "sinegub_last_stand", "sinegub_prisoner_beaten", "sinegub_at_table",
    "sinegub_arrest_watch", "sinegub_recognised",
    "delegate_canal_shots",
}

# Endings whose epilogue tells of people hurt or killed: each needs a told epilogue too.
VIOLENT_EPILOGUES = {"sinegub_last_stand", "sailor_ending_blood"}

# Words that show injury close up; a told text keeps to what happened, not how it looked.
GRAPHIC = re.compile(r"\bblood(y)?\b|\bbleeding\b|\bstabbing\b|\bscream(s|ing)?\b|"
                     r"\bopen eyes\b|\bswollen\b|\bkicking\b", re.I)


@pytest.fixture(scope="module")
def world() -> World:
    return load_scenario(default_scenario_dir())


def _all_text(t: Template) -> str:
    return t.plain


def test_every_scene_with_a_violence_note_has_a_told_text(world: World) -> None:
    missing = [sid for sid, sc in world.scenes.items()
               if VIOLENT_NOTES & set(sc.content_notes) and sc.told is None]
    assert missing == []


def test_known_violent_scenes_are_marked(world: World) -> None:
    unmarked = sorted(sid for sid in KNOWN_VIOLENT
                      if not VIOLENT_NOTES & set(world.scenes[sid].content_notes))
    assert unmarked == []


def test_a_told_text_belongs_to_a_marked_scene(world: World) -> None:
    """A told text on an unmarked scene would never be looked for by a teacher."""
    stray = sorted(sid for sid, sc in world.scenes.items()
                   if sc.told is not None and not sc.content_notes)
    assert stray == []


def test_told_texts_tell_rather_than_show(world: World) -> None:
    for sid, sc in world.scenes.items():
        if sc.told is None:
            continue
        told = _all_text(sc.told)
        assert told.strip() and told != _all_text(sc.text), sid
        assert not GRAPHIC.search(told), (sid, GRAPHIC.search(told))


def test_unmarked_scenes_do_not_show_wounds(world: World) -> None:
    """Violence shown in a scene's text or variants must be marked, or told at a distance."""
    shown = []
    for sid, sc in world.scenes.items():
        if VIOLENT_NOTES & set(sc.content_notes):
            continue
        for t in (sc.text, *(v.text for v in sc.variants)):
            m = re.search(r"\bblood(y|stained)? on\b|\bbleeding\b|\bstabbing\b|\bkicking\b"
                          r"|\bface is bloody\b",
                          _all_text(t), re.I)
            if m:
                shown.append((sid, m.group(0)))
    assert shown == []


@pytest.mark.parametrize("role", ["sinegub", "delegate", "sailor"])
def test_told_texts_render_for_their_role(world: World, role: str) -> None:
    """Every hole in a told text fills in for a player of the scene's role."""
    ws, ps, _ = eng.start(world, role, 1)
    ctx = eng.Context(world, ws, ps, copy=True)
    told = [sc for sid, sc in world.scenes.items()
            if sc.told is not None and sid.startswith(role + "_")]
    assert told, role
    for sc in told:
        text = sc.told.render(ctx)
        assert "{" not in text and text.strip(), sc.id


def test_gentle_mode_shows_the_told_text(world: World) -> None:
    """In a lesson room with content mode on, a student at the shot sees the told text."""
    from winterpalace.classroom.room import Room

    for gentle in (True, False):
        room = Room(world, "told-1", gentle=gentle)
        assert room.join("Ann", "sailor", 1).ok
        player = room.player("ann")
        # The class clock has not reached the sailor's morning; put her at the canal directly.
        _, ps, _ = eng.start(world, "sailor", 1, player_id="Ann", shared=room.ws)
        player.ps = dataclasses.replace(ps, scene="sailor_canal_fired")
        text = room.view("Ann").text
        if gentle:
            assert "open eyes" not in text and "was killed" in text
        else:
            assert "open eyes" in text and "was killed" not in text


def _told_pairs(world: World):
    """Every (place, shown, told) pair of a choice result, an epilogue or a narration."""
    for _sid, sc in world.scenes.items():
        for ch in sc.choices:
            if ch.told is not None:
                yield ch.where, ch.result, ch.told
        if sc.ending is not None and sc.ending.told is not None:
            yield sc.ending.where, sc.ending.epilogue, sc.ending.told
    for ev in world.events:
        for reach in ev.reaches:
            if reach.told is not None:
                yield reach.where, reach.text, reach.told


def test_violent_epilogues_are_told_too(world: World) -> None:
    missing = sorted(sid for sid in VIOLENT_EPILOGUES if world.scenes[sid].ending.told is None)
    assert missing == []
    assert {str(w) for w, _, _ in _told_pairs(world)}   # and the pairs below are not empty


def test_told_results_epilogues_and_narrations_tell_rather_than_show(world: World) -> None:
    for where, shown, told in _told_pairs(world):
        text = _all_text(told)
        assert text.strip() and text != _all_text(shown), where
        assert not GRAPHIC.search(text), (where, GRAPHIC.search(text))


def test_gentle_mode_tells_the_last_stand_epilogue(world: World) -> None:
    from winterpalace.classroom.room import Room

    for gentle in (True, False):
        room = Room(world, "told-2", gentle=gentle)
        assert room.join("Ann", "sinegub", 1).ok
        player = room.player("ann")
        _, ps, _ = eng.start(world, "sinegub", 1, player_id="Ann", shared=room.ws)
        player.ps = dataclasses.replace(ps, scene="sinegub_last_stand",
                                        ending="sinegub_last_stand")
        epilogue = room.view("Ann").ending.epilogue
        assert ("Not all of your cadets" in epilogue) == gentle
        assert ("lying in a row under" in epilogue) != gentle
