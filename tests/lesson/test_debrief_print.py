"""The debrief as a teacher shows it and prints it, in a real Chromium: on a projector 1280
pixels wide every label of the timeline is at least 18 pixels and no two labels overlap (read
from the page's own boxes), also for a big class and for a night still under way; printed,
the short debrief of a four-student class takes two pages, and no heading ends a page."""

from __future__ import annotations

import html
import re

import pytest

from winterpalace.classroom import debrief, timeline
from winterpalace.handouts.balance import plan
from winterpalace.handouts.page import page as html_doc

from ..browser import headings_ending_pages, norm, page_texts, pdf_lines
from .sample_class import FOUR, SIX, STEPS, lesson

LABELS = """() => {
  const svg = document.querySelector('svg.timeline');
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  return {box: [box.left, box.top, box.right, box.bottom], scale,
          texts: [...svg.querySelectorAll('text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, cls: t.getAttribute('class'),
                    rect: [r.left, r.top, r.right, r.bottom],
                    px: parseFloat(getComputedStyle(t).fontSize) * scale};
          })};
}"""


def _labels(browser, page_html: str) -> dict:
    return browser.evaluate(page_html, LABELS, width=1280)


def _overlaps(texts: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            ax0, ay0, ax1, ay1 = a["rect"]
            bx0, by0, bx1, by1 = b["rect"]
            if min(ax1, bx1) - max(ax0, bx0) > 0.5 and min(ay1, by1) - max(ay0, by0) > 0.5:
                out.append((a["text"], b["text"]))
    return out


def _check_labels(found: dict) -> None:
    texts = found["texts"]
    assert texts
    assert found["scale"] == pytest.approx(1.0, abs=0.01)        # drawn at its own size
    small = [(t["text"], round(t["px"], 1)) for t in texts if t["px"] < 18 - 0.01]
    assert small == []
    assert _overlaps(texts) == []
    left, top, right, bottom = found["box"]
    outside = [t["text"] for t in texts if t["rect"][0] < left - 0.5 or t["rect"][2] > right
               + 0.5 or t["rect"][1] < top - 0.5 or t["rect"][3] > bottom + 0.5]
    assert outside == []


def _big_class(world, n: int) -> list[tuple[str, str, str | None, str | None]]:
    """`n` students as the balanced plan seats them, with names as long as names may be."""
    out = []
    for i, seat in enumerate(plan(world, n)):
        name = f"Aleksandra-Konst-{i:02d}"[:20]
        out.append((name, seat.role, seat.faction, ("for", "against", "abstain")[i % 3]))
    return out


def test_the_projected_timeline_is_legible_and_no_labels_overlap(world, browser):
    room = lesson(world, SIX)
    found = _labels(browser, debrief.html_page(debrief.build(room)))
    _check_labels(found)
    kinds = {t["cls"] for t in found["texts"]}
    assert {"hour", "event-number", "name", "role", "place", "vote-label", "area"} <= kinds
    numbers = [t["text"] for t in found["texts"] if t["cls"] == "event-number"]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)] and len(numbers) >= 15


def test_a_big_class_and_a_night_under_way_keep_their_labels_apart(world, browser):
    """40 students with the longest names, and a live view of a night at 23:00 with the
    class clock marked (the picture a projector shows during the lesson)."""
    room = lesson(world, _big_class(world, 40))
    _check_labels(_labels(browser, debrief.html_page(debrief.build(room))))
    live = lesson(world, _big_class(world, 12), steps=STEPS[:4])
    assert not live.ended
    picture = timeline.svg(timeline.from_room(live, now=live.now))
    assert "now 23:00" in picture
    found = _labels(browser, html_doc("Live", picture, style=debrief.STYLE))
    _check_labels(found)
    assert any(t["cls"] == "now-label" for t in found["texts"])


def test_the_short_debrief_of_four_students_fits_on_two_pages(world, browser):
    """Printed, the lesson's part (the night, the class and 1917, the secret goals, the
    questions) takes two pages, A4 or Letter; the appendix starts the third."""
    deb = debrief.build(lesson(world, FOUR))
    assert len(deb.players) == 4 and len(deb.decided) >= 5
    page = debrief.html_page(deb)
    headings = [html.unescape(re.sub(r"<[^>]+>", "", h))
                for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", page, re.DOTALL)]
    headings += ["Your class", "In 1917:"]
    for paper in ("A4", "Letter"):
        lines = pdf_lines(browser.print_pdf(page, paper=paper))
        texts = [norm(t) for t in page_texts(lines)]
        starts = [n for n, pg in enumerate(lines, 1) if pg and pg[0].text == "Appendix"]
        assert starts == [3], (paper, [t[:80] for t in texts])
        short = " ".join(texts[:2])
        for pt in deb.decided:
            assert norm(pt.decision.question) in short, (paper, pt.decision.id)
        for want in ("The secret goals", "Talking it over", "Then and now"):
            assert want in short, (paper, want)
        assert headings_ending_pages(lines, headings) == [], paper
