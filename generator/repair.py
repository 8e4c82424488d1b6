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

import functools
import math
import operator
import re
from collections import Counter
from dataclasses import dataclass, replace

from .model import Draft, Paragraph

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


def cosine(a: Counter, b: Counter, weight: dict[str, float], norm_a: float | None = None,
           norm_b: float | None = None) -> float:
    """Weighted cosine; the norms may be given when a side is compared many times."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    get = weight.get
    dot = sum(n * large[g] * get(g, 1.0) ** 2 for g, n in small.items() if g in large)
    if not dot:
        return 0.0
    norm_a = weighted_norm(a, weight) if norm_a is None else norm_a
    norm_b = weighted_norm(b, weight) if norm_b is None else norm_b
    return dot / (norm_a * norm_b)


def weighted_norm(grams: Counter, weight: dict[str, float]) -> float:
    get = weight.get
    return math.hypot(*[n * get(g, 1.0) for g, n in grams.items()])  # the square root of the sum of squares, in C


def relocate_paragraphs(drafts: list[Draft]) -> list[Draft]:
    """Move paragraphs printed inside the wrong article of a page to their own."""
    if len(drafts) < 2:
        return drafts
    paragraph_grams = [[bigrams(p.text) for p in d.paragraphs] for d in drafts]
    document_frequency = Counter(g for grams in paragraph_grams for u in grams for g in u)
    n_units = sum(len(grams) for grams in paragraph_grams)
    weight = {g: math.log((1 + n_units) / (1 + n)) + 1 for g, n in document_frequency.items()}
    heads = [place_words(" ".join(filter(None, [d.kicker, d.title, d.subtitle, d.dateline]))
                         + (d.paragraphs[0].text if d.paragraphs else "")) for d in drafts]
    texts = []  # each article's words: head and every paragraph, counted once
    for d, grams in zip(drafts, paragraph_grams):
        total = bigrams(" ".join(filter(None, [d.kicker, d.title, d.subtitle])))
        for u in grams:
            total.update(u)
        texts.append(total)
    norms = [weighted_norm(t, weight) for t in texts]
    moves: list[tuple[int, int, int]] = []  # (from draft, paragraph index, to draft)
    for a, draft in enumerate(drafts):
        for k, paragraph in enumerate(draft.paragraphs):
            if k == 0:
                continue  # the lead is where the headline put it
            home = Home(a, paragraph, paragraph_grams[a][k], texts, norms, heads, weight)
            target = better_home(home, neighbours(a, len(drafts)))
            if target is not None:
                moves.append((a, k, target))
    if not moves:
        return drafts
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
            notes += tuple(f"paragraph from lines {p.lines[0]}–{p.lines[-1]} moved here: it was printed "
                           f"inside another article" for p in gained)
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
    """One paragraph of article ``a`` and what the page's articles say."""

    a: int
    paragraph: Paragraph
    grams: Counter
    texts: list[Counter]  # every article's bigrams, this paragraph included in its own
    norms: list[float]
    heads: list[set[str]]
    weight: dict[str, float]

    @functools.cached_property
    def norm(self) -> float:
        return weighted_norm(self.grams, self.weight)

    def similarity(self, b: int) -> float:
        if b != self.a:
            return cosine(self.grams, self.texts[b], self.weight, self.norm, self.norms[b])
        # The rest of its own article, T - g, without building it:
        # (T-g)·g = T·g - g·g and |T-g|² = |T|² - 2 T·g + |g|².
        w = self.weight
        with_own = sum(n * self.texts[b][g] * w.get(g, 1.0) ** 2 for g, n in self.grams.items())
        dot = with_own - self.norm ** 2
        rest_squared = self.norms[b] ** 2 - 2 * with_own + self.norm ** 2
        if dot <= 1e-12 or rest_squared <= 1e-12:
            return 0.0
        return dot / (self.norm * math.sqrt(rest_squared))


def better_home(home: Home, candidates: range) -> int | None:
    """The article this paragraph belongs to, when the evidence says it is not its own."""
    places = place_words(home.paragraph.text)
    if places & home.heads[home.a]:
        return None  # it names its own article's places: it is at home
    own = home.similarity(home.a)
    scores = {b: home.similarity(b) for b in candidates if b != home.a}
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
