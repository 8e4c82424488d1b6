"""Repairs that need the whole page: duplicated text, misplaced paragraphs.

* duplicate lines — OCR of overlapping columns prints a half-paragraph twice;
  a line whose text is contained in a longer line (or repeats an earlier one)
  is dropped as ``duplicate``.
* misplaced paragraphs — the layout can print paragraphs of one article inside
  another. A paragraph moves to another article on the same page when what it
  says points there: it names that article's places and none of its own
  article's, or its words (character bigrams, weighted by rarity on the page)
  are much closer to that article than to the one it was printed in.
"""
from __future__ import annotations

import operator
import re
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from generator.model import Draft, Paragraph, line_span

DUPLICATE_MIN = 40
DUPLICATE_WINDOW = 400  # lines: more than a broadsheet page holds
RELOCATE_WINDOW = 30  # articles either side: more than a page prints
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
PLACE_WORD = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:市|县|区|镇|街道|乡)")
PLACE_STOP = {"全市", "全县", "全区", "全镇", "本市", "该县", "该区", "该镇", "城区", "社区", "园区", "景区",
              "小区", "辖区", "示范区", "开发区", "片区", "新区", "市区", "县区", "各区", "我市", "我区", "我县"}
SIMILARITY_RATIO = 3.0
SIMILARITY_MIN = 0.05


def duplicate_lines(texts: list[str], window: int = DUPLICATE_WINDOW) -> dict[int, int]:
    """Indexes of duplicated lines, each mapped to the index of the copy kept.

    A layout duplicates text close to where it printed it first, so each line
    is compared with the lines within ``window`` of it; this keeps a huge page
    linear in its length instead of quadratic.
    """
    duplicates: dict[int, int] = {}
    keys = [squeeze(t) for t in texts]
    for i, key in enumerate(keys):
        if len(key) < DUPLICATE_MIN:
            continue
        for j in range(max(0, i - window), min(len(keys), i + window + 1)):
            other = keys[j]
            if i == j or j in duplicates or len(other) < len(key):
                continue
            if key in other and (len(other) > len(key) or j < i):
                duplicates[i] = j
                break
    return duplicates


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def bigrams(text: str) -> Counter:
    """The Chinese character bigrams of ``text`` (none across a non-Chinese character)."""
    runs = HAN_RUN.findall(text)
    joined = "|".join(runs)  # one pass over the text in C, then the bigrams across runs taken out
    grams = Counter(map(operator.add, joined, joined[1:]))
    for run in runs[1:]:
        grams.pop("|" + run[0], None)
    for run in runs[:-1]:
        grams.pop(run[-1] + "|", None)
    return grams


def place_words(text: str) -> set[str]:
    return {w for w in PLACE_WORD.findall(text) if w not in PLACE_STOP}


def relocate_paragraphs(drafts: list[Draft]) -> list[Draft]:
    """Move paragraphs printed inside the wrong article of a page to their own."""
    if len(drafts) < 2:
        return drafts
    owners = [a for a, d in enumerate(drafts) for _ in d.paragraphs]
    paragraphs = [p for d in drafts for p in d.paragraphs]
    similarity, own = paragraph_similarity(drafts, paragraphs, owners)
    heads = [place_words(" ".join(filter(None, [d.kicker, d.title, d.subtitle, d.dateline]))
                         + (d.paragraphs[0].text if d.paragraphs else "")) for d in drafts]
    moves: list[tuple[int, int, int]] = []  # (from draft, paragraph index, to draft)
    row = 0
    for a, draft in enumerate(drafts):
        for k, paragraph in enumerate(draft.paragraphs):
            if k:  # the lead is where the headline put it
                home = Home(a, paragraph, similarity[row], own[row], heads)
                target = better_home(home, neighbours(a, len(drafts)))
                if target is not None:
                    moves.append((a, k, target))
            row += 1
    return move_paragraphs(drafts, moves) if moves else drafts


