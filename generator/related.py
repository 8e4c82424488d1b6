"""Related articles: the best few per article, with the reason, found without comparing every pair.

Each article is compared by its CANDIDATE_WORDS heaviest words (its TF-IDF
vector cut to those, as Lucene's MoreLikeThis cuts a document to its top
terms): words every article uses weigh little and would otherwise make every
pair of articles share something. Score = cosine of those cut vectors, made
unit length, + PLACE_BONUS for a shared place + THEME_BONUS for a shared
theme. Only articles sharing a word qualify, and only from RELATED_MIN up.
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

Incremental computation (``link_incrementally``): after a build, what each
row's ranking was and an upper bound (``ceiling``) for every score outside its
list are kept. Next time, an article whose words, places and themes did not
change has moved only because the keyword weights (corpus IDF) shifted, by at
most ``drift`` = |new unit vector − old unit vector|, and the cosine of two
unit vectors moves by at most the sum of their drifts. So for such an article
it is enough to score exactly its previous list, the changed articles and the
ones that drifted (all of them when few did, else the most drifted): if the
list they give beats every bound for the rest, it is the list a full
computation would give. Otherwise (and for every changed article) the row is
ranked afresh. When much is new, or most articles drifted (a new day's pages
change the number of articles, so every weight), every row is ranked afresh:
that is cheaper than checking each. The result is the same as a full
computation, article for article; tests hold the two paths to that.
"""
from __future__ import annotations

import hashlib
import itertools
import os
from dataclasses import dataclass
from itertools import chain
from typing import Union

from .analyze import gathered_rows, rows_using
from .model import Article, Related

RELATED_MAX = 5
PLACE_BONUS = 0.05
THEME_BONUS = 0.05
RELATED_MIN = 0.05
CANDIDATE_WORDS = 32  # an article is compared by its heaviest words (MoreLikeThis takes 25)
CANDIDATES = 64  # nearest articles by cosine per row, from which its list is picked
BLOCK_CELLS = 2_000_000  # 16 MB per dense array in a step of the product, whatever the corpus size
DRIFT_WATCH = 64  # the articles that drifted most are scored exactly against every row
DRIFT_WATCH_ALL = 4096  # up to this many drifted articles, all of them are watched
EPSILON = 1e-9  # floating-point slack on the bounds


# Each article's TF-IDF weights: by article id, or as a matrix with a row per article (in
# the order of the articles) and a column per word of the sorted list of words
Vectors = Union[dict[str, dict[str, float]], tuple[object, list[str]]]


@dataclass(frozen=True)
class LinkState:
    """What one build's linking leaves for the next (kept in the cache folder)."""

    signatures: dict[str, bytes]  # article id → digest of its words, places and themes
    idf: dict[str, float]  # the keyword weights the vectors were made with
    best: dict[str, tuple[tuple[str, float], ...]]  # article id → its related ids and exact scores
    ceiling: dict[str, float]  # article id → no other article scores above this
    reasons: dict[str, tuple[str, ...]]  # article id → the reason of each of its related articles


def related_articles(articles: list[Article], vectors: Vectors,
                     limit: int = RELATED_MAX, block: int | None = None) -> dict[str, tuple[Related, ...]]:
    """Up to ``limit`` related articles for each article, best first, with the reason (full computation)."""
    links = Linker(articles, vectors, limit)
    return links.explained(links.rank_rows(range(len(articles)), block)[0])


