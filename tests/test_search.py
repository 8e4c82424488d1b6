"""Search as a reader uses it: queries typed into the built site's search box in headless Chromium.

The query set (tests/search_queries.yml) says which article a reader wants for
each query; bench/search_quality.py prints the same measurements as a table.
"""
import json

import pytest

from tests.browser import (QueryCase, SearchBox, chromium, load_query_set, rank_of, run_queries,
                           serve, summarize)
from tests.conftest import ROOT, require_chromium, site_export
from tests.project import TEST_SEEDS, make_project, mkdocs_build

QUERIES = ROOT / "tests" / "search_queries.yml"


@pytest.fixture(scope="module")
def export(built_site):
    return site_export(built_site)


@pytest.fixture(scope="module")
def cases(export):
    return load_query_set(QUERIES, export)


@pytest.fixture(scope="module")
def answers(built_site, cases):
    require_chromium()
    return run_queries(built_site, cases)


def test_query_set_covers_what_readers_type(cases):
    kinds = {c.kind for c in cases}
    assert len(cases) >= 40
    assert {"two-char", "compound", "phrase", "partial", "place", "person", "number", "nothing"} <= kinds


def test_wanted_article_comes_first(cases, answers):
    summary = summarize(cases, answers)
    print(f"\nsearch: MRR={summary['mrr']:.3f} first={summary['first']:.3f} top3={summary['top3']:.3f} "
          f"latency median={summary['latency_median_ms']} ms max={summary['latency_max_ms']} ms")
    assert summary["first"] >= 0.9, summary["misses"]
    assert summary["top3"] == 1.0, summary["misses"]


def test_queries_about_nothing_find_no_article(cases, answers):
    assert summarize(cases, answers)["stray"] == []


def test_results_highlight_the_typed_words_not_whole_paragraphs(cases, answers):
    for case, answer in zip(cases, answers):
        if not case.want:
            continue
        marked = {m for r in answer.results for m in r.marked}
        # Material marks whole index words; a mark is a word, never a passage.
        assert marked, case.query
        assert max(len(m) for m in marked) <= 12, (case.query, sorted(marked, key=len)[-1])


def test_article_page_highlights_only_the_query(built_site):
    require_chromium()
    with serve(built_site) as base_url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base_url)
        box = SearchBox(page, base_url)
        box.open()
        answer = box.ask("双拥")
        assert answer.pages()[0].startswith("articles/")
        page.locator(".md-search-result__item > a.md-search-result__link").first.click()
        page.wait_for_selector("article mark")
        marks = page.eval_on_selector_all("article mark", "els => els.map(e => e.textContent)")
        assert set(marks) == {"双拥"}


def test_search_works_on_a_phone(built_site, export):
    require_chromium()
    with serve(built_site) as base_url, chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page.goto(base_url)
        box = SearchBox(page, base_url)
        box.open()
        answer = box.ask("吕晓东")
        wanted = next(a["url"] for a in export["articles"] if "吕晓东" in "".join(a["paragraphs"]))
        assert rank_of(answer, QueryCase("吕晓东", (wanted,), "person")) == 1


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory):
    """The seed site with the archive-scale search (Pagefind), as a large digest gets it: its
    index in parts of at most 20 articles, as a year's archive has it in parts of 10,000."""
    out = tmp_path_factory.mktemp("pagefind-site")
    where = tmp_path_factory.mktemp("pagefind-project")
    project = make_project(TEST_SEEDS, where, cache=str(where / "cache"), pagefind_part_size=20)
    result = mkdocs_build(out, project=project, DIGEST_SEARCH="pagefind")
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_pagefind_site_leaves_material_index_empty_and_indexes_each_article_in_one_part(pagefind_site):
    index = json.loads((pagefind_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not any(doc["location"].startswith("articles/") for doc in index["docs"])
    parts = json.loads((pagefind_site / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    assert parts[0] == "pagefind/" and len(parts) >= 2
    counts = [json.loads((pagefind_site / part / "pagefind-entry.json").read_text(encoding="utf-8"))
              ["languages"]["zh"]["page_count"] for part in parts]
    assert max(counts) <= 20
    assert sum(counts) == len(site_export(pagefind_site)["articles"])


def test_pagefind_search_meets_the_same_bars(pagefind_site, cases):
    require_chromium()
    answers = run_queries(pagefind_site, cases)
    summary = summarize(cases, answers)
    print(f"\npagefind search: MRR={summary['mrr']:.3f} first={summary['first']:.3f} top3={summary['top3']:.3f}")
    assert summary["first"] >= 0.9, summary["misses"]
    assert summary["top3"] == 1.0, summary["misses"]
    assert summary["stray"] == []
