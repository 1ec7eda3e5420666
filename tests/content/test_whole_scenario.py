"""The shipped night as a whole: size, prose, history notes, and the rules the roles share."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from winterpalace.engine.model import World
from winterpalace.scenario import default_scenario_dir, load_scenario

SCENES = default_scenario_dir()
# The source article lives in the shared history folder beside the checkout (../shared from a
# clone, ../../shared from a worktree under wt/): the nearest one up the tree.
ARTICLE = next((p / "shared" / "history" / "source-article.txt"
                for p in Path(__file__).resolve().parents
                if (p / "shared" / "history" / "source-article.txt").exists()),
               Path(__file__).resolve().parents[3] / "shared" / "history" / "source-article.txt")
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


RUN = 10   # words in a row that may not match the source article


def _runs(words: list[str]) -> set[str]:
    return {" ".join(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def test_the_run_check_finds_a_copied_sentence() -> None:
    """The check below is not vacuous: ten words in a row are caught, nine are not."""
    src = _words("Konovalov telephoned the mayor, said the arrest was imminent, and the line broke.")
    assert _runs(src) & _runs(_words("He TELEPHONED the mayor, said the arrest was imminent, and the "
                                     "line broke off."))
    assert not _runs(src) & _runs(_words("telephoned the mayor, said the arrest was imminent, "
                                         "and then hung up"))


def test_no_prose_copies_the_source_article() -> None:
    """No run of ten words anywhere in scenes/ (names, notes and comments too) is the article's."""
    if not ARTICLE.exists():
        pytest.skip("the shared history folder is not beside this checkout")
    grams = _runs(_words(ARTICLE.read_text(encoding="utf-8", errors="replace")))
    assert len(grams) > 4000
    hits = []
    for path in sorted(SCENES.rglob("*.yaml")):
        hits += [(path.name, g) for g in sorted(_runs(_words(path.read_text(encoding="utf-8"))) & grams)]
    assert not hits, hits[:5]


# Light in the sky: the sun rose after seven on 26 October (see the `night_clock` note), so
# nothing a player sees before the clock runs out at six says the sky is growing light.
LIGHT = re.compile(r"first light|grey light|daylight|daybreak|\bdawn\b|sky (is |begins to |starts to )?"
                   r"(go|turn|grow|going|turning|growing)\w* (grey|pale|light)|sun (is )?(rising|up)\b",
                   re.I)


def test_the_night_stays_dark_until_the_clock_runs_out(world: World) -> None:
    seen = []
    for sid, s in world.scenes.items():
        texts = [s.title, s.text.plain, *(v.text.plain for v in s.variants)]
        texts += [c.result.plain for c in s.choices if c.result]
        seen += [(sid, m.group(0)) for t in texts for m in [LIGHT.search(t)] if m]
    for ev in world.events:
        seen += [(ev.id, m.group(0)) for r in ev.reaches if r.text
                 for m in [LIGHT.search(r.text.plain)] if m]
    assert seen == []
    assert "night_clock" in world.notes
    for role in world.roles.values():   # every role learns the convention at its first scene
        assert any(("learn", "night_clock") in e.calls for e in world.scenes[role.start].on_enter)


# One way to cite: author, "title", where published, year (several joined by "; ").
CITATIONS = {
    'China Miéville, "The Day That Shook the World", Jacobin, 2017',
    "John Reed, Ten Days That Shook the World, 1919",
    'A. Sinegub, "The Defence of the Winter Palace", Arkhiv russkoi revoliutsii, vol. 4, '
    "Berlin, 1922",
}


def test_sources_are_cited_one_way(world: World) -> None:
    sources = [s.decision.source for s in world.scenes.values() if s.decision]
    assert world.lesson is not None
    for sheet in [*world.lesson.packets.values(), *world.lesson.factions.values()]:
        packet = getattr(sheet, "packet", sheet)
        sources += [x.source for x in packet.excerpts]
    assert len(sources) > 20
    odd = sorted({s for s in sources if not set(s.split("; ")) <= CITATIONS})
    assert odd == []


def test_event_news_does_not_repeat_the_scene_text(world: World) -> None:
    """News of an event is worded afresh, not copied from the scene the player stands in.

    Narrations kept in a role's folder are compared with that role's scenes; the shared ones in
    world.yaml with every scene. Seven words in a row in common count as a copy.
    """
    def runs(text: str) -> set[str]:
        w = _words(text)
        return {" ".join(w[i:i + 7]) for i in range(len(w) - 6)}

    scenes: dict[str, set[str]] = {}
    for sid, s in world.scenes.items():
        texts = [s.text.plain, *(v.text.plain for v in s.variants)]
        texts += [c.result.plain for c in s.choices if c.result]
        scenes[sid] = set().union(*(runs(t) for t in texts))
    copies = []
    for ev in world.events:
        for r in ev.reaches:
            if r.text is None:
                continue
            folder = next((role for role in ROLES if f"/{role}/" in r.where.file), None)
            for sid, grams in scenes.items():
                if folder and not sid.startswith(folder + "_"):
                    continue
                copies += [(ev.id, sid, g) for g in sorted(runs(r.text.plain) & grams)]
    assert copies == []


def test_no_choice_label_begins_with_a_command_word(world: World) -> None:
    """Typing the start of a label picks the choice, unless its first word is a command:
    a label beginning "Help ..." printed the help list instead."""
    from winterpalace.session import Session

    words = set(Session.new(world, "sailor", 1)[0].COMMANDS.words(aliases=True))
    assert {"help", "wait", "look", "i"} <= words
    clash = sorted({(sid, c.label.plain) for sid, s in world.scenes.items() for c in s.choices
                    if c.label.plain.split()[0].lower() in words})
    assert clash == []
