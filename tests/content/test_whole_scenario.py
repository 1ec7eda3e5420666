"""The shipped night as a whole: size, prose, history notes, and the rules the roles share."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from winterpalace.engine.model import World
from winterpalace.scenario import default_scenario_dir, load_scenario

SCENES = default_scenario_dir()
ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "history" / "source-article.txt"
ROLES = ("sinegub", "delegate", "sailor")


@pytest.fixture(scope="module")
def world() -> World:
    return load_scenario(SCENES)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def _prose(world: World) -> list[str]:
    out = []
    for s in world.scenes.values():
        out.append(s.text.plain)
        out += [v.text.plain for v in s.variants]
        out += [c.label.plain + " " + (c.result.plain if c.result else "") for c in s.choices]
        if s.ending:
            out += [s.ending.epilogue.plain, s.ending.note]
    for ev in world.events:
        out += [r.text.plain for r in ev.reaches if r.text]
    return out


def test_twelve_thousand_words_of_prose(world: World) -> None:
    assert sum(len(_words(t)) for t in _prose(world)) >= 12_000


def test_every_ending_has_a_historical_note_and_each_role_a_historical_ending(world: World) -> None:
    for sid, scene in world.endings().items():
        assert scene.ending is not None and len(scene.ending.note) > 40, sid
    for role in ROLES:
        assert any(s.ending and s.ending.historical for sid, s in world.scenes.items()
                   if sid.startswith(role + "_")), role


def test_at_least_five_marked_decisions_with_all_prompts(world: World) -> None:
    decisions = [s.decision for s in world.scenes.values() if s.decision]
    assert len(decisions) >= 5
    for d in decisions:
        assert d.history and [stage for stage, _ in d.prompts] == [
            "feelings", "facts", "learned", "then_and_now"], d.id


def test_role_folders_word_shared_events_only_for_their_own_role() -> None:
    # The first narrate case that holds wins, and folders load in name order: a case in one
    # role's folder that is not guarded by that role would catch players of the other roles.
    for role in ROLES:
        for path in sorted((SCENES / role).glob("*.yaml")):
            doc = yaml.safe_load(path.read_text()) or {}
            cases = [c for cs in (doc.get("narrate") or {}).values() for c in cs]
            cases += [c for ev in (doc.get("events") or {}).values()
                      for c in (ev.get("narrate") or [])]
            for case in cases:
                assert f'role == "{role}"' in str(case.get("if", "")), (path.name, case)


def test_no_prose_copies_the_source_article() -> None:
    if not ARTICLE.exists():
        pytest.skip("the shared history folder is not beside this checkout")
    src = _words(ARTICLE.read_text(encoding="utf-8", errors="replace"))
    grams = {" ".join(src[i:i + 12]) for i in range(len(src) - 11)}
    hits = []
    for path in sorted(SCENES.rglob("*.yaml")):
        w = _words(path.read_text(encoding="utf-8"))
        hits += [(path.name, " ".join(w[i:i + 12])) for i in range(len(w) - 11)
                 if " ".join(w[i:i + 12]) in grams]
    assert not hits, hits[:5]
