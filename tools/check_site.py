"""Open every page of the built site in headless Chromium, offline, and fail on what a reader would see broken.

Usage: python tools/check_site.py HTML_DIR [SCREENSHOT_DIR]

The site in HTML_DIR (``_build/html`` after ``make book``, or the unexecuted
build of ``make test``) is served on 127.0.0.1 by a local HTTP server. Debian's
``chromium`` and ``chromium-driver``, driven by Selenium, open every page with
every host but 127.0.0.1 unresolvable, so nothing can be fetched from outside.
A page fails on:

- any message of level SEVERE in the browser console;
- any request to a host other than 127.0.0.1 (recorded from the DevTools log);
- any image that did not load (``naturalWidth == 0``);
- any mathematics MathJax left as raw TeX (a ``.math`` element without an
  ``mjx-container`` inside);
- any block of code or output wider than the column at 1280 x 900 pixels, so
  that it scrolls sideways (``tools/site.css`` sets the code font so that 84
  characters fit; the book's code keeps to 79);
- any link to a page of the site that does not exist, or to an anchor that is
  not on the target page (checked on the HTML files).

Screenshots of the home page, one chapter and the glossary (its Chinese terms
need a CJK font, which .ci/run installs) are saved to SCREENSHOT_DIR
(default: HTML_DIR/../site-check).
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = {
    "index.html": "home.png",
    "book/lstm.html": "chapter-lstm.png",
    "book/glossary.html": "glossary.png",
}


def _pages(root: Path) -> list[Path]:
    skip = {"genindex.html", "search.html"}
    return sorted(
        p
        for p in root.rglob("*.html")
        if p.name not in skip
        and "_static" not in p.parts
        and "_sources" not in p.parts
    )


def broken_links(root: Path) -> list[str]:
    """Internal links to missing pages or anchors, from the HTML files themselves."""
    from bs4 import BeautifulSoup

    ids: dict[Path, set[str]] = {}

    def anchors(page: Path) -> set[str]:
        if page not in ids:
            soup = BeautifulSoup(
                page.read_text(errors="replace"), "html.parser"
            )
            ids[page] = {t["id"] for t in soup.find_all(id=True)} | {
                t["name"] for t in soup.find_all("a", attrs={"name": True})
            }
        return ids[page]

    problems = []
    for page in _pages(root):
        soup = BeautifulSoup(page.read_text(errors="replace"), "html.parser")
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if urlparse(href).scheme or href.startswith(
                ("mailto:", "//", "javascript:")
            ):
                continue
            path, frag = urldefrag(href)
            target = (
                page if not path else (page.parent / unquote(path)).resolve()
            )
            if target.is_dir():
                target = target / "index.html"
            where = page.relative_to(root)
            if not target.is_file():
                problems.append(f"{where}: link to a missing page {href!r}")
            elif (
                frag
                and target.suffix == ".html"
                and unquote(frag) not in anchors(target)
            ):
                problems.append(f"{where}: link to a missing anchor {href!r}")
    return problems


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(root: Path):
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _driver():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise SystemExit("selenium is not installed: run `make env`") from None
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            raise SystemExit(
                f"{path} is missing: install Debian's chromium and chromium-driver "
                "(apt-get install -y chromium chromium-driver); .ci/run does it"
            )
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        # every host but 127.0.0.1 is unresolvable: nothing leaves the machine
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        opts.add_argument(arg)
    opts.set_capability(
        "goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"}
    )
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


_PAGE_STATE = """
const done = arguments[arguments.length - 1];
const finish = () => {
  const imgs = [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
                                   .map(i => i.getAttribute('src'));
  const raw = [...document.querySelectorAll('.math')]
                 .filter(m => !m.querySelector('mjx-container'))
                 .map(m => m.textContent.slice(0, 60));
  // code that scrolls sideways: wider than the column of the page
  const wide = [...document.querySelectorAll('pre')]
                 .filter(p => p.scrollWidth > p.clientWidth + 1 && p.offsetParent !== null)
                 .map(p => p.textContent.split('\\n')
                             .reduce((a, b) => (b.length > a.length ? b : a), ''));
  done({imgs: imgs, raw: raw, wide: wide, mathjax: typeof MathJax !== 'undefined'});
};
// MathJax loads asynchronously: until its script has run, window.MathJax is
// only the configuration object. Wait for it (30 s at most) on pages with
// mathematics, then for its first typesetting.
const started = Date.now();
const wait = () => {
  if (typeof MathJax !== 'undefined' && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(finish, finish);
  } else if (document.querySelector('.math') && Date.now() - started < 30000) {
    setTimeout(wait, 100);
  } else { finish(); }
};
wait();
"""


def check_pages(root: Path, shots: Path) -> list[str]:
    server = _serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    driver = _driver()
    driver.set_script_timeout(60)
    problems = []
    try:
        for page in _pages(root):
            rel = page.relative_to(root).as_posix()
            driver.get(base + rel)
            state = driver.execute_async_script(_PAGE_STATE)
            for entry in driver.get_log("browser"):
                if entry["level"] == "SEVERE":
                    problems.append(
                        f"{rel}: console error: {entry['message'][:200]}"
                    )
            for entry in driver.get_log("performance"):
                msg = json.loads(entry["message"])["message"]
                if msg.get("method") == "Network.requestWillBeSent":
                    url = msg["params"]["request"]["url"]
                    if urlparse(url).scheme in (
                        "http",
                        "https",
                    ) and not url.startswith(base):
                        problems.append(
                            f"{rel}: request outside the site: {url[:200]}"
                        )
            problems += [
                f"{rel}: image did not load: {src}" for src in state["imgs"]
            ]
            problems += [
                f"{rel}: raw TeX left by MathJax: {text!r}"
                for text in state["raw"]
            ]
            problems += [
                f"{rel}: code wider than the column ({len(line)} characters, "
                f"scrolls sideways): {line[:80]!r}"
                for line in state["wide"]
            ]
            if rel in SCREENSHOTS:
                driver.save_screenshot(str(shots / SCREENSHOTS[rel]))
    finally:
        driver.quit()
        server.shutdown()
    return problems


def main(html_dir: str, shot_dir: str | None = None) -> int:
    root = Path(html_dir).resolve()
    if not (root / "index.html").is_file():
        raise SystemExit(
            f"{root} holds no built site (index.html); build it first "
            "(make book, or make test for the unexecuted build)"
        )
    shots = Path(shot_dir) if shot_dir else root.parent / "site-check"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    problems = broken_links(root) + check_pages(root, shots)
    n = len(_pages(root))
    for p in problems:
        print("check-site:", p)
    print(
        f"check-site: {n} pages, {len(problems)} problem(s); screenshots in {shots}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
