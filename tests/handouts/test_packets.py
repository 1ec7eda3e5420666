"""Role packets: one sheet per role and per faction, in two reading levels."""

from __future__ import annotations

import html
import re

import pytest

from winterpalace import cli
from winterpalace.handouts.packets import (
    PLAN_PAGES,
    PacketError,
    class_packet,
    class_plan,
    sheets,
    write_packets,
)
from winterpalace.scenario import load_scenario

from ..conftest import MINIMAL_SCENES
from .conftest import ROOT


def test_a_packet_per_role_and_faction_with_goal_and_glossary(world, tmp_path):
    paths = write_packets(world, tmp_path)
    names = {p.name for p in paths}
    lesson = world.lesson
    for rid, pk in lesson.packets.items():
        for stem in (rid, rid + "-easy"):
            assert f"{stem}.md" in names and f"{stem}.html" in names
        md = (tmp_path / f"{rid}.md").read_text()
        page = (tmp_path / f"{rid}.html").read_text()
        assert pk.goal in md and html.escape(pk.goal) in page
        assert pk.glossary, rid
        for term in pk.glossary:
            assert f"**{term}**" in md
            assert f"<dt>{html.escape(term)}</dt>" in page
            assert html.escape(world.glossary[term]) in page
        for x in pk.excerpts:
            assert html.escape(x.source) in page
    assert len(lesson.factions) == 6
    for fid, f in lesson.factions.items():
        stem = "delegate-" + re.sub(r"[^a-z0-9]+", "-", fid.lower()).strip("-")
        page = (tmp_path / f"{stem}.html").read_text()
        assert html.escape(f.packet.goal) in page and html.escape(f.packet.secret_goal) in page
        assert f"{f.seats} of 670 seats" in page
        assert f"choose: {html.escape(fid)}" in page
        # A delegate's sheet is the whole of what they need: the delegate's part too.
        delegate = lesson.packets[f.role]
        assert html.escape(delegate.who) in page and html.escape(delegate.goal) in page


def test_sheets_are_self_contained_and_the_easy_one_is_easier(world):
    by = {s.stem: s for s in sheets(world)}
    normal, easy = by["sinegub"], by["sinegub-easy"]
    for s in (normal, easy):
        assert s.html.startswith("<!DOCTYPE html>") and "<style>" in s.html
        assert "<script" not in s.html and "http" not in s.html.replace(
            'xmlns="http://www.w3.org/2000/svg"', "")
    assert 'class="page front sheet easy' in easy.html
    pk = world.lesson.packets["sinegub"]
    assert pk.easy["goal"] in easy.markdown and pk.goal not in easy.markdown
    assert len(easy.markdown.split()) < len(normal.markdown.split())


def test_the_packets_command(tmp_path, capsys):
    out = tmp_path / "sheets"
    assert cli.main(["packets", "--out", str(out), "--students", "12"]) == 0
    text = capsys.readouterr().out
    # 18 sheets as Markdown and HTML, the class packet on two papers in two reading levels,
    # and the index.
    assert "Wrote 42 files" in text and "A delegate (Bolshevik)" in text
    assert f"{out / 'class-a4.html'} (A4)" in text and "class-letter.html (US Letter)" in text
    assert (out / "index.html").is_file() and (out / "delegate-left-sr-easy.md").is_file()
    for name in ("class-a4.html", "class-letter.html", "class-easy-a4.html",
                 "class-easy-letter.html"):
        page = (out / name).read_text()
        assert "Role sheets for a class of 12" in page
        assert page.count('<section class="page front') == 12
        assert page.count('<section class="page back') == 12
    assert "@page { size: A4;" in (out / "class-a4.html").read_text()
    assert "@page { size: letter;" in (out / "class-easy-letter.html").read_text()
    index = (out / "index.html").read_text()
    assert index.index("class-a4.html") < index.index("sinegub.html")
    assert cli.main(["packets", "--out", str(tmp_path / "one")]) == 0
    assert "one of every sheet" in capsys.readouterr().out
    assert cli.main(["packets", "--out", str(tmp_path / "x"), "--students", "2"]) == 2
    assert "3 to 40 students" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_a_scenario_without_a_lesson_says_so(example, tmp_path, capsys):
    with pytest.raises(PacketError):
        sheets(example)
    assert cli.main(["packets", str(ROOT / "docs" / "example"), "--out", str(tmp_path)]) == 1
    assert "no `lesson: roles:` section" in capsys.readouterr().err