def link_incrementally(articles: list[Article], vectors: Vectors, idf: dict[str, float],
                       previous: LinkState | None, limit: int = RELATED_MAX
                       ) -> tuple[dict[str, tuple[Related, ...]], LinkState]:
    """``related_articles``, reusing the previous build's ranking where it provably still holds."""
    import numpy as np

    n = len(articles)
    signatures = {a.id: signature(a) for a in articles}
    stable = [i for i, a in enumerate(articles)
              if previous is not None and previous.signatures.get(a.id) == signatures[a.id]
              and a.id in previous.best]
    last_state, last_related, last_linker = LAST_LINKED
    if previous is not last_state:  # a new process, or another state: nothing of the last links is known to hold
        last_related = last_linker = None
    known, kept = {}, []
    if len(stable) < n - n // 8 or n < 2:  # much is new: the full computation is cheaper
        links = Linker(articles, vectors, limit)
        best, ceiling = links.rank_rows(range(n))
    else:
        raw, words = as_matrix(articles, vectors)
        ratio, touched = reweighed(raw, words, previous.idf, idf)
        same = np.zeros(n, dtype=bool)
        same[stable] = True
        links = Linker(articles, (raw, words), limit, last=last_linker, same=same, same_text=same & ~touched)
        if touched[stable].sum() > len(stable) // 2:
            # most may have moved (a new day's pages change every weight): checking each row against its
            # bound costs more than ranking every row afresh from its nearest
            best, ceiling = links.rank_rows(range(n))
            unmoved = {i for i in stable if not touched[i]}
        else:
            drift = links.drift(stable, ratio, touched)
            best, ceiling, kept = links.rank_reusing(stable, drift, previous)
            unmoved = {i for i, moved in zip(stable, drift.tolist()) if moved == 0.0 and i in best}
        # An article whose vector is exactly as last time, listing the same articles whose vectors
        # are too (and whose places and themes are, being stable), shares the same words with them in
        # the same order: its reasons stand. Ids, not scores, are compared: the nearest-first product and
        # the pairwise one add in different orders, so a score may differ in its last bit.
        for i in unmoved:
            if [articles[j].id for j, _ in best[i]] == [j for j, _ in previous.best[articles[i].id]] \
                    and all(j in unmoved for j, _ in best[i]):
                known[i] = previous.reasons[articles[i].id]
    ranked = {articles[i].id: tuple((articles[j].id, s) for j, s in row) for i, row in best.items()}
    kept_ids = [articles[i].id for i in kept]  # rows whose ranking, ceiling and reasons are the last build's
    # A process that builds again made the previous state itself, with these links: a row whose
    # reasons stand and whose ids and exact scores are the same has the same Related tuple.
    reused = {}
    if last_related is not None:
        for i in known:
            article_id = articles[i].id
            if ranked[article_id] == previous.best[article_id]:
                reused[article_id] = last_related[article_id]
    related = links.explained({i: row for i, row in best.items() if articles[i].id not in reused},
                              {i: reasons for i, reasons in known.items() if articles[i].id not in reused})
    related.update(reused)
    reasons = {article_id: tuple(r.reason for r in related[article_id]) for article_id in ranked}
    ceilings = {article_id: previous.ceiling[article_id] for article_id in kept_ids}
    ceilings.update((articles[i].id, float(c)) for i, c in ceiling.items())  # kept rows' may have risen
    if kept:
        ranked.update((article_id, previous.best[article_id]) for article_id in kept_ids)
        reasons.update((article_id, previous.reasons[article_id]) for article_id in kept_ids)
        if last_related is not None:
            related.update((article_id, last_related[article_id]) for article_id in kept_ids)
        else:
            related.update((article_id, tuple(Related(j, round(score, 4), text) for (j, score), text in
                                              zip(previous.best[article_id], previous.reasons[article_id])))
                           for article_id in kept_ids)
    state = LinkState(signatures, dict(zip(links.words, map(idf.__getitem__, links.words))), ranked, ceilings,
                      reasons)
    LAST_LINKED[:] = state, related, links
    return related, state


# The last state ``link_incrementally`` made, the links it gave with it and its Linker (the pipeline
# lets them go at once: ``forget``; #27 replaces this with a session passed in).
LAST_LINKED: list = [None, None, None]


def forget() -> None:
    LAST_LINKED[:] = None, None, None


