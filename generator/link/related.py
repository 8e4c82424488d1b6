"""Related articles: the best few per article, with the reason, found without comparing every pair.

Each article is compared by its CANDIDATE_WORDS heaviest words (its TF-IDF
vector cut to those, as Lucene's MoreLikeThis cuts a document to its top
terms): words every article uses weigh little and would otherwise make every
pair of articles share something. Score = cosine of those cut vectors, made
unit length, + PLACE_BONUS for a shared county or town + THEME_BONUS for a
shared theme. A shared city is no reason, as a place or as a word (淄博市,
淄博): a local paper's articles nearly all name its city. Only articles sharing
a word qualify, and only from RELATED_MIN up.
Articles are ranked by the score rounded to 4 places (as it is shown), then by
id, so equal scores always come out in the same order.

Full computation: the CANDIDATES nearest articles of each row by cosine come
from one sparse product that keeps only the top of each row (sparse_dot_topn,
in C++ on every core; no dense row of the whole corpus is ever made). An
article outside them has a cosine no higher than the last one kept, so its
score is at most that plus both bonuses: when the row's list beats that
bound, it is exact. The few rows where it does not are computed in full (a
block of rows against every article). Only the chosen pairs get reasons
(their shared words come from one more sparse product).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import chain
from typing import Union

from generator.analyze.places import short_name
from generator.model import Article, Related

RELATED_MAX = 5
PLACE_BONUS = 0.05
THEME_BONUS = 0.05
RELATED_MIN = 0.05
CANDIDATE_WORDS = 32  # an article is compared by its heaviest words (MoreLikeThis takes 25)
CANDIDATES = 64  # nearest articles by cosine per row, from which its list is picked
BLOCK_CELLS = 2_000_000  # 16 MB per dense array in a step of the product, whatever the corpus size


# Each article's TF-IDF weights: by article id, or as a matrix with a row per article (in
# the order of the articles) and a column per word of the sorted list of words
Vectors = Union[dict[str, dict[str, float]], tuple[object, list[str]]]


def related_articles(articles: list[Article], vectors: Vectors,
                     limit: int = RELATED_MAX, block: int | None = None) -> dict[str, tuple[Related, ...]]:
    """Up to ``limit`` related articles for each article, best first, with the reason (full computation)."""
    links = Linker(articles, vectors, limit)
    return links.explained(links.rank_rows(range(len(articles)), block))


def as_matrix(articles: list[Article], vectors: Vectors) -> tuple[object, list[str]]:
    """The vectors as a CSR matrix with a row per article and a column per word (sorted), and the words."""
    import numpy as np

    if isinstance(vectors, dict):
        words = sorted(set(chain.from_iterable(vectors[a.id] for a in articles)))  # column order = word order
        return sparse_rows([vectors[a.id] for a in articles], np.float64, words)
    return vectors


class Linker:
    """The matrices every ranking step reads: each article's text vector (its heaviest words,
    unit length), its places and its themes, and the transposes the products need."""

    def __init__(self, articles: list[Article], vectors: Vectors, limit: int):
        import numpy as np

        self.articles, self.n = articles, len(articles)
        self.ids = [a.id for a in articles]
        self.raw, self.words = as_matrix(articles, vectors)
        self.raw = without_words(self.raw, self.words, city_names(articles))
        # the product of two rows is their cosine
        self.text = unit_rows(heaviest(self.raw, CANDIDATE_WORDS))
        # a place by its path (a Place's own hash is worked out in Python, field by field)
        self.places = numbered([[p.path for p in local_places(a)] for a in articles])
        self.themes = numbered([[t for t in a.theme_keys if t != "other"] for a in articles])
        # transposed once, kept in CSR: a CSR @ CSC product converts its right side to CSR on every call
        self.text_t, self.places_t, self.themes_t = self.text.T.tocsr(), self.places.T.tocsr(), self.themes.T.tocsr()
        # One integer per candidate orders by (rounded score, id): higher is better, never tied.
        rank_of_id = np.empty(self.n, dtype=np.int64)
        rank_of_id[np.argsort(np.array(self.ids))] = np.arange(self.n)
        self.tie_break = self.n - 1 - rank_of_id
        self.take = max(0, min(limit, self.n - 1))

    def key(self, score, cosine, columns):
        """The ranking integer of each score (−1: does not qualify)."""
        import numpy as np

        key = np.rint(score * 10_000).astype(np.int64) * self.n + self.tie_break[columns]
        key[(cosine <= 0) | (score < RELATED_MIN)] = -1  # related from the text: no shared word, no link
        return key

    def rank_rows(self, rows, block: int | None = None):
        """Exact rankings of the given rows against every article: {row: [(column, score)]}."""
        import numpy as np
        from sparse_dot_topn import sp_matmul_topn

        rows = np.asarray(list(rows), dtype=np.int64)
        if self.take == 0 or len(rows) == 0:
            return {int(i): [] for i in rows}
        n, take, keep = self.n, self.take, min(self.n, CANDIDATES + 1)  # + 1: a row is nearest to itself
        everyone = len(rows) == n and bool((rows == np.arange(n)).all())
        nearest = sp_matmul_topn(self.text if everyone else self.text[rows], self.text_t, top_n=keep,
                                 n_threads=os.cpu_count() or 1)
        found = np.diff(nearest.indptr)
        line = np.repeat(np.arange(len(rows)), found)  # the position in ``rows`` of each entry
        columns, cosine = nearest.indices.astype(np.int64), nearest.data
        truncated = (found >= keep) & (keep < n)  # others were left out, none with a higher cosine than the last kept
        lowest = np.full(len(rows), np.inf)
        np.minimum.at(lowest, line, cosine)
        real = (columns != rows[line]) & (cosine > 0)
        line, columns, cosine = line[real], columns[real], cosine[real]
        left = rows[line]
        score = scored(cosine, pair_products(self.places, left, columns), pair_products(self.themes, left, columns))
        key = self.key(score, cosine, columns)
        order = np.lexsort((-key, line))  # by row, best first
        line, columns, score, key = line[order], columns[order], score[order], key[order]
        position = np.arange(len(line)) - np.searchsorted(line, line)
        listed = (position < take) & (key >= 0)
        count = np.bincount(line[listed], minlength=len(rows))
        last = np.full(len(rows), np.iinfo(np.int64).max)  # the lowest key on each row's list
        np.minimum.at(last, line[listed], key[listed])
        # an article that was left out scores at most the row's lowest cosine kept plus both bonuses
        outside = np.where(truncated, lowest + PLACE_BONUS + THEME_BONUS, -1.0)
        bound = np.rint(outside * 10_000).astype(np.int64) * n + n - 1
        exact = ~truncated | ((count == take) & (last > bound))
        best = {i: [] for r, i in enumerate(rows.tolist()) if exact[r]}
        for r, j, s in zip(line[listed].tolist(), columns[listed].tolist(), score[listed].tolist()):
            if exact[r]:
                best[int(rows[r])].append((j, s))
        if not exact.all():  # too close to call from the nearest few: these rows against every article
            best.update(self.rank_rows_in_full(rows[~exact], block))
        return best

    def rank_rows_in_full(self, rows, block: int | None = None):
        """``rank_rows`` by scoring every article, a block of rows at a time."""
        import numpy as np

        best = {}
        block = block or max(16, BLOCK_CELLS // self.n)  # rows per step: a few dense n-wide arrays
        everyone = np.arange(self.n)
        for start in range(0, len(rows), block):
            chunk = rows[start:start + block]
            contiguous = chunk[-1] - chunk[0] == len(chunk) - 1  # a slice is cheaper than picking rows
            pick = slice(int(chunk[0]), int(chunk[-1]) + 1) if contiguous else chunk
            cosine = (self.text[pick] @ self.text_t).toarray()
            cosine[np.arange(len(chunk)), chunk] = 0.0  # not related to itself
            score = scored(cosine, (self.places[pick] @ self.places_t).toarray(),
                           (self.themes[pick] @ self.themes_t).toarray())
            key = self.key(score, cosine, everyone[None, :])
            top = np.argpartition(-key, self.take - 1, axis=1)[:, :self.take]
            for r, (i, columns) in enumerate(zip(chunk.tolist(), top)):
                best[i] = [(int(j), float(score[r, j])) for j in sorted(columns, key=lambda j: -key[r, j])
                           if key[r, j] >= 0]
        return best

    def explained(self, best: dict[int, list[tuple[int, float]]]) -> dict[str, tuple[Related, ...]]:
        """The rankings as Related links with their reasons, per article id."""
        articles = self.articles
        result: dict[str, tuple[Related, ...]] = {a.id: () for a in articles}
        pairs = [(i, j, s) for i in sorted(best) for j, s in best[i]]
        shared = shared_words(self.text, self.words, [i for i, _, _ in pairs], [j for _, j, _ in pairs])
        facts: dict[int, LinkFacts] = {}  # once per article, not once per pair
        rows: dict[str, list[Related]] = {}
        for (i, j, score), common in zip(pairs, shared):
            a = facts.get(i) or facts.setdefault(i, LinkFacts.of(articles[i]))
            b = facts.get(j) or facts.setdefault(j, LinkFacts.of(articles[j]))
            rows.setdefault(articles[i].id, []).append(Related(articles[j].id, round(score, 4), reason(a, b, common)))
        result.update((key, tuple(value)) for key, value in rows.items())
        return result


def scored(cosine, shared_places, shared_themes):
    """The rule's score, from cosines and the counts of shared places and themes (arrays of one shape)."""
    return cosine + PLACE_BONUS * (shared_places > 0) + THEME_BONUS * (shared_themes > 0)


