"""Headless Chromium for the tests that print pages or measure them: one browser for the whole
test session, driven by playwright (the Python package) on the system's Chromium.

Chromium comes from the system's packages (`apt-get install chromium`, as .ci/run does), and
PDFs are read with poppler's `pdftotext` (`apt-get install poppler-utils`). Never run
`playwright install`: it downloads browsers of its own.

    def test_something(browser):            # the fixture: one Chromium per session
        pdf = browser.print_pdf(path, paper="A4")
        for page in pdf_lines(pdf): ...
        boxes = browser.evaluate(html, "() => ...", width=1280)
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PX_PER_MM = 96 / 25.4
T = TypeVar("T")


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """A launched browser, and what the tests do with it.

    Playwright's synchronous API runs an event loop of its own in the thread that starts it;
    in the main thread, that loop would stay behind and break every later test that runs
    `asyncio.run`. So the browser lives in a thread of its own, and every call below is
    handed to that thread and waited for.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._pw: Any = None
        self._browser: Any = None
        self._printer: Any = None         # one tab for printing, used again and again
        self._run(self._launch)

    def _run(self, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        return self._pool.submit(fn, *args, **kw).result()

    def _launch(self) -> None:
        from playwright.sync_api import sync_playwright

        path = chromium_path()
        if path is None:
            raise RuntimeError("these tests print pages in Chromium: install it from the "
                               "system's packages (apt-get install chromium), as .ci/run "
                               "does")
        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)

    def close(self) -> None:
        def stop() -> None:
            self._browser.close()
            self._pw.stop()
        try:
            self._run(stop)
        finally:
            self._pool.shutdown()

    def print_pdf(self, source: Path | str, paper: str | None = None) -> bytes:
        """Print a file (a Path) or an HTML text (a str) as a teacher would with Ctrl-P: on
        `paper` ("A4", "Letter"), or on the paper the page asks for (its `@page` size)."""
        return self._run(self._print, source, paper)

    def _print(self, source: Path | str, paper: str | None) -> bytes:
        if self._printer is None or self._printer.is_closed():
            self._printer = self._browser.new_page()
        page = self._printer
        _open(page, source)
        if paper is None:
            return bytes(page.pdf(prefer_css_page_size=True, print_background=True))
        return bytes(page.pdf(format=paper, print_background=True))

    def evaluate(self, source: Path | str, script: str, width: int = 1280,
                 height: int = 900, media: str = "screen") -> Any:
        """Open a page `width` pixels wide (for `media`: "screen" or "print") and return what
        the JavaScript function `script` returns there."""
        return self._run(self._evaluate, source, script, width, height, media)

    def _evaluate(self, source: Path | str, script: str, width: int, height: int,
                  media: str) -> Any:
        page = self._browser.new_page(viewport={"width": width, "height": height})
        try:
            page.emulate_media(media=media)
            _open(page, source)
            return page.evaluate(script)
        finally:
            page.close()

    def screenshot(self, source: Path | str, out: Path, width: int, height: int,
                   selector: str | None = None) -> None:
        """A PNG of the page as shown `width` pixels wide: its first `height` pixels, or the
        element `selector`."""
        self._run(self._screenshot, source, out, width, height, selector)

    def _screenshot(self, source: Path | str, out: Path, width: int, height: int,
                    selector: str | None) -> None:
        page = self._browser.new_page(viewport={"width": width, "height": height})
        try:
            _open(page, source)
            if selector:
                page.locator(selector).screenshot(path=str(out))
            else:
                page.screenshot(path=str(out))
        finally:
            page.close()


def _open(page: Any, source: Path | str) -> None:
    if isinstance(source, Path):
        page.goto(source.resolve().as_uri())
    else:
        page.set_content(source, wait_until="load")


@contextmanager
def launch() -> Iterator[Chromium]:
    b = Chromium()
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Chromium]:
    """One headless Chromium for the whole test session."""
    with launch() as b:
        yield b


# ---------------------------------------------------------------------------- reading PDFs


@dataclass(frozen=True, slots=True)
class Line:
    """A line of text on a PDF page, with its top and bottom (points from the page's top)."""

    top: float
    bottom: float
    left: float
    text: str


def pdf_lines(pdf: bytes) -> list[list[Line]]:
    """Each page's lines of text, top to bottom (poppler's `pdftotext -bbox-layout`)."""
    if shutil.which("pdftotext") is None:
        raise RuntimeError("reading printed pages needs poppler's pdftotext: apt-get install "
                           "poppler-utils, as .ci/run does")
    done = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=pdf,
                          capture_output=True, check=True)
    root = ET.fromstring(done.stdout)
    ns = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for pg in root.iter(f"{ns}page"):
        lines = []
        for ln in pg.iter(f"{ns}line"):
            words = [w.text or "" for w in ln.iter(f"{ns}word")]
            lines.append(Line(float(ln.get("yMin", 0)), float(ln.get("yMax", 0)),
                              float(ln.get("xMin", 0)), " ".join(words)))
        pages.append(sorted(lines, key=lambda line: (line.top, line.left)))
    return pages


def page_texts(pdf: bytes | list[list[Line]]) -> list[str]:
    """Each page's text as one string (lines joined by spaces)."""
    pages = pdf_lines(pdf) if isinstance(pdf, bytes) else pdf
    return [" ".join(line.text for line in page) for page in pages]


def norm(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def headings_ending_pages(pdf: bytes | list[list[Line]],
                          headings: list[str]) -> list[tuple[int, str]]:
    """(page number, heading) for every page whose lowest line of text is (the end of) one of
    `headings`: a heading left alone at the foot of a page, its text on the next."""
    found = []
    wanted = [norm(h) for h in headings if norm(h)]
    pages = pdf_lines(pdf) if isinstance(pdf, bytes) else pdf
    for n, page in enumerate(pages[:-1], 1):        # the last page may end as it likes
        if not page:
            continue
        low = max(line.bottom for line in page)
        last = norm(" ".join(line.text for line in page if line.bottom > low - 2))
        for h in wanted:
            if len(last) >= 3 and (h.endswith(last) or last.endswith(h)):
                found.append((n, h))
    return found


def _data_uri(png: Path) -> str:
    """A PNG inline (a page opened from text may not load files)."""
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def shrink(browser: Chromium, png: Path, out: Path, width: int) -> None:
    """`png` scaled to `width` pixels wide, as a new PNG."""
    browser.screenshot(f'<body style="margin:0"><img src="{_data_uri(png)}" '
                       f'style="width:{width}px;display:block"></body>', out, width, 100,
                       selector="img")


def pdf_pages_png(browser: Chromium, pdf: bytes, pages: list[int], out: Path,
                  width: int) -> None:
    """PDF pages side by side, with a little room between, as one PNG `width` pixels wide."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        imgs = []
        for n in pages:
            stem = Path(tmp) / f"p{n}"
            subprocess.run(["pdftoppm", "-r", "110", "-f", str(n), "-l", str(n), "-png",
                            "-singlefile", str(src), str(stem)], check=True)
            imgs.append(stem.with_suffix(".png"))
        cells = "".join(f'<img src="{_data_uri(i)}" style="width:{100 / len(imgs) - 2:.2f}%;'
                        'box-shadow:0 1px 5px rgba(0,0,0,.35);background:#fff">' for i in imgs)
        browser.screenshot('<body style="margin:0;background:#e8e4da">'
                           '<div id="row" style="display:flex;justify-content:space-evenly;'
                           f'align-items:flex-start;padding:12px 0">{cells}</div></body>',
                           out, width, 100, selector="#row")
