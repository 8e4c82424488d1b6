"""Analyse article drafts: tokens, keywords, summary, key figures, places, date.

Each article is segmented once (``tokenize``), and its distinct words and
their counts (``term_counts``) are what keywords and related articles read
(classification and the summary read the text). What an
article says on its own — figures, places, date (and, in ``classify``, its
themes) — is worked out with its page and cached (``Facts``). Keywords need
document frequencies over the whole corpus, so they and the summary that
favours them come last: ``analyze`` each article with the corpus frequencies.
"""
from __future__ import annotations

import math
import sys
import re
from collections import Counter
from itertools import chain, compress, repeat
from operator import is_not
from dataclasses import dataclass

from .model import Analysis, DateInfo, Draft, Figure, PageMeta, Place, ThemeScore
from .places import Gazetteer
from .segment import Segmenter

SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』）)]*|[^。！？!?]+$")
CLAUSE = re.compile(r"[^，。；！？,;!?]+")
QUOTED_TERM = re.compile(r"[“「]([\u4e00-\u9fff]{2,6})[”」]")  # a coined term: 政策找人, 双报到
HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,6}")
CLASSIFIERS = frozenset("个名家项位户次人处所座条件台套间栋吨批期届")
UNITS = ("万元|亿元|千元|元|万人次|人次|万人|人|万户|户|家|个|项|名|亩|万亩|平方米|公里|场次|场|处|所|支|期|次|"
         "座|条|件|台|套|间|栋|吨|倍|余人|余户|余个|余家|余项|余名|余元")
FIGURE = re.compile(rf"(?<![\d.])(?P<value>\d+(?:\.\d+)?)(?P<unit>%|％|(?:多|余)?(?:{UNITS}))")
FULL_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
MONTH_DAY = re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
KEYWORDS_MAX = 8
FIGURES_MAX = 8
PLACES_MAX = 5
PRIOR_STRENGTH = 20  # how many articles the jieba IDF prior is worth
RANKED_FIRST = 32  # ranked words read first per article (``Weights.keywords``)


def tokenize(draft: Draft, segmenter: Segmenter) -> tuple[str, ...]:
    """The content words of the headline and body, in reading order (segmented once).

    A short phrase in quotes (“政策找人”, “三包三联”, “键对键”) is one word, as the paper
    coined it, not the pieces the dictionary would cut it into (对键, 凝心 and 聚力); a
    classifier after a number (75个村) starts no word (个村).
    """
    text = "\n".join(filter(None, [draft.kicker, draft.title, draft.subtitle, draft.body]))
    words: list[str] = []
    is_content = segmenter.is_content
    for k, piece in enumerate(QUOTED_TERM.split(text)):
        if k % 2:  # a quoted phrase: one word when it carries content
            if HAN_WORD.fullmatch(piece) and segmenter.is_term(piece):
                words.append(piece)
            continue
        cut = segmenter.cut(piece)
        words.extend(w for w, before in zip(cut, chain(("",), cut))
                     if is_content(w) and not (w[:1] in CLASSIFIERS and before[-1:].isdigit()))
    # One string object per distinct word: a corpus has millions of words but tens of
    # thousands of distinct ones (the cache and memory hold each once per page).
    return tuple(map(sys.intern, words))


Terms = tuple[tuple[str, ...], tuple[int, ...]]  # an article's distinct content words, sorted, and their counts


@dataclass(frozen=True)
class Facts:
    """What an article says on its own, whatever else is in the corpus (cached with its page)."""

    figures: tuple[Figure, ...]
    places: tuple[Place, ...]
    date: DateInfo
    themes: tuple[ThemeScore, ...]


def analyze(terms: Terms, *, keywords: tuple[str, ...], summary: tuple[str, ...], facts: Facts) -> Analysis:
    """Everything the pages show about one article: its words, keywords and summary, and its facts."""
    return Analysis(terms=terms, keywords=keywords, summary=summary, figures=facts.figures,
                    places=facts.places, date=facts.date)


def title_words(draft: Draft, words) -> set[str]:
    """The content words (of ``words``, tokens or distinct) that occur in the headline (they weigh
    double as keywords)."""
    return {w for w in set(words) if w in draft.title}


