"""The built website, opened page by page in a real (headless) browser.

Serves ``_build/html`` on 127.0.0.1 and opens every page in Debian's Chromium,
driven by Playwright (which downloads no browser of its own). Each page must:

- log no console error and raise no JavaScript exception;
- request nothing from any host but the local server (no CDN);
- give every image in the main content a non-empty alt text;
- have all its mathematics typeset by MathJax, without TeX errors;
- if it is a chapter, offer Binder, Colab and live-code (Thebe) launch buttons.

A full-page screenshot of each page goes to ``_build/screenshots/``. Run by
``make test`` after the book is built (``make site``). Without Chromium the
test is skipped, unless ``REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a
failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a sandboxed machine without a network (see the machine notes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _pages() -> list[str]:
    if not HTML.is_dir():
        return []
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if "_static" not in p.parts and "_sources" not in p.parts
    )


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").exists():
        pytest.fail("no built site: run `make book` (or `make test`) first")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(HTML))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_there_are_pages_to_check():
    pages = _pages()
    assert "index.html" in pages and len([p for p in pages if p.startswith("chapters/")]) >= 11


@pytest.mark.parametrize("page_path", _pages())
def test_page(server, browser, page_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

    def only_local(route):
        host = urlparse(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            problems.append(f"external request: {route.request.url}")
            route.abort()

    page.route("**/*", only_local)
    url = f"{server}/{page_path}"
    redirect = re.search(
        r'http-equiv="refresh"[^>]*url=([^"\s>]+)', (HTML / page_path).read_text(), re.I
    )
    page.goto(url, wait_until="load")
    if redirect:
        # A redirect page (the site's index.html): its target must exist, and is
        # checked here once the browser has followed the redirect.
        target = (HTML / page_path).parent / redirect.group(1)
        assert target.exists(), f"{page_path} redirects to a missing page {redirect.group(1)}"
        page.wait_for_url(f"**/{target.relative_to(HTML).as_posix()}")
        page.wait_for_load_state("load")

    # Wait until MathJax has typeset the page (pages without maths skip this).
    has_math = page.evaluate("() => document.querySelectorAll('.math').length") > 0
    if has_math:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        unrendered = page.evaluate(
            """() => [...document.querySelectorAll('.math')]
                   .filter(el => !el.querySelector('mjx-container'))
                   .map(el => el.textContent.slice(0, 60))"""
        )
        problems += [f"math not rendered: {text!r}" for text in unrendered]
        errors = page.evaluate(
            "() => [...document.querySelectorAll('mjx-merror')].map(e => e.textContent)"
        )
        problems += [f"TeX error: {text!r}" for text in errors]

    no_alt = page.evaluate(
        """() => [...document.querySelectorAll('main img, article img')]
               .filter(img => !(img.getAttribute('alt') || '').trim())
               .map(img => img.getAttribute('src'))"""
    )
    problems += [f"image without alt text: {src}" for src in no_alt]

    if re.match(r"chapters/\d\d-", page_path):
        # A notebook chapter: launch buttons built from repository.url in _config.yml.
        for needle in ("https://mybinder.org/v2/gh/", "https://colab.research.google.com/github/"):
            if not page.locator(f"a[href^='{needle}']").count():
                problems.append(f"no launch link starting {needle}")
        if not page.locator(".thebe-launch-button, [onclick*='initThebe']").count():
            problems.append("no live-code (Thebe) button")

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / (page_path.replace("/", "__") + ".png"), full_page=True)
    page.close()
    assert not problems, f"{page_path}:\n" + "\n".join(problems)
