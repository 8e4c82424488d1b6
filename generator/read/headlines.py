"""Headline blocks: which runs of heading-like lines open an article, and their roles.

A run is one to three stacked heading-like lines (``stacked_heading_lines``);
whether it is a headline or a 小标题 is decided from the evidence weighed in
``boundaries``. A headline block's lines take the roles of kicker (引题),
title and subtitle (副题, ``——…``) by their form (``head_roles``).
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.read import boundaries
from generator.read import layout
from generator.read.layout import LineView

MAX_BLOCK = 3


@dataclass(frozen=True)
class Block:
    """A headline block: indexes of its lines, their roles, and the evidence that it is one."""

    start: int
    end: int  # exclusive
    kicker: str | None
    title: str
    subtitle: str | None
    has_own_byline: bool
    evidence: boundaries.Evidence | None = None


@dataclass(frozen=True)
class Decision:
    """Whether a heading-like candidate was read as a headline, and why (``digest check``)."""

    line: int
    text: str
    headline: bool
    evidence: boundaries.Evidence


def headline_blocks(views: list[LineView], ads: set[int]) -> tuple[dict[int, Block], list[Decision]]:
    """Headline blocks by their first line's index, decided from the evidence (``boundaries``),
    and every decision taken."""
    words = boundaries.PageWords(views)
    blocks: dict[int, Block] = {}
    decisions: list[Decision] = []
    i = since = 0
    while i < len(views):
        run = stacked_heading_lines(views, i, ads)
        block = None
        if run:
            found = boundaries.evidence(views, i, i + len(run), words, since=since, page_start=not blocks and i == 0)
            block = block_of(views, i, run, ads, found, page_start=not blocks and i == 0)
            decisions.append(Decision(views[i].number, " / ".join(v.text for v in run), block is not None, found))
        if block:
            blocks[i] = block
            i = since = block.end
        else:
            i += 1
    return blocks, decisions


def block_of(views: list[LineView], i: int, run: list[LineView], ads: set[int], found: boundaries.Evidence, *,
             page_start: bool) -> Block | None:
    """The headline block the run of lines at ``i`` makes, if the evidence says it is one."""
    end = i + len(run)
    names = {name for name, _ in found.features}
    followed = end not in ads and bool(names & {"byline_after", "dateline_after"})
    if not run[0].heading_like and not (followed or page_start):
        return None  # a long first line is a headline only where a byline or the page's start says so
    if not found.is_headline:
        return None
    kicker, title, subtitle = head_roles(run)
    return Block(i, end, kicker, title, subtitle, followed, found)


def stacked_heading_lines(views: list[LineView], i: int, ads: set[int]) -> list[LineView]:
    """Up to three consecutive lines that can each be part of a headline."""
    run: list[LineView] = []
    for j in range(i, min(i + MAX_BLOCK, len(views))):
        v = views[j]
        if j in ads or layout.is_byline(v.text) or layout.is_end_byline(v.text) or layout.is_caption_marked(v.text):
            break
        if run and is_subtitle(v.text):
            run.append(v)
            continue
        if v.heading_like or (not run and layout.could_be_long_headline(v.text)):
            if run and is_subtitle(run[-1].text):
                break
            run.append(v)
        else:
            break
    return run


def is_subtitle(text: str) -> bool:
    return text.startswith("—") or text.startswith("－－") or text.startswith("--")


def head_roles(run: list[LineView]) -> tuple[str | None, str, str | None]:
    """(kicker, title, subtitle) of a headline block."""
    subtitle = None
    lines = list(run)
    if len(lines) >= 2 and is_subtitle(lines[-1].text):
        subtitle = lines.pop().text
    if len(lines) == 1:
        return None, lines[0].text, subtitle
    first, rest = lines[0], lines[1:]
    rest_text = " ".join(v.text for v in rest)
    if is_kicker(first, rest[0]):
        return first.text, rest_text, subtitle
    return None, f"{first.text} {rest_text}", subtitle


def is_kicker(first: LineView, second: LineView) -> bool:
    """Whether the first of two stacked headline lines is a kicker (引题)."""
    if first.hard_break or layout.PLACE_ONLY.match(first.text):
        return False  # one title printed on two lines
    if layout.last_meaningful(first.text) in "?？!！" or layout.KICKER_DASH.search(first.text):
        return True
    if layout.PLACE_PREFIX.match(second.text):
        return True
    return len(first.text) >= 1.5 * len(second.text)