# One article at a time — IdfTable, keyword_scores, extract_keywords — is the definition of
# an article's keywords; the pipeline computes them for the whole corpus at once (Weights),
# and a test holds the two to the same result, bit for bit.


class IdfTable(dict):
    """Corpus IDF blended with jieba's prior, computed once per word."""

    def __init__(self, segmenter: Segmenter, df: dict[str, int], n_docs: int):
        super().__init__()
        self.segmenter, self.df, self.n_docs = segmenter, df, n_docs

    def __missing__(self, word: str) -> float:
        value = self[word] = idf(word, segmenter=self.segmenter, df=self.df, n_docs=self.n_docs)
        return value


def idf(word: str, *, segmenter: Segmenter, df: dict[str, int], n_docs: int) -> float:
    """Corpus IDF blended with jieba's prior: the prior dominates small corpora."""
    prior = segmenter.idf.get(word, segmenter.median_idf)
    corpus = math.log((n_docs + 1) / (df.get(word, 0) + 1)) + 1
    weight = PRIOR_STRENGTH / (PRIOR_STRENGTH + n_docs)
    return weight * prior + (1 - weight) * corpus


def keyword_scores(tokens, *, idf_table: IdfTable) -> dict[str, float]:
    """TF-IDF weight of every content word of an article (keywords, and the vector for linking)."""
    counts = Counter(tokens)
    total = sum(counts.values()) or 1
    return {w: c / total * idf_table[w] for w, c in counts.items()}


def extract_keywords(scores: dict[str, float], *, title_words: set[str], limit: int = KEYWORDS_MAX) -> tuple[str, ...]:
    """The article's most distinctive content words; title words count double.

    Ranked by (-weight, word): sorting (weight, word) pairs compares in C, four
    times faster than a key function called per word.
    """
    ranked = sorted([(-score * 2 if word in title_words else -score, word) for word, score in scores.items()])
    return tuple(distinct_words((word for _, word in ranked), limit))


def distinct_words(ranked, limit: int) -> list[str]:
    """The first ``limit`` of the ranked words, skipping any that contains or is contained in one chosen before."""
    chosen: list[str] = []
    for word in ranked:
        for other in chosen:  # a loop, not any(): this runs for every article on every build
            if word in other or other in word:
                break  # 社会组织 and 社会组织党建 say the same thing twice
        else:
            chosen.append(word)
            if len(chosen) == limit:
                break
    return chosen


@dataclass(frozen=True)
class Weights:
    """Every article's keyword weights at once: the TF-IDF of ``keyword_scores`` as one sparse matrix.

    A row per article (in the order given), a column per word; ``words`` is
    sorted, so ranking equal weights by word is ranking them by column. Built
    with NumPy from the token lists, this is ten times faster than a Counter
    and a dict per article, and gives the same numbers: each weight is the
    same two floating-point operations, count / length × idf.
    """

    words: list[str]
    matrix: object  # scipy.sparse.csr_matrix, float64, sorted indices
    idf: dict[str, float]

    def keywords(self, title_words: list[set[str]], limit: int = KEYWORDS_MAX,
                 rows: list[int] | None = None) -> list[tuple[str, ...]]:
        """``extract_keywords`` for every row (or the given rows, whose headline words
        ``title_words`` then lists): one sort of every (row, weight, word) triple."""
        import numpy as np

        m = self.matrix if rows is None else self.matrix[np.asarray(rows, dtype=np.int64)]
        n, width = m.shape
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(m.indptr))
        doubled = np.ones(len(m.data))
        entry = rows * width + m.indices  # increasing: rows in order, columns sorted within a row
        column = {w: k for k, w in enumerate(self.words)}
        titled = np.fromiter((i * width + column[w] for i, found in enumerate(title_words) for w in found),
                             dtype=np.int64)
        doubled[np.searchsorted(entry, titled)] = 2.0
        order = rank_order(rows, m.data * doubled, m.indices, width)
        ranked = m.indices[order].tolist()
        words, bounds = self.words, m.indptr.tolist()
        result = []
        for a, b in zip(bounds, bounds[1:]):
            # the keywords are nearly always among a row's first few words: read more only when they are not
            chosen = distinct_words(map(words.__getitem__, ranked[a:min(b, a + RANKED_FIRST)]), limit)
            if len(chosen) < limit and b > a + RANKED_FIRST:
                chosen = distinct_words(map(words.__getitem__, ranked[a:b]), limit)
            result.append(tuple(chosen))
        return result

    def reweighed_rows(self, earlier_idf: dict[str, float]):
        """Whether each row uses a word whose weight is not the one in ``earlier_idf``.

        A row that does not, and has the same words as then, has the same weights
        bit for bit (count / length × the same idf), so the same keywords.
        """
        import numpy as np

        missing = float("nan")  # a word not weighed then: never equal
        changed = np.fromiter((earlier_idf.get(w, missing) != self.idf[w] for w in self.words), dtype=bool,
                              count=len(self.words))
        return rows_using(self.matrix, changed)


