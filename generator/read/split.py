"""Split a page into article drafts the way a careful reader would.

The page's logical lines come from the layout stage (``reflow``: whatever the
OCR convention, one paragraph, headline, byline or caption per line, with
every physical line number). They are read top to bottom once. Each line gets
a role from its layout evidence (``layout``, ``frontmatter``): advertising,
jump line, byline, photo caption or credit, headline block, section heading,
or body paragraph. Headline blocks start articles; everything else attaches
to the article being read. ``repair`` then fixes what the layout broke across
articles (duplicates, misplaced paragraphs), and official notices are set
aside.

Rules, by name (each is tested in tests/test_split.py and its neighbours):

* headline block — 1–3 stacked heading-like lines that the evidence weighed
  in ``boundaries`` calls a headline (a byline or dateline after it, the
  page's start, its form, and whether the text after it continues the
  article before it); otherwise a section heading (小标题) (``headlines``).
* kicker / subtitle — in a block, a first line that is a question, clearly
  longer than the next, or sits above a ``place:title`` is the kicker (引题);
  a line starting with ``——`` is the subtitle; a place line or a hard line
  break joins two lines into one title.
* byline — ``□…`` or ``记者/通讯员 …``; a second byline line right after the
  first continues it; a byline when the article already has one starts a new
  article whose headline is printed later (it adopts the next headline block
  that has no byline of its own). ``（name name）`` after the body is an end
  credit: its names join the byline and the line stays in the body. A
  ``□name 报道`` under a caption is a photo credit.
* caption — ``▲ ▼ 图为 …``, a line followed by a photo credit, or a short
  lone sentence printed inside a sentence that a column break cut.
* column-break join — a paragraph that does not end its sentence continues
  in the next body paragraph of the same article, across captions.
* advertisement — a cluster of lines with advertising evidence (``广告``,
  prices per m², phone numbers, pre-sale permits, ``项目地址``).
* fragment — body text before the page's first headline, or a very short
  sentence opening an article: continued from another page.
* jump line — ``（下转第二版）`` ``（上接第一版）``: dropped as ``jump``.
* notice — a headline ending in 公告、通告、公示、启事、声明, or a body with the
  formula that closes one (特此公告, 公示期为…): dropped whole as ``notice``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.read import headlines
from generator.read import layout
from generator.read import reflow
from generator.read import repair
from generator.read.headlines import Block
from generator.read.layout import LineView
from generator.model import Byline, Draft, Dropped, Edit, Heading, Page, Paragraph

AD_WINDOW = 4
LONE_CAPTION_MAX = 30
FRAGMENT_MAX = 10
COLUMN_BREAK_JOINED = "已接回被分栏截断的句子"  # ends a routine note, which `digest check` leaves out
UNTITLED = "（无标题）"


def split_page(page: Page) -> tuple[list[Draft], list[Dropped]]:
    """Drafts of the articles on ``page`` and the text that is not an article."""
    views = line_views(page)
    views, dropped = drop_duplicate_lines(page.file, views)
    ads = advertisement_lines(views)
    blocks, _ = headlines.headline_blocks(views, ads)
    reader = _Reader(page.file, views, ads, blocks)
    reader.read()
    drafts = repair.relocate_paragraphs(reader.drafts())
    notices = [d for d in drafts if is_notice(d)]
    return [d for d in drafts if d not in notices], dropped + reader.dropped + [as_notice(d) for d in notices]


# Official notices (公告、通告、公示、启事、声明) are printed like news but are not articles: by their
# headline's last word, or by the formula that closes one, whatever the headline says.
NOTICE_TITLE = re.compile(r"(?:公告|通告|公示|启事|启示|声明|告知书)[\s（(\d一二三四五六七八九十号)）]*$")
NOTICE_BODY = re.compile(r"特此(?:公告|通告|公示|声明|告知|通知)|公示期(?:为|间|自|：|:)|现予以公示|现(?:将|就).{0,30}(?:公告|公示)如下")


def is_notice(draft: Draft) -> bool:
    return bool(NOTICE_TITLE.search(layout.fold(draft.title))) or \
        any(NOTICE_BODY.search(layout.fold(p.text)) for p in draft.paragraphs)


def as_notice(draft: Draft) -> Dropped:
    """A notice as dropped text: every line it was read from, in reading order."""
    parts = [draft.kicker, draft.title, draft.subtitle, draft.byline.text] + \
        [h.text for h in draft.headings] + [p.text for p in draft.paragraphs] + list(draft.captions) + list(draft.credits)
    return Dropped(draft.file, draft.lines, "notice", "\n".join(filter(None, parts)),
                   "公告、通告、公示、启事或声明，不是新闻报道")


def drop_duplicate_lines(file: str, views: list[LineView]) -> tuple[list[LineView], list[Dropped]]:
    """Remove lines printed twice (keeping the longer or first copy), recording them."""
    duplicates = repair.duplicate_lines([v.text for v in views])
    dropped = [Dropped(file, (views[i].number, views[i].last), "duplicate", views[i].text,
                       f"与第 {views[kept].number} 行重复")
               for i, kept in sorted(duplicates.items())]
    return [v for i, v in enumerate(views) if i not in duplicates], dropped


def line_views(page: Page) -> list[LineView]:
    """The page's logical lines (``reflow``), each with the layout facts the splitter reads."""
    convention = reflow.detect(page.lines)
    raw_of = {line.number: line.text for line in page.lines}
    views = []
    for logical in reflow.logical_lines(page.lines, convention):
        raw = raw_of[logical.number] if len(logical.numbers) == 1 else logical.text
        views.append(LineView(
            number=logical.number,
            raw=raw,
            text=layout.strip_markup(logical.text if len(logical.numbers) > 1 else raw),
            markdown_heading=layout.is_markdown_heading(raw),
            hard_break=layout.has_hard_break(raw),
            blank_before=logical.block_start,
            numbers=logical.numbers,
        ))
    return [v for v in views if v.text]


