"""An article's words and keywords.

Each article is segmented once (``tokenize``), and its distinct words and
their counts (``term_counts``) are what keywords and related articles read
(classification and the summary read the text). Keywords need document
frequencies over the whole corpus, so they and the summary that favours them
come after every page is read: ``weigh`` the corpus, then ``analyze`` each
article with its keywords, its summary and its facts (``facts``).
"""
from __future__ import annotations

import math
import sys
import re
from collections import Counter
from itertools import chain
from dataclasses import dataclass

from generator.analyze.facts import Facts
from generator.analyze.places import Gazetteer
from generator.analyze.segment import Segmenter
from generator.model import Analysis, Draft

QUOTED_TERM = re.compile(r"[“「]([\u4e00-\u9fff]{2,6})[”」]")  # a coined term: 政策找人, 双报到
HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,6}")
CLASSIFIERS = frozenset("个名家项位户次人处所座条件台套间栋吨批期届")
KEYWORDS_MAX = 8
PRIOR_STRENGTH = 20  # how many articles the jieba IDF prior is worth
RANKED_FIRST = 32  # ranked words read first per article (``Weights.keywords``)


def tokenize(draft: Draft, segmenter: Segmenter, gazetteer: Gazetteer | None = None) -> tuple[str, ...]:
    """The content words of the headline and body, in reading order (segmented once).

    A short phrase in quotes (“政策找人”, “三包三联”, “键对键”) is one word, as the paper
    coined it, not the pieces the dictionary would cut it into (对键, 凝心 and 聚力); so is
    a place the gazetteer names (陵城区, not 陵 and 城区; 孝直镇, not 孝 and 直镇). A
    classifier after a number (75个村) starts no word (个村). A word the dictionary does not
    know, taken for a two-character name, is a fragment when a lone character stands before it
    wherever it occurs (付线 of 起付线; a dictionary word cut out of a name, 秀山 of 申秀山, is
    not caught).
    """
    text = "\n".join(filter(None, [draft.kicker, draft.title, draft.subtitle, draft.body]))
    words: list[str] = []
    guesses, stranded = Counter(), Counter()  # two-character name guesses: everywhere / after a lone character
    is_content = segmenter.is_content
    for k, piece in enumerate(QUOTED_TERM.split(text)):
        if k % 2:  # a quoted phrase: one word when it carries content
            if HAN_WORD.fullmatch(piece) and segmenter.is_term(piece):
                words.append(piece)
            continue
        for part, is_place in place_parts(piece, gazetteer):
            if is_place:
                words.append(part)
                continue
            cut = segmenter.cut(part)
            for w, before in zip(cut, chain(("",), cut)):
                if not is_content(w) or (w[:1] in CLASSIFIERS and before[-1:].isdigit()):
                    continue
                words.append(w)
                if len(w) == 2 and segmenter.is_name_guess(w):
                    guesses[w] += 1
                    stranded[w] += len(before) == 1 and "\u4e00" <= before <= "\u9fff"
    fragments = {w for w, n in guesses.items() if stranded[w] == n}
    # One string object per distinct word: a corpus has millions of words but tens of
    # thousands of distinct ones (the cache and memory hold each once per page).
    return tuple(sys.intern(w) for w in words if w not in fragments)


def place_parts(text: str, gazetteer: Gazetteer | None):
    """``text`` as (part, is_place) pieces in order: the places the gazetteer names, and the rest."""
    at = 0
    for start, end, _ in gazetteer.spans(text) if gazetteer is not None else ():
        if start > at:
            yield text[at:start], False
        yield text[start:end], True
        at = end
    if at < len(text):
        yield text[at:], False


Terms = tuple[tuple[str, ...], tuple[int, ...]]  # an article's distinct content words, sorted, and their counts


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
    are in word order, so each row's columns come out sorted without a sort.
    """
    import numpy as np
    from scipy import sparse

    n = len(terms)
    words = sorted(set().union(*(w for w, _ in terms)))
    column = {w: k for k, w in enumerate(words)}
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter((len(w) for w, _ in terms), dtype=np.int64, count=n), out=indptr[1:])
    columns = np.fromiter(map(column.__getitem__, chain.from_iterable(w for w, _ in terms)), dtype=np.int64,
                          count=int(indptr[-1]))
    counts = np.fromiter(chain.from_iterable(c for _, c in terms), dtype=np.int64, count=int(indptr[-1]))
    df = dict(zip(words, np.bincount(columns, minlength=len(words)).tolist()))
    # word by word in Python, by ``idf`` itself (NumPy's log may differ in the last bit)
    idf_of = {w: idf(w, segmenter=segmenter, df=df, n_docs=n) for w in words}
    idf_values = np.fromiter(idf_of.values(), dtype=np.float64, count=len(words))
    lengths = np.fromiter((sum(c) for _, c in terms), dtype=np.int64, count=n)
    totals = np.maximum(lengths, 1)  # an article without content words has no weights at all
    data = counts / np.repeat(totals, np.diff(indptr)) * idf_values[columns]
    matrix = sparse.csr_matrix((data, columns, indptr), shape=(n, max(1, len(words))))
    matrix.has_sorted_indices = True
    return Weights(words, matrix, idf_of)