def rows_using(matrix, columns):
    """Whether each row of a CSR matrix has an entry in one of the ``columns`` (a mask by column)."""
    import numpy as np

    n = matrix.shape[0]
    using = np.zeros(n, dtype=bool)
    using[np.repeat(np.arange(n, dtype=np.int64), np.diff(matrix.indptr))[columns[matrix.indices]]] = True
    return using


def gathered_rows(indptr, before, fresh_sizes):
    """Rows taken from a CSR layout (``indptr``) or appended after its entries: row i is old row
    ``before[i]``, or the next fresh row where that is -1 (``fresh_sizes``: their entry counts,
    in order). Returns the new indptr and, per new entry, its index among the old entries followed
    by the fresh ones."""
    import numpy as np

    taken = before >= 0
    fresh_sizes = np.asarray(fresh_sizes, dtype=np.int64)
    sizes = np.empty(len(before), dtype=np.int64)
    sizes[taken] = np.diff(indptr)[before[taken]]
    sizes[~taken] = fresh_sizes
    starts = np.empty(len(before), dtype=np.int64)
    starts[taken] = indptr[before[taken]]
    starts[~taken] = indptr[-1] + np.cumsum(fresh_sizes) - fresh_sizes
    new_indptr = np.zeros(len(before) + 1, dtype=np.int64)
    np.cumsum(sizes, out=new_indptr[1:])
    return new_indptr, np.repeat(starts - new_indptr[:-1], sizes) + np.arange(new_indptr[-1])


def rank_order(rows, weights, columns, width: int):
    """The order of entries by row, then weight (largest first), then column.

    Equal weights get equal integer levels, so one integer per entry carries all
    three and a single unstable sort orders them: twice as fast as ``lexsort``.
    """
    import numpy as np

    levels, level = np.unique(-weights, return_inverse=True)
    if (int(rows[-1]) + 1 if len(rows) else 1) * max(1, len(levels)) * width >= 2 ** 62:
        return np.lexsort((columns, -weights, rows))  # too many to pack into one integer
    return np.argsort((rows * len(levels) + level.ravel()) * width + columns)


def term_counts(tokens: tuple[str, ...]) -> Terms:
    """The distinct words of a token list in sorted order, and how often each occurs
    (made once per article with its page's work, so a build does not count every word again)."""
    counts = Counter(tokens)
    words = tuple(sorted(counts))
    return words, tuple(map(counts.__getitem__, words))


def weigh(terms: list[Terms], segmenter: Segmenter) -> Weights:
    """The Weights of a corpus: term counts, document frequencies and IDF (``idf``) in one pass.

    Each article's words are distinct and sorted (``term_counts``) and the columns
    are in word order, so each row's columns come out sorted without a sort. Given
    the last call's tally (``LAST_TALLY``; a process that builds again keeps it between
    builds), only the rows whose Terms object it has not weighed are read word by
    word (``Tally.update``): an edit to one page leaves the other rows' columns and
    counts as they were.
    """
    import numpy as np
    from scipy import sparse

    global LAST_TALLY
    last = LAST_TALLY
    if last is not None and last.segmenter is segmenter and len(terms) > 1:
        seen = last.row_of
        if sum(id(t) not in seen for t in terms) <= len(terms) // 8:
            tally = last.update(terms)
        else:
            tally = Tally.of(terms, segmenter)
    else:
        tally = Tally.of(terms, segmenter)
    LAST_TALLY = tally
    totals = np.maximum(tally.lengths, 1)  # an article without content words has no weights at all
    distinct = np.diff(tally.indptr)
    data = tally.counts / np.repeat(totals, distinct) * tally.idf_values[tally.columns]
    matrix = sparse.csr_matrix((data, tally.columns, tally.indptr), shape=(len(terms), max(1, len(tally.words))))
    matrix.has_sorted_indices = True
    return Weights(tally.words, matrix, tally.idf)


