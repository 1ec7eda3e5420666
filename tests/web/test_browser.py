"""The page in a real browser (Chromium, driven by playwright), against real servers: a class
of browser and SSH students in one night, a closed tab, keyboard-only play, markup that must
stay text, the layout at a phone's and a laptop's width in light and dark, the projector, and
the single-player game with the terminal's saves."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import CODE, ClassServer, PlayServer, check_layout, ssh_student

pytestmark = pytest.mark.slow

PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
WAIT = 10_000           # ms: the longest any step may take


def join(page: Any, server: ClassServer, name: str, role: str, faction: str | None = None,
         keyboard: bool = False) -> str:
    """Join the class from the page; returns the PIN shown."""
    page.goto(server.url)
    page.wait_for_selector("#login:not([hidden])", timeout=WAIT)
    if keyboard:
        # The code field has the focus; Tab to the name; Enter sends the form.
        page.keyboard.type(CODE)
        page.keyboard.press("Tab")
        page.keyboard.type(name)
        page.keyboard.press("Enter")
    else:
        page.fill("#code", CODE)
        page.fill("#name", name)
        page.tap("#login-form button[type=submit]")
    page.wait_for_selector("#ask-options button", timeout=WAIT)
    if keyboard:
        page.keyboard.press(role)
    else:
        page.tap(f"#ask-options button[data-answer='{role}']")
    if faction is not None:
        page.wait_for_selector("#ask-title:text('Your faction')", timeout=WAIT)
        if keyboard:
            page.keyboard.press(faction)
        else:
            page.tap(f"#ask-options button[data-answer='{faction}']")
    page.wait_for_selector("#command:not([hidden])", timeout=WAIT)
    pin = re.search(r"Your PIN is (\d{4})", page.inner_text("#story"))
    assert pin, page.inner_text("#story")
    return pin.group(1)


def story(page: Any) -> str:
    return str(page.inner_text("#story"))


def wait_story(page: Any, text: str, times: int = 1) -> None:
    """Wait until the story shows `text` (at least `times` times)."""
    page.wait_for_function(
        "([t, n]) => document.getElementById('story').textContent.split(t).length > n",
        arg=[text, times], timeout=WAIT)


def choose(page: Any, label: str) -> None:
    page.tap(f"#choice-list button:has-text('{label}')")


def test_two_browsers_and_an_ssh_student_in_one_night_with_a_class_vote(
        playwright_browser: Any, lesson_class: ClassServer, tmp_path: Path, shots: Path) -> None:
    server = lesson_class
    phone = playwright_browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    laptop = playwright_browser.new_context(viewport=LAPTOP)
    anna, boris = phone.new_page(), laptop.new_page()
    errors: list[str] = []
    for p in (anna, boris):
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.on("dialog", lambda d: errors.append("dialog: " + d.message))
    join(anna, server, "Anna", "1", "1")                    # touch
    join(boris, server, "Boris", "1", "2", keyboard=True)   # keys only
    chen = ssh_student(tmp_path, server.port, "Chen")
    chen.expect("nickname")
    chen.sendline("")
    chen.expect("Choose a role")
    chen.sendline("2")
    chen.expect(r"\d\d:\d\d >")
    server.wait_for("Chen joined as The officer")

    projector = laptop.new_page()
    projector.goto(server.url + "/projector")
    projector.wait_for_selector(".chip:text('Chen')", timeout=WAIT)
    assert projector.inner_text("#votes").count("ballot") == 1

    server.command("start")
    wait_story(anna, "Your teacher has started the night")
    # Live `say` between the two browsers; markup in it stays text, nothing runs.
    boris.fill("#line", 'say <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>')
    boris.press("#line", "Enter")
    wait_story(anna, 'Boris (The delegate) says: "<img src=x onerror=')
    assert anna.locator("#story img, #story script").count() == 0
    assert anna.evaluate("() => window.__pwned") is None
    server.wait_for('The assembly hall: <img src=x onerror=')

    # The vote: both delegates stay; the class's count reaches the SSH officer's scene.
    choose(anna, "Sit with the Bolsheviks")
    wait_story(anna, "CLASS VOTE (walkout)")
    choose(anna, "Stay in your seat")
    wait_story(anna, "Your ballot is in (walkout: stay)")
    projector.wait_for_selector("#votes :text('1 ballot cast, 1 still to vote')", timeout=WAIT)
    boris.keyboard.press("Escape")                          # out of the command line
    boris.keyboard.press("2")                               # Sit with the Mensheviks
    wait_story(boris, "CLASS VOTE (walkout)")
    boris.keyboard.press("2")                               # Stay in your seat
    wait_story(boris, "Every delegate of the class has voted")
    wait_story(anna, "The Congress has voted (walkout): no: leave 0, stay 380")
    chen.expect("Word has come that the Congress is still whole")
    projector.wait_for_selector("#votes :text('Counted: no: leave 0, stay 380')", timeout=WAIT)

    # Greyed choices keep their reason; the clock and place are in the bar.
    assert anna.inner_text("#clock") == "22:10"
    assert anna.inner_text("#place").startswith("The assembly hall")
    assert "Class clock 22:00" in anna.inner_text("#class-clock")
    check_layout(anna, shots, "class-375")
    check_layout(boris, shots, "class-1280")
    projector.set_viewport_size(LAPTOP)
    projector.wait_for_selector("#timeline:not([hidden])", timeout=WAIT)
    projector.screenshot(path=str(shots / "projector-1280.png"), full_page=True)
    assert errors == []
    chen.sendline("quit")
    phone.close()
    laptop.close()


def test_a_closed_tab_takes_its_seat_again_and_the_projector_follows_a_move(
        playwright_browser: Any, example_class: ClassServer, shots: Path) -> None:
    server = example_class
    device = playwright_browser.new_context(viewport=PHONE)
    page = device.new_page()
    pin = join(page, server, "Dasha", "1", keyboard=True)
    projector = playwright_browser.new_page(viewport=LAPTOP)
    projector.goto(server.url + "/projector")
    projector.wait_for_selector(".place:has-text('The guardroom') .chip:text('Dasha')",
                                timeout=WAIT)
    server.command("start")
    wait_story(page, "Your teacher has started the night")
    # A greyed choice: shown, with the author's reason, not taken.
    greyed = page.locator("#choice-list button[aria-disabled='true']")
    assert greyed.count() == 1
    assert "deserting now would be seen by everyone" in greyed.inner_text()
    page.keyboard.press("3")
    wait_story(page, "Not available: The square is still quiet")
    # Keyboard only: Tab to the second choice, Enter.
    page.focus("#choice-list button >> nth=0")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.number") == "2"
    page.keyboard.press("Enter")
    wait_story(page, "Green stone and gold")
    assert page.evaluate("() => document.activeElement.tagName") == "H2"   # the new scene
    projector.wait_for_selector(".place:has-text('The Malachite Room') .chip:text('Dasha')",
                                timeout=WAIT)

    # The tab is closed and opened again: the seat comes back, no code, no PIN.
    page.close()
    server.wait_for("Dasha disconnected")
    page = device.new_page()
    page.goto(server.url)
    wait_story(page, "Welcome back, Dasha")
    assert page.locator("#login").is_hidden()
    assert "The Malachite Room" in page.inner_text("#place")
    # Another device has no token: the code, then the PIN; the first screen is closed.
    other = playwright_browser.new_context(viewport=LAPTOP)
    tab = other.new_page()
    tab.goto(server.url)
    tab.fill("#code", CODE)
    tab.fill("#name", "dasha")
    tab.press("#name", "Enter")
    tab.wait_for_selector("#ask-input", timeout=WAIT)
    assert tab.inner_text("#ask-title") == "Your PIN"
    tab.fill("#ask-input", pin)
    tab.press("#ask-input", "Enter")
    wait_story(tab, "Welcome back, Dasha")
    page.wait_for_selector("#bye:not([hidden])", timeout=WAIT)
    assert "open on another screen" in page.inner_text("#bye")
    # The teacher stops the server and starts it again (--resume): the page says so, waits,
    # and takes its seat back by itself.
    assert server.stop() == 0
    tab.wait_for_selector("#bye:not([hidden])", timeout=WAIT)
    assert "takes you back to it" in tab.inner_text("#bye")
    again = ClassServer(server.tmp, server.scenes, again=server)
    try:
        tab.wait_for_selector("#command:not([hidden])", timeout=3 * WAIT)
        wait_story(tab, "Welcome back, Dasha", times=2)
        again.wait_for("Dasha is back")
        # "Leave on this device" forgets the seat here.
        tab.click("#leave")
        assert tab.evaluate(
            "() => Object.keys(localStorage).filter(k => k.startsWith('wp-seat'))") == []
        tab.reload()
        tab.wait_for_selector("#login:not([hidden])", timeout=WAIT)
    finally:
        again.stop()
    device.close()
    other.close()
    projector.close()


MARKUP_WORLD = """\
scenario: markup
title: <b>Bold</b> & "Quoted"
subtitle: <script>window.__pwned = 1</script>
clock: { start: 1917-10-25 18:00, end: 1917-10-26 03:00 }
roles:
  r:
    name: <img src=x onerror="window.__pwned=2">
    title: <i>a title</i>
    intro: Hello <b>there</b>.
    start: a
    at: "18:00"
    time_out: out
