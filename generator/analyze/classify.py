"""Give each article its digest themes, with the evidence, from the theme rules.

A term scores its weight once for every sentence that holds it (at most
``cap`` sentences), so a word repeated in one sentence does not outweigh a
topic the whole article is about. A title mention counts ``title_weight``
times. Context terms (``保险``) score only in a sentence that also holds one
of the theme's ``context_needs`` (``贫困``), which keeps a social-insurance
publicity event out of the poverty-relief theme.
"""
from __future__ import annotations

from dataclasses import replace

from generator.analyze.facts import sentences
from generator.config import ThemeConfig, ThemeRule
from generator.model import Draft, ThemeScore

EVIDENCE_TERMS = 6
EVIDENCE_SENTENCES = 2


def classify(draft: Draft, config: ThemeConfig) -> tuple[ThemeScore, ...]:
    """Themes above threshold, strongest first (ties by configuration order); () means other."""
    head = " ".join(filter(None, [draft.kicker, draft.title, draft.subtitle]))
    body_sentences = [s for p in draft.paragraphs for s in sentences(p.text)]
    scored = [(score_theme(rule, head, body_sentences, cap=config.cap, title_weight=config.title_weight), i)
              for i, rule in enumerate(config.rules)]
    kept = [(s, i) for s, i in scored if s.score >= config.rules[i].threshold]
    return tuple(s for s, _ in sorted(kept, key=lambda item: (-item[0].score, item[1])))


def score_theme(rule: ThemeRule, head: str, body_sentences: list[str], *, cap: int,
                title_weight: float) -> ThemeScore:
    """One theme's score for an article, with the terms and sentences that made it."""
    rule = present_in(rule, "\n".join([head] + body_sentences))
    contributions: dict[str, float] = {}
    sentence_scores: list[tuple[float, int, str]] = []
    for index, sentence in enumerate([head] + body_sentences):
        factor = title_weight if index == 0 else 1.0
        gained = 0.0
        for term, weight in matched_terms(rule, sentence):
            if contributions.get(term, 0.0) >= cap * weight:
                continue
            contributions[term] = contributions.get(term, 0.0) + weight * factor
            gained += weight * factor
        if gained and index:
            sentence_scores.append((gained, index, sentence))
    total = round(sum(contributions.values()), 2)
    terms = tuple(t for t, _ in sorted(contributions.items(), key=lambda kv: (-kv[1], kv[0])))[:EVIDENCE_TERMS]
    best = sorted(sentence_scores, key=lambda s: (-s[0], s[1]))[:EVIDENCE_SENTENCES]
    return ThemeScore(rule.theme.key, total, terms, tuple(s for _, _, s in sorted(best, key=lambda s: s[1])))


def present_in(rule: ThemeRule, text: str) -> ThemeRule:
    """The rule with only the terms ``text`` holds: each sentence is then searched for a few terms,
    not for every term of the theme (the same matches, in the same order)."""
    return replace(rule, terms={t: w for t, w in rule.terms.items() if t in text},
                   context={t: w for t, w in rule.context.items() if t in text})


def matched_terms(rule: ThemeRule, sentence: str):
    """(term, weight) for each term in the sentence; a longer term hides the ones inside it."""
    found = [(t, w) for t, w in rule.terms.items() if t in sentence]
    if rule.context and any(need in sentence for need in rule.context_needs):
        found += [(t, w) for t, w in rule.context.items() if t in sentence]
    terms = [t for t, _ in found]
    return [(t, w) for t, w in found if not any(t != o and t in o for o in terms)]
