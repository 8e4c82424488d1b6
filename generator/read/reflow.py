"""The layout stage: detect a page's OCR convention and rebuild its logical lines.

Pages reach editors from different OCR engines and papers. The same text can
come as one paragraph per line with a blank line after each (the seeds), with
no blank lines at all, with paragraphs indented by two ideographic spaces, or
hard-wrapped at a column width of 10–30 characters, one printed line per text
line. The splitter reads logical lines — one paragraph, headline, byline,
caption or subhead each — so this stage turns every convention into those,
keeping each physical line's number for provenance.

Detection, per page (``detect``):

* blank lines — a blank line after most lines;
* indented — paragraphs open with ``　　`` (or two or more spaces, a tab);
* wrap width — the column width W at which most lines are cut: the length
  that the most lines have exactly, counting a line longer than W only when
  what passes W is closing punctuation (Chinese typesetting never starts a
  line with it, so a wrapped line keeps it); a fifth of the page's lines at
  least, and half as many again as at any other width;
* ASCII punctuation, Markdown headings — reported, for ``digest check``.

Reflow, when a width is found (``logical_lines``): a line continues the
paragraph above it when the line above is full (exactly W characters, or W
and closing punctuation), the line is not indented where the page indents
paragraphs, no blank line parts them, and it is not a line printed on its
own: a byline, a caption mark, or a short line without a sentence end right
after a line that closed its sentence (a headline that follows a paragraph
whose last line happens to be full).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from generator.read import layout
from generator.model import Line

INDENT = re.compile(r"^(?:\u3000+|[ \t]{2,}|\t)")
CLOSING_CHARS = "，。、；：！？”’」』）)】》,.;:!?…"
CLOSING = set(CLOSING_CHARS)
SENTENCE_END = "。！？!?…"
QUOTE_CLOSERS = "”’」』）)】》\"'"
TRAILING_CREDIT = re.compile(r"\s*[（(][^（）()]{1,20}[)）]$")  # 。（路江 周敏）: the article ended
BYLINE_OR_HEADING = re.compile(r"^(?:[□■【]|#{1,6}\s)")
MIN_WIDTH, MAX_WIDTH = 10, 30
WRAPPED_SHARE = 0.2  # of a page's lines cut at one width, for the page to be read as wrapped …
WRAPPED_MIN_LINES = 4
WRAPPED_PEAK = 1.5  # … and that many times the lines cut at any other width: one clear column


@dataclass(frozen=True)
class Convention:
    """How a page was laid out."""

    blank_lines: bool = True
    indented: bool = False
    wrap_width: int | None = None
    ascii_punctuation: bool = False
    markdown_headings: bool = False

    def describe(self) -> str:
        """A short Chinese description for editors (``digest check``)."""
        parts = ["每行之后空一行" if self.blank_lines else "无空行"]
        if self.indented:
            parts.append("段首缩进")
        if self.wrap_width:
            parts.append(f"按 {self.wrap_width} 字折行")
        if self.ascii_punctuation:
            parts.append("半角标点")
        if self.markdown_headings:
            parts.append("Markdown 标题")
        return "，".join(parts)


@dataclass(frozen=True)
class LogicalLine:
    """One paragraph, headline, byline, caption or subhead, with the physical lines it came from."""

    numbers: tuple[int, ...]
    text: str  # the physical lines joined, indentation removed
    block_start: bool  # a new block of text starts here (a blank line before it, or the page has none)

    @property
    def number(self) -> int:
        return self.numbers[0]


def detect(lines: tuple[Line, ...] | list[Line]) -> Convention:
    """The page's convention, read off its lines' numbers, indentation and lengths."""
    texts = [line.text for line in lines]
    gaps = sum(1 for a, b in zip(lines, lines[1:]) if b.number - a.number > 1)
    indented = sum(1 for t in texts if INDENT.match(t))
    ascii_marks = sum(t.count(c) for t in texts for c in ",;:()")
    wide_marks = sum(t.count(c) for t in texts for c in "，；：（）")
    return Convention(
        blank_lines=len(lines) > 1 and gaps >= 0.5 * (len(lines) - 1),
        indented=indented >= 2,
        wrap_width=wrap_width(texts),
        ascii_punctuation=ascii_marks > wide_marks,
        markdown_headings=any(t.lstrip().startswith("#") for t in texts),
    )


def wrap_width(texts: list[str]) -> int | None:
    """The column width most lines were cut at, or None when the page is not hard-wrapped."""
    widths: Counter = Counter()
    for text in texts:
        # cut at W exactly when W ≤ its length and what passes W is closing punctuation
        closing = len(text) - len(text.rstrip(CLOSING_CHARS))
        widths.update(range(max(MIN_WIDTH, len(text) - closing), min(MAX_WIDTH, len(text)) + 1))
    if not widths:
        return None
    ranked = sorted(widths.items(), key=lambda item: (-item[1], item[0]))
    width, count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if count < WRAPPED_MIN_LINES or count < WRAPPED_SHARE * len(texts) or count < WRAPPED_PEAK * runner_up:
        return None
    return width


def cut_at(text: str, width: int) -> bool:
    """Whether ``text`` reads as a line cut at ``width``: that long, plus closing punctuation only."""
    return len(text) >= width and all(ch in CLOSING for ch in text[width:])


def logical_lines(lines: tuple[Line, ...] | list[Line], convention: Convention) -> list[LogicalLine]:
    """The page's logical lines; physical lines stay whole unless the page is hard-wrapped."""
    groups: list[list[Line]] = []
    for k, line in enumerate(lines):
        above = lines[k - 1] if k else None
        below = lines[k + 1].text if k + 1 < len(lines) else None
        gap = above is None or line.number - above.number > 1
        if groups and not gap and continues(above.text, line.text, below, convention):
            groups[-1].append(line)
        else:
            groups.append([line])
    blank_lines = convention.blank_lines
    return [LogicalLine(tuple(line.number for line in group),
                        INDENT.sub("", "".join(line.text for line in group)).strip(),
                        not blank_lines or k == 0 or group[0].number - groups[k - 1][-1].number > 1)
            for k, group in enumerate(groups)]