def unit_rows(matrix):
    """Each row divided by its length (empty rows stay empty)."""
    import numpy as np

    matrix = matrix.copy()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix.data /= np.repeat(norms, np.diff(matrix.indptr))
    return matrix


def city_names(articles: list[Article]) -> set[str]:
    """The cities the articles are placed in, as printed and without 市 (淄博市, 淄博): no word
    to relate two articles by, as a shared city is no reason."""
    cities = {p.path[0] for a in articles for p in a.analysis.places}
    return cities | {short_name(city) for city in cities}


def without_words(matrix, words: list[str], dropped: set[str]):
    """The matrix with the columns of the ``dropped`` words emptied."""
    import numpy as np
    from scipy import sparse

    if not dropped.intersection(words):
        return matrix
    keep = np.array([word not in dropped for word in words], dtype=matrix.dtype)
    result = (matrix @ sparse.diags(keep)).tocsr()
    result.eliminate_zeros()
    return result


def heaviest(matrix, most: int):
    """Each row cut to its ``most`` largest entries (of equal ones, those in the lower columns).

    No sort of the whole matrix (three times slower): each long row's ``most``-th
    largest value comes from ``np.partition`` over rows of similar length, padded
    to the longest of them, a bounded number of cells at a time.
    """
    import numpy as np

    matrix = matrix.tocsr()
    lengths = np.diff(matrix.indptr)
    if matrix.nnz == 0 or lengths.max() <= most:
        return matrix
    matrix.sort_indices()
    data, n = matrix.data, matrix.shape[0]
    rows = np.repeat(np.arange(n), lengths)
    threshold = np.full(n, -np.inf)  # short rows keep everything
    long_rows = np.flatnonzero(lengths > most)
    long_rows = long_rows[np.argsort(lengths[long_rows], kind="stable")]
    start = 0
    while start < len(long_rows):
        cells = (np.arange(1, len(long_rows) - start + 1)) * lengths[long_rows[start:]]  # rows × the longest
        chunk = long_rows[start:start + max(1, int(np.searchsorted(cells, BLOCK_CELLS, side="right")))]
        sizes = lengths[chunk]
        line = np.repeat(np.arange(len(chunk)), sizes)
        column = np.arange(len(line)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        padded = np.full((len(chunk), sizes[-1]), np.inf)
        padded[line, column] = -data[np.repeat(matrix.indptr[chunk], sizes) + column]
        threshold[chunk] = -np.partition(padded, most - 1, axis=1)[:, most - 1]
        start += len(chunk)
    limit = threshold[rows]
    above, tied = data > limit, data == limit
    room = most - np.bincount(rows[above], minlength=n)  # places left for entries equal to the row's threshold
    ties_before = np.concatenate([[0], np.cumsum(tied)])
    tie_rank = ties_before[1:] - 1 - ties_before[matrix.indptr[:-1]][rows]  # among the row's equal entries
    kept = above | (tied & (tie_rank < room[rows]))
    indptr = np.zeros(n + 1, dtype=matrix.indptr.dtype)
    np.cumsum(np.bincount(rows[kept], minlength=n), out=indptr[1:])
    return type(matrix)((data[kept], matrix.indices[kept], indptr), shape=matrix.shape)


def pair_products(matrix, left: list[int], right: list[int]):
    """The dot product of row left[k] with row right[k], for every k."""
    import numpy as np

    step = 20_000  # pairs at a time: picking rows copies them, so memory stays bounded
    return np.concatenate([np.zeros(0)] + [
        np.asarray(matrix[left[k:k + step]].multiply(matrix[right[k:k + step]]).sum(axis=1), dtype=np.float64).ravel()
        for k in range(0, len(left), step)])


def shared_words(text, words: list[str], left: list[int], right: list[int], top: int = 4) -> list[list[str]]:
    """For each pair of rows, the words both use, by the product of their weights (ties by word), top few.

    ``text``'s columns must be in the order of ``words``, sorted (``Linker`` makes them so).
    """
    import numpy as np

    result: list[list[str]] = [[] for _ in left]
    step = 20_000  # pairs at a time: bounded memory
    for start in range(0, len(left), step):
        products = text[left[start:start + step]].multiply(text[right[start:start + step]]).tocsr()
        products.sort_indices()  # by word within a row
        rows = np.repeat(np.arange(products.shape[0]), np.diff(products.indptr))
        # by row, then by product, largest first (products of unit vectors are ≤ 1); the sort is stable,
        # so equal products stay in word order
        order = np.argsort(rows - 0.5 * products.data, kind="stable")
        position_in_row = np.arange(len(order)) - products.indptr[rows[order]]
        chosen = order[position_in_row < top]
        for row, column in zip(rows[chosen].tolist(), products.indices[chosen].tolist()):
            result[start + row].append(words[column])
    return result


def sparse_rows(rows: list[dict], dtype, keys):
    """A CSR matrix with a row per dict and a column per key, numbered in the order of ``keys`` (it
    must hold every key), and the keys."""
    import numpy as np
    from scipy import sparse

    columns = {key: k for k, key in enumerate(keys)}
    # map and chain iterate in C: a corpus has millions of (word, weight) entries
    size = sum(map(len, rows))
    indices = np.fromiter(map(columns.__getitem__, chain.from_iterable(rows)), dtype=np.int64, count=size)
    data = np.fromiter(chain.from_iterable(map(dict.values, rows)), dtype=dtype, count=size)
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(row) for row in rows], out=indptr[1:])
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), max(1, len(columns))))
    return matrix, list(columns)


