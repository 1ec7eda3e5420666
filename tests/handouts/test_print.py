"""The role sheets printed as a teacher prints them, in a real Chromium: every sheet takes the
pages its design gives it on A4 and on US Letter, the plan says where each sheet is, no
heading is left at the foot of a page, and every page keeps room to spare."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from winterpalace.handouts.packets import (
    PAGES_PER_SHEET,
    PLAN_PAGES,
    class_packet,
    class_plan,
    sheets,
    write_packets,
)
from winterpalace.handouts.sheetstyle import BOX_HEIGHT_MM

from ..browser import PX_PER_MM, headings_ending_pages, norm, page_texts, pdf_lines


def _headings(page: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", h))
            for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", page, re.DOTALL)]


@pytest.fixture(scope="module")
def folder(world, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sheets")
    write_packets(world, out, 24)
    return out


@pytest.mark.parametrize("easy", [False, True], ids=["standard", "easier"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_sheet_takes_its_two_pages(world, browser, paper, easy):
    """One of every sheet, printed on the paper the packet names: the plan's pages, then each
    sheet's front (its title) and back (its secret), page after page."""
    rows = class_plan(world, None, easy)
    packet = class_packet(world, None, paper, easy)
    pdf = browser.print_pdf(packet)
    lines = pdf_lines(pdf)
    texts = [norm(t) for t in page_texts(lines)]
    assert len(texts) == PLAN_PAGES + PAGES_PER_SHEET * len(rows)
    assert "One of every role sheet" in texts[0] and "The secret goals" in texts[1]
    for r in rows:
        front, back = texts[r.first_page - 1], texts[r.first_page]
        assert norm(r.sheet.title) in front and "Who you are" in front, r.sheet.stem
        assert "Your secret goal" in back and norm(r.sheet.secret)[:40] in back, r.sheet.stem
    assert headings_ending_pages(lines, _headings(packet)) == []
    sizes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    expected = {"a4": (595, 842), "letter": (612, 792)}[paper]
    assert sizes and all((round(float(w)), round(float(h))) == expected for w, h in sizes)


def test_the_plan_says_where_each_students_sheet_is(world, browser, folder):
    """The 24-student packet: 2 + 24 x 2 pages, each sheet where the plan's table says."""
    rows = class_plan(world, 24)
    pdf = browser.print_pdf(folder / "class-a4.html")
    texts = [norm(t) for t in page_texts(pdf)]
    assert len(texts) == PLAN_PAGES + 24 * PAGES_PER_SHEET == rows[-1].last_page
    for r in rows:
        assert f"{norm(r.sheet.title)} {r.students} {r.first_page}\u2013{r.last_page}" \
            in texts[0]
        for first in range(r.first_page, r.last_page + 1, PAGES_PER_SHEET):
            assert norm(r.sheet.title) in texts[first - 1]
            assert "SECRET" in texts[first] and "Your secret goal" in texts[first]


def test_a_single_sheet_prints_on_whatever_paper_the_printer_holds(world, browser, folder):
    """A sheet's own page names no paper. Its pages are as wide on A4 as on Letter, and
    Letter is the shorter: what fits on Letter fits on A4 (the class packets above are
    printed on both)."""
    for sh in sheets(world):
        lines = pdf_lines(browser.print_pdf(folder / f"{sh.stem}.html", paper="Letter"))
        texts = [norm(t) for t in page_texts(lines)]
        assert len(texts) == sh.pages, sh.stem
        assert norm(sh.secret)[:40] in texts[1] and norm(sh.secret)[:40] not in texts[0]
        assert "SECRET" in texts[1] and "SECRET" not in texts[0]
        assert headings_ending_pages(lines, _headings(sh.html)) == [], sh.stem


def test_every_page_keeps_room_to_spare(world, browser):
    """Laid out for print, no page of any sheet comes within 8% of its page's height (room
    for a printer's font that runs a little wider), and the sheet's own estimate of its
    height, which chose its type, errs long, never short."""
    for easy in (False, True):
        heights = browser.evaluate(
            class_packet(world, None, "a4", easy),
            "() => [...document.querySelectorAll('section.page')]"
            ".map(s => s.getBoundingClientRect().height)", width=700, media="print")
        rows = class_plan(world, None, easy)
        assert len(heights) == PLAN_PAGES + PAGES_PER_SHEET * len(rows)
        for i, px in enumerate(heights):
            assert px / PX_PER_MM <= BOX_HEIGHT_MM * 0.92, (easy, i, px / PX_PER_MM)
        for r in rows:
            tallest = max(heights[r.first_page - 1:r.last_page]) / PX_PER_MM
            assert tallest <= r.sheet.estimate_mm + 2, (r.sheet.stem, tallest)


@pytest.mark.parametrize("keep", [False, True])
def test_the_check_finds_a_heading_left_at_the_foot_of_a_page(browser, keep):
    """The check above can fail: a heading pushed to the foot of a page by a tall block is
    found, unless the page keeps it with what follows (`break-after: avoid`)."""
    rule = "break-after: avoid;" if keep else "break-after: auto;"
    doc = (f"<style>@page {{ size: A4; margin: 20mm }} h2 {{ {rule} margin: 0 }}"
           "p { margin: 0 }</style><div style='height: 245mm'></div>"
           "<h2>Words you will meet</h2><p>" + "A line of words. " * 60 + "</p>")
    found = headings_ending_pages(browser.print_pdf(doc), ["Words you will meet"])
    assert found == ([] if keep else [(1, "Words you will meet")])


def test_a_long_sheet_the_estimate_lets_through_still_takes_two_pages(
        browser, write_scenario, minimal_world):
    """Near the edge: sheets of growing length, each either printed on its two pages (in the
    type the estimate chose) or reported as too long, never a third page unannounced."""
    from winterpalace.scenario import load_scenario

    from ..conftest import MINIMAL_SCENES
    from .test_packets import _lesson

    words = " ".join(["Petrograd"] * 50)
    seen = set()
    for terms in range(2, 17, 2):
        folder = write_scenario(minimal_world, **{"scenes.yaml": MINIMAL_SCENES,
                                                  "lesson.yaml": _lesson(words, terms)})
        for sh in sheets(load_scenario(folder)):
            fits = sh.estimate_mm <= BOX_HEIGHT_MM
            seen.add((sh.density, fits))
            if fits:
                texts = page_texts(browser.print_pdf(sh.html, paper="Letter"))
                assert len(texts) == 2, (terms, sh.stem, sh.density, sh.estimate_mm)
    assert {("standard", True), ("compact", True), ("compact", False)} <= seen
