"""Headless Chromium against a built site, as a reader would use it.

Shared by the browser tests and by bench/search_quality.py. Chromium comes
from Debian (`apt-get install chromium chromium-driver`, done by .ci/run);
Playwright's own browser download does not work here, so we point Playwright
at /usr/bin/chromium.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM = os.environ.get("DIGEST_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach
# Google's hosts, which this machine's closed network refuses.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"{CHROMIUM} not found (apt-get install chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test output is for results, not access logs
        pass


@contextlib.contextmanager
def serve(site: Path):
    """Serve a built site on 127.0.0.1 (a free port) for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    """A headless Chromium browser driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class SearchResult:
    path: str  # site path of the result's page, e.g. "articles/slug/"
    title: str
    marked: tuple[str, ...]  # the words the result list highlights


@dataclass(frozen=True)
class SearchAnswer:
    query: str
    results: tuple[SearchResult, ...]
    latency_ms: float | None  # from the committed query to the last change of the result list

    def pages(self) -> list[str]:
        return [r.path for r in self.results]


# Record when the result list last changed, so latency is measured in the page
# itself rather than by Python's polling.
_ARM = """() => {
  window.__digestT0 = performance.now();
  window.__digestLast = null;
  if (!window.__digestObserver) {
    window.__digestObserver = new MutationObserver(() => { window.__digestLast = performance.now(); });
    window.__digestObserver.observe(document.querySelector('.md-search-result'),
      {subtree: true, childList: true, characterData: true});
  }
}"""

_RESULTS = """els => els.map(a => ({
  href: a.getAttribute('href'),
  title: (a.querySelector('h1, h2') || {}).textContent || '',
  marked: [...a.querySelectorAll('mark')].map(m => m.textContent),
}))"""


class SearchBox:
    """Material's search box on one open page."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.input = page.locator("input.md-search__input")

    def open(self, timeout_s: float = 120.0):
        icon = self.page.locator("label.md-header__button[for=__search]").first
        if icon.is_visible():  # phone layout: the box hides behind an icon and slides in
            icon.click()
            self.page.wait_for_timeout(300)
            self.input.focus()
        else:
            self.input.click()
        # The worker loads the index in the background; until it is ready, Material shows the message
        # the page came with ("正在初始化搜索引擎") and drops what is typed. Wait until the message changes
        # (a query asked earlier found nothing on a 300-article site, whose index takes longer to load).
        # (The box comes with the page, or from the script the page names: generator/shared_chrome.py.)
        served = self.page.request.get(self.page.url).text()
        box = self.page.evaluate("(document.querySelector('script[src*=digest-search-box]') || {}).src")
        if box:
            served += self.page.request.get(box).text()
        loading = re.search(r'class=\\?"?md-search-result__meta\\?"?>([^<]*)<', served).group(1).strip()
        self.page.wait_for_function(
            "loading => document.querySelector('.md-search-result__meta').textContent.trim() !== loading",
            arg=loading, timeout=timeout_s * 1000)

    def ask(self, query: str, settle_ms: int = 300, timeout_s: float = 10.0) -> SearchAnswer:
        self.input.fill("")
        # The emptied box shows Material's prompt and no results; the answer to the query replaces
        # the prompt with a count or "nothing found". Results are read once they have come and
        # stayed unchanged for settle_ms: a large archive's index can take longer than that to
        # answer, and the empty list it showed meanwhile was read as "no results".
        self.page.wait_for_function("() => !document.querySelector('.md-search-result__item')",
                                    timeout=timeout_s * 1000)
        prompt = self.page.text_content(".md-search-result__meta")
        self.page.evaluate(_ARM)
        # A Chinese IME commits a whole word at once, then a key is released:
        # insert the text in one go and release a key, as the IME would.
        self.page.keyboard.insert_text(query)
        self.page.keyboard.press("End")
        html, unchanged_since = None, time.monotonic()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            time.sleep(0.05)
            current = self.page.inner_html(".md-search-result")
            if current != html or self.page.text_content(".md-search-result__meta") == prompt:
                html, unchanged_since = current, time.monotonic()
            elif (time.monotonic() - unchanged_since) * 1000 >= settle_ms:
                break
        latency = self.page.evaluate(
            "() => window.__digestLast === null ? null : window.__digestLast - window.__digestT0")
        raw = self.page.eval_on_selector_all(
            ".md-search-result__item > a.md-search-result__link", _RESULTS)
        results = tuple(SearchResult(self._path(r["href"]), _clean(r["title"]),
                                     tuple(_clean(m) for m in r["marked"])) for r in raw)
        return SearchAnswer(query, results, latency)

    def _path(self, href: str) -> str:
        path = unquote(urlsplit(href).path)
        base = urlsplit(self.base_url).path
        return path[len(base):] if path.startswith(base) else path.lstrip("/")