def numbered(rows: list[list]):
    """A float32 CSR matrix with a 1 for each key of each row, a column per key (numbered as first seen)."""
    import numpy as np

    columns = dict.fromkeys(chain.from_iterable(rows))
    return sparse_rows([dict.fromkeys(row, 1.0) for row in rows], np.float32, columns)[0]


@dataclass(frozen=True)
class LinkFacts:
    """What a reason says about one side of a link: its places and its themes."""

    places: tuple[tuple[str, tuple[str, ...]], ...]  # (name, path): tuples of strings hash in C
    place_set: frozenset
    themes: frozenset  # without "other", which says nothing in common

    @classmethod
    def of(cls, article: Article) -> "LinkFacts":
        places = tuple((p.name, p.path) for p in local_places(article))
        return cls(places, frozenset(places), frozenset(t for t in article.theme_keys if t != "other"))


def reason(a: LinkFacts, b: LinkFacts, shared: list[str]) -> str:
    """Why ``b`` is related to ``a``, in words: shared keywords, the same place, the same theme.

    Called for every link made afresh (135,000 at 5,000 pages): set tests first, lists only when they meet.
    """
    if not a.place_set.isdisjoint(b.place_set):  # a place's name is said once, as the place
        names = {n for name, path in a.places if (name, path) in b.place_set for n in path}
        names |= {n[:-1] for n in names if len(n) >= 3 and n[-1] in "市县区镇"}
        shared = [word for word in shared if word not in names]
    shared = [word for word in shared if not any(word + suffix in shared for suffix in "市县区镇")]  # 淄博市, not 淄博市、淄博
    reasons = ["共同关键词：" + "、".join(shared)] if shared else []
    if not a.place_set.isdisjoint(b.place_set):
        reasons.append("同一地点：" + "、".join([place[0] for place in a.places if place in b.place_set][:2]))
    if not a.themes.isdisjoint(b.themes):
        reasons.append("同一专题")
    return "；".join(reasons)


def local_places(article: Article) -> list:
    """The article's places below a city (a county, district or town): the places two articles
    can share that say they are about the same place."""
    return [p for p in article.analysis.places if len(p.path) >= 2]
