"""Related articles: the best few per article, with the reason, exact and incremental.

Score = cosine of the articles' unit TF-IDF vectors + PLACE_BONUS for a shared
place + THEME_BONUS for a shared theme. Only articles sharing a word qualify,
and only from RELATED_MIN up. Articles are ranked by the score rounded to 4
places (as it is shown), then by id, so equal scores always come out in the
same order.

Full computation: the cosines are one sparse matrix product (SciPy), taken a
block of rows at a time so memory stays bounded; the best few per row are
picked with NumPy and only they get reasons (their shared words come from one
more sparse product). The work grows with the number of article pairs that
share a word, so it is quadratic on a corpus where nearly every pair does (the
benchmark's).

Incremental computation (``link_incrementally``): after a build, what each
row's ranking was and an upper bound (``ceiling``) for every score outside its
list are kept. Next time, an article whose words, places and themes did not
change has moved only because the keyword weights (corpus IDF) shifted, by at
most ``drift`` = |new unit vector − old unit vector|, and the cosine of two
unit vectors moves by at most the sum of their drifts. So for such an article
it is enough to score exactly its previous list, the changed articles and the
few that drifted most: if the list they give beats every bound for the rest,
it is the list a full computation would give. Otherwise (and for every
changed article) the row is computed in full. The result is the same as a
full computation, article for article; tests hold the two paths to that.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .model import Article, Related

RELATED_MAX = 5
PLACE_BONUS = 0.05
THEME_BONUS = 0.05
RELATED_MIN = 0.05
BLOCK_CELLS = 2_000_000  # 16 MB per dense array in a step of the product, whatever the corpus size
DRIFT_WATCH = 64  # the articles that drifted most are scored exactly against every row
EPSILON = 1e-9  # floating-point slack on the bounds


@dataclass(frozen=True)
class LinkState:
    """What one build's linking leaves for the next (kept in the cache folder)."""

    signatures: dict[str, bytes]  # article id → digest of its words, places and themes
    idf: dict[str, float]  # the keyword weights the vectors were made with
    best: dict[str, tuple[tuple[str, float], ...]]  # article id → its related ids and exact scores
    ceiling: dict[str, float]  # article id → no other article scores above this


def related_articles(articles: list[Article], vectors: dict[str, dict[str, float]],
                     limit: int = RELATED_MAX, block: int | None = None) -> dict[str, tuple[Related, ...]]:
    """Up to ``limit`` related articles for each article, best first, with the reason (full computation)."""
    links = Linker(articles, vectors, limit)
    return links.explained(links.rank_rows(range(len(articles)), block)[0])


def link_incrementally(articles: list[Article], vectors: dict[str, dict[str, float]], idf: dict[str, float],
                       previous: LinkState | None, limit: int = RELATED_MAX
                       ) -> tuple[dict[str, tuple[Related, ...]], LinkState]:
    """``related_articles``, reusing the previous build's ranking where it provably still holds."""
    import numpy as np

    links = Linker(articles, vectors, limit)
    n = len(articles)
    signatures = {a.id: signature(a) for a in articles}
    stable = [i for i, a in enumerate(articles)
              if previous is not None and previous.signatures.get(a.id) == signatures[a.id]
              and a.id in previous.best]
    if len(stable) < n - n // 8 or n < 2:  # much is new: the full computation is cheaper
        best, ceiling = links.rank_rows(range(n))
    else:
        best, ceiling = links.rank_reusing(stable, links.drift(stable, previous.idf, idf), previous)
    state = LinkState(signatures, {w: idf[w] for w in links.words},
                      {articles[i].id: tuple((articles[j].id, s) for j, s in row) for i, row in best.items()},
                      {articles[i].id: float(c) for i, c in ceiling.items()})
    return links.explained(best), state


