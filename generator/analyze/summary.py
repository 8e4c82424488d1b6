"""An extractive summary a news editor would sign: whole sentences, in reading order.

The article's sentences are read with their quotes (``sentences``): a sentence
does not end inside a quotation, and the attribution after a closed quote
(``”临淄区民政局局长王云明介绍。``) belongs to it. A sentence may be chosen
only if it stands alone (``stands_alone``):

* it ends a sentence (a paragraph cut by a column break ends in none);
* its quotes are balanced;
* it is not a bare attribution (``王云明说。``) or a speech verb whose quote is
  in the next sentence (``他说：``);
* it does not lean on the sentence before it (``同时，``, ``此外``, ``这``,
  ``他们`` …), unless it is the lead.

Among those, the lead, the article's keywords and a key figure score; the best
fill about ``TARGET`` characters and are given in reading order. Where none fits
that length, the best one is given whole: a summary never ends mid-sentence.
It is empty only for an article without a sentence.
"""
from __future__ import annotations

import re

from generator.analyze.facts import FIGURE, SENTENCE
from generator.model import Draft

TARGET = 150
MAX_SENTENCES = 3
MIN_LENGTH = 8
OPENING_QUOTES, CLOSING_QUOTES = "“「『", "”」』"
SPEECH = r"(?:说|说道|介绍|介绍说|表示|指出|强调|坦言|感慨|感叹|笑着说|告诉记者|对记者说|透露|补充道|回忆道|说起)"
# 临淄区民政局局长王云明介绍。/ 北郊镇困难群众李秀英说。: who said it, and nothing else
ATTRIBUTION = re.compile(rf"^[^，,。：:“”]{{1,30}}?{SPEECH}[。！!]?$")
# …收到理赔款后高兴地说。: a sentence that ends by saying someone spoke, its quote elsewhere
SAID = re.compile(rf"{SPEECH}(?:道)?[。！!]$")
LEANS_ON_BEFORE = re.compile(
    r"^(?:同时|此外|另外|因此|所以|但是|但|然而|而且|并且|对此|为此|其中|随后|之后|此后|这|此|该|那|他|她|它|其|这些|那些)"
    r"|^[^，。]{0,15}?(?:随之|随即|对此|为此|与此同时|由此)")  # 中心随之建立: after what?
ENDS_SENTENCE = re.compile(r"[。！？!?][”’」』）)]*$")


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, quotations whole and an attribution after a quote kept with it."""
    result: list[str] = []
    open_quotes = 0
    for piece in (p.strip() for p in SENTENCE.findall(text)):
        if not piece:
            continue
        after_quote = result and result[-1].endswith(tuple(CLOSING_QUOTES)) and \
            (ATTRIBUTION.match(piece) or (SAID.search(piece) and not any(q in piece for q in OPENING_QUOTES)))
        if result and (open_quotes > 0 or after_quote):
            result[-1] += piece
        else:
            result.append(piece)
        open_quotes = max(0, sum(result[-1].count(q) for q in OPENING_QUOTES)
                          - sum(result[-1].count(q) for q in CLOSING_QUOTES))
    return result


def balanced(sentence: str) -> bool:
    return all(sentence.count(o) == sentence.count(c) for o, c in zip(OPENING_QUOTES, CLOSING_QUOTES))


def stands_alone(sentence: str, *, lead: bool) -> bool:
    """Whether a reader understands the sentence without the one before it (see the module)."""
    quoted = any(q in sentence for q in OPENING_QUOTES)
    return (len(sentence) >= MIN_LENGTH and bool(ENDS_SENTENCE.search(sentence)) and balanced(sentence)
            and not ATTRIBUTION.match(sentence) and not (SAID.search(sentence) and not quoted)
            and (lead or not LEANS_ON_BEFORE.match(sentence)))


def summarize(draft: Draft, *, keywords: tuple[str, ...]) -> tuple[str, ...]:
    """1–3 whole body sentences that stand alone, about ``TARGET`` characters, in reading order."""
    candidates = []
    for k, paragraph in enumerate(draft.paragraphs):
        for j, sentence in enumerate(sentences(paragraph.text)):
            text = strip_dateline(sentence, draft) if (k, j) == (0, 0) else sentence
            if len(text) >= MIN_LENGTH:
                candidates.append((k, j, text))
    # best score first, then reading order: (-score, paragraph, sentence, text) tuples sort in C;
    # whether a sentence stands alone is asked in that order, until the summary is full
    ranked = sorted([(-sentence_score(k, j, text, keywords), k, j, text) for k, j, text in candidates])
    chosen, length, best = [], 0, None
    for _, k, j, text in ranked:
        if not stands_alone(text, lead=(k, j) == (0, 0)):
            continue
        best = best or text
        if length + len(text) <= TARGET:
            chosen.append((k, j, text))
            length += len(text)
        if len(chosen) == MAX_SENTENCES:
            break
    if not chosen:
        return (best,) if best else ()  # the best sentence whole, however long: never cut mid-sentence
    return tuple(text for _, _, text in sorted(chosen))


def sentence_score(k: int, j: int, text: str, keywords: tuple[str, ...]) -> float:
    """How well sentence j of paragraph k sums up the article: the lead, keywords, a figure; not a quote."""
    lead = 3.0 if (k, j) == (0, 0) else 1.0 / (1 + k)
    hits = sum(w in text for w in keywords)
    figure = 1.0 if FIGURE.search(text) else 0.0
    quote = -0.5 if text.startswith("“") else 0.0
    return lead + 0.5 * hits + figure + quote


def strip_dateline(sentence: str, draft: Draft) -> str:
    """The lead sentence without 本报X讯 and the date that opens it. The date goes only where it
    stands alone (``11月13日，``): in ``8月11日以来，`` or ``8月11日上午，`` it is part of the sentence."""
    if draft.dateline and sentence.startswith(draft.dateline):
        sentence = sentence[len(draft.dateline):].lstrip()
        if draft.dateline_date and sentence.startswith(draft.dateline_date):
            rest = sentence[len(draft.dateline_date):]
            if rest[:1] in ("，", ",", " ", "\u3000"):
                sentence = rest.lstrip("，, \u3000")
    return sentence
