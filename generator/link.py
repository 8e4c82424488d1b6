"""Cross-links: stable ids and URLs, related articles, indexes by place and date.

Related articles come from the text: the cosine of the articles' TF-IDF
vectors, plus a little for a shared place and a shared theme, with the reason
kept. The cosines are one sparse matrix product (SciPy), taken a block of
rows at a time so memory stays bounded; the best few per article are picked
with NumPy and only they are turned into reasons (their shared words come
from one more sparse product). The work grows with the number of article
pairs that share a word: 5,891 articles of the benchmark corpus, where
nearly every pair shares one, link in about 8 s.
"""
from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

from .model import Article, Draft, Related

RELATED_MAX = 5
PLACE_BONUS = 0.05
THEME_BONUS = 0.05
RELATED_MIN = 0.05
BLOCK_CELLS = 1_000_000  # 8 MB per dense array in a step of the product, whatever the corpus size
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
    from pypinyin import lazy_pinyin  # 0.25 s to import; only pages not in the cache need it

    syllables = [s for s in lazy_pinyin(normalise_title(title)) if re.fullmatch(r"[a-z0-9]+", s)]
    words = "-".join(syllables[:SLUG_SYLLABLES])
    return f"{words}-{article_id[:6]}" if words else article_id


def unit_vector(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {w: v / norm for w, v in weights.items()}


def related_articles(articles: list[Article], vectors: dict[str, dict[str, float]],
                     limit: int = RELATED_MAX, block: int | None = None) -> dict[str, tuple[Related, ...]]:
    """Up to ``limit`` related articles for each article, best first, with the reason.

    Score = cosine of the unit TF-IDF vectors + PLACE_BONUS for a shared place +
    THEME_BONUS for a shared theme; only articles sharing words qualify, and
    only from RELATED_MIN up. Ranked by the score rounded to 4 places (as it is
    shown), then by id, so equal scores always come out in the same order.
    """
    import numpy as np

    n = len(articles)
    if n < 2:
        return {a.id: () for a in articles}
    text, words = sparse_rows([vectors[a.id] for a in articles], np.float64)
    norms = np.sqrt(np.asarray(text.multiply(text).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    text.data /= np.repeat(norms, np.diff(text.indptr))  # unit vectors: the product is the cosine
    places, _ = sparse_rows([dict.fromkeys(a.analysis.places, 1.0) for a in articles], np.float32)
    themes, _ = sparse_rows([dict.fromkeys((t for t in a.theme_keys if t != "other"), 1.0) for a in articles],
                            np.float32)
    text_t, places_t, themes_t = text.T.tocsc(), places.T.tocsc(), themes.T.tocsc()
    # One integer per candidate orders by (rounded score, id): higher is better, never tied.
    rank_of_id = np.empty(n, dtype=np.int64)
    rank_of_id[np.argsort(np.array([a.id for a in articles]))] = np.arange(n)
    tie_break = (n - 1 - rank_of_id)[None, :]
    take = min(limit, n - 1)
    block = block or max(16, BLOCK_CELLS // n)  # rows per step: a few dense n-wide arrays of this many rows
    result: dict[str, tuple[Related, ...]] = {}
    for start in range(0, n, block):
        stop = min(n, start + block)
        cosine = (text[start:stop] @ text_t).toarray()
        score = cosine + PLACE_BONUS * ((places[start:stop] @ places_t).toarray() > 0) \
            + THEME_BONUS * ((themes[start:stop] @ themes_t).toarray() > 0)
        key = np.rint(score * 10_000).astype(np.int64) * n + tie_break
        key[(cosine <= 0) | (score < RELATED_MIN)] = -1  # related from the text: no shared word, no link
        key[np.arange(stop - start), np.arange(start, stop)] = -1
        best = np.argpartition(-key, take - 1, axis=1)[:, :take]
        pairs = [(start + row, int(j), float(score[row, j]))  # best first per article
                 for row, columns in enumerate(best)
                 for j in sorted(columns, key=lambda j: -key[row, j]) if key[row, j] >= 0]
        shared = shared_words(text, words, [i for i, _, _ in pairs], [j for _, j, _ in pairs])
        chosen: dict[int, list[Related]] = {i: [] for i in range(start, stop)}
        for (i, j, pair_score), common in zip(pairs, shared):
            chosen[i].append(explain(articles[i], articles[j], common, pair_score))
        result.update((articles[i].id, tuple(links)) for i, links in chosen.items())
    return result


def shared_words(text, words: list[str], left: list[int], right: list[int], top: int = 4) -> list[list[str]]:
    """For each pair of rows, the words both use, by the product of their weights (ties by word), top few."""
    import numpy as np

    if not left:
        return []
    products = text[left].multiply(text[right]).tocsr()
    products.sort_indices()
    rows = np.repeat(np.arange(products.shape[0]), np.diff(products.indptr))
    word_rank = np.empty(len(words), dtype=np.int64)
    word_rank[np.argsort(np.array(words, dtype=object))] = np.arange(len(words))
    order = np.lexsort((word_rank[products.indices], -products.data, rows))
    position_in_row = np.arange(len(order)) - products.indptr[rows[order]]
    chosen = order[position_in_row < top]
    result: list[list[str]] = [[] for _ in left]
    for row, column in zip(rows[chosen].tolist(), products.indices[chosen].tolist()):
        result[row].append(words[column])
    return result


def sparse_rows(rows: list[dict], dtype):
    """A CSR matrix with a row per dict and a column per key (numbered in first-seen order), and the keys."""
    import numpy as np
    from scipy import sparse

    columns: dict = {}
    indices = np.fromiter((columns.setdefault(key, len(columns)) for row in rows for key in row), dtype=np.int64)
    data = np.fromiter((value for row in rows for value in row.values()), dtype=dtype, count=len(indices))
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(row) for row in rows], out=indptr[1:])
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), max(1, len(columns))))
    return matrix, list(columns)


def explain(a: Article, b: Article, shared: list[str], score: float) -> Related:
    """The link from ``a`` to ``b`` with its reason: the shared words that weigh most, place, theme."""
    b_places = set(b.analysis.places)
    places = [p.name for p in a.analysis.places if p in b_places]
    themes = [t for t in a.theme_keys if t != "other" and t in b.theme_keys]
    reasons = []
    if shared:
        reasons.append("共同关键词：" + "、".join(shared))
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
