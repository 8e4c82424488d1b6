"""Is a heading-like line a new article's headline, or a section heading (小标题) inside one?

Both look alike: a short line without a sentence end. Only what surrounds the
line tells them apart, so each candidate (one to three stacked heading-like
lines) gets named pieces of evidence with a weight, positive for a headline,
negative for a 小标题; the candidate opens an article when the sum reaches
``THRESHOLD``, and the decision's confidence is the logistic of the distance
from it (``digest check`` lists the least confident first).

What follows the candidate
  ``byline_after``      a byline (□本报记者 X, 记者 X 通讯员 Y 报道 …)
  ``dateline_after``    a lead that opens with a dateline (本报讯（记者 X）…)
What precedes it
  ``page_start``        nothing but fragments from another page before it
  ``credit_before``     an article's end: a credit ``（X Y）`` or a jump line
  ``cut_sentence``      the text after it (past a caption) finishes a sentence: the line is
                        that sentence's start, cut by a column break, not a heading
The candidate's form
  ``markdown_heading``  printed as a Markdown heading
  ``stacked``           two or three lines (kicker and title, title and subtitle)
  ``place_title``       ``地名：标题``
  ``numbered``          ``一、`` ``（二）`` ``3.``: a section of the article
  ``two_clauses``       one line of two clauses joined by a comma (``强化党的领导，落实双拥
                        政策``): how 小标题 read; a headline joins its halves with a space
  ``parallel``          another heading-like line near it of the same two-part shape (the
                        same separator, a length within 3): the parallel 小标题 of one article
  ``awaits_headline``   the article being read opened with a byline and has no headline
                        yet (printed after its lead), and this one has a headline's form
What the text says
  ``cohesion``          TextTiling-style similarity of the words before and after
                        (character bigrams weighted by rarity on the page): a 小标题
                        continues its article's vocabulary, a headline starts another;
                        it counts for less where either side has little text
  ``places``            the places named after it: only new ones (another article),
                        or ones the text before named (the same article: weaker, as a
                        local paper's articles all name its city)
"""
from __future__ import annotations

import functools
import math
import operator
import re
from collections import Counter
from dataclasses import dataclass

from generator.read import layout
from generator.read.layout import LineView
from generator.read.repair import bigrams

THRESHOLD = 2.0
CONFIDENCE_SLOPE = 1.5
WEIGHTS = {
    "byline_after": 4.0,
    "dateline_after": 4.0,
    "page_start": 4.0,
    "markdown_heading": 3.0,
    "credit_before": 1.5,
    "cut_sentence": -4.0,
    "stacked": 1.0,
    "place_title": 1.5,
    "numbered": -4.0,
    "cohesion": 2.5,  # times (low − similarity) / spread, clipped to ±1
    "places": 1.0,
    "two_clauses": -1.5,
    "parallel": -1.5,
    "awaits_headline": 4.0,
}
# Each piece of evidence as `digest check` names it to an editor reviewing a decision (a signed
# weight follows: 话题转换 −1.0 says the text goes on with the same subject).
FEATURE_NAMES = {
    "byline_after": "下一行是署名",
    "dateline_after": "下一行是电头",
    "page_start": "版面开头",
    "markdown_heading": "Markdown 标题",
    "credit_before": "上一行是文末署名或转版提示",
    "cut_sentence": "后文接着被截断的句子",
    "stacked": "多行标题",
    "place_title": "地名加冒号开头",
    "numbered": "带序号",
    "cohesion": "话题转换",
    "places": "地名转换",
    "two_clauses": "一行两个分句",
    "parallel": "附近有同式的小标题",
    "awaits_headline": "前面的署名还缺标题",
}
COHESION_LOW, COHESION_HIGH = 0.05, 0.20  # similarity of two articles / of one article's parts
WINDOW = 400  # characters of text either side compared
SHARED_PLACE = -0.5  # the ``places`` factor when the lead names a place the text before named
LOOKBACK = 60  # lines before a candidate that its evidence reads at most
COHESION_TEXT = 150  # characters either side for the similarity to count in full
NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．]\D|第[一二三四五六七八九十]+[，、]?)")
# A county or city: two characters before 市/县/区 that are not a word going on (市场, 县委, 区域).
PLACE = re.compile(r"([\u4e00-\u9fff]{2})(?:市|县|区)(?![场集民委政长级属里内外域域间别块县区镇村中])")
NOT_PLACE_STEM = re.compile(r"[社小园景辖片城市县区镇街全本该我各新老在的了是和与及到为从向对把被将]")