def paragraph_similarity(drafts: list[Draft], paragraphs: list[Paragraph], owners: list[int]):
    """The weighted cosine of every paragraph with every article of the page (its bigrams,
    each weighted by its rarity among the page's paragraphs), and of each paragraph with the
    rest of its own article. Sparse matrices: one product instead of a loop per pair."""
    n = len(paragraphs)
    counts = bigram_matrix([p.text for p in paragraphs] + [" ".join(filter(None, [d.kicker, d.title, d.subtitle]))
                                                           for d in drafts])
    units, head_grams = counts[:n], counts[n:]
    in_paragraphs = units.getnnz(axis=0)
    weight = np.where(in_paragraphs > 0, np.log((1 + n) / (1 + in_paragraphs)) + 1, 1.0)
    membership = sparse.csr_matrix((np.ones(n), (owners, np.arange(n))), shape=(len(drafts), n))
    units = sparse.csr_matrix(units.multiply(weight))
    texts = sparse.csr_matrix((membership @ counts[:n] + head_grams).multiply(weight))  # each whole article
    dots = (units @ texts.T).toarray()
    unit_norms = np.sqrt(np.asarray(units.multiply(units).sum(axis=1)).ravel())
    text_norms = np.sqrt(np.asarray(texts.multiply(texts).sum(axis=1)).ravel())
    with np.errstate(divide="ignore", invalid="ignore"):
        similarity = np.where(dots != 0, dots / np.outer(unit_norms, text_norms), 0.0)
        # The rest of its own article, T - g, without building it:
        # (T-g)·g = T·g - g·g and |T-g|² = |T|² - 2 T·g + |g|².
        with_own = dots[np.arange(n), owners]
        dot = with_own - unit_norms ** 2
        rest_squared = text_norms[owners] ** 2 - 2 * with_own + unit_norms ** 2
        own = np.where((dot > 1e-12) & (rest_squared > 1e-12), dot / (unit_norms * np.sqrt(rest_squared)), 0.0)
    return similarity.tolist(), own.tolist()


def bigram_matrix(texts: list[str]) -> sparse.csr_matrix:
    """Each text's Chinese character bigrams, counted: one row per text, one column per bigram
    found in any of them (none across a non-Chinese character). Counted by numpy over the
    texts' code points, not bigram by bigram in Python."""
    joined = "\n".join(texts) + "\n"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    han = (codes >= 0x4E00) & (codes <= 0x9FFF)
    pair = han[:-1] & han[1:]
    rows = np.repeat(np.arange(len(texts)), [len(t) + 1 for t in texts])[:-1][pair]
    keys = (codes[:-1][pair].astype(np.uint64) << np.uint64(32)) | codes[1:][pair]
    vocabulary, columns = np.unique(keys, return_inverse=True)
    counts = sparse.coo_matrix((np.ones(len(keys)), (rows, columns.ravel())), shape=(len(texts), len(vocabulary)))
    return counts.tocsr()  # a bigram seen twice in a text: its entries are summed


def move_paragraphs(drafts: list[Draft], moves: list[tuple[int, int, int]]) -> list[Draft]:
    """The drafts with each (from draft, paragraph index, to draft) move made, noted on the receiver."""
    moving = {(a, k) for a, k, _ in moves}
    received: dict[int, list[Paragraph]] = {}
    for a, k, target in moves:
        received.setdefault(target, []).append(drafts[a].paragraphs[k])
    result = []
    for index, draft in enumerate(drafts):
        kept = tuple(p for k, p in enumerate(draft.paragraphs) if (index, k) not in moving)
        gained = tuple(received.get(index, ()))
        notes = draft.notes
        if gained:
            notes += tuple(f"{line_span(p.lines[0], p.lines[-1])}的段落移到了这里：它被印在另一篇文章中间" for p in gained)
        if len(kept) != len(draft.paragraphs) or gained:
            headings = tuple(replace(h, before=min(h.before - sum(1 for (i, k) in moving if i == index and k < h.before),
                                                   len(kept))) for h in draft.headings)
            draft = replace(draft, paragraphs=kept + gained, headings=headings, notes=notes,
                            lines=(min(draft.lines[0], *(p.lines[0] for p in gained)) if gained else draft.lines[0],
                                   max(draft.lines[1], *(p.lines[-1] for p in gained)) if gained else draft.lines[1]))
        result.append(draft)
    return result


def neighbours(a: int, n: int, window: int = RELOCATE_WINDOW) -> range:
    """The articles a misplaced paragraph may belong to: those printed near it on the page."""
    return range(max(0, a - window), min(n, a + window + 1))


@dataclass(frozen=True)
class Home:
    """One paragraph of article ``a``: how close it is to each article of the page, and to the
    rest of its own (``own``), and the places each article's head names."""

    a: int
    paragraph: Paragraph
    similarity: list[float]
    own: float
    heads: list[set[str]]


def better_home(home: Home, candidates: range) -> int | None:
    """The article this paragraph belongs to, when the evidence says it is not its own."""
    places = place_words(home.paragraph.text)
    if places & home.heads[home.a]:
        return None  # it names its own article's places: it is at home
    own = home.own
    scores = {b: home.similarity[b] for b in candidates if b != home.a}
    if not scores:
        return None
    named = [b for b in scores if places & home.heads[b]]
    if named:
        best = max(named, key=lambda b: (scores[b], -b))
        return best if scores[best] >= own else None
    best = max(scores, key=lambda b: (scores[b], -b))
    if scores[best] >= SIMILARITY_MIN and scores[best] >= SIMILARITY_RATIO * own:
        return best
    return None
