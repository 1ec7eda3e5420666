"""Role packets: one sheet per role and per faction, in two reading levels."""

from __future__ import annotations

import html
import re

import pytest

from winterpalace import cli
from winterpalace.handouts.packets import PacketError, sheets, write_packets

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
        assert f"({f.seats} of 670 seats)" in page
        assert f"choose: {html.escape(fid)}" in page


def test_sheets_are_self_contained_and_the_easy_one_is_easier(world):
    by = {s.stem: s for s in sheets(world)}
    normal, easy = by["sinegub"], by["sinegub-easy"]
    for s in (normal, easy):
        assert s.html.startswith("<!DOCTYPE html>") and "<style>" in s.html
        assert "<script" not in s.html and "http" not in s.html.replace(
            'xmlns="http://www.w3.org/2000/svg"', "")
    assert 'class="easy"' in easy.html
    pk = world.lesson.packets["sinegub"]
    assert pk.easy["goal"] in easy.markdown and pk.goal not in easy.markdown
    words = lambda t: len(t.split())
    assert words(easy.markdown) < words(normal.markdown)


def test_the_packets_command(tmp_path, capsys):
    out = tmp_path / "sheets"
    assert cli.main(["packets", "--out", str(out), "--students", "12"]) == 0
    text = capsys.readouterr().out
    assert "Wrote 38 files" in text and "A delegate (Bolshevik)" in text
    assert (out / "index.html").is_file() and (out / "delegate-left-sr-easy.md").is_file()


def test_a_scenario_without_a_lesson_says_so(example, tmp_path, capsys):
    with pytest.raises(PacketError):
        sheets(example)
    assert cli.main(["packets", str(ROOT / "docs" / "example"), "--out", str(tmp_path)]) == 1
    assert "no `lesson: roles:` section" in capsys.readouterr().err