def advertisement_lines(views: list[LineView]) -> set[int]:
    """Indexes of lines inside advertising clusters.

    One line with an ad word is not an ad (news mentions hotlines); two
    strong lines within a few lines of each other, and what lies between
    them, are.
    """
    strong = [i for i, v in enumerate(views)
              if layout.ad_strength(v.text) >= (2 if len(v.text) > 80 else 1)]
    clusters: list[list[int]] = []
    for i in strong:
        if clusters and i - clusters[-1][-1] <= AD_WINDOW:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    ads: set[int] = set()
    for cluster in clusters:
        strength = sum(layout.ad_strength(views[i].text) for i in cluster)
        if len(cluster) >= 2 and strength >= 3:
            ads.update(range(cluster[0], cluster[-1] + 1))
    return ads


def review(page: Page) -> tuple[reflow.Convention, list[headlines.Decision]]:
    """The page's layout convention and every headline-or-小标题 decision, least sure first."""
    views, _ = drop_duplicate_lines(page.file, line_views(page))
    _, decisions = headlines.headline_blocks(views, advertisement_lines(views))
    return reflow.detect(page.lines), sorted(decisions, key=lambda d: (d.evidence.confidence, d.line))


@dataclass
class _Article:
    """An article while the page is being read (made immutable by ``freeze``)."""

    block: Block | None
    head_lines: list[int] = field(default_factory=list)
    byline_lines: list[LineView] = field(default_factory=list)
    credit_lines: list[LineView] = field(default_factory=list)  # （X Y） after the body, also a paragraph
    paragraphs: list[list] = field(default_factory=list)  # [text, lines, broken]
    headings: list[Heading] = field(default_factory=list)
    captions: list[tuple[str, int]] = field(default_factory=list)
    credits: list[tuple[str, int]] = field(default_factory=list)
    dateline: tuple[str, str | None] | None = None
    edits: list[Edit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def untitled(self) -> bool:
        return self.block is None

    def last_broken(self) -> bool:
        return bool(self.paragraphs) and self.paragraphs[-1][2] and \
            not (self.headings and self.headings[-1].before == len(self.paragraphs))


class _Reader:
    """Reads a page's lines in order and assigns each to an article or dropped."""

    def __init__(self, file: str, views: list[LineView], ads: set[int], blocks: dict[int, Block]):
        self.file, self.views, self.ads, self.blocks = file, views, ads, blocks
        self.articles: list[_Article] = []
        self.dropped: list[Dropped] = []
        self.current: _Article | None = None

    def read(self) -> None:
        i = 0
        while i < len(self.views):
            if i in self.ads:
                i = self.drop_ads(i)
            elif i in self.blocks:
                self.start_or_adopt(self.blocks[i])
                i = self.blocks[i].end
            else:
                self.place(i)
                i += 1

    # -- line roles ------------------------------------------------------

    def drop_ads(self, i: int) -> int:
        j = i
        while j in self.ads:
            j += 1
        lines = self.views[i:j]
        self.dropped.append(Dropped(self.file, (lines[0].number, lines[-1].last), "advertisement",
                                    "\n".join(v.text for v in lines), "广告文字：价格、许可证号、电话号码"))
        return j

    def start_or_adopt(self, block: Block) -> None:
        lines = list(range(self.views[block.start].number, self.views[block.end - 1].last + 1))
        self.record_markup(block.start, block.end)
        if self.current and self.current.untitled and not block.has_own_byline:
            self.current.block = block  # byline and lead were printed before their headline
            self.current.head_lines = lines
            self.current.notes.append("标题印在署名和导语之后，已与它们合为一篇")
            return
        self.current = _Article(block, head_lines=lines)
        self.articles.append(self.current)

    def place(self, i: int) -> None:
        view = self.views[i]
        self.record_markup(i, i + 1)
        text = view.text
        previous = self.views[i - 1] if i > 0 else None
        if layout.is_jump_line(text):
            self.dropped.append(Dropped(self.file, (view.number, view.last), "jump", view.text,
                                        "转版提示：文章转到或转自别的版面"))
        elif layout.is_end_byline(text) and self.current:
            self.place_end_credit(view)
        elif layout.is_byline(text):
            self.place_byline(view, previous)
        elif self.is_caption(i):
            self.place_caption(view)
        elif self.current and view.heading_like and not self.next_text_continues(i):
            self.current.headings.append(Heading(text, len(self.current.paragraphs), view.number))
        else:
            self.place_paragraph(view)

    def place_end_credit(self, view: LineView) -> None:
        """``（X Y）`` after the last paragraph: the names go to the byline, the line stays in the
        body as printed (it closes the article's text)."""
        self.current.credit_lines.append(view)
        self.current.paragraphs.append([view.text, view.all_numbers, False])

    def place_byline(self, view: LineView, previous: LineView | None) -> None:
        if previous is not None and self.current and self.is_caption_line(previous) \
                and layout.is_photo_credit(view.text):
            self.current.credits.append((view.text, view.number))
            return
        if previous is not None and self.current and self.current.byline_lines \
                and self.current.byline_lines[-1] is previous:
            self.current.byline_lines.append(view)  # a byline printed on two lines
            return
        if self.current is None or self.current.byline_lines:
            self.current = _Article(None)  # the headline of this article comes later
            self.articles.append(self.current)
        self.current.byline_lines.append(view)

    def is_caption_line(self, view: LineView) -> bool:
        return any(n == view.last for _, n in (self.current.captions if self.current else []))

    def place_caption(self, view: LineView) -> None:
        if self.current is None:
            self.dropped.append(Dropped(self.file, (view.number, view.last), "caption", view.text,
                                        "版面第一篇文章之前的图片说明"))
        else:
            self.current.captions.append((view.text, view.last))

    def place_paragraph(self, view: LineView) -> None:
        article = self.current
        if article is None:
            self.dropped.append(Dropped(self.file, (view.number, view.last), "fragment", view.text,
                                        "版面第一个标题之前的文字：从别的版面转来"))
            return
        if not article.paragraphs and not article.headings and len(view.text) <= FRAGMENT_MAX \
                and layout.ends_sentence(view.text) and layout.dateline(view.text) is None:
            self.dropped.append(Dropped(self.file, (view.number, view.last), "fragment", view.text,
                                        "文章开头是一句话的后半截：从别的版面转来"))
            return
        if article.dateline is None and not article.paragraphs:
            article.dateline = layout.dateline(view.text)
        if article.last_broken():
            last = article.paragraphs[-1]
            last[0] += view.text
            last[1].extend(view.all_numbers)
            last[2] = view.broken
            article.notes.append(f"第 {view.number} 行{COLUMN_BREAK_JOINED}")
        else:
            article.paragraphs.append([view.text, view.all_numbers, view.broken])

    def next_text_continues(self, i: int) -> bool:
        """Whether the body text after line ``i`` (past a caption) finishes a cut sentence."""
        return layout.text_after_finishes_cut(self.views, i + 1, stop=self.blocks)

    def is_caption(self, i: int) -> bool:
        """Caption by its marker, by the credit under it, or by where it sits."""
        view = self.views[i]
        text = view.text
        if layout.is_caption_marked(text):
            return True
        following = self.views[i + 1] if i + 1 < len(self.views) else None
        if following is not None and layout.is_photo_credit(following.text) and layout.ends_sentence(text) \
                and len(text) <= 80:
            return True
        if not layout.ends_sentence(text) or text[:1] in layout.QUOTE_OPEN or layout.dateline(text):
            return False
        article = self.current
        if article is None or not article.paragraphs:
            return False
        if article.last_broken():
            return len(text) <= layout.CONTEXT_CAPTION_MAX and following is not None \
                and layout.continues_cut_sentence(following.text)
        return len(text) <= LONE_CAPTION_MAX and not any(c in text for c in "，,：:") \
            and following is not None and following.blank_before and view.blank_before \
            and not following.heading_like and i + 1 not in self.blocks

    def record_markup(self, start: int, end: int) -> None:
        """Remember lines whose text lost Markdown emphasis, with the original."""
        for view in self.views[start:end]:
            if layout.EMPHASIS.search(view.raw):
                target = self.current
                edit = Edit(view.number, view.raw, "已去掉 Markdown 强调标记")
                if target is not None:
                    target.edits.append(edit)
                else:
                    self.dropped.append(Dropped(self.file, (view.number, view.number), "markup", view.raw,
                                                "去掉强调标记之前的原文"))

    # -- results ---------------------------------------------------------

    def drafts(self) -> list[Draft]:
        return [freeze(self.file, a) for a in self.articles]


def freeze(file: str, article: _Article) -> Draft:
    block = article.block
    paragraphs = tuple(Paragraph(text, tuple(lines)) for text, lines, _ in article.paragraphs)
    byline_text = "\n".join(v.text for v in article.byline_lines + article.credit_lines)
    reporters, correspondents = (), ()
    for view in article.byline_lines + article.credit_lines:
        r, c = layout.parse_byline(view.text)
        reporters += r
        correspondents += c
    numbers = list(article.head_lines) + [v.number for v in article.byline_lines] + \
        [n for p in paragraphs for n in p.lines] + [h.line for h in article.headings] + \
        [n for _, n in article.captions] + [n for _, n in article.credits]
    notes = list(article.notes)
    if block is None:
        lead = paragraphs[0].text if paragraphs else ""
        title = f"{UNTITLED}{lead[:16]}"
        notes.append("这段文字找不到标题")
    else:
        title = block.title
    date = article.dateline
    if date:  # the dateline's inline credit: 本报讯（记者 X 通讯员 Y）
        reporters += tuple(n for n in date.reporters if n not in reporters)
        correspondents += tuple(n for n in date.correspondents if n not in correspondents)
    return Draft(
        file=file,
        title=title,
        kicker=block.kicker if block else None,
        subtitle=block.subtitle if block else None,
        byline=Byline(reporters, correspondents, byline_text),
        dateline=date.prefix if date else None,
        dateline_date=date.month_day if date else None,
        paragraphs=paragraphs,
        headings=tuple(article.headings),
        captions=tuple(t for t, _ in article.captions),
        credits=tuple(t for t, _ in article.credits),
        lines=(min(numbers), max(numbers)) if numbers else (0, 0),
        edits=tuple(article.edits),
        notes=tuple(notes),
    )
