"""Pagefind's index in parts: every article in exactly one part, no part over the size."""
from __future__ import annotations

import fnmatch
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.pagefind_index import glob_of, partition


def members(part, slugs):
    """The slugs a part's glob selects (Pagefind's {a,b} alternatives expanded for fnmatch)."""
    glob = glob_of(part)
    alternatives = re.fullmatch(r"articles/(?:\{(.*)\}|(.*))/index.html", glob)
    names = (alternatives.group(1) or alternatives.group(2)).split(",")
    return {slug for slug in slugs if any(fnmatch.fnmatchcase(slug, name) for name in names)}


def test_a_small_site_is_one_part_of_every_article():
    slugs = ["ai-guo-1", "fei-xian-2", "zhang-dian-3"]
    assert partition(slugs, 10_000) == [[("a", False), ("f", False), ("z", False)]]
    assert members(partition(slugs, 10_000)[0], slugs) == set(slugs)
    assert glob_of([("a", False)]) == "articles/a*/index.html"


def test_a_crowded_prefix_is_split_by_longer_prefixes_and_a_slug_equal_to_one_is_matched_exactly():
    slugs = ["zh"] + [f"zh{c}-{i}" for c in "aeiou" for i in range(3)] + ["a-1"]
    parts = partition(slugs, 4)
    assert ("zh", True) in [group for part in parts for group in part]
    chosen = [members(part, slugs) for part in parts]
    assert all(len(c) <= 4 for c in chosen)
    assert sorted(s for c in chosen for s in c) == sorted(slugs)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abz0-", min_size=1, max_size=6), unique=True, max_size=60),
       st.integers(min_value=1, max_value=12))
def test_every_slug_is_in_exactly_one_part_and_no_part_is_over_the_size(slugs, size):
    parts = partition(slugs, size)
    chosen = [members(part, slugs) for part in parts]
    assert all(len(c) <= size for c in chosen)
    assert sorted(s for c in chosen for s in c) == sorted(slugs)


def test_a_site_is_indexed_in_parts_and_parts_a_smaller_archive_no_longer_needs_are_removed(tmp_path):
    """Three articles in parts of one, then of ten (a --dirty build into the same folder): the
    extra parts the first indexing wrote go; a folder it did not write stays."""
    import json

    from generator.pagefind_index import MANIFEST, index_site

    for slug, text in (("a-1", "退役军人"), ("b-2", "集体经济"), ("c-3", "保险扶贫")):
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
