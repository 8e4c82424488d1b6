"""Cross-links: stable ids and URLs, the index by place and by tag (related articles: ``related``)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache

from generator.model import Article, Draft

SLUG_SYLLABLES = 8
TAG_PAGE_MIN = 2  # a tag shared by this many articles gets a page, and its chips link there


def article_id(file: str, title: str, occurrence: int) -> str:
    """Stable id from the page file and the headline (and its occurrence on the page).

    It does not depend on other pages or on line numbers, so adding a page or
    fixing a typo above an article keeps every other id.
    """
    key = f"{file}\n{normalise_title(title)}\n{occurrence}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def stable_ids(drafts: list[Draft]) -> list[str]:
    """An id per draft from its page and headline; repeated headlines are numbered."""
    seen: dict[tuple[str, str], int] = {}
    ids = []
    for d in drafts:
        key = (d.file, normalise_title(d.title))
        seen[key] = seen.get(key, 0) + 1
        ids.append(article_id(d.file, d.title, seen[key]))
    return ids


@lru_cache(maxsize=1 << 17)  # every headline, place and tag, on every build of a process that builds again
def normalise_title(title: str) -> str:
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", title))


@lru_cache(maxsize=65536)
def slug(title: str, article_id: str) -> str:
    """Readable, stable URL part: pinyin of the headline's first words, then the whole id.

    The whole id, not a prefix: a paper prints the same headline (短讯, 图片新闻)
    again and again, and among 30,000 articles six hex digits of the id were
    already shared by two articles with the same headline (the benchmark's
    5,000 pages). Ids are unique, so URLs are too, and no URL depends on
    which other articles exist.
    """
    words = pinyin_of(title)
    return f"{words}-{article_id}" if words else article_id


def pinyin_of(text: str) -> str:
    """The first SLUG_SYLLABLES syllables of a headline or name, joined by hyphens."""
    return pinyin_words(normalise_title(text))


def pinyin_sort_key(name: str) -> str:
    """A place or tag name as a Chinese index orders it: by its pinyin, tones apart (临淄 before 威海)."""
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(name, style=Style.TONE3))


@lru_cache(maxsize=1 << 16)  # place names and tags recur on every build
def pinyin_words(headline: str) -> str:
    """The first SLUG_SYLLABLES syllables of a normalised headline, joined by hyphens."""
    from pypinyin import lazy_pinyin  # a third of a second to import: only new headlines need it

    syllables = [s for s in lazy_pinyin(headline) if re.fullmatch(r"[a-z0-9]+", s)]
    return "-".join(syllables[:SLUG_SYLLABLES])


def by_place(articles: list[Article]) -> dict[tuple[str, ...], list[Article]]:
    """Articles under every level of each of their places (city, county, town), by place."""
    index = grouped(articles, place_paths)
    return dict(sorted(index.items()))


def place_paths(a: Article) -> list[tuple[str, ...]]:
    """Every level of each of an article's places (city, county, town), sorted."""
    return sorted({p.path[:depth] for p in a.analysis.places for depth in range(1, len(p.path) + 1)})


def tags_of(a: Article) -> tuple[str, ...]:
    """An article's tags (Material's chips, the tag pages): its keywords, then its places' names;
    a keyword that is one of its places without the 市/县/区/镇 (淄博 for
    淄博市) is that place, so one tag page gathers both."""
    places = [name for p in a.analysis.places for name in p.path]
    full = {name[:-1]: name for name in places if len(name) >= 3 and name[-1] in "市县区镇"}
    return tuple(dict.fromkeys([*(full.get(k, k) for k in a.analysis.keywords), *(p.name for p in a.analysis.places)]))


def place_tags(a: Article) -> dict[str, tuple[str, ...]]:
    """Those of an article's tags that name one of its places (淄博市, 临淄区, 皇城镇), each with
    that place's path. Their chips lead to the place's page, which lists what a tag page would
    and the places under it: a tag page of its own would repeat it (a fifth of the tag pages'
    bytes, the places of a local paper being on most of its articles)."""
    levels = {path[-1]: path for path in place_paths(a)}
    return {tag: levels[tag] for tag in tags_of(a) if tag in levels}


def keyword_tags_of(a: Article) -> list[str]:
    """An article's tags but its places (``place_tags``)."""
    places = place_tags(a)
    return [tag for tag in tags_of(a) if tag not in places]


def by_tag(articles: list[Article]) -> dict[str, list[Article]]:
    """The articles of every tag shared by at least TAG_PAGE_MIN articles, in the order given, by
    tag; an article is not listed under its places (``place_tags``)."""
    index = grouped(articles, keyword_tags_of)
    return {tag: index[tag] for tag in sorted(tag for tag, arts in index.items() if len(arts) >= TAG_PAGE_MIN)}


def grouped(articles: list[Article], keys_of: Callable[[Article], Iterable[Hashable]]) -> dict[Hashable, list[Article]]:
    """Articles under keys: each of ``keys_of(a)`` (distinct keys) lists ``a``; every list in the
    order the articles are given, the keys in the order first met."""
    groups: dict[Hashable, list[Article]] = {}
    for a in articles:
        for key in keys_of(a):
            if key in groups:
                groups[key].append(a)
            else:
                groups[key] = [a]
    return groups
