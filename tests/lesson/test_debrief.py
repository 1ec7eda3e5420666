"""The debrief: the class's night beside 25-26 October 1917."""

from __future__ import annotations

import html
import json
import re

from winterpalace import cli
from winterpalace.classroom import debrief

from .conftest import MARTOV_INDEX


def _played(world, room):
    return [s for s in world.scenes.values() if s.decision is not None and
            any(s.id.startswith(p.role + "_") for p in room.players.values())]


def test_the_debrief_page(world, at_martov, tmp_path):
    room = at_martov({"Anna": "Bolshevik", "Boris": "Left SR"})
    room.choose("Anna", MARTOV_INDEX["against"])
    room.choose("Boris", MARTOV_INDEX["against"])
    room.advance(world.clock.parse_time("23:40"))
    paths = debrief.write_debrief(room, tmp_path)
    page = (tmp_path / "debrief.html").read_text()
    md = (tmp_path / "debrief.md").read_text()
    # The SVG timeline: one track per student, world events and the vote as marks.
    svg = page[page.index("<svg"):page.index("</svg>")]
    tracks = re.findall(r'<g class="track" data-student="([^"]+)"', svg)
    assert sorted(tracks) == ["Anna", "Boris", "Misha", "Olga"]
    first = min(p.ps.trail[0][0] for p in room.players.values()) // 60 * 60
    shown = [e for e, t in room.ws.fired if t >= first]      # events once the class began
    assert svg.count('<g class="event">') == len(shown) >= 5
    assert '<g class="vote">' in svg and "Vote martov: defeated (for 272, against 398)" in svg
    # "Your class and 1917": the points the class reached, in the order it reached them;
    # the appendix holds the rest of the roles' points, each point once.
    deb = debrief.build(room)
    decided = re.findall(r'class="point vs1917" data-decision="([^"]+)"', page)
    rest = re.findall(r'class="undecided" data-decision="([^"]+)"', page)
    assert sorted(decided + rest) == sorted(s.decision.id for s in _played(world, room))
    assert decided and rest
    assert decided == [pt.decision.id for pt in deb.decided]
    times = [pt.reached for pt in deb.decided]
    assert times == sorted(times)
    for pt in deb.undecided:            # nobody chose there, or only the clock did
        chose = [p.name for p in room.players.values() for i, s in enumerate(p.ps.history)
                 if s.scene == pt.scene.id and s.kind == "choice"]
        assert all(name in pt.carried for name in chose)
        reached = [p.name for p in room.players.values()
                   if any(s == pt.scene.id for _, s in p.ps.trail)]
        why = ("the class clock chose for" if chose else
               f"{', '.join(reached)} reached it at" if reached else "Nobody reached it.")
        assert why in page[page.index(f'class="undecided" data-decision="{pt.decision.id}"'):]
    assert any(pt.carried for pt in deb.undecided)
    assert page.index('class="appendix"') > page.index(f'data-decision="{decided[-1]}"')
    assert "nobody reached this point" not in page
    martov = page[page.index('data-decision="delegate_martov_vote"'):]
    martov = martov[:martov.index("</article>")]
    # What the class chose, by choice: who chose it.
    assert '<strong>Anna, Boris</strong>: <span class="choice">Vote against' in martov
    assert "a different result" in martov
    # The source is cited by its number in the appendix's list, written as its authors did.
    source = world.scenes["delegate_martov_motion"].decision.source
    n = debrief.sources(deb).index(source) + 1
    assert debrief.sources(deb) == list(dict.fromkeys(debrief.sources(deb)))      # each once
    assert f'href="#source-{n}">{n}</a>' in martov
    assert f'<li id="source-{n}">{html.escape(source)}</li>' in page
    # Key decisions by handle and the secret goals revealed.
    assert "voted against Martov" in page and "came to the Congress as a Left SR" in page
    assert html.escape(world.lesson.factions["Left SR"].packet.secret_goal) in page
    assert html.escape(world.lesson.packets["sinegub"].secret_goal) in page
    # Reflection prompts in the order feelings -> facts -> learned -> then and now.
    stages = re.findall(r'data-stage="([a-z_]+)"', page)
    assert stages == ["feelings", "facts", "learned", "then_and_now"]
    q = world.scenes["delegate_martov_motion"].decision.prompts
    assert all(html.escape(text) in page for _, text in q)
    assert "## Your class and 25-26 October 1917" in md and "martov_motion = defeated" in md
    assert "## Appendix" in md and "### Decision points nobody decided" in md
    assert md.index("## Talking it over") < md.index("## Appendix")
    # Transcripts, by handle only.
    ts = sorted(p.name for p in paths if p.parent.name == "transcripts")
    assert ts == ["anna.md", "boris.md", "misha.md", "olga.md"]
    assert "Vote against" in (tmp_path / "transcripts" / "anna.md").read_text()


