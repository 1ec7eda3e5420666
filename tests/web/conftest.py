"""Servers for the browser tests: `winterpalace classroom` and `winterpalace play --web` as
real processes, and a real OpenSSH student beside the browsers. (The browser itself is the
`playwright_browser` fixture below.)"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
LESSON = ROOT / "tests" / "classroom" / "lesson_scenario"
EXAMPLE = ROOT / "tests" / "classroom" / "scenario"
CODE = "lamp-river-otter-42"
SSH = shutil.which("ssh") or "/usr/bin/ssh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """A server process; its output is read from a log file as it grows."""

    def __init__(self, args: list[str], log: Path, ready: str):
        self.log_path = log
        self.log = open(log, "wb")  # noqa: SIM115 - open for the process's whole life
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.wait_for(ready)

    def text(self) -> str:
        return self.log_path.read_text("utf-8", "replace")

    def wait_for(self, needle: str | re.Pattern[str], timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            m = needle.search(text) if isinstance(needle, re.Pattern) else None
            if m or isinstance(needle, str) and needle in text:
                return m.group(0) if m else needle
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server never said {needle!r}:\n{text[-3000:]}")
            time.sleep(0.03)

    def command(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        self.log.close()
        return int(self.proc.returncode)


class ClassServer(Process):
    """`winterpalace classroom` with its page on a free port; console commands on stdin."""

    def __init__(self, tmp: Path, scenes: Path, *extra: str,
                 again: ClassServer | None = None):
        """A new session; with `again`, that server's session resumed on the same ports."""
        self.tmp, self.scenes = tmp, scenes
        if again is None:
            self.port, self.web_port = free_port(), free_port()
            start = ["--code", CODE]
        else:
            self.port, self.web_port = again.port, again.web_port
            start = ["--resume"]
        self.url = f"http://127.0.0.1:{self.web_port}"
        log = tmp / ("server.log" if again is None else "server-resumed.log")
        super().__init__([sys.executable, "-m", "winterpalace", "classroom", "--host",
                          "127.0.0.1", "--port", str(self.port), "--web", str(self.web_port),
                          "--saves", str(tmp / "saves"), "--scenes", str(scenes), "--stdin",
                          "--wrong-code-delay", "0.05", *start, *extra], log, "Type `help`")


class PlayServer(Process):
    """`winterpalace play --web`: one player's game on this computer."""

    def __init__(self, tmp: Path, *extra: str):
        self.port = free_port()
        super().__init__([sys.executable, "-m", "winterpalace", "play", "--web", str(self.port),
                          *extra], tmp / "play.log", "The game is at ")
        self.url = self.wait_for(re.compile(r"http://127\.0\.0\.1:\d+/#key=[\w-]+"))


@pytest.fixture
def lesson_class(tmp_path: Path) -> Iterator[ClassServer]:
    server = ClassServer(tmp_path, LESSON)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def example_class(tmp_path: Path) -> Iterator[ClassServer]:
    server = ClassServer(tmp_path, EXAMPLE)
    try:
        yield server
    finally:
        server.stop()


def ssh_student(tmp: Path, port: int, user: str) -> Any:
    """A real OpenSSH client in a pseudo-terminal, at the class code's prompt answered."""
    pexpect = pytest.importorskip("pexpect")
    if not os.path.exists(SSH):
        pytest.skip("the OpenSSH client is not installed")
    child = pexpect.spawn(SSH, [
        "-p", str(port), "-o", "StrictHostKeyChecking=no",
        "-o", f"UserKnownHostsFile={tmp / 'known_hosts'}", "-o", "PubkeyAuthentication=no",
        "-o", "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1",
        "-o", "LogLevel=ERROR", "-F", "/dev/null", f"{user}@127.0.0.1"],
        encoding="utf-8", codec_errors="replace", timeout=20, dimensions=(40, 100),
        env={**os.environ, "TERM": "xterm-256color"})
    child.expect("assword")
    child.sendline(CODE)
    return child


# ------------------------------------------------------------------ what a page looks like

OVERLAPS_JS = """
() => {
  // Pairs of visible elements that overlap on the screen, among the things a reader reads
  // side by side: the bar's parts, each choice's parts, the choices, the story's entries.
  const groups = [
    Array.from(document.querySelectorAll('#bar .bar-inner > *')),
    Array.from(document.querySelectorAll('#choice-list > li, #ask-options li')),
    Array.from(document.querySelectorAll('#story > *')).slice(-12),
    Array.from(document.querySelectorAll('#command label, #command input, #command button')),
    Array.from(document.querySelectorAll('#login-form > *')),
  ];
  for (const b of document.querySelectorAll('button.choice')) groups.push(Array.from(b.children));
  const seen = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const out = [];
  for (const g of groups) {
    const els = g.filter(seen);
    for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
      const a = els[i].getBoundingClientRect(), b = els[j].getBoundingClientRect();
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) out.push([els[i].className || els[i].tagName, els[j].className || els[j].tagName, Math.round(w), Math.round(h)]);
    }
  }
  // Nothing in the bar may stick out of it (the bar is drawn over the page).
  const bar = document.getElementById('bar');
  if (bar) {
    const b = bar.getBoundingClientRect();
    for (const e of Array.from(bar.querySelectorAll('*')).filter(seen)) {
      const r = e.getBoundingClientRect();
      if (r.top < b.top - 1 || r.bottom > b.bottom + 1) out.push(['#bar', e.id || e.className, 0, 0]);
    }
  }
  const wide = document.scrollingElement.scrollWidth - window.innerWidth;
  const clipped = Array.from(document.querySelectorAll('#main *, #bar *')).filter(seen)
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map((e) => e.tagName + '.' + e.className).slice(0, 5);
  return {overlaps: out, tooWide: wide, clipped: clipped};
}
"""


def check_layout(page: Any, shots: Path, name: str) -> None:
    """Nothing overlaps and nothing runs off the side, light and dark; screenshots kept."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.evaluate("() => window.scrollTo(0, 0)")
        found = page.evaluate(OVERLAPS_JS)
        assert found["overlaps"] == [], (name, scheme, found["overlaps"])
        assert found["tooWide"] <= 0 and found["clipped"] == [], (name, scheme, found)
        page.screenshot(path=str(shots / f"{name}-{scheme}.png"), full_page=True)
    page.emulate_media(color_scheme="light")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: $WINTERPALACE_SHOTS if set (to look at them), else tmp."""
    where = Path(os.environ.get("WINTERPALACE_SHOTS") or tmp_path / "shots")
    where.mkdir(parents=True, exist_ok=True)
    return where


# ------------------------------------------------------------------ a real browser
#
# Chromium from the system's packages (`apt-get install chromium`, as .ci/run does), driven by
# playwright's Python API. `playwright install` is never needed: the system browser is used.
# (tests/browser.py has the printing tests' browser, in a thread of its own; this one is
# playwright's own Browser, for tests that open pages as students and teachers do.)
# One browser per test module (keep the browser tests of a feature in one module, and it is
# one per feature); each test opens its own contexts (cheap, isolated: their own storage, as
# separate devices would have). Not per session: playwright's sync API keeps its event loop
# marked as running while it lives, and `asyncio.run` in any later test would refuse to run.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def playwright_browser() -> Iterator[Any]:
    """A headless Chromium (skips the test where there is none)."""
    import os

    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