places:
  p: { name: "<u>A place</u>" }
"""

MARKUP_SCENES = """\
scenes:
  a:
    title: <script>window.__pwned=3</script>
    place: p
    text: |
      A line with <img src=x onerror="window.__pwned=4"> in it.

      And &amp; entities &lt;b&gt; too.
    choices:
      - label: <a href="javascript:window.__pwned=5">Click</a>
        go: b
      - label: Leave
        go: out
  b:
    title: B
    place: p
    text: Second scene.
    choices:
      - { label: Back, go: a }
  out:
    title: Out
    place: p
    text: Gone.
    ending: { title: Gone, epilogue: Bye. }
"""


def test_single_player_in_the_browser_keeps_markup_as_text_and_the_terminals_saves(
        playwright_browser: Any, tmp_path: Path, write_scenario: Any, shots: Path) -> None:
    scenes = write_scenario(MARKUP_WORLD, **{"scenes.yaml": MARKUP_SCENES})
    saves = tmp_path / "saves"
    server = PlayServer(tmp_path, "--scenes", str(scenes), "--saves", str(saves))
    try:
        ctx = playwright_browser.new_context(viewport=LAPTOP)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        # Without the key the game does not open.
        page.goto(server.url.split("#")[0])
        page.wait_for_selector("#bye:not([hidden])", timeout=WAIT)
        page.goto(server.url)
        page.wait_for_selector("#ask-options button", timeout=WAIT)
        assert "#key" not in page.url                   # the key leaves the address bar
        page.keyboard.press("1")
        page.wait_for_selector("#ask-options button:has-text('Begin the night')",
                               timeout=WAIT)
        page.keyboard.press("Enter")                    # the focused "Begin" button
        wait_story(page, "A line with <img src=x")
        text = story(page)
        assert '<b>Bold</b> & "Quoted"' in text and "<script>window.__pwned = 1</script>" in text
        assert "<script>window.__pwned=3</script>" in text and "&amp; entities &lt;b&gt;" in text
        label = page.inner_text("#choice-list button >> nth=0")
        assert '<a href="javascript:window.__pwned=5">Click</a>' in label
        assert page.locator("#story img, #story script, #story a, #choice-list a").count() == 0
        page.keyboard.press("1")
        wait_story(page, "Second scene.")
        assert page.evaluate("() => window.__pwned") is None
        assert list(saves.rglob("autosave-*")), list(saves.rglob("*"))
        # Reopened, the page shows where the player is.
        page.reload()
        wait_story(page, "Second scene.")
        check_layout(page, shots, "single-1280")
        page.fill("#line", "quit")
        page.press("#line", "Enter")
        page.wait_for_selector("#bye:not([hidden])", timeout=WAIT)
        assert "Your game is saved" in page.inner_text("#bye")
        assert page.locator("#rejoin").is_hidden()     # the server has stopped: no way back
        assert server.proc.wait(10) == 0
        assert errors == []
        ctx.close()
    finally:
        server.stop()
    # The terminal game goes on with the same night.
    done = subprocess.run([sys.executable, "-m", "winterpalace", "play", "--continue",
                           "--scenes", str(scenes), "--saves", str(saves)],
                          input="look\nquit\n", capture_output=True, text=True, timeout=30,
                          check=False)
    assert "SECOND SCENE" in done.stdout.upper() and "Second scene." in done.stdout
