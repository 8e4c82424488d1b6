"""Cross-links: stable ids and URLs, the index by place and by tag (related articles: ``related``)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import insort
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from itertools import chain, compress
from operator import is_not

from .model import Article, Draft, apart_from_related, derived

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


# Headlines already turned into pinyin, by normalised headline: a previous build's
# (``pipeline`` keeps them in the cache folder). pypinyin takes a third of a second
# to import, which a build whose edited pages kept their headlines need not pay.
KNOWN_PINYIN: dict[str, str] = {}


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
    """The first SLUG_SYLLABLES syllables of a headline or name, joined by hyphens (remembered)."""
    key = normalise_title(text)
    words = KNOWN_PINYIN.get(key)
    if words is None:
        words = KNOWN_PINYIN[key] = pinyin_words(key)
    return words


def pinyin_sort_key(name: str) -> str:
    """A place or tag name as a Chinese index orders it: by its pinyin, tones apart (临淄 before 威海)."""
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(name, style=Style.TONE3))


def pinyin_words(headline: str) -> str:
    """The first SLUG_SYLLABLES syllables of a normalised headline, joined by hyphens."""
    from pypinyin import lazy_pinyin  # a third of a second to import: only new headlines need it

    syllables = [s for s in lazy_pinyin(headline) if re.fullmatch(r"[a-z0-9]+", s)]
    return "-".join(syllables[:SLUG_SYLLABLES])


def words_of_slug(slug_text: str, article_id: str) -> str:
    """The pinyin part of a slug made by ``slug`` (the inverse of its last line)."""
    return slug_text[:-len(article_id) - 1] if slug_text != article_id else ""


def by_place(articles: list[Article], grouping: Grouping | None = None) -> dict[tuple[str, ...], list[Article]]:
    """Articles under every level of each of their places (city, county, town), by place."""
    index = (grouping or Grouping(place_paths)).group(articles)
    return dict(sorted(index.items()))


@apart_from_related
def place_paths(a: Article) -> list[tuple[str, ...]]:
    """Every level of each of an article's places (city, county, town), sorted."""
    return sorted({p.path[:depth] for p in a.analysis.places for depth in range(1, len(p.path) + 1)})


def tags_of(a: Article) -> tuple[str, ...]:
    """An article's tags (Material's chips, the tag pages): its keywords, then its places' names."""
    return derived(a, own_tags)


@apart_from_related
def own_tags(a: Article) -> tuple[str, ...]:
    """Keywords, then places; a keyword that is one of its places without the 市/县/区/镇 (淄博 for
    淄博市) is that place, so one tag page gathers both."""
    places = [name for p in a.analysis.places for name in p.path]
    full = {name[:-1]: name for name in places if len(name) >= 3 and name[-1] in "市县区镇"}
    return tuple(dict.fromkeys([*(full.get(k, k) for k in a.analysis.keywords), *(p.name for p in a.analysis.places)]))


def shared_tags(articles: list[Article]) -> list[str]:
    """The tags with a page (``by_tag``'s keys), counted without listing their articles."""
    counts = Counter(chain.from_iterable(map(tags_of, articles)))
    return [tag for tag, count in counts.items() if count >= TAG_PAGE_MIN]


def by_tag(articles: list[Article], grouping: Grouping | None = None) -> dict[str, list[Article]]:
    """The articles of every tag shared by at least TAG_PAGE_MIN articles, in the order given, by tag."""
    index = (grouping or Grouping(tags_of)).group(articles)
    return {tag: index[tag] for tag in sorted(tag for tag, arts in index.items() if len(arts) >= TAG_PAGE_MIN)}


class Grouping:
    """Articles under keys: each of ``keys_of(a)`` (distinct keys) lists ``a``; every list in the
    order the articles are given.

    A process that builds again (``mkdocs serve``) gets the same Article
    objects back for the articles an edit did not touch (``pipeline.LAST_BUILT``; the listings
    group each article's ``render.listing_face``, the same object when only its related list
    moved). When there are as many articles as last time, ``group`` works only on the positions
    that hold another object: a one-page edit changes those of its page. The lists (and the dict
    ``group`` returns) are the last build's wherever nothing in them changed: callers read them,
    never change them.
    """

    def __init__(self, keys_of: Callable[[Article], Iterable[Hashable]]):
        self.keys_of = keys_of
        self.articles: list[Article] = []
        self.positions: dict[Hashable, list[int]] = {}  # key → the positions of its articles, ascending
        self.groups: dict[Hashable, list[Article]] = {}  # key → the articles at those positions

    def group(self, articles: list[Article]) -> dict[Hashable, list[Article]]:
        """Every key's articles (in no particular order of keys)."""
        articles = list(articles)
        moved = changed_positions(articles, self.articles) if len(articles) == len(self.articles) else None
        if moved is None or len(moved) > len(articles) // 4:  # another set of articles, or most changed
            self.regroup(articles)
        else:
            self.update(articles, moved)
        return self.groups

    def regroup(self, articles: list[Article]) -> None:
        positions: dict[Hashable, list[int]] = {}
        groups: dict[Hashable, list[Article]] = {}
        for position, a in enumerate(articles):
            for key in self.keys_of(a):
                if key in groups:
                    positions[key].append(position)
                    groups[key].append(a)
                else:
                    positions[key], groups[key] = [position], [a]
        self.articles, self.positions, self.groups = articles, positions, groups

    def update(self, articles: list[Article], moved: list[int]) -> None:
        """Regroup the articles at the ``moved`` positions (the rest are the last build's objects)."""
        affected = set()
        for position in moved:
            old, new = self.keys_of(self.articles[position]), self.keys_of(articles[position])
            if old != new:
                for key in set(old).difference(new):
                    self.positions[key].remove(position)
                for key in set(new).difference(old):
                    insort(self.positions.setdefault(key, []), position)
            affected.update(old)
            affected.update(new)
        for key in affected:
            if self.positions[key]:
                self.groups[key] = [articles[position] for position in self.positions[key]]
            else:
                del self.positions[key], self.groups[key]
        self.articles = articles


def changed_positions(articles: list, last: list) -> list[int]:
    """The positions of ``articles`` (as long as ``last``) that hold another object than ``last``."""
    return list(compress(range(len(articles)), map(is_not, articles, last)))
