"""A class that plays docs/lesson.md's plan on the shipped night, for the debrief's tests and
for the example in the docs.

Students are played straight on a `Room` (no server): between the teacher's steps each takes
choices (seeded, so the same class always plays the same night) until the clock holds them;
a delegate at a class vote votes as the class list says.

Run as a script, it writes the six-student example into docs/lesson-example/ and the
pictures docs/lesson.md shows (docs/pictures/*.png), printed in Chromium:

    .venv/bin/python tests/lesson/sample_class.py
"""

from __future__ import annotations

import random
from pathlib import Path

from winterpalace.classroom.room import Room
from winterpalace.engine.model import World

ROOT = Path(__file__).resolve().parents[2]
VOTES = {"for": 0, "against": 1, "abstain": 2}
# name, role, faction, how they vote on Martov's motion
SIX = [("Anna", "delegate", "Bolshevik", "against"), ("Boris", "delegate", "Left SR", "against"),
       ("Lena", "delegate", "Menshevik", "for"), ("Misha", "sailor", None, None),
       ("Pavel", "sailor", None, None), ("Olga", "sinegub", None, None)]
FOUR = [SIX[0], SIX[2], SIX[3], SIX[5]]
# The plan's steps at the console (docs/lesson.md), the caucus left out: it stops no clock here.
STEPS = ["start 18:00", "advance 21:00", "advance 22:40", "advance 23:00", "vote close martov",
         "advance 00:00", "advance 02:00", "advance 03:00", "end"]


def play(room: Room, klass: list[tuple[str, str, str | None, str | None]],
         rng: random.Random) -> None:
    """Each student acts until the clock holds them (or their night is over)."""
    for name, _, _, vote in klass:
        p = room.player(name)
        assert p is not None
        for _ in range(40):
            if p.ps is None or p.ps.ending is not None or room.may_act(p):
                break
            v = room.view(name)
            before = (p.ps.scene, p.ps.time)
            if vote and room.votes.here(p.key, p.ps) is not None and \
                    v.scene == "delegate_martov_motion":
                room.choose(name, VOTES[vote])
            else:
                ways = [c for c in v.choices if c.enabled]
                if ways:
                    room.choose(name, rng.choice(ways).index)
                else:
                    room.wait(name, None)
            if (p.ps.scene, p.ps.time) == before:
                break                         # waiting for the clock


def lesson(world: World, klass: list[tuple[str, str, str | None, str | None]] = SIX,
           steps: list[str] = STEPS, seed: int = 1917) -> Room:
    """A room that has played `steps` of the plan with `klass`."""
    T = world.clock.parse_time
    rng = random.Random(seed)
    room = Room(world, "otter-lamp-meadow-42")
    for n, (name, role, faction, _) in enumerate(klass):
        assert room.join(name, role, 100 + n, faction).ok
    for step in steps:
        word, _, arg = step.partition(" ")
        if word == "start":
            assert room.start(T(arg)).ok
        elif word == "advance":
            res = room.advance(T(arg))
            assert res.ok, res.message
        elif word == "vote":
            vid = arg.split()[-1]
            if vid not in room.votes.counted:
                assert room.close_vote(vid).ok
        elif word == "end":
            assert room.end().ok
            break
        play(room, klass, rng)
    return room


def write_example() -> None:
    """docs/lesson-example/ and docs/pictures/, from the six-student class."""
    import shutil

    from winterpalace.classroom import debrief
    from winterpalace.scenario import load_scenario

    world = load_scenario(ROOT / "scenes")
    room = lesson(world)
    out = ROOT / "docs" / "lesson-example"
    files = dict(debrief.debrief_files(debrief.build(room)))
    (out / "debrief.md").write_text(files["debrief.md"], encoding="utf-8")
    (out / "debrief.html").write_text(files["debrief.html"], encoding="utf-8")
    (out / "transcript-anna.md").write_text(files["transcripts/anna.md"], encoding="utf-8")
    pictures(world, room)
    print(f"wrote {out} and {ROOT / 'docs' / 'pictures'}")
    if not shutil.which("optipng"):
        print("(optipng is not installed: the pictures are not optimised)")


def pictures(world: World, room: Room) -> None:
    """docs/pictures/: a role sheet's two pages, the class packet's plan, the debrief as
    projected (800 px wide), each printed or drawn in Chromium."""
    import shutil
    import subprocess
    import tempfile

    from browser import launch, pdf_pages_png, shrink

    from winterpalace.classroom import debrief
    from winterpalace.handouts.packets import class_plan, write_packets

    pics = ROOT / "docs" / "pictures"
    pics.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, launch() as browser:
        sheets = Path(tmp) / "sheets"
        write_packets(world, sheets, 24)
        pdf = browser.print_pdf(sheets / "class-a4.html")
        first = next(r.first_page for r in class_plan(world, 24) if r.sheet.faction)
        pdf_pages_png(browser, pdf, [1, first, first + 1], pics / "packet.png", width=800)
        shot = Path(tmp) / "debrief.png"
        browser.screenshot(debrief.html_page(debrief.build(room)), shot, 1280, 900)
        shrink(browser, shot, pics / "debrief.png", width=800)
    if shutil.which("optipng"):
        for png in pics.glob("*.png"):
            subprocess.run(["optipng", "-quiet", "-o5", str(png)], check=True)


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(ROOT / "tests"))
    write_example()
