"""Fixture ladder: settings → digest → rendered files → built site."""
from __future__ import annotations

import gzip
import html
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.project import TEST_SEEDS, mkdocs_build

from generator.config import Settings
from generator.read.ingest import parse_page
from generator.build import build
from generator.render.export import EXPORT_PATH
from generator.render.site import render_site

ROOT = Path(__file__).resolve().parents[1]
SEEDS = TEST_SEEDS
SHARED = ROOT.parent / "shared"


class _Readable(HTMLParser):
    """Minified HTML written out again with every attribute value quoted, as the tests read it."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs, ""))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs, "/"))

    @staticmethod
    def _tag(tag, attrs, close):
        shown = "".join(f" {name}" if value is None else f' {name}="{html.escape(value)}"' for name, value in attrs)
        return f"<{tag}{shown}{close}>"

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")


def readable(path: Path) -> str:
    """A built page's HTML with quoted attributes (the site is minified: ``href=x`` for ``href="x"``)."""
    parser = _Readable()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return "".join(parser.out)


def site_export(site: Path) -> dict:
    """The data export a built site publishes (compressed: ``data/articles.json.gz``)."""
    return json.loads(gzip.decompress((site / "data" / "articles.json.gz").read_bytes()).decode("utf-8"))


def page_of(text: str, name: str = "page.txt"):
    """A Page from inline text (tests write pages as they would appear in seeds/)."""
    return parse_page(name, text)


@pytest.fixture(scope="session")
def seed_settings() -> Settings:
    return Settings(seeds=SEEDS)


@pytest.fixture(scope="session")
def seed_digest(seed_settings):
    digest = build(seed_settings).digest
    return digest


@pytest.fixture(scope="session")
def seed_files(seed_digest) -> dict[str, str]:
    return render_site(seed_digest)


@pytest.fixture(scope="session")
def seed_export(seed_files) -> dict:
    return json.loads(seed_files[EXPORT_PATH])


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The seed site as `mkdocs build --strict` makes it (built once per test run)."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = mkdocs_build(out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr[-3000:]
    return out


def require_chromium():
    """Skip a browser test where Chromium is missing, except in CI, where that is a failure."""
    from tests.browser import chromium_missing

    reason = chromium_missing()
    if reason and os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    if reason:
        pytest.skip(reason)

