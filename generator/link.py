"""Cross-links: stable ids and URLs, related articles, indexes by place and date.

Related articles come from the text: the cosine of the articles' TF-IDF
vectors, plus a little for a shared place and a shared theme, with the reason
kept. Candidates come from an inverted index over each article's strongest
terms, so an article is compared only with those that share one of them,
never with every other article.
"""
from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import defaultdict

from pypinyin import lazy_pinyin

from .model import Article, Related

RELATED_MAX = 5
CANDIDATE_TERMS = 12
PLACE_BONUS = 0.05
THEME_BONUS = 0.05
RELATED_MIN = 0.05
SLUG_SYLLABLES = 8


def article_id(file: str, title: str, occurrence: int) -> str:
    """Stable id from the page file and the headline (and its occurrence on the page).

    It does not depend on other pages or on line numbers, so adding a page or
    fixing a typo above an article keeps every other id.
    """
    key = f"{file}\n{normalise_title(title)}\n{occurrence}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def normalise_title(title: str) -> str:
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", title))


def slug(title: str, article_id: str) -> str:
    """Readable, stable URL part: pinyin of the headline's first words, then the id."""
    syllables = [s for s in lazy_pinyin(normalise_title(title)) if re.fullmatch(r"[a-z0-9]+", s)]
    words = "-".join(syllables[:SLUG_SYLLABLES])
    return f"{words}-{article_id[:6]}" if words else article_id


def unit_vector(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {w: v / norm for w, v in weights.items()}


def related_articles(articles: list[Article], vectors: dict[str, dict[str, float]],
                     limit: int = RELATED_MAX) -> dict[str, tuple[Related, ...]]:
    """Up to ``limit`` related articles for each article, best first, with the reason."""
    units = {a.id: unit_vector(vectors[a.id]) for a in articles}
    postings: dict[str, list[str]] = defaultdict(list)
    for a in articles:
        for term in top_terms(units[a.id]):
            postings[term].append(a.id)
    by_id = {a.id: a for a in articles}
    result = {}
    for a in articles:
        candidates = {b for t in top_terms(units[a.id]) for b in postings[t] if b != a.id}
        scored = [score_pair(a, by_id[b], units[a.id], units[b]) for b in sorted(candidates)]
        scored = [r for r in scored if r.score >= RELATED_MIN]
        result[a.id] = tuple(sorted(scored, key=lambda r: (-r.score, r.id))[:limit])
    return result


def top_terms(unit: dict[str, float]) -> list[str]:
    return sorted(unit, key=lambda w: (-unit[w], w))[:CANDIDATE_TERMS]


def score_pair(a: Article, b: Article, ua: dict[str, float], ub: dict[str, float]) -> Related:
    shared = sorted((w for w in ua if w in ub), key=lambda w: (-ua[w] * ub[w], w))
    cosine = sum(ua[w] * ub[w] for w in shared)
    places = [p.name for p in a.analysis.places if p in set(b.analysis.places)]
    themes = [t for t in a.theme_keys if t != "other" and t in b.theme_keys]
    score = cosine + (PLACE_BONUS if places else 0) + (THEME_BONUS if themes else 0)
    reasons = []
    if shared:
        reasons.append("共同关键词：" + "、".join(shared[:4]))
    if places:
        reasons.append("同一地点：" + "、".join(places[:2]))
    if themes:
        reasons.append("同一专题")
    return Related(b.id, round(score, 4), "；".join(reasons))


def by_place(articles: list[Article]) -> dict[tuple[str, ...], list[Article]]:
    """Articles under every level of each of their places (city, county, town)."""
    index: dict[tuple[str, ...], list[Article]] = defaultdict(list)
    for a in articles:
        paths = {p.path[:depth] for p in a.analysis.places for depth in range(1, len(p.path) + 1)}
        for path in sorted(paths):
            index[path].append(a)
    return dict(sorted(index.items()))