def signature(article: Article) -> bytes:
    """Everything of an article's own that its scores depend on (the weights aside)."""
    made_from = getattr(article, "made_from", None)
    if made_from:  # unchanged page work: its key and the id say it all (hashing the words costs more)
        return f"page work {made_from} {article.id}".encode()
    digest = hashlib.blake2b(digest_size=16)
    words, counts = article.analysis.terms
    for part in ("\0".join(words), ",".join(map(str, counts)), "\0".join(p.full for p in article.analysis.places),
                 "\0".join(t for t in article.theme_keys if t != "other")):
        digest.update(part.encode("utf-8") + b"\1")
    return digest.digest()


def as_matrix(articles: list[Article], vectors: Vectors) -> tuple[object, list[str]]:
    """The vectors as a CSR matrix with a row per article and a column per word (sorted), and the words."""
    import numpy as np

    if isinstance(vectors, dict):
        words = sorted(set(chain.from_iterable(vectors[a.id] for a in articles)))  # column order = word order
        return sparse_rows([vectors[a.id] for a in articles], np.float64, words)
    return vectors


def reweighed(raw, words: list[str], old_idf: dict[str, float], new_idf: dict[str, float]):
    """(each word's old weight / new weight, whether each row uses a word whose weight is not the old one)."""
    import numpy as np

    old = np.fromiter(map(old_idf.get, words, map(new_idf.__getitem__, words)), dtype=np.float64, count=len(words))
    new = np.fromiter(map(new_idf.__getitem__, words), dtype=np.float64, count=len(words))
    ratio = np.divide(old, new, out=np.ones(len(words)), where=new != 0)
    # compared exactly, not by the ratio: two weights a bit apart can divide to exactly 1.0
    return ratio, rows_using(raw, old != new)


