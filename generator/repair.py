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

import math
import re
from collections import Counter
from dataclasses import replace

from .model import Draft, Paragraph

DUPLICATE_MIN = 40
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
PLACE_WORD = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:市|县|区|镇|街道|乡)")
PLACE_STOP = {"全市", "全县", "全区", "全镇", "本市", "该县", "该区", "该镇", "城区", "社区", "园区", "景区",
              "小区", "辖区", "示范区", "开发区", "片区", "新区", "市区", "县区", "各区", "我市", "我区", "我县"}
SIMILARITY_RATIO = 3.0
SIMILARITY_MIN = 0.05


def duplicate_lines(texts: list[str]) -> dict[int, int]:
    """Indexes of duplicated lines, each mapped to the index of the copy kept."""
    duplicates: dict[int, int] = {}
    keys = [squeeze(t) for t in texts]
    for i, key in enumerate(keys):
        if len(key) < DUPLICATE_MIN:
            continue
        for j, other in enumerate(keys):
            if i == j or j in duplicates or len(other) < len(key):
                continue
            if key in other and (len(other) > len(key) or j < i):
                duplicates[i] = j
                break
    return duplicates


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def bigrams(text: str) -> Counter:
    grams: Counter = Counter()
    for run in HAN_RUN.findall(text):
        grams.update(run[k:k + 2] for k in range(len(run) - 1))
    return grams


def place_words(text: str) -> set[str]:
    return {w for w in PLACE_WORD.findall(text) if w not in PLACE_STOP}


def cosine(a: Counter, b: Counter, weight: dict[str, float]) -> float:
    dot = sum(a[g] * b[g] * weight.get(g, 1.0) ** 2 for g in a if g in b)
    if not dot:
        return 0.0
    norm = lambda c: math.sqrt(sum((n * weight.get(g, 1.0)) ** 2 for g, n in c.items()))
    return dot / (norm(a) * norm(b))


def relocate_paragraphs(drafts: list[Draft]) -> list[Draft]:
    """Move paragraphs printed inside the wrong article of a page to their own."""
    if len(drafts) < 2:
        return drafts
    units = [bigrams(p.text) for d in drafts for p in d.paragraphs]
    document_frequency = Counter(g for u in units for g in u)
    weight = {g: math.log((1 + len(units)) / (1 + n)) + 1 for g, n in document_frequency.items()}
    heads = [place_words(" ".join(filter(None, [d.kicker, d.title, d.subtitle, d.dateline]))
                         + (d.paragraphs[0].text if d.paragraphs else "")) for d in drafts]
    moves: list[tuple[int, int, int]] = []  # (from draft, paragraph index, to draft)
    for a, draft in enumerate(drafts):
        for k, paragraph in enumerate(draft.paragraphs):
            if k == 0:
                continue  # the lead is where the headline put it
            target = better_home(a, k, paragraph, drafts, heads, weight)
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


def better_home(a: int, k: int, paragraph: Paragraph, drafts: list[Draft], heads: list[set[str]],
                weight: dict[str, float]) -> int | None:
    """The article this paragraph belongs to, when the evidence says it is not its own."""
    grams = bigrams(paragraph.text)
    places = place_words(paragraph.text)

    def rest_of(index: int) -> Counter:
        d = drafts[index]
        total = bigrams(" ".join(filter(None, [d.kicker, d.title, d.subtitle])))
        for j, p in enumerate(d.paragraphs):
            if not (index == a and j == k):
                total.update(bigrams(p.text))
        return total

    if places & heads[a]:
        return None  # it names its own article's places: it is at home
    own = cosine(grams, rest_of(a), weight)
    scores = {b: cosine(grams, rest_of(b), weight) for b in range(len(drafts)) if b != a}
    named = [b for b in scores if places & heads[b]]
    if named:
        best = max(named, key=lambda b: (scores[b], -b))
        return best if scores[best] >= own else None
    best = max(scores, key=lambda b: (scores[b], -b))
    if scores[best] >= SIMILARITY_MIN and scores[best] >= SIMILARITY_RATIO * own:
        return best
    return None