def signature(article: Article) -> bytes:
    """Everything of an article's own that its scores depend on (the weights aside)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in ("\0".join(article.analysis.tokens), "\0".join(p.full for p in article.analysis.places),
                 "\0".join(t for t in article.theme_keys if t != "other")):
        digest.update(part.encode("utf-8") + b"\1")
    return digest.digest()


class Linker:
    """The matrices every ranking step reads."""

    def __init__(self, articles: list[Article], vectors: dict[str, dict[str, float]], limit: int):
        import numpy as np

        self.articles, self.n = articles, len(articles)
        self.row_of = {a.id: i for i, a in enumerate(articles)}
        words = sorted({w for a in articles for w in vectors[a.id]})  # column order = word order (ties)
        self.raw, self.words = sparse_rows([vectors[a.id] for a in articles], np.float64, words)
        self.text = unit_rows(self.raw)  # the product of two rows is their cosine
        self.places, _ = sparse_rows([dict.fromkeys(a.analysis.places, 1.0) for a in articles], np.float32)
        self.themes, _ = sparse_rows([dict.fromkeys((t for t in a.theme_keys if t != "other"), 1.0)
                                      for a in articles], np.float32)
        self.text_t, self.places_t, self.themes_t = self.text.T.tocsc(), self.places.T.tocsc(), self.themes.T.tocsc()
        # One integer per candidate orders by (rounded score, id): higher is better, never tied.
        rank_of_id = np.empty(self.n, dtype=np.int64)
        rank_of_id[np.argsort(np.array([a.id for a in articles]))] = np.arange(self.n)
        self.tie_break = self.n - 1 - rank_of_id
        self.take = max(0, min(limit, self.n - 1))

    def key(self, score, cosine, columns):
        """The ranking integer of each score (−1: does not qualify)."""
        import numpy as np

        key = np.rint(score * 10_000).astype(np.int64) * self.n + self.tie_break[columns]
        key[(cosine <= 0) | (score < RELATED_MIN)] = -1  # related from the text: no shared word, no link
        return key

    def rank_rows(self, rows, block: int | None = None):
        """Exact rankings of the given rows against every article: ({row: [(column, score)]}, {row: ceiling})."""
        import numpy as np

        rows = np.asarray(list(rows), dtype=np.int64)
        best, ceiling = {}, {}
        if self.take == 0:
            return {int(i): [] for i in rows}, {int(i): -1.0 for i in rows}
        block = block or max(16, BLOCK_CELLS // self.n)  # rows per step: a few dense n-wide arrays
        everyone = np.arange(self.n)
        for start in range(0, len(rows), block):
            chunk = rows[start:start + block]
            contiguous = chunk[-1] - chunk[0] == len(chunk) - 1  # a slice is cheaper than picking rows
            pick = slice(int(chunk[0]), int(chunk[-1]) + 1) if contiguous else chunk
            cosine = (self.text[pick] @ self.text_t).toarray()
            cosine[np.arange(len(chunk)), chunk] = 0.0  # not related to itself
            score = cosine + PLACE_BONUS * ((self.places[pick] @ self.places_t).toarray() > 0) \
                + THEME_BONUS * ((self.themes[pick] @ self.themes_t).toarray() > 0)
            key = self.key(score, cosine, everyone[None, :])
            top = np.argpartition(-key, self.take - 1, axis=1)[:, :self.take]
            for r, (i, columns) in enumerate(zip(chunk.tolist(), top)):
                best[i] = [(int(j), float(score[r, j])) for j in sorted(columns, key=lambda j: -key[r, j])
                           if key[r, j] >= 0]
            # the ceiling: the best score of an article sharing a word but not on the list
            score[cosine <= 0] = -1.0
            for r, i in enumerate(chunk.tolist()):
                score[r, [j for j, _ in best[i]]] = -1.0
            for i, value in zip(chunk.tolist(), score.max(axis=1).tolist()):
                ceiling[i] = value
        return best, ceiling

    def drift(self, rows: list[int], old_idf: dict[str, float], new_idf: dict[str, float]):
        """How far each row's unit vector moved because the keyword weights changed."""
        import numpy as np

        ratio = np.array([old_idf.get(w, new_idf[w]) / new_idf[w] if new_idf[w] else 1.0 for w in self.words])
        drifts = [np.zeros(0)]
        for start in range(0, len(rows), 4096):  # a few thousand rows at a time: bounded memory
            part = rows[start:start + 4096]
            before = self.raw[part]
            before.data = before.data * ratio[before.indices]  # the same words weighed as last time
            moved = unit_rows(before) - self.text[part]
            drifts.append(np.sqrt(np.asarray(moved.multiply(moved).sum(axis=1)).ravel()))
        return np.concatenate(drifts)

    def rank_reusing(self, stable: list[int], drift, previous: LinkState):
        """Rankings of every row, reusing the previous ones for stable rows where the bounds allow."""
        import numpy as np

        n = self.n
        stable_set = set(stable)
        changed = [i for i in range(n) if i not in stable_set]
        watched_stable = [stable[k] for k in np.argsort(-drift, kind="stable")[:DRIFT_WATCH] if drift[k] > 0]
        rest_drift = float(np.sort(drift)[::-1][DRIFT_WATCH]) if len(stable) > DRIFT_WATCH else 0.0
        drift_of = dict(zip(stable, drift.tolist()))
        watched = np.array(sorted(set(changed) | set(watched_stable)), dtype=np.int64)
        # exact scores of every row against the watched columns
        cosine_w = (self.text @ self.text[watched].T).toarray()
        score_w = cosine_w + PLACE_BONUS * ((self.places @ self.places[watched].T).toarray() > 0) \
            + THEME_BONUS * ((self.themes @ self.themes[watched].T).toarray() > 0)
        # exact scores of each stable row's previous list
        left, right = [], []
        full = set(changed)
        for i in stable:
            members = [self.row_of.get(j) for j, _ in previous.best[self.articles[i].id]]
            if any(m is None for m in members):  # a related article was removed: its place is open
                full.add(i)
                continue
            left += [i] * len(members)
            right += members
        pair_cosine = pair_products(self.text, left, right)
        pair_score = pair_cosine + PLACE_BONUS * (pair_products(self.places, left, right) > 0) \
            + THEME_BONUS * (pair_products(self.themes, left, right) > 0)
        listed: dict[int, dict[int, tuple[float, float]]] = {}
        for i, j, c, s in zip(left, right, pair_cosine.tolist(), pair_score.tolist()):
            listed.setdefault(i, {})[j] = (c, s)
        best, ceiling = {}, {}
        for i in stable:
            if i in full:
                continue
            candidates = dict(listed.get(i, {}))
            for k, j in enumerate(watched.tolist()):
                candidates[j] = (float(cosine_w[i, k]), float(score_w[i, k]))
            candidates.pop(i, None)
            columns = np.array(list(candidates), dtype=np.int64)
            values = np.array(list(candidates.values()), dtype=np.float64).reshape(-1, 2)
            key = self.key(values[:, 1], values[:, 0], columns)
            order = np.argsort(-key, kind="stable")
            chosen = [k for k in order[:self.take] if key[k] >= 0]
            # every other article's score is at most this
            outside = previous.ceiling[self.articles[i].id] + drift_of[i] + rest_drift + EPSILON
            if len(chosen) == self.take:
                safe = key[chosen[-1]] > np.rint(outside * 10_000) * n + n - 1
            else:
                safe = outside < RELATED_MIN
            if not safe and drift_of[i] == 0.0 and rest_drift == 0.0:
                # Nothing outside moved: they all still rank below the previous list's last.
                last = previous.best[self.articles[i].id]
                safe = len(last) < self.take or len(chosen) == self.take and not ranks_below(
                    (float(values[chosen[-1], 1]), self.articles[int(columns[chosen[-1]])].id), last[-1][::-1])
            if not safe:
                full.add(i)
                continue
            best[i] = [(int(columns[k]), float(values[k, 1])) for k in chosen]
            on_list = set(chosen)
            ceiling[i] = max([outside] + [values[k, 1] for k in range(len(columns))
                                          if k not in on_list and values[k, 0] > 0])
        more_best, more_ceiling = self.rank_rows(sorted(full))
        best.update(more_best)
        ceiling.update(more_ceiling)
        return best, ceiling

    def explained(self, best: dict[int, list[tuple[int, float]]]) -> dict[str, tuple[Related, ...]]:
        """The rankings as Related links with their reasons, per article id."""
        pairs = [(i, j, s) for i in sorted(best) for j, s in best[i]]
        shared = shared_words(self.text, self.words, [i for i, _, _ in pairs], [j for _, j, _ in pairs])
        result: dict[str, list[Related]] = {a.id: [] for a in self.articles}
        for (i, j, score), common in zip(pairs, shared):
            result[self.articles[i].id].append(explain(self.articles[i], self.articles[j], common, score))
        return {key: tuple(value) for key, value in result.items()}


def ranks_below(a: tuple[float, str], b: tuple[float, str]) -> bool:
    """Whether (score, id) ``a`` comes after ``b`` in a list: lower rounded score, or equal and a larger id."""
    rounded_a, rounded_b = round(a[0] * 10_000), round(b[0] * 10_000)
    return rounded_a < rounded_b or (rounded_a == rounded_b and a[1] > b[1])


def unit_rows(matrix):
    """Each row divided by its length (empty rows stay empty)."""
    import numpy as np

    matrix = matrix.copy()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix.data /= np.repeat(norms, np.diff(matrix.indptr))
    return matrix


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


def sparse_rows(rows: list[dict], dtype, keys=None):
    """A CSR matrix with a row per dict and a column per key, and the keys.

    Columns are numbered in the order of ``keys`` if given (it must hold every key), else first seen.
    """
    import numpy as np
    from scipy import sparse

    columns: dict = {key: k for k, key in enumerate(keys)} if keys is not None else {}
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
