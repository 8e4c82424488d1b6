"""Layout invariance: the same articles, with the same bodies, whatever the OCR convention.

The seed pages (frozen in tests/seeds) and the development pages (../shared/dev, read in place,
never copied) are laid out again by ../shared/tools/relayout.py in each convention an OCR engine
emits. Skipped where ../shared is not beside the checkout.
"""
import importlib.util
import json
import unicodedata

import pytest

from generator.config import Settings
from generator.read.ingest import parse_page
from generator.build import build
from generator.render.export import EXPORT_PATH
from generator.render.site import render_site
from generator.read.split import split_page
from tests.conftest import SEEDS, SHARED

RELAYOUT = SHARED / "tools" / "relayout.py"
SCORER = SHARED / "tools" / "score_digest.py"
DEV = SHARED / "dev"
CONVENTIONS = ["compact", "indented", "ascii"] + [f"wrapped:{width}" for width in range(12, 21)]
DEV_CONVENTIONS = ["original", "compact", "indented", "wrapped:15", "ascii"]
DEV_BARS = {"split_recall": 0.95, "split_precision": 0.95, "coverage": 1.0}

pytestmark = pytest.mark.skipif(not RELAYOUT.exists(), reason="../shared/tools is not beside the checkout")


def tool(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def squeeze(text):
    """Text compared as the reader sees it: width-folded (ASCII or full-width punctuation), no spaces."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def text_of(draft):
    """An article's text in reading order: its paragraphs with its 小标题 where they stand."""
    parts = []
    for k, paragraph in enumerate(draft.paragraphs):
        parts += [h.text for h in draft.headings if h.before == k] + [paragraph.text]
    return "".join(parts + [h.text for h in draft.headings if h.before >= len(draft.paragraphs)])


def articles(name, text):
    """Each article's whole headline and text. Kicker and title are compared together: a Markdown
    hard break (two trailing spaces: one title on two lines) does not survive a relayout."""
    drafts, _ = split_page(parse_page(name, text))
    return [(squeeze((d.kicker or "") + d.title + (d.subtitle or "")), squeeze(text_of(d))) for d in drafts]


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_the_seed_pages_split_alike_in_every_convention(convention):
    relayout = tool(RELAYOUT, "relayout").relayout
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert articles(path.name, relayout(text, convention)) == articles(path.name, text), path.name


@pytest.mark.skipif(not (DEV / "gold.json").exists(), reason="../shared/dev is not beside the checkout")
@pytest.mark.parametrize("convention", DEV_CONVENTIONS)
def test_the_development_pages_meet_the_bars_in_every_convention(convention, tmp_path):
    relayout = tool(RELAYOUT, "relayout").relayout
    pages = tmp_path / "pages"
    pages.mkdir()
    for path in sorted((DEV / "pages").glob("*.txt")):
        text = path.read_text(encoding="utf-8-sig")
        (pages / path.name).write_text(text if convention == "original" else relayout(text, convention), encoding="utf-8")
    digest = build(Settings(seeds=pages, cache_dir=None, workers=1)).digest
    export = json.loads(render_site(digest)[EXPORT_PATH])
    gold = json.loads((DEV / "gold.json").read_text(encoding="utf-8"))
    metrics, misses = tool(SCORER, "score_digest").score(gold, export, pages)
    short = {k: round(metrics[k], 3) for k, bar in DEV_BARS.items() if metrics[k] < bar}
    assert not short, (short, misses["unmatched"], misses["spurious"])