def _clean(text: str) -> str:
    """Drop the zero-width spaces the index puts between Chinese words."""
    return text.replace("\u200b", "").strip()


@dataclass(frozen=True)
class QueryCase:
    query: str
    want: tuple[str, ...]  # acceptable article paths, best first; empty: should find nothing
    kind: str


def rank_of(answer: SearchAnswer, case: QueryCase) -> int | None:
    """1-based rank of the first wanted article among the results, or None."""
    for position, path in enumerate(answer.pages(), start=1):
        if path in case.want:
            return position
    return None


def summarize(cases: list[QueryCase], answers: list[SearchAnswer]) -> dict:
    """MRR, first-hit and top-3 rates over the finding queries; stray results on the others."""
    finding = [(c, a) for c, a in zip(cases, answers) if c.want]
    empty = [(c, a) for c, a in zip(cases, answers) if not c.want]
    ranks = [rank_of(a, c) for c, a in finding]
    latencies = [a.latency_ms for a in answers if a.latency_ms is not None]
    return {
        "queries": len(cases),
        "mrr": sum(1 / r for r in ranks if r) / len(ranks) if ranks else 0.0,
        "first": sum(1 for r in ranks if r == 1) / len(ranks) if ranks else 0.0,
        "top3": sum(1 for r in ranks if r and r <= 3) / len(ranks) if ranks else 0.0,
        "misses": [(c.query, r, a.pages()[:3]) for (c, a), r in zip(finding, ranks) if r != 1],
        "stray": [(c.query, a.pages()[:3]) for c, a in empty if any(p.startswith("articles/") for p in a.pages())],
        "latency_median_ms": statistics.median(latencies) if latencies else None,
        "latency_max_ms": max(latencies) if latencies else None,
    }


def load_query_set(path: Path, export: dict, *, same_headline: bool = False) -> list[QueryCase]:
    """The query set with wanted headlines resolved to article paths (unknown headlines fail loudly).

    ``same_headline``: every article under a wanted headline is wanted, not only the last one (the
    benchmark's synthetic archive repeats each seed article's headline and lead over its other pages).
    """
    import yaml

    by_title: dict[str, list[str]] = {}
    for a in export["articles"]:
        if same_headline:
            by_title.setdefault(a["title"], []).append(a["url"])
        else:
            by_title[a["title"]] = [a["url"]]
    cases = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        unknown = [t for t in entry["want"] if t not in by_title]
        if unknown:
            raise ValueError(f"{path.name}: query {entry['query']!r} wants unknown headline(s) {unknown}")
        wanted = tuple(url for t in entry["want"] for url in by_title[t])
        cases.append(QueryCase(str(entry["query"]), wanted, entry["kind"]))
    return cases


def run_queries(site: Path, cases: list[QueryCase], width: int = 1280) -> list[SearchAnswer]:
    """Type every query into the search box of the served site and read the ranked results."""
    with serve(site) as base_url, chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(base_url)
        box = SearchBox(page, base_url)
        box.open()
        return [box.ask(case.query) for case in cases]