def continues(above: str, text: str, below: str | None, convention: Convention) -> bool:
    """Whether physical line ``text`` continues the wrapped paragraph whose last line is ``above``
    (``below`` is the line after ``text``, or None)."""
    width = convention.wrap_width
    if width is None or not text.strip() or not cut_at(above, width) or printed_alone(above):
        return False
    if convention.indented and INDENT.match(text):
        return False
    if not fits_column(text, width) or printed_alone(text):
        return False
    # A short line after a line that closed its sentence, itself closing none and not going on
    # into the next line: a headline or subhead after a paragraph whose last line was full.
    closes = TRAILING_CREDIT.sub("", above.rstrip()).rstrip(QUOTE_CLOSERS)[-1:] in SENTENCE_END
    body = text.strip()
    ending = body.rstrip(QUOTE_CLOSERS)[-1:]
    no_clause = not any(c in body for c in "，,；;")
    stands = ending not in SENTENCE_END and no_clause
    goes_on = cut_at(text, width) and below is not None and fits_column(below, width) \
        and not (convention.indented and INDENT.match(below)) and not printed_alone(below)
    if below is not None and layout.is_byline(below) and stands:
        return False  # a byline follows headlines, not paragraphs: this line is one
    if closes and ending in "?？!！" and no_clause and below is not None and not fits_column(below, width):
        return False  # a question over a headline printed across columns: its kicker
    return not (closes and stands and not goes_on)


def fits_column(text: str, width: int) -> bool:
    """Short enough for the column, or cut at it: a line longer than the column and not cut at it
    was printed across columns (a headline), on a line of its own."""
    return len(text) <= width or cut_at(text, width)


def printed_alone(text: str) -> bool:
    """A byline or a Markdown heading: printed on a line of its own, never wrapped into a paragraph."""
    body = text.strip()
    return bool(BYLINE_OR_HEADING.match(body)) or layout.is_byline(body)
