"""The built website, opened page by page in a real (headless) browser.

Serves ``_build/html`` (or the folder ``SITE_HTML`` names) on 127.0.0.1 and opens
every page in Debian's Chromium, driven by Playwright (which downloads no browser
of its own), in the light and in the dark colour mode. Each page must:

- log no console error and raise no JavaScript exception;
- request nothing from any host but the local server (no CDN);
- give every image in the main content a non-empty alt text;
- have all its mathematics typeset by MathJax, without TeX errors;
- if it is a chapter, offer Binder, Colab and live-code (Thebe) launch buttons;
- pass an accessibility audit by axe-core (bundled in axe-playwright-python) in
  both colour modes, with every rule of axe-core's default set and no element
  excluded: a violation of impact critical or serious fails the test (with the
  rule, the mode and the offending elements' selectors); the moderate and minor
  ones are counted on the terminal at the end.

Every figure must also be opaque, so that it stays legible in dark mode.

A full-page screenshot of each page that fails, in both colour modes, goes to
``screenshots/`` beside the site (``_build/screenshots/``; CI keeps them). Run by
``make test`` after the book is built (``make site``), in two halves
(``SITE_SHARD=1/2`` and ``2/2``) that ``make test`` runs side by side. Without
Chromium the test is skipped, unless ``REQUIRE_BROWSER=1`` (set by ``.ci/run``)
makes that a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parent.parent
# SITE_HTML points the test at another build (e.g. one made with --path-output).
HTML = Path(os.environ.get("SITE_HTML") or ROOT / "_build" / "html").resolve()
SHOTS = HTML.parent / "screenshots"
# The colour modes every page is audited in, and the axe-core impacts that fail the test.
MODES = ("light", "dark")
BLOCKING = ("critical", "serious")
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


def _shard() -> tuple[int, int]:
    """``SITE_SHARD=k/n`` (set by ``make site``): check only every n-th page from the k-th."""
    value = os.environ.get("SITE_SHARD") or "1/1"
    match = re.fullmatch(r"(\d+)/(\d+)", value)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"SITE_SHARD must be k/n with 1 <= k <= n, got {value!r}")
    return int(match[1]), int(match[2])


def _all_pages() -> list[str]:
    if not HTML.is_dir():
        return []
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if "_static" not in p.parts and "_sources" not in p.parts
    )


def _pages() -> list[str]:
    k, n = _shard()
    return _all_pages()[k - 1 :: n]


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


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context per colour mode, shared by every page of the site.

    Each context emulates ``prefers-color-scheme``, which the theme follows
    (``default_mode: auto``). Two contexts run in two renderer processes, so a
    page's two colour modes load, and are audited, side by side.
    """
    made = {
        mode: browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=mode)
        for mode in MODES
    }
    yield made
    for context in made.values():
        context.close()


@pytest.fixture(scope="module")
def axe(request):
    """axe-core's script (bundled in axe-playwright-python) and a tally of its findings.

    After the last page, the violations of every impact, blocking or not, are
    listed on the terminal by impact, rule and colour mode, with the time the
    audits took.
    """
    from axe_playwright_python.sync_playwright import Axe

    elements: Counter[tuple[str, str, str]] = Counter()
    pages: Counter[tuple[str, str, str]] = Counter()
    seconds: list[float] = []
    yield Axe().axe_script, elements, pages, seconds
    if not seconds:
        return
    lines = [
        "",
        f"axe-core: {len(seconds)} pages audited in {len(MODES)} colour modes"
        f" in {sum(seconds):.1f} s",
    ]
    order = ["critical", "serious", "moderate", "minor"]
    for impact, rule, mode in sorted(elements, key=lambda k: (order.index(k[0]), k[1], k[2])):
        key = (impact, rule, mode)
        lines.append(
            f"  {impact:8} {rule:24} {mode:5} mode: {elements[key]} element(s)"
            f" on {pages[key]} page(s)"
        )
    if not elements:
        lines.append("  no violation of any impact")
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print("\n".join(lines))


# Start axe-core on the whole document with its default rule set: no rule disabled,
# no element excluded. The timer hands control back at once, so the renderers of
# the two colour modes audit at the same time; AXE_RESULT waits for the outcome.
AXE_START = """() => { window.axeResults = new Promise(done => setTimeout(
    () => done(axe.run(document, {resultTypes: ["violations"]})), 0)); }"""
AXE_RESULT = "() => window.axeResults.then(results => results.violations)"
# axe-core 4.12 fetches the stylesheets a page @imports (for css-orientation-lock),
# but resolves their URLs against the document instead of the importing stylesheet
# (dequelabs/axe-core#5268): the theme's "../basic.css" becomes a 404. This maps each
# URL axe-core will ask for to the right one, which _watch then serves in its place.
IMPORT_URLS = """() => {
    const urls = {};
    const visit = sheet => {
        let rules;
        try { rules = sheet.cssRules; } catch { return; }  // another origin's sheet
        for (const rule of rules) {
            if (!(rule instanceof CSSImportRule)) continue;
            const asked = new URL(rule.href, document.baseURI).href;
            const meant = new URL(rule.href, sheet.href || document.baseURI).href;
            if (asked !== meant) urls[asked] = meant;
            if (rule.styleSheet) visit(rule.styleSheet);
        }
    };
    [...document.styleSheets].forEach(visit);
    return urls;
}"""


