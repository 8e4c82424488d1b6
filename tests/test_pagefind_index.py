"""Pagefind's index in parts: every article in exactly one part, no part over the size."""
from __future__ import annotations

import fnmatch
import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.pagefind_index import glob_of, part_numbers, partition, parts_written_before


def members(part, slugs):
    """The slugs a part's glob selects (Pagefind's {a,b} alternatives expanded for fnmatch)."""
    glob = glob_of(part)
    alternatives = re.fullmatch(r"articles/(?:\{(.*)\}|(.*))/index.html", glob)
    names = (alternatives.group(1) or alternatives.group(2)).split(",")
    return {slug for slug in slugs if any(fnmatch.fnmatchcase(slug, name) for name in names)}


def article(title_pinyin: str, number: int) -> str:
    """An article's folder name as ``link.ids.slug`` makes it: pinyin, then a ten-hex-digit id."""
    return f"{title_pinyin}-{hashlib.sha1(str(number).encode()).hexdigest()[:10]}"


def test_a_small_site_is_one_part_of_every_article():
    slugs = [article("ai-guo", 1), article("fei-xian", 2), hashlib.sha1(b"3").hexdigest()[:10]]  # no pinyin
    parts = partition(slugs, 10_000)
    assert len(parts) == 1 and members(parts[0], slugs) == set(slugs)
    assert glob_of([""]) == "articles/*/index.html"
    assert glob_of(["0a"]) == "articles/*0a????????/index.html"


def test_the_articles_of_one_headline_are_spread_over_the_parts():
    """Pagefind ranks each part by its own word statistics: a part must be a sample of the whole
    archive, not the articles whose headlines start alike (a paper prints 短讯 every day)."""
    slugs = [article("duan-xun", i) for i in range(60)] + [article("zhang-dian", i) for i in range(60, 120)]
    parts = partition(slugs, 30)
    chosen = [members(part, slugs) for part in parts]
    assert len(parts) >= 4 and all(len(c) <= 30 for c in chosen)
    for headline in ("duan-xun", "zhang-dian"):  # in every part, but perhaps the last, smaller one
        assert sum(1 for c in chosen if any(s.startswith(headline) for s in c)) >= len(parts) - 1


def test_a_crowded_prefix_is_split_by_longer_prefixes():
    slugs = [f"x-{prefix}{i:07x}" for prefix in ("aaa", "aab", "abc") for i in range(5)] + [article("y", 1)]
    parts = partition(slugs, 4)
    chosen = [members(part, slugs) for part in parts]
    assert all(len(c) <= 4 for c in chosen)
    assert sorted(s for c in chosen for s in c) == sorted(slugs)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="abz-", max_size=6), st.text(alphabet="0123456789abcdef", min_size=10,
                                                                        max_size=10)),
                unique_by=lambda pair: pair[1], max_size=60),
       st.integers(min_value=1, max_value=12))
def test_every_article_is_in_exactly_one_part_and_no_part_is_over_the_size(pairs, size):
    slugs = [f"{words}-{id_}" if words else id_ for words, id_ in pairs]
    parts = partition(slugs, size)
    chosen = [members(part, slugs) for part in parts]
    assert all(len(c) <= size for c in chosen)
    assert sorted(s for c in chosen for s in c) == sorted(slugs)
    assert {slug: number for number, c in enumerate(chosen) for slug in c} == part_numbers(slugs, parts)


def test_a_part_counts_as_written_once_the_loop_is_past_its_last_article():
    """MkDocs lays pages out one after another; Pagefind may index the first parts whose articles
    all came earlier, and only in their order."""
    order = ["index.md", "a1", "a2", "b1", "tags.md", "b2", "c1", "places.md"]
    written = parts_written_before(order, {"a1": 0, "a2": 0, "b1": 1, "b2": 1, "c1": 2})
    assert [written[page] for page in order] == [0, 0, 0, 1, 1, 1, 2, 3]
    # the third part done before the second is not indexed before it
    assert parts_written_before(["c1", "a1", "b1", "x"], {"a1": 0, "b1": 1, "c1": 2})["b1"] == 1
    # a part none of whose pages the loop lays out is in the folder from the start
    assert parts_written_before(["x", "b1", "y"], {"a1": 0, "b1": 1}) == {"x": 1, "b1": 1, "y": 2}


def test_a_site_is_indexed_in_parts_and_parts_a_smaller_archive_no_longer_needs_are_removed(tmp_path):
    """Three articles in parts of one, then of ten (a --dirty build into the same folder): the
    extra parts the first indexing wrote go; a folder it did not write stays."""
    import json

    from generator.pagefind_index import MANIFEST, index_site

    for slug, text in ((article("a", 1), "退役军人"), (article("b", 2), "集体经济"), (article("c", 3), "保险扶贫")):
        page = tmp_path / "articles" / slug / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<html lang=zh><body><article><h1>{text}</h1><p>{text}服务。</p></article></body></html>",
                        encoding="utf-8")
    (tmp_path / "pagefind-notes").mkdir()
    assert index_site(tmp_path, 1) == ["pagefind/", "pagefind-2/", "pagefind-3/"]
    assert all((tmp_path / part / "pagefind-entry.json").is_file() for part in ("pagefind", "pagefind-2", "pagefind-3"))
    assert index_site(tmp_path, 10) == ["pagefind/"]
    assert json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8")) == ["pagefind/"]
    assert not (tmp_path / "pagefind-2").exists() and not (tmp_path / "pagefind-3").exists()
    assert (tmp_path / "pagefind-notes").is_dir()


def write_article(site, slug: str, text: str) -> None:
    page = site / "articles" / slug / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html lang=zh><body><article><h1>{text}</h1><p>{text}服务。</p></article></body></html>",
                    encoding="utf-8")


def test_a_part_is_indexed_while_the_next_part_is_being_written(tmp_path):
    """The build tells the indexer when a part's articles are in the folder; Pagefind indexes it
    then, in the background, and the next part once that is written too."""
    import json

    from generator.pagefind_index import Indexer

    first, second = article("a", 1), article("b", 2)
    parts = partition([first, second], 1)
    numbers = part_numbers([first, second], parts)
    by_part = sorted([first, second], key=numbers.get)
    write_article(tmp_path, by_part[0], "退役军人")
    indexer = Indexer(tmp_path, parts)
    indexer.written(1)
    assert indexer.bundles == ["pagefind/"] and indexer.running is not None
    write_article(tmp_path, by_part[1], "集体经济")
    assert indexer.finish() == ["pagefind/", "pagefind-2/"]
    for bundle in ("pagefind", "pagefind-2"):
        entry = json.loads((tmp_path / bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["zh"]["page_count"] == 1
    assert indexer.running is None


def test_a_failed_part_fails_the_index_with_pagefinds_reason_and_stop_ends_a_run(tmp_path):
    import pytest

    from generator.pagefind_index import Indexer

    write_article(tmp_path, article("a", 1), "退役军人")
    broken = Indexer(tmp_path / "no-such-site", [[""]])
    with pytest.raises(RuntimeError) as failure:
        broken.finish()
    assert str(failure.value).strip()
    running = Indexer(tmp_path, [[""]])
    running.written(1)
    process = running.running[0]
    running.stop()
    assert running.running is None and process.poll() is not None
