"""The plain data passed from stage to stage.

ingest → Page · split → Draft + Dropped · analyze → Analysis ·
classify → ThemeScore · link → Article with related ids · render → files.
Everything is frozen: a stage returns new values, it never edits its input.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class Line:
    """One input line with where it came from (1-based line number)."""

    file: str
    number: int
    text: str


@dataclass(frozen=True)
class PageMeta:
    """What the editor says about a page (front matter or sidecar file)."""

    newspaper: str | None = None
    edition: str | None = None
    date: str | None = None  # ISO date of the issue, e.g. "2019-01-12"
    year: int | None = None


@dataclass(frozen=True)
class Page:
    """A decoded page: its non-empty lines with provenance."""

    file: str
    lines: tuple[Line, ...]
    meta: PageMeta = PageMeta()
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Byline:
    reporters: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()
    text: str = ""  # the line(s) as printed, kept for provenance

    @property
    def names(self) -> tuple[str, ...]:
        return self.reporters + self.correspondents


@dataclass(frozen=True)
class Edit:
    """A change the splitter made to a line's text, with the original kept."""

    line: int
    original: str
    reason: str


@dataclass(frozen=True)
class Paragraph:
    """Body text and the source lines it was made from (several when repaired)."""

    text: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Heading:
    """A section heading (小标题) printed before paragraph number ``before``."""

    text: str
    before: int
    line: int


@dataclass(frozen=True)
class Draft:
    """An article as the splitter found it, before analysis."""

    file: str
    title: str
    kicker: str | None
    subtitle: str | None
    byline: Byline
    dateline: str | None  # e.g. "本报淄博讯"
    dateline_date: str | None  # e.g. "11月13日", as printed
    paragraphs: tuple[Paragraph, ...]
    headings: tuple[Heading, ...]  # 小标题 inside the article
    captions: tuple[str, ...]
    credits: tuple[str, ...]  # photo credits printed under captions
    lines: tuple[int, int]  # first and last source line
    edits: tuple[Edit, ...] = ()
    notes: tuple[str, ...] = ()  # what the splitter repaired or suspects

    @property
    def body(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class Dropped:
    """Input text that is not an article, with the reason (in the editors' language)."""

    file: str
    lines: tuple[int, int]
    kind: str  # a key of DROPPED_KINDS
    text: str
    reason: str = ""


# What an editor calls each kind of dropped text (`digest check`, `digest generate`'s summary).
DROPPED_KINDS = {"advertisement": "广告", "caption": "图片说明", "duplicate": "重复", "fragment": "转版残段",
                 "hidden": "已隐藏", "jump": "转版提示", "markup": "原始标记", "notice": "公告启事"}


def line_span(first: int, last: int) -> str:
    """A run of a page's lines as an editor reads it: 第 5 行, 第 5–9 行."""
    return f"第 {first} 行" if first == last else f"第 {first}–{last} 行"


@dataclass(frozen=True)
class Figure:
    value: str
    unit: str
    text: str  # the clause the number occurs in


@dataclass(frozen=True)
class Place:
    """A resolved place from the gazetteer."""

    name: str  # full name, e.g. "临淄区"
    path: tuple[str, ...]  # from the prefecture down, e.g. ("淄博市", "临淄区")

    @property
    def full(self) -> str:
        return "".join(self.path)


@dataclass(frozen=True)
class DateInfo:
    value: str | None  # ISO date or None
    source: str  # how it was found, or why not


@dataclass(frozen=True)
class Analysis:
    terms: tuple[tuple[str, ...], tuple[int, ...]]  # the distinct content words of title + body, sorted, and their counts
    keywords: tuple[str, ...]
    summary: tuple[str, ...]  # whole sentences from the body
    figures: tuple[Figure, ...]
    places: tuple[Place, ...]
    date: DateInfo


@dataclass(frozen=True)
class ThemeScore:
    key: str
    score: float
    evidence: tuple[str, ...]  # terms that scored, strongest first
    sentences: tuple[str, ...] = ()  # sentences that carried the evidence


class Related(NamedTuple):  # a tuple: compared and made in C (a build compares every article's list)
    id: str
    score: float
    reason: str


@dataclass(frozen=True)
class Article:
    id: str
    slug: str
    draft: Draft
    analysis: Analysis
    themes: tuple[ThemeScore, ...]  # primary first; empty means "other"
    related: tuple[Related, ...] = ()
    meta: PageMeta = PageMeta()
    # The page work (its cache key) that gave this article's draft, facts, themes and slug
    # exactly as they are; None when a correction changed any of them. With the keywords,
    # summary and related articles it determines everything rendered (render.site.article_key).
    made_from: str | None = field(default=None, compare=False)

    @property
    def url(self) -> str:
        return f"articles/{self.slug}/"

    @property
    def theme_keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.themes) or ("other",)


@dataclass(frozen=True)
class Theme:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Digest:
    """Every article, linked, plus what was dropped: the input of render."""

    themes: tuple[Theme, ...]
    articles: tuple[Article, ...]
    dropped: tuple[Dropped, ...]
    pages: tuple[Page, ...] = ()  # the pages read, without their lines (those are in the articles and dropped)
    _by_id: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({a.id: a for a in self.articles})

    def by_id(self, article_id: str) -> Article:
        return self._by_id[article_id]

    def by_theme(self, key: str) -> tuple[Article, ...]:
        return tuple(a for a in self.articles if key in a.theme_keys)

    def theme(self, key: str) -> Theme:
        return next(t for t in self.themes if t.key == key)