@dataclass(frozen=True)
class Tally:
    """What ``weigh`` counted: the words, their document frequencies and IDF, and each row's
    columns, counts and length (its number of content words), for the rows' Terms objects."""

    rows: tuple  # the Terms objects, one per row (held, so their ids stay theirs)
    row_of: dict[int, int]  # id(Terms object) → a row it is on
    words: list[str]  # sorted
    column: dict[str, int]
    df: dict[str, int]
    idf: dict[str, float]
    idf_values: object  # np.ndarray: idf by column
    columns: object  # np.ndarray (int64): the CSR column indices
    counts: object  # np.ndarray (int64): the count of each entry
    indptr: object
    lengths: object  # np.ndarray (int64): each row's number of content words
    segmenter: Segmenter

    @classmethod
    def of(cls, terms: list[Terms], segmenter: Segmenter) -> "Tally":
        import numpy as np

        n = len(terms)
        words = sorted(set().union(*(w for w, _ in terms)))
        column = {w: k for k, w in enumerate(words)}
        distinct = np.fromiter((len(w) for w, _ in terms), dtype=np.int64, count=n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(distinct, out=indptr[1:])
        columns = np.fromiter(map(column.__getitem__, chain.from_iterable(w for w, _ in terms)), dtype=np.int64,
                              count=int(indptr[-1]))
        counts = np.fromiter(chain.from_iterable(c for _, c in terms), dtype=np.int64, count=int(indptr[-1]))
        df = dict(zip(words, np.bincount(columns, minlength=len(words)).tolist()))
        # word by word in Python, by ``idf`` itself (NumPy's log may differ in the last bit)
        idf_of = {w: idf(w, segmenter=segmenter, df=df, n_docs=n) for w in words}
        lengths = np.fromiter((sum(c) for _, c in terms), dtype=np.int64, count=n)
        return cls(tuple(terms), {id(t): row for row, t in enumerate(terms)}, words, column, df, idf_of,
                   np.fromiter(idf_of.values(), dtype=np.float64, count=len(words)), columns, counts, indptr,
                   lengths, segmenter)

    def update(self, terms: list[Terms]) -> "Tally":
        """The tally of ``terms``, from this one: rows it holds are taken as counted; only the
        others are read, and only the words whose document frequency moved are weighed again
        (every word, when the number of rows changed)."""
        import numpy as np

        n = len(terms)
        # how many more rows each Terms object is on than before (only positions that hold another
        # object count, when there are as many rows: the others cancel out)
        if n == len(self.rows):
            at = list(compress(range(n), map(is_not, terms, self.rows)))
            old_rows, new_rows = [self.rows[k] for k in at], [terms[k] for k in at]
        else:
            old_rows, new_rows = self.rows, terms
        more = Counter(map(id, new_rows))
        more.subtract(map(id, old_rows))
        objects = {id(t): t for t in chain(old_rows, new_rows)}
        df, moved = dict(self.df), set()
        for key, difference in more.items():
            if difference:
                for w in objects[key][0]:
                    df[w] = df.get(w, 0) + difference
                    moved.add(w)
        gone = [w for w in moved if df[w] == 0]
        for w in gone:
            del df[w]
        words, column, old_columns = self.words, self.column, self.columns
        if gone or any(w not in self.df for w in moved):  # the columns are renumbered
            words = sorted(df)
            column = {w: k for k, w in enumerate(words)}
            old_columns = np.fromiter((column.get(w, -1) for w in self.words), dtype=np.int64,
                                      count=len(self.words))[self.columns]
        if n == len(self.rows):
            idf_of = dict(self.idf)
            for w in moved:
                if w in df:
                    idf_of[w] = idf(w, segmenter=self.segmenter, df=df, n_docs=n)
            if words is not self.words:
                idf_of = {w: idf_of[w] for w in words}  # in word order, without the words gone
        else:
            idf_of = {w: idf(w, segmenter=self.segmenter, df=df, n_docs=n) for w in words}
        # each row's entries: taken from the last tally's arrays, or (new rows) appended after them
        rows = np.fromiter(map(self.row_of.get, map(id, terms), repeat(-1)), dtype=np.int64, count=n)
        known, fresh_at = np.flatnonzero(rows >= 0), np.flatnonzero(rows < 0)
        fresh = [terms[k] for k in fresh_at.tolist()]
        indptr, take = gathered_rows(self.indptr, rows, [len(t[0]) for t in fresh])
        lengths = np.empty(n, dtype=np.int64)
        lengths[known] = self.lengths[rows[known]]
        lengths[fresh_at] = [sum(t[1]) for t in fresh]
        fresh_columns = np.fromiter(map(column.__getitem__, chain.from_iterable(w for w, _ in fresh)), dtype=np.int64)
        fresh_counts = np.fromiter(chain.from_iterable(c for _, c in fresh), dtype=np.int64)
        return Tally(tuple(terms), {id(t): row for row, t in enumerate(terms)}, words, column, df, idf_of,
                     np.fromiter(idf_of.values(), dtype=np.float64, count=len(words)),
                     np.concatenate([old_columns, fresh_columns])[take],
                     np.concatenate([self.counts, fresh_counts])[take], indptr, lengths, self.segmenter)


# The last ``weigh``'s tally, for the next one in the same process.
LAST_TALLY: Tally | None = None


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]