def test_secret_ballots_stay_secret_in_the_debrief(world, at_martov):
    room = at_martov({"Anna": "Bolshevik"}, ballot="secret")
    room.choose("Anna", MARTOV_INDEX["against"])
    page = debrief.html_page(debrief.build(room))
    martov = page[page.index('data-decision="delegate_martov_vote"'):]
    assert "(secret ballot)" in martov[:martov.index("</article>")]
    assert "voted against Martov" not in page
    assert "martov: passed" in page             # the result is public


def test_debrief_command_replays_the_journal(world, at_martov, tmp_path, capsys):
    room = at_martov({"Anna": "Bolshevik", "Boris": "Left SR"})
    room.choose("Anna", MARTOV_INDEX["against"])
    room.choose("Boris", MARTOV_INDEX["against"])
    folder = tmp_path / "class-20251107-100000"
    folder.mkdir()
    with open(folder / "journal.jsonl", "w") as f:
        f.writelines(json.dumps(rec) + "\n" for rec in [room.opening_record(), *room.records])
    assert cli.main(["lesson", "debrief", "--saves", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "vote martov: martov_motion = defeated" in out
    assert "Anna (A delegate, Bolshevik)" in out
    assert "debrief.html" in out and (folder / "debrief.html").is_file()
    # A folder that is not there, or is no session's, is a command-line mistake (status 2).
    assert cli.main(["lesson", "debrief", str(tmp_path / "nowhere")]) == 2
    assert "nowhere: no such folder" in capsys.readouterr().err
    assert cli.main(["lesson", "debrief", str(tmp_path)]) == 2
    assert "not a session folder" in capsys.readouterr().err


def test_every_work_is_cited_one_way(world):
    """The shipped night cites each work in one spelling (the debrief lists each spelling as
    a source of its own): grouped by author's surname and year, one spelling each."""
    import unicodedata

    cited = [s.decision.source for s in world.scenes.values() if s.decision]
    lesson = world.lesson
    for pk in [*lesson.packets.values(), *(f.packet for f in lesson.factions.values())]:
        cited += [x.source for x in pk.excerpts]
    spellings: dict[tuple[str, str], set[str]] = {}
    for source in cited:
        for work in debrief.split_sources(source):
            author = work.split(",")[0].split()[-1]
            author = unicodedata.normalize("NFD", author).encode("ascii", "ignore").decode()
            year = re.findall(r"\b(1[89]\d\d|20\d\d)\b", work)
            spellings.setdefault((author.lower(), year[-1] if year else ""), set()).add(work)
    assert len(spellings) >= 2
    assert {k: v for k, v in spellings.items() if len(v) > 1} == {}


def test_a_vote_the_clock_counted_before_the_class_voted_says_so(world):
    """`advance 00:30` straight from 23:00 reaches the walkout's hold before the delegates
    reach Erlich: the count has no ballots of the class, and the debrief does not call it the
    class's vote, nor compare it with 1917 as if it were."""
    from .sample_class import SIX, STEPS, lesson

    steps = [("advance 00:30" if s == "advance 00:00" else s) for s in STEPS]
    deb = debrief.build(lesson(world, SIX, steps=steps))
    walkout = next(pt for pt in deb.points if pt.decision.id == "delegate_walkout")
    assert walkout.tally is not None and not walkout.tally.ballots
    page = debrief.html_page(deb)
    part = page[page.index('data-decision="delegate_walkout"'):]
    part = part[:part.index("</article>")]
    assert "Counted before anyone in the class had voted" in part
    assert "The class voted" not in part and "Your class: the same result" not in part
    martov = page[page.index('data-decision="delegate_martov_vote"'):]
    assert "The class voted: <strong>defeated" in martov[:martov.index("</article>")]


def test_the_class_line_counts_everyone_in_words_and_the_night_as_played(world):
    """One sailor, the night started at 09:30 and moved on to 13:05: `1 student`, and
    09:30-13:05 (the class's night, to the minute, not the picture's whole hours); a
    delegate who joined but whose part had not begun is counted too."""
    from winterpalace.classroom.room import Room

    T = world.clock.parse_time
    room = Room(world, "lesson-42")
    assert room.join("Misha", "sailor", 7).ok
    assert room.start(T("09:30")).ok
    assert room.advance(T("13:05")).ok
    deb = debrief.build(room)
    assert debrief.summary_lines(deb)[0].endswith("(1 student, 09:30\u201313:05)")
    assert "1 student, 09:30\u201313:05. Ballots" in debrief.markdown(deb)
    assert "1 student &middot; 09:30\u201313:05 &middot;" in debrief.html_page(deb)
    assert room.join("Anna", "delegate", 7).ok              # the delegate's part is at 14:00
    deb = debrief.build(room)
    lines = debrief.summary_lines(deb)
    assert lines[0].endswith("(1 student played, 1 more joined, 09:30\u201313:05)")
    assert "  Anna (A delegate): joined, had not begun" in lines
    assert "1 student played, 1 more joined, 09:30" in debrief.markdown(deb)
    assert room.advance(T("14:30")).ok
    deb = debrief.build(room)
    assert debrief.summary_lines(deb)[0].endswith("(2 students, 09:30\u201314:30)")