class Linker:
    """The matrices every ranking step reads.

    ``last``: the Linker of the last build in this process (``LAST_LINKED``), whose rows are
    taken for the articles marked ``same`` (the same words, places and themes as then): their
    place and theme rows always, their text rows where ``same_text`` (no word of theirs was
    reweighed, so their weights are the same bit for bit). Only the other rows are cut to
    their heaviest words and made unit length.
    """

    def __init__(self, articles: list[Article], vectors: Vectors, limit: int, *, last: "Linker | None" = None,
                 same=None, same_text=None):
        import numpy as np

        self.articles, self.n = articles, len(articles)
        self.ids = [a.id for a in articles]
        same_ids = last is not None and last.ids == self.ids
        self.row_of = last.row_of if same_ids else {article_id: i for i, article_id in enumerate(self.ids)}
        self.raw, self.words = as_matrix(articles, vectors)
        # where each row was in the last Linker (-1: made afresh)
        before = np.full(self.n, -1, dtype=np.int64)
        if last is not None and same is not None:
            rows = np.flatnonzero(same)
            before[rows] = np.fromiter(map(last.row_of.get, [articles[i].id for i in rows.tolist()]),
                                       dtype=np.int64, count=len(rows))
            column_map = None
            if self.words is not last.words and self.words != last.words:  # a word came or went
                column = {w: k for k, w in enumerate(self.words)}
                column_map = np.fromiter(map(column.get, last.words, itertools.repeat(-1)), dtype=np.int64,
                                         count=len(last.words))
            text_before = np.where(same_text, before, -1)
            fresh = np.flatnonzero(text_before < 0)
            self.text = spliced(last.text, text_before,
                                unit_rows(heaviest(self.raw[fresh], CANDIDATE_WORDS)), len(self.words), column_map)
            self.place_columns, self.theme_columns = last.place_columns, last.theme_columns
        else:
            # the product of two rows is their cosine
            self.text = unit_rows(heaviest(self.raw, CANDIDATE_WORDS))
            self.place_columns, self.theme_columns = {}, {}
        # a place by its path (a Place's own hash is worked out in Python, field by field); columns are
        # numbered as first seen, by this build or the last ones in the process
        fresh = np.flatnonzero(before < 0).tolist()
        self.places = spliced(last.places if last else None, before,
                              numbered([[p.path for p in articles[i].analysis.places] for i in fresh],
                                       self.place_columns))
        self.themes = spliced(last.themes if last else None, before,
                              numbered([[t for t in articles[i].theme_keys if t != "other"] for i in fresh],
                                       self.theme_columns))
        # transposed once, kept in CSR: a CSR @ CSC product converts its right side to CSR on every call
        self.text_t, self.places_t, self.themes_t = self.text.T.tocsr(), self.places.T.tocsr(), self.themes.T.tocsr()
        # One integer per candidate orders by (rounded score, id): higher is better, never tied.
        if same_ids:
            self.tie_break = last.tie_break
        else:
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
        """Exact rankings of the given rows against every article: ({row: [(column, score)]}, {row: ceiling}).

        The ceiling bounds the score of every article not on the row's list.
        """
        import numpy as np
        from sparse_dot_topn import sp_matmul_topn

        rows = np.asarray(list(rows), dtype=np.int64)
        if self.take == 0 or len(rows) == 0:
            return {int(i): [] for i in rows}, {int(i): -1.0 for i in rows}
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
        ceiling_of = outside.copy()
        np.maximum.at(ceiling_of, line[~listed], score[~listed])
        best, ceiling = {}, {}
        for r, i in enumerate(rows.tolist()):
            if exact[r]:
                best[i], ceiling[i] = [], float(ceiling_of[r])
        for r, j, s in zip(line[listed].tolist(), columns[listed].tolist(), score[listed].tolist()):
            if exact[r]:
                best[int(rows[r])].append((j, s))
        if not exact.all():  # too close to call from the nearest few: these rows against every article
            more_best, more_ceiling = self.rank_rows_in_full(rows[~exact], block)
            best.update(more_best)
            ceiling.update(more_ceiling)
        return best, ceiling

    def rank_rows_in_full(self, rows, block: int | None = None):
        """``rank_rows`` by scoring every article, a block of rows at a time (exact ceilings)."""
        import numpy as np

        best, ceiling = {}, {}
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
            # the ceiling: the best score of an article sharing a word but not on the list
            score[cosine <= 0] = -1.0
            for r, i in enumerate(chunk.tolist()):
                score[r, [j for j, _ in best[i]]] = -1.0
            for i, value in zip(chunk.tolist(), score.max(axis=1).tolist()):
                ceiling[i] = value
        return best, ceiling

    def drift(self, rows: list[int], ratio, touched):
        """How far each row's unit vector moved because the keyword weights changed (``reweighed``).

        Only rows using a reweighed word can have moved (their words are as last time).
        """
        import numpy as np

        rows = np.asarray(rows, dtype=np.int64)
        moving = np.flatnonzero(touched[rows])
        drift = np.zeros(len(rows))
        for start in range(0, len(moving), 4096):  # a few thousand rows at a time: bounded memory
            part = moving[start:start + 4096]
            before = self.raw[rows[part]]
            before.data = before.data * ratio[before.indices]  # the same words weighed as last time
            moved = unit_rows(heaviest(before, CANDIDATE_WORDS)) - self.text[rows[part]]
            drift[part] = np.sqrt(np.asarray(moved.multiply(moved).sum(axis=1)).ravel())
        return drift

    def rank_reusing(self, stable: list[int], drift, previous: LinkState):
        """Rankings of the rows, reusing the previous ones for stable rows where the bounds allow:
        ({row: [(column, score)]}, {row: ceiling}, rows kept as they were).

        The rows kept as they were are stable rows that nothing changed could enter, whose lists
        and ceilings are the previous ones: their vectors and those of every article they share
        a word with are as last time. They are left out of the first two.
        """
        import numpy as np

        stable_set = set(stable)
        changed = [i for i in range(self.n) if i not in stable_set]
        drifted = np.flatnonzero(drift > 0)
        if len(drifted) <= DRIFT_WATCH_ALL:
            # Few moved (an edit that leaves the number of articles as it was): watch them all. Every
            # other article then scores exactly as last time, so ties at the end of a list stay settled.
            watched_stable, rest_drift = [stable[k] for k in drifted], 0.0
        else:
            watched_stable = [stable[k] for k in np.argsort(-drift, kind="stable")[:DRIFT_WATCH] if drift[k] > 0]
            rest_drift = float(np.sort(drift)[::-1][DRIFT_WATCH]) if len(stable) > DRIFT_WATCH else 0.0
        watched = np.array(sorted(set(changed) | set(watched_stable)), dtype=np.int64)
        kept, ceiling = [], {}
        if rest_drift == 0.0:
            # Every article that is not watched scores as last time, so only rows that moved, that list
            # a watched or removed article, or that a watched article might enter can differ.
            open_row, entered = self.entered(watched, previous)
            open_row[np.asarray(stable, dtype=np.int64)[drifted]] = True
            gone = set(previous.best.keys() - self.row_of.keys()) | {self.articles[j].id for j in watched.tolist()}
            listing_gone = {owner for owner, row in previous.best.items() for j, _ in row if j in gone}
            open_row[[self.row_of[owner] for owner in listing_gone if owner in self.row_of]] = True
            kept = [i for i in stable if not open_row[i]]
            # a kept row's ceiling also bounds the watched articles that share a word with it
            ceiling = {i: max(previous.ceiling[self.articles[i].id], float(entered[i]))
                       for i in kept if entered[i] > previous.ceiling[self.articles[i].id]}
            checked = [k for k, i in enumerate(stable) if open_row[i]]
            stable, drift = [stable[k] for k in checked], drift[checked]
        best, full = {}, set(changed)
        step = max(64, BLOCK_CELLS // max(1, len(watched) + RELATED_MAX))  # rows at a time: bounded memory
        for start in range(0, len(stable), step):
            rows = stable[start:start + step]
            kept_rows, open_rows = self.check_rows(rows, drift[start:start + step], rest_drift, watched, previous)
            for i, (row_best, row_ceiling) in kept_rows.items():
                best[i], ceiling[i] = row_best, row_ceiling
            full.update(open_rows)
        more_best, more_ceiling = self.rank_rows(sorted(full))
        best.update(more_best)
        ceiling.update(more_ceiling)
        return best, ceiling, kept

    def entered(self, watched, previous: LinkState):
        """(whether a watched article may enter each row's list, each row's best score from a watched
        article that shares a word with it, -inf if none).

        A watched article may enter a row when it shares a word with it and scores within a
        shown unit (1e-4) of the last on the row's previous list, or qualifies at all when that
        list is not full: a generous margin, as these scores are not the ones ranked.
        """
        import numpy as np

        listed = [previous.best.get(a.id, ()) for a in self.articles]
        floor = np.fromiter((row[-1][1] - 1e-4 if row and len(row) >= self.take else RELATED_MIN - EPSILON
                             for row in listed), dtype=np.float64, count=self.n)
        may_enter = np.zeros(self.n, dtype=bool)
        best = np.full(self.n, -np.inf)
        step = max(1, BLOCK_CELLS // self.n)  # watched articles at a time: a few dense n-wide arrays
        for start in range(0, len(watched), step):
            rows = watched[start:start + step]
            cosine = (self.text[rows] @ self.text_t).toarray()
            score = scored(cosine, (self.places[rows] @ self.places_t).toarray(),
                           (self.themes[rows] @ self.themes_t).toarray())
            score[cosine <= 0] = -np.inf  # no shared word: no link, whatever the bonuses
            may_enter |= (score >= floor).any(axis=0)
            np.maximum(best, score.max(axis=0), out=best)
        return may_enter, best

    def check_rows(self, rows: list[int], drift, rest_drift: float, watched, previous: LinkState):
        """For stable rows: ({row: (ranking, ceiling)} where the previous ranking provably holds, rows to redo).

        Each row's candidates are its previous list and the watched articles (the
        changed ones and those that drifted: all, or the most), all scored exactly;
        every other article scores at most the old ceiling plus both drifts.
        """
        import numpy as np

        n, take = self.n, self.take
        lists = [previous.best[self.articles[i].id] for i in rows]
        width = max([1] + [len(listed) for listed in lists])
        members = np.full((len(rows), width), -1, dtype=np.int64)
        redo = set()
        for r, (i, listed) in enumerate(zip(rows, lists)):
            found = [self.row_of.get(j, -1) for j, _ in listed]
            if -1 in found:  # a related article was removed: its place is open
                redo.add(i)
            members[r, :len(found)] = found
        # exact scores of each row's previous list …
        left = np.repeat(np.asarray(rows, dtype=np.int64), width)[members.ravel() >= 0]
        right = members[members >= 0]
        listed_cosine, listed_score = np.zeros(members.shape), np.zeros(members.shape)
        listed_cosine[members >= 0] = cosine = pair_products(self.text, left.tolist(), right.tolist())
        listed_score[members >= 0] = scored(cosine, pair_products(self.places, left, right),
                                            pair_products(self.themes, left, right))
        # … and against every watched article
        watched_cosine = (self.text[rows] @ self.text[watched].T).toarray()
        watched_score = scored(watched_cosine, (self.places[rows] @ self.places[watched].T).toarray(),
                               (self.themes[rows] @ self.themes[watched].T).toarray())
        columns = np.hstack([members, np.broadcast_to(watched, (len(rows), len(watched)))])
        cosine = np.hstack([listed_cosine, watched_cosine])
        score = np.hstack([listed_score, watched_score])
        # a candidate counts once (a listed one that is also watched, as watched) and never for itself
        candidate = np.hstack([(members >= 0) & ~np.isin(members, watched), np.ones(watched_cosine.shape, bool)])
        candidate &= columns != np.asarray(rows, dtype=np.int64)[:, None]
        key = self.key(score, cosine, np.maximum(columns, 0))
        key[~candidate] = -1
        # the best `take` per row, best first (keys of candidates are unique; the rest are -1 and dropped below)
        top = min(take, key.shape[1])
        order = np.argpartition(-key, top - 1, axis=1)[:, :top] if top else np.zeros((len(rows), 0), np.int64)
        order = np.take_along_axis(order, np.argsort(-np.take_along_axis(key, order, axis=1), axis=1,
                                                     kind="stable"), axis=1)
        chosen_key = np.take_along_axis(key, order, axis=1)
        chosen_count = (chosen_key >= 0).sum(axis=1)
        # every other article's score is at most this
        outside = np.array([previous.ceiling[self.articles[i].id] for i in rows]) + drift + rest_drift + EPSILON
        if take:
            safe = np.where(chosen_count == take, chosen_key[:, -1] > np.rint(outside * 10_000) * n + n - 1,
                            outside < RELATED_MIN)
        else:
            safe = outside < RELATED_MIN
        on_list = np.zeros(key.shape, bool)
        np.put_along_axis(on_list, order, chosen_key >= 0, axis=1)
        others = np.where(candidate & ~on_list & (cosine > 0), score, -np.inf).max(axis=1, initial=-np.inf)
        kept = {}
        for r, i in enumerate(rows):
            if i in redo:
                continue
            picked = [int(k) for k in order[r, :chosen_count[r]]]
            if not safe[r] and drift[r] == 0.0 and rest_drift == 0.0:
                # Nothing outside moved: they all still rank below the previous list's last.
                last = lists[r]
                safe[r] = len(last) < take or len(picked) == take and not ranks_below(
                    (float(score[r, picked[-1]]), self.articles[int(columns[r, picked[-1]])].id), last[-1][::-1])
            if not safe[r]:
                redo.add(i)
                continue
            kept[i] = ([(int(columns[r, k]), float(score[r, k])) for k in picked],
                       float(max(outside[r], others[r])))
        return kept, redo

    def explained(self, best: dict[int, list[tuple[int, float]]],
                  known: dict[int, tuple[str, ...]] | None = None) -> dict[str, tuple[Related, ...]]:
        """The rankings as Related links with their reasons, per article id (``known``: rows whose reasons are)."""
        known = known or {}
        articles = self.articles
        result: dict[str, tuple[Related, ...]] = {a.id: () for a in articles}
        for i, reasons in known.items():
            result[articles[i].id] = tuple(Related(articles[j].id, round(score, 4), text)
                                           for (j, score), text in zip(best[i], reasons))
        pairs = [(i, j, s) for i in sorted(best) if i not in known for j, s in best[i]]
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


def numbered(rows: list[list], columns: dict):
    """A float32 CSR matrix with a 1 for each key of each row, its column from ``columns``; keys not in it
    are given the next numbers (``columns`` grows: a matrix made later may have more columns)."""
    import numpy as np

    for key in chain.from_iterable(rows):
        columns.setdefault(key, len(columns))
    return sparse_rows([dict.fromkeys(row, 1.0) for row in rows], np.float32, columns)[0]


def spliced(old, before, fresh, width: int | None = None, column_map=None):
    """A CSR matrix with a row per entry of ``before``: row ``before[i]`` of ``old`` where that is
    not -1 (its columns renumbered by ``column_map``, if given), else the next row of ``fresh``;
    ``width`` columns (else as many as ``fresh``, which has at least as many as ``old``)."""
    import numpy as np
    from scipy import sparse

    width = max(1, width or fresh.shape[1])
    if old is None or (before < 0).all():
        return fresh
    indptr, source = gathered_rows(old.indptr, before, np.diff(fresh.indptr))
    old_indices = old.indices if column_map is None else column_map[old.indices]
    indices = np.concatenate([old_indices, fresh.indices])[source]
    data = np.concatenate([old.data, fresh.data.astype(old.data.dtype, copy=False)])[source]
    return sparse.csr_matrix((data, indices.astype(old.indices.dtype, copy=False), indptr.astype(old.indptr.dtype)),
                             shape=(len(before), width))


@dataclass(frozen=True)
class LinkFacts:
    """What a reason says about one side of a link: its places and its themes."""

    places: tuple[tuple[str, tuple[str, ...]], ...]  # (name, path): tuples of strings hash in C
    place_set: frozenset
    themes: frozenset  # without "other", which says nothing in common

    @classmethod
    def of(cls, article: Article) -> "LinkFacts":
        places = tuple((p.name, p.path) for p in article.analysis.places)
        return cls(places, frozenset(places), frozenset(t for t in article.theme_keys if t != "other"))


def reason(a: LinkFacts, b: LinkFacts, shared: list[str]) -> str:
    """Why ``b`` is related to ``a``, in words: shared keywords, the same place, the same theme.

    Called for every link made afresh (135,000 at 5,000 pages): set tests first, lists only when they meet.
    """
    if not a.place_set.isdisjoint(b.place_set):  # a place's name is said once, as the place
        names = {n for name, path in a.places if (name, path) in b.place_set for n in path}
        names |= {n[:-1] for n in names if len(n) >= 3 and n[-1] in "市县区镇"}
        shared = [word for word in shared if word not in names]
    reasons = ["共同关键词：" + "、".join(shared)] if shared else []
    if not a.place_set.isdisjoint(b.place_set):
        reasons.append("同一地点：" + "、".join([place[0] for place in a.places if place in b.place_set][:2]))
    if not a.themes.isdisjoint(b.themes):
        reasons.append("同一专题")
    return "；".join(reasons)