@dataclass(frozen=True)
class Evidence:
    """The named pieces of evidence for one candidate, with their weights."""

    features: tuple[tuple[str, float], ...]

    @property
    def score(self) -> float:
        return sum(weight for _, weight in self.features)

    @property
    def is_headline(self) -> bool:
        return self.score >= THRESHOLD

    @property
    def confidence(self) -> float:
        """How sure the decision is, 0.5 (a coin toss) to 1: the logistic of the score's distance
        from the threshold (a byline or dateline alone, 2 past it, gives 0.95)."""
        return 1 / (1 + math.exp(-CONFIDENCE_SLOPE * abs(self.score - THRESHOLD)))

    def describe(self) -> str:
        return "，".join(f"{FEATURE_NAMES[name]} {weight:+.1f}" for name, weight in self.features) or "没有证据"


class PageWords:
    """Character bigrams of a page's lines, and how telling each is on the page (``weight``: the
    rarer, the heavier; each bigram's count on the page stands in for the number of lines it is
    in). Nothing is counted before a window asks: a page whose headlines its bylines decide never
    is, and a line's bigrams are counted when a window first reads it."""

    def __init__(self, views: list[LineView]):
        self.views = views
        self.counted: dict[int, Counter] = {}

    @functools.cached_property
    def weight(self) -> "Weights":
        page = "\n".join(v.text for v in self.views)
        # every pair of neighbouring characters, counted in C: the pairs with punctuation are
        # never asked for, so they need not be taken out
        return Weights(Counter(map(operator.add, page, page[1:])), len(self.views))

    def grams(self, k: int) -> Counter:
        if k not in self.counted:
            self.counted[k] = bigrams(self.views[k].text)
        return self.counted[k]


def evidence(views: list[LineView], start: int, end: int, words: PageWords, *, since: int,
             page_start: bool) -> Evidence:
    """The evidence that lines ``start:end`` are a headline; ``since`` is where the text of the
    article being read begins (the last headline's end)."""
    since = max(since, start - LOOKBACK)  # a page without headlines stays linear in its length
    run, after = views[start:end], views[end] if end < len(views) else None
    features: list[tuple[str, float]] = []

    def add(name: str, factor: float = 1.0) -> None:
        if factor:
            features.append((name, round(WEIGHTS[name] * factor, 2)))

    if after is not None and layout.is_byline(after.text):
        add("byline_after")
    elif after is not None and layout.dateline(after.text) is not None:
        add("dateline_after")
    if page_start:
        add("page_start")
    if all(v.markdown_heading for v in run):
        add("markdown_heading")
    if len(run) >= 2:
        add("stacked")
    if len(run) == 1 and layout.PLACE_PREFIX.match(run[0].text) and \
            len(re.split(r"[:：]", run[0].text, maxsplit=1)[-1]) >= 4:
        add("place_title")
    if NUMBERED.match(run[0].text):
        add("numbered")
    if layout.text_after_finishes_cut(views, end):
        add("cut_sentence")
    if len(run) == 1 and re.search(r"[，,]", layout.outside_quotes(run[0].text)):
        add("two_clauses")
    if start > 0:
        before = views[start - 1].text
        if layout.is_end_byline(before) or layout.is_jump_line(before):
            add("credit_before")
    orphan = orphan_byline(views, since, start)
    if orphan is not None:
        since = orphan  # the article being read began at its byline
        if len(run) >= 2 or "place_title" in dict(features):
            add("awaits_headline")
    if len(run) == 1 and has_parallel(views, start, since):
        add("parallel")
    if not any(name in ("byline_after", "dateline_after", "page_start", "awaits_headline") for name, _ in features):
        add("cohesion", cohesion(views, start, end, words, since))
        add("places", place_shift(views, start, end, since))
    return Evidence(tuple(features))


def orphan_byline(views: list[LineView], since: int, start: int) -> int | None:
    """A byline between the last headline's own lines and ``start`` that opened an article of its
    own (not the headline's byline, not a photo credit under a caption), or None."""
    for k in range(since + 1, start):
        text = views[k].text
        if layout.is_byline(text) and not layout.is_byline(views[k - 1].text) and \
                not (layout.is_photo_credit(text) and len(views[k - 1].text) <= 80):
            return k
    return None


def shape(text: str) -> tuple[str, int]:
    """How a heading is built: its separator (space, comma or none) and its length."""
    bare = layout.outside_quotes(text)
    separator = "，" if re.search(r"[，,]", bare) else " " if re.search(r"\S\s+\S", text) else ""
    return separator, len(text)