def test_the_secret_is_on_the_back_and_only_there(world):
    """Each sheet is two pages, front and back; the secret goal is on the back alone, and the
    back says to keep it face down (to everyone: a sailor has no factions to hide it from)."""
    for sh in sheets(world):
        front, back = sh.body.split('<section class="page back')
        assert sh.body.count('<section class="page ') == sh.pages == 2
        assert sh.secret and html.escape(sh.secret) in back
        assert html.escape(sh.secret) not in front
        assert "Keep this page face down: it is for your eyes only." in back
        assert "other factions" not in back.replace(html.escape(sh.secret), "")
        if sh.faction is None and sh.role != "delegate":
            assert "faction" not in sh.html.lower(), sh.stem
        md_front, md_back = sh.markdown.split("\n---\n")
        assert sh.secret in md_back.replace("\\", "") and sh.secret not in md_front


def test_the_class_packet_is_the_plan_then_every_students_sheet(world):
    rows = class_plan(world, 24)
    assert sum(r.students for r in rows) == 24
    assert rows[0].first_page == PLAN_PAGES + 1
    for a, b in zip(rows, rows[1:], strict=False):
        assert b.first_page == a.last_page + 1
        assert a.last_page - a.first_page + 1 == a.students * a.sheet.pages
    packet = class_packet(world, 24, "a4")
    order = re.findall(r'<section class="page (front|back)[^"]*"', packet)
    assert order == ["front", "back"] * 24
    for r in rows:
        assert f"<td>{html.escape(r.sheet.title)}</td><td>{r.students}</td>" \
               f"<td>{r.first_page}&ndash;{r.last_page}</td>" in packet
    # Without a class size: one of each sheet a student can be given (a delegate's is their
    # faction's).
    masters = class_plan(world, None)
    stems = [r.sheet.stem for r in masters]
    assert stems == ["sinegub", "sailor"] + [
        "delegate-" + re.sub(r"[^a-z0-9]+", "-", f.lower()).strip("-")
        for f in world.lesson.factions]
    assert all(r.students == 1 for r in masters)
    assert all(r.sheet.easy for r in class_plan(world, 5, easy=True))


def _lesson(words: str, terms: int) -> str:
    glossary = "\n".join(f"  term{i}: {words}." for i in range(terms))
    names = ", ".join(f"term{i}" for i in range(terms))
    return (f"lesson:\n  roles:\n    r:\n      who: {words}\n      goal: A goal.\n"
            f"      secret_goal: A secret.\n      glossary: [{names}]\n"
            f"glossary:\n{glossary}\n")


def test_a_sheet_too_long_for_its_page_is_set_smaller_and_then_reported(
        write_scenario, minimal_world, tmp_path, capsys):
    long = " ".join(["word"] * 60)
    folder = write_scenario(minimal_world, **{"scenes.yaml": MINIMAL_SCENES,
                                              "lesson.yaml": _lesson(long, 14)})
    [sheet, easy] = sheets(load_scenario(folder))
    assert sheet.density == "compact" and sheet.estimate_mm > 250
    assert cli.main(["packets", str(folder), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "warning: the sheet 'r' does not fit its page even in smaller type" in err
    # Somewhat long: smaller type, and it fits.
    folder = write_scenario(minimal_world, **{"scenes.yaml": MINIMAL_SCENES,
                                              "lesson.yaml": _lesson(long, 12)})
    [sheet, easy] = sheets(load_scenario(folder))
    assert sheet.density == "compact" and sheet.estimate_mm <= 250
    # Short: standard type.
    folder = write_scenario(minimal_world, **{"scenes.yaml": MINIMAL_SCENES,
                                              "lesson.yaml": _lesson("Short.", 2)})
    [sheet, easy] = sheets(load_scenario(folder))
    assert sheet.density == easy.density == "standard" and sheet.estimate_mm < 200
