"""The timeline's layout, without a browser: for any class (0 to 40 students, names as long as
names may be), any crowd of events and votes, a night under way or over, every label of the
picture keeps clear of every other and inside the picture, at 18 units or more. (The browser
tests read the real boxes for the shipped night; this tries the layout's every corner.)"""

from __future__ import annotations

import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winterpalace.classroom import timeline
from winterpalace.handouts.metrics import text_width

TEXT = re.compile(r'<text(?: class="([^"]*)")? x="([\d.-]+)" y="([\d.-]+)" font-size="(\d+)" '
                  r'text-anchor="(\w+)" fill="[^"]*"( font-weight="bold")?>([^<]*)</text>')


def boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    out = []
    for _cls, x, y, size, anchor, bold, text in TEXT.findall(svg):
        text = html.unescape(text)
        w = text_width(text, int(size), bool(bold))
        x0 = float(x) - {"start": 0, "middle": w / 2, "end": w}[anchor]
        out.append((text, x0, float(y) - int(size) * 0.8, x0 + w, float(y) + int(size) * 0.22))
    return out


def check(svg: str) -> None:
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"',
                                                   svg).groups())
    found = boxes(svg)
    assert len(found) == svg.count("<text"), "a label the check does not read"
    assert all(int(s) >= 18 for s in re.findall(r'font-size="(\d+)"', svg))
    for text, x0, y0, x1, y1 in found:
        assert x0 >= -0.5 and x1 <= width + 0.5 and y0 >= 0 and y1 <= height, text
    for i, (a, ax0, ay0, ax1, ay1) in enumerate(found):
        for b, bx0, by0, bx1, by1 in found[i + 1:]:
            apart = min(ax1, bx1) - max(ax0, bx0) <= 0.5 or min(ay1, by1) - max(ay0, by0) <= 0.5
            assert apart, (a, b)


class Clock:
    def hhmm(self, t: int) -> str:
        return f"{t // 60 % 24:02d}:{t % 60:02d}"


names = st.text(alphabet="AaBbKkMmWw-_0123456789Жж", min_size=1, max_size=20)
places = st.text(alphabet="The palace yard corridor Smolny", min_size=1, max_size=40)


@st.composite
def pictures(draw: st.DrawFn) -> timeline.Timeline:
    start = draw(st.integers(0, 20)) * 60
    end = start + draw(st.integers(1, 24)) * 60
    minute = st.integers(start, end)
    areas = (("palace", "Winter Palace", "#a83226"), ("smolny", "Smolny Institute", "#2b62a0"),
             ("city", "Petrograd", "#5f6368"), ("x", "A very long area name indeed", "#000"))
    tracks = []
    for _ in range(draw(st.integers(0, 40))):
        cuts = sorted(draw(st.lists(minute, min_size=1, max_size=12)))
        spans = tuple(timeline.Span(a, max(b, a + 2), draw(places), draw(st.sampled_from(areas))[0])
                      for a, b in zip(cuts, cuts[1:] + [end], strict=True))
        ballots = tuple(timeline.BallotMark(draw(minute), "v", "for")
                        for _ in range(draw(st.integers(0, 3))))
        tracks.append(timeline.Track(draw(names), draw(st.sampled_from(
            ["Bolshevik", "Menshevik-Internationalist", "Lieutenant Sinegub", "A sailor"])),
            spans, ballots))
    events = tuple(timeline.EventMark(i, t, "event") for i, t in enumerate(
        sorted(draw(st.lists(minute, max_size=60))), 1))
    votes = tuple(timeline.VoteMark(t, f"v{i}", "Vote " + "x" * draw(st.integers(1, 120)))
                  for i, t in enumerate(sorted(draw(st.lists(minute, max_size=6)))))
    now = draw(st.none() | minute)
    return timeline.Timeline("T", Clock(), start, end, tuple(tracks), events, votes,  # type: ignore[arg-type]
                       areas[:draw(st.integers(0, 4))], now)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pictures())
def test_no_two_labels_overlap_whatever_the_night(picture: timeline.Timeline) -> None:
    check(timeline.svg(picture))


def test_the_check_sees_an_overlap() -> None:
    """The check above can fail: two labels drawn on one spot."""
    svg = timeline.svg(timeline.Timeline("T", Clock(), 0, 120, (), (), (), ()))  # type: ignore[arg-type]
    label = '<text x="150.0" y="22.0" font-size="18" text-anchor="start" fill="#444">00:00</text>'
    try:
        check(svg.replace("</svg>", label + "</svg>"))
    except AssertionError:
        return
    raise AssertionError("an overlap went unseen")
