"""A folded view of an article for analysis: simplified characters, half-width digits.

Pages come in simplified and traditional Chinese, with full-width digits and
letters mixed in. The analysis (segmentation, keywords, theme terms, places,
figures, dates) is written for simplified text with ASCII digits, so it reads a
*folded* copy of each draft. The folded copy has exactly the same length as the
original, character for character, so anything the analysis quotes (summary
sentences, figures, theme evidence) is cut back out of the original text and
shown as written.

Folding is OpenCC's traditional→simplified conversion (the ``opencc`` package;
phrase-aware, falls back to one character at a time where a phrase would
change the length) plus NFKC for characters that fold to one character
(full-width ０-９, Ａ-Ｚ, ％).
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import replace

from generator.model import Draft, Figure, Heading, Paragraph, ThemeScore


@functools.lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _width_fold(text: str) -> str:
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Simplified, half-width text of exactly the same length as ``text``.

    Text that is already folded (most of it) comes back as the same object, so
    a draft and its view share their strings in memory and in the cache.
    """
    folded = _fold(text)
    return text if folded == text else folded


def _fold(text: str) -> str:
    if not text:
        return text
    text = _width_fold(text)
    if text.isascii():
        return text
    convert = _converter().convert
    simplified = convert(text)
    if len(simplified) == len(text):
        return simplified
    return "".join(c if len(c := convert(ch)) == 1 else ch for ch in text)


def fold_draft(draft: Draft) -> Draft:
    """The draft as the analysis reads it (see module docstring)."""
    maybe = lambda s: fold(s) if s else s  # noqa: E731
    return replace(
        draft,
        title=fold(draft.title),
        kicker=maybe(draft.kicker),
        subtitle=maybe(draft.subtitle),
        dateline=maybe(draft.dateline),
        dateline_date=maybe(draft.dateline_date),
        paragraphs=tuple(Paragraph(fold(p.text), p.lines) for p in draft.paragraphs),
        headings=tuple(Heading(fold(h.text), h.before, h.line) for h in draft.headings),
        captions=tuple(fold(c) for c in draft.captions),
    )


class Unfolder:
    """Map a substring of the folded article back to the same span of the original."""

    def __init__(self, original: Draft, folded: Draft):
        self.pairs = [(f.text, o.text) for f, o in zip(folded.paragraphs, original.paragraphs)]
        self.pairs += [(folded.title, original.title)]

    def __call__(self, text: str) -> str:
        if not text:
            return text
        for folded, original in self.pairs:
            at = folded.find(text)
            if at >= 0:
                return original[at: at + len(text)]
        return text

    def sentences(self, sentences: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self(s) for s in sentences)

    def figures(self, figures: tuple[Figure, ...]) -> tuple[Figure, ...]:
        """Figures as written (keywords and places stay folded: one tag for both scripts)."""
        return tuple(Figure(self(f.value + f.unit)[: len(f.value)], self(f.value + f.unit)[len(f.value):],
                            self(f.text)) for f in figures)

    def themes(self, themes: tuple[ThemeScore, ...]) -> tuple[ThemeScore, ...]:
        return tuple(replace(t, sentences=tuple(self(s) for s in t.sentences)) for t in themes)
