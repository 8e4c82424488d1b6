"""Cross-links: stable ids and URLs, related articles, indexes by place and date.

Related articles come from the text: the cosine of the articles' TF-IDF
vectors, plus a little for a shared place and a shared theme, with the reason
kept. The cosines are one sparse matrix product (SciPy), taken a block of
rows at a time so memory stays bounded; only the best few per article are
turned into reasons. 40,000 articles link in seconds, not the hours that
comparing every pair in Python would take.
"""
from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

from pypinyin import lazy_pinyin

from .model import Article, Draft, Related

RELATED_MAX = 5
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


def stable_ids(drafts: list[Draft]) -> list[str]:
    """An id per draft from its page and headline; repeated headlines are numbered."""
    seen: dict[tuple[str, str], int] = {}
    ids = []
    for d in drafts:
        key = (d.file, normalise_title(d.title))
        seen[key] = seen.get(key, 0) + 1
        ids.append(article_id(d.file, d.title, seen[key]))
    return ids


def normalise_title(title: str) -> str:
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", title))


@lru_cache(maxsize=65536)
def slug(title: str, article_id: str) -> str:
    """Readable, stable URL part: pinyin of the headline's first words, then the id."""
    syllables = [s for s in lazy_pinyin(normalise_title(title)) if re.fullmatch(r"[a-z0-9]+", s)]
    words = "-".join(syllables[:SLUG_SYLLABLES])
    return f"{words}-{article_id[:6]}" if words else article_id


def unit_vector(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {w: v / norm for w, v in weights.items()}


def related_articles(articles: list[Article], vectors: dict[str, dict[str, float]],
                     limit: int = RELATED_MAX, block: int = 512) -> dict[str, tuple[Related, ...]]:
    """Up to ``limit`` related articles for each article, best first, with the reason.

    Score = cosine of the unit TF-IDF vectors + PLACE_BONUS for a shared place +
    THEME_BONUS for a shared theme; only articles sharing words qualify.
    """
    import numpy as np

    n = len(articles)
    if n < 2:
        return {a.id: () for a in articles}
    units = [unit_vector(vectors[a.id]) for a in articles]
    words = one_hot_columns(units)
    text = sparse_rows(units, words, np.float64)
    places = sparse_rows([{p: 1.0 for p in a.analysis.places} for a in articles],
                         one_hot_columns([{p: 1 for p in a.analysis.places} for a in articles]), np.float32)
    themes = sparse_rows([{t: 1.0 for t in a.theme_keys if t != "other"} for a in articles],
                         one_hot_columns([{t: 1 for t in a.theme_keys if t != "other"} for a in articles]),
                         np.float32)
    text_t, places_t, themes_t = text.T.tocsc(), places.T.tocsc(), themes.T.tocsc()
    order = np.argsort(np.array([a.id for a in articles]))  # ties break by id
    rank_of_id = np.empty(n, dtype=np.int64)
    rank_of_id[order] = np.arange(n)
    result = {}
    for start in range(0, n, block):
        stop = min(n, start + block)
        cosine = (text[start:stop] @ text_t).toarray()
        score = cosine + PLACE_BONUS * ((places[start:stop] @ places_t).toarray() > 0) \
            + THEME_BONUS * ((themes[start:stop] @ themes_t).toarray() > 0)
        score[cosine <= 0] = -1.0  # related from the text: no shared word, no link
        score[np.arange(stop - start), np.arange(start, stop)] = -1.0
        for row in range(stop - start):
            a = articles[start + row]
            qualified = np.flatnonzero(score[row] >= RELATED_MIN)
            if qualified.size > limit:  # keep the best `limit`, and everything tied with the last of them
                cutoff = np.partition(score[row, qualified], qualified.size - limit)[qualified.size - limit]
                qualified = qualified[score[row, qualified] >= cutoff - 1e-9]
            best = sorted(qualified, key=lambda j: (-round(float(score[row, j]), 4), rank_of_id[j]))[:limit]
            result[a.id] = tuple(score_pair(a, articles[j], units[start + row], units[j]) for j in best)
    return result


def one_hot_columns(rows: list[dict]) -> dict:
    """A column number for every key used by any row (in first-seen order)."""
    columns: dict = {}
    for row in rows:
        for key in row:
            columns.setdefault(key, len(columns))
    return columns


def sparse_rows(rows: list[dict], columns: dict, dtype):
    from scipy import sparse

    indptr, indices, data = [0], [], []
    for row in rows:
        for key, value in row.items():
            indices.append(columns[key])
            data.append(value)
        indptr.append(len(indices))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), max(1, len(columns))), dtype=dtype)


def score_pair(a: Article, b: Article, ua: dict[str, float], ub: dict[str, float]) -> Related:
    small, large = (ua, ub) if len(ua) <= len(ub) else (ub, ua)
    common = [w for w in small if w in large]
    cosine = sum(ua[w] * ub[w] for w in common)
    shared = sorted(common, key=lambda w: (-ua[w] * ub[w], w))[:4]  # the reason names the top four
    b_places = set(b.analysis.places)
    places = [p.name for p in a.analysis.places if p in b_places]
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