def has_parallel(views: list[LineView], start: int, since: int, reach: int = 8) -> bool:
    """Whether a lone heading-like line of the same shape stands in the article before ``start``
    or within ``reach`` lines after it: sibling 小标题."""
    separator, length = shape(views[start].text)
    if not separator:
        return False  # a plain phrase: too common a shape (captions, short headlines) to call parallel
    for k in range(since, min(len(views), start + reach)):
        if k == start or not views[k].heading_like:
            continue
        if (k > 0 and views[k - 1].heading_like) or (k + 1 < len(views) and views[k + 1].heading_like):
            continue  # part of a stacked block, not a lone 小标题
        if k + 1 < len(views) and (layout.is_byline(views[k + 1].text) or layout.dateline(views[k + 1].text)):
            continue  # a headline
        other, other_length = shape(views[k].text)
        if other == separator and abs(other_length - length) <= 3:
            return True
    return False


def body_lines(views: list[LineView], indexes: range) -> list[int]:
    """The lines among ``indexes`` that carry running text (not bylines, captions or headings)."""
    return [k for k in indexes if len(views[k].text) > 40 or layout.ends_sentence(views[k].text)
            and not layout.is_caption_marked(views[k].text)]


def window(views: list[LineView], lines: list[int], words: PageWords, *, from_end: bool) -> tuple[Counter, int]:
    """The bigrams of about ``WINDOW`` characters of the given lines, from their start or their end,
    and how many characters they came from."""
    total, size = Counter(), 0
    for k in reversed(lines) if from_end else lines:
        total.update(words.grams(k))
        size += len(views[k].text)
        if size >= WINDOW:
            break
    return total, size


def cohesion(views: list[LineView], start: int, end: int, words: PageWords, since: int) -> float:
    """+1 when the text after the candidate shares little with the text before (a new article),
    −1 when it shares much (the same article), in between on a linear scale; 0 with no text before."""
    before_lines = body_lines(views, range(since, start))
    after_lines = body_lines(views, range(end, min(len(views), end + 12)))
    if not before_lines or not after_lines:
        return 0.0
    (before, before_size), (after, after_size) = (window(views, before_lines, words, from_end=True),
                                                  window(views, after_lines, words, from_end=False))
    similarity = weighted_cosine(before, after, words.weight)
    scaled = (COHESION_LOW + COHESION_HIGH - 2 * similarity) / (COHESION_HIGH - COHESION_LOW)
    # two short texts share few words whatever they say: their similarity counts for less
    trust = min(1.0, before_size / COHESION_TEXT, after_size / COHESION_TEXT)
    return max(-1.0, min(1.0, scaled)) * trust


class Weights(dict):
    """Bigram → weight on a page, ``log((1 + lines) / (1 + count)) + 1``, worked out for a bigram
    the first time it is looked up (most of a page's never are)."""

    def __init__(self, frequency: Counter, lines: int):
        super().__init__()
        self.frequency, self.lines = frequency, lines

    def __missing__(self, gram: str) -> float:
        weight = self[gram] = math.log((1 + self.lines) / (1 + min(self.frequency.get(gram, 0), self.lines))) + 1
        return weight


def weighted_cosine(a: Counter, b: Counter, weight: Weights) -> float:
    """The cosine of two bigram counts, each bigram weighed by its rarity on the page."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(n * large[g] * weight[g] ** 2 for g, n in small.items() if g in large)
    if not dot:
        return 0.0
    norm_a = math.hypot(*[n * weight[g] for g, n in a.items()])
    norm_b = math.hypot(*[n * weight[g] for g, n in b.items()])
    return dot / (norm_a * norm_b)


def places_in(text: str) -> set[str]:
    return {stem for stem in PLACE.findall(text) if not NOT_PLACE_STEM.search(stem)}


def place_shift(views: list[LineView], start: int, end: int, since: int) -> float:
    """+1 when the lead after the candidate names places and none the text before named,
    −1 when it names one of them, 0 when either names none."""
    after_lines = body_lines(views, range(end, min(len(views), end + 3)))[:1]
    named_after = places_in(" ".join(v.text for v in views[start:end]) +
                            "".join(views[k].text for k in after_lines))
    named_before = places_in("".join(views[k].text for k in range(since, start)))
    if not named_after or not named_before:
        return 0.0
    # A local paper's articles all name its city: a shared place is weak evidence of one article.
    return SHARED_PLACE if named_after & named_before else 1.0