def extract_figures(draft: Draft, limit: int = FIGURES_MAX) -> tuple[Figure, ...]:
    """Numbers with units and the clause they are in, de-duplicated, in reading order."""
    figures, seen = [], set()
    for paragraph in draft.paragraphs:
        for clause in CLAUSE.findall(paragraph.text):
            for match in FIGURE.finditer(clause):
                key = (match.group("value"), match.group("unit"))
                if key in seen:
                    continue
                seen.add(key)
                figures.append(Figure(match.group("value"), match.group("unit"), clause.strip()))
    return tuple(figures[:limit])


def extract_places(draft: Draft, gazetteer: Gazetteer, limit: int = PLACES_MAX) -> tuple[Place, ...]:
    """Places the article names, most salient first: dateline and headline, then frequency."""
    scores: Counter = Counter()
    first_seen: dict[Place, int] = {}
    weighted = [(draft.dateline or "", 5.0), (" ".join(filter(None, [draft.kicker, draft.title, draft.subtitle])), 4.0),
                (draft.paragraphs[0].text if draft.paragraphs else "", 1.0), (draft.body, 1.0)]
    order = 0
    for text, weight in weighted:
        for place in gazetteer.find(text):
            scores[place] += weight
            first_seen.setdefault(place, order)
            order += 1
    # a parent gives way to a named child only when the child is at least as salient
    ranked = sorted(scores, key=lambda p: (-scores[p], first_seen[p], p.full))
    specific = [p for p in ranked if not any(q != p and q.path[:len(p.path)] == p.path and scores[q] >= scores[p]
                                             for q in ranked)]
    return tuple(specific[:limit])


def article_date(draft: Draft, meta: PageMeta) -> DateInfo:
    """The dateline's month and day with the year from page metadata or clear text evidence."""
    month_day = MONTH_DAY.match(draft.dateline_date or "")
    if not month_day:
        if meta.date:
            return DateInfo(meta.date, "版面信息注明的出版日期")
        return DateInfo(None, "电头未注日期，版面也未注明出版日期")
    month, day = int(month_day.group("m")), int(month_day.group("d"))
    if meta.year:
        return DateInfo(f"{meta.year:04d}-{month:02d}-{day:02d}", "电头日期，年份取自版面信息")
    for match in FULL_DATE.finditer(draft.body):
        if (int(match.group("m")), int(match.group("d"))) == (month, day):
            return DateInfo(f"{match.group('y')}-{month:02d}-{day:02d}",
                            f"电头日期，年份取自正文“{match.group(0)}”")
    return DateInfo(None, f"电头日期 {draft.dateline_date} 未注年份，版面也未注明")