def _audit(pages: dict, axe, rewrites: dict[str, str]) -> list[str]:
    """Audit a page open in each colour mode with axe-core, in parallel.

    Every violation is tallied; one line per critical or serious violation is
    returned, naming the colour mode, the rule, its impact and the offending
    elements' selectors.
    """
    script, elements, pages_hit, seconds = axe
    start = time.perf_counter()
    for mode, page in pages.items():
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        assert theme == mode, f"the {mode} colour mode was asked for, the page shows {theme!r}"
        rewrites.update(page.evaluate(IMPORT_URLS))
        page.evaluate(script)
        page.evaluate(AXE_START)
    problems = []
    for mode, page in pages.items():
        for violation in page.evaluate(AXE_RESULT):
            key = (violation["impact"], violation["id"], mode)
            elements[key] += len(violation["nodes"])
            pages_hit[key] += 1
            if violation["impact"] in BLOCKING:
                selectors = "; ".join(" ".join(map(str, n["target"])) for n in violation["nodes"])
                problems.append(
                    f"axe-core, {mode} mode: {violation['id']} ({violation['impact']}):"
                    f" {violation['help']}: {selectors}"
                )
    seconds.append(time.perf_counter() - start)
    return problems


def _watch(page, problems: list[str], mode: str, rewrites: dict[str, str]) -> None:
    """Record the page's console errors, JavaScript exceptions and requests elsewhere.

    Each is reported with the page's colour mode. A request for a URL in ``rewrites``
    is answered from the URL it maps to.
    """

    def report(what: str) -> None:
        problems.append(f"{mode} mode: {what}")

    def console(msg):
        if msg.type == "error":
            report(f"console error: {msg.text} ({msg.location['url']})")

    def only_local(route):
        host = urlparse(route.request.url).hostname
        if route.request.url in rewrites:
            route.continue_(url=rewrites[route.request.url])
        elif host == "127.0.0.1":
            route.continue_()
        else:
            report(f"external request: {route.request.url}")
            route.abort()

    page.on("console", console)
    page.on("pageerror", lambda exc: report(f"page error: {exc}"))
    page.route("**/*", only_local)


def _screenshot_if(problems: list[str], page, page_path: str, mode: str) -> None:
    """A full-page screenshot of a page with problems, for the CI artifact."""
    if problems:
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = f"{page_path.replace('/', '__')}.{mode}.png"
        page.screenshot(path=SHOTS / name, full_page=True)


def _typeset(page) -> bool:
    """Wait until MathJax has typeset the page; False if it has no maths."""
    if not page.evaluate("() => document.querySelectorAll('.math').length"):
        return False
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    return True


def test_there_are_pages_to_check():
    pages = _all_pages()
    assert "index.html" in pages and len([p for p in pages if p.startswith("chapters/")]) >= 11


def test_figures_are_opaque():
    """Every figure has an opaque background, so it stays legible in dark mode."""
    from PIL import Image

    figures = [
        path
        for path in (HTML / "_images").glob("*")
        if path.suffix.lower() in {".png", ".jpg", ".jpeg", ".gif", ".webp"}
    ]
    assert figures, f"no figures in {HTML / '_images'}"
    transparent = []
    for path in figures:
        with Image.open(path) as image:
            if image.convert("RGBA").getchannel("A").getextrema()[0] < 255:
                transparent.append(path.name)
    assert not transparent, f"figures with transparent pixels: {transparent}"


@pytest.mark.parametrize("page_path", _pages())
def test_page(server, contexts, axe, page_path):
    problems: list[str] = []
    url = f"{server}/{page_path}"
    redirect = re.search(
        r'http-equiv="refresh"[^>]*url=([^"\s>]+)', (HTML / page_path).read_text(), re.I
    )
    target = None
    if redirect:
        # A redirect page (the site's index.html): its target must exist, and is
        # checked here once the browser has followed the redirect.
        target = (HTML / page_path).parent / redirect.group(1)
        assert target.exists(), f"{page_path} redirects to a missing page {redirect.group(1)}"

    # The page in each colour mode, loading at the same time. The light one gets
    # every check below; both get the console, network and accessibility checks.
    pages = {}
    rewrites: dict[str, str] = {}
    for mode in MODES:
        pages[mode] = contexts[mode].new_page()
        _watch(pages[mode], problems, mode, rewrites)
        pages[mode].goto(url, wait_until="commit")
    has_math = False
    for page in pages.values():
        page.wait_for_load_state("load")
        if target is not None:
            page.wait_for_url(f"**/{target.relative_to(HTML).as_posix()}")
            page.wait_for_load_state("load")
        has_math = _typeset(page)
    page = pages["light"]

    if has_math:
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

    problems += _audit(pages, axe, rewrites)
    for mode, page in pages.items():
        _screenshot_if(problems, page, page_path, mode)
        page.close()
    assert not problems, f"{page_path}:\n" + "\n".join(problems)
