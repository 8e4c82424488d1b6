"""Layout evidence for one line of an OCR'd page.

Each rule is a small named function over a line's text (and, for a few, its
neighbours); ``split`` combines them. None of them knows a seed page: they
read punctuation, length, position and the fixed vocabulary of Chinese
newspaper layout (bylines, datelines, photo markers, advertising).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.read import frontmatter
from generator.analyze.normalize import fold
from generator.analyze.segment import default_segmenter

SENTENCE_END = "。！？!?…"
CLOSERS = "”’」』）)】》\"'"
CLAUSE_END = "，,、；;：:—-"
QUOTE_OPEN = "“「『\""
# Particles, conjunctions and prepositions: a line ending on one was cut mid-sentence (``dangles``).
DANGLING = set("的和与及或在对把被将从向以并而跟同给让使就都也还又所其之于较更很")

MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+")
EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
CAPTION_MARK = re.compile(r"^\s*(?:[▲▼△▽◀▶◆◇]|图为|图\d|上图|下图|左图|右图|图片)")
KICKER_DASH = re.compile(r"(?:——|－－|--)$")
PAREN_CAPTION = re.compile(r"^\(.{6,}\)$")  # folded: full-width parentheses are half-width
JUMP_LINE = re.compile(r"^\(\s*(?:下转|上接|转|接|转自|续)第?[\d一二三四五六七八九十]+版\s*\)$")
PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,8}[:：]")
PLACE_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,10}(?:省|市|县|区|镇|乡|街道|开发区|经技区|新区)$")
AD_STRONG = re.compile(
    r"广告|预售许可|[\u4e00-\u9fff]建预许|项目地址|售楼|(?:\d[\d.,]*\s*元\s*/\s*(?:m²|㎡|平方米|平))|"
    r"\d\s*(?:m²|㎡)|热线|咨询电话|世界500强|样板间|户型|层高|认筹|开盘"
)
PHONE = re.compile(r"(?<!\d)(?:\d{3,4}-)?\d{7,8}(?!\d)")
SPEECH = re.compile(r"^[“「\"][^”」\"]*[，,。][^”」\"]*[”」\"]?")
HEADLINE_MAX = 40
LONG_HEADLINE_MAX = 200


def strip_markup(text: str) -> str:
    """The line without Markdown heading marks, emphasis or outer spaces."""
    text = MARKDOWN_HEADING.sub("", text)
    text = EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    return text.strip()


def is_markdown_heading(raw: str) -> bool:
    return bool(MARKDOWN_HEADING.match(raw))


def has_hard_break(raw: str) -> bool:
    """Two trailing spaces: a Markdown line break, the OCR's mark for 'same block'."""
    return raw.endswith("  ") and raw.strip() != ""


def last_meaningful(text: str) -> str:
    """The last character that is not a closing quote or bracket."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return stripped[-1:] if stripped else ""


def ends_sentence(text: str) -> bool:
    return last_meaningful(text) in SENTENCE_END


def ends_clause(text: str) -> bool:
    return text.rstrip()[-1:] in CLAUSE_END


QUOTED_SPAN = re.compile(r"“[^”]*”|「[^」]*」|《[^》]*》|（[^）]*）|\([^)]*\)")


def outside_quotes(text: str) -> str:
    """The text with quoted and bracketed spans removed."""
    return QUOTED_SPAN.sub("", text)


def clauses(text: str) -> list[tuple[int, int]]:
    """The text's comma-separated clauses (a comma inside quotes separates nothing), each as its
    length as printed and its length outside quotes: 打造“实体强村党建联盟”，整合资源助力村集体增收
    is (13, 4) and (11, 11)."""
    masked = QUOTED_SPAN.sub(lambda m: "\0" * len(m.group(0)), text)
    return [(len(c), len(c.replace("\0", ""))) for c in re.split(r"[，,]", masked) if c.strip("\0 ")]


def balanced(lengths: list[int]) -> bool:
    """Two clauses of comparable length (a headline's two halves), not one long clause and a short
    one left dangling by a column break."""
    short, long_ = sorted(lengths)
    return short >= 0.4 * long_


def dangles(text: str) -> bool:
    """Ends on a particle, conjunction or preposition standing alone (…社区的, …工作和, …提供更):
    cut mid-sentence. 明确发展方向, 供给 and 场所 end on such a character too, but as the end
    of a word; the dictionary tells which (``Segmenter.is_word``)."""
    return text[-1:] in DANGLING and not default_segmenter().is_word(text[-2:])


def is_heading_like(text: str) -> bool:
    """Short, no sentence inside, not cut off mid-clause, not speech.

    Headlines, kickers and 小标题 all look like this; a column-break fragment
    such as ``今年,张店区聚焦“美好社区”建设,梳`` does not: it has several
    clauses, or one long clause and a dangling short one.
    """
    text = KICKER_DASH.sub("", text)  # 栖霞找到发展新路径——: a kicker that leads into its title
    if not text or len(text) > HEADLINE_MAX or "。" in text or "；" in text:
        return False
    if dangles(text):
        return False
    if ends_clause(text) or SPEECH.match(text) or is_byline(text) or is_end_byline(text) or is_caption_marked(text) \
            or is_jump_line(text):
        return False
    parts = clauses(text)
    if len(parts) > 2:
        return False
    if len(parts) == 2:  # balanced as printed (打造“…联盟”，整合资源…) or outside quotes (党建引领，激活…“红色引擎”)
        return balanced([printed for printed, _ in parts]) or balanced([bare for _, bare in parts])
    return True


def could_be_long_headline(text: str) -> bool:
    """A title or kicker longer than usual: no full stop, not cut mid-clause."""
    text = KICKER_DASH.sub("", text)
    return bool(text) and len(text) <= LONG_HEADLINE_MAX and "。" not in text and not ends_clause(text) \
        and not SPEECH.match(text) and not is_byline(text)


def is_byline(text: str) -> bool:
    """□ 本报记者 刘磊 … / □王新端 / 记者 刘磊 通讯员 张胜伟 报道 (``frontmatter.is_byline``)."""
    return frontmatter.is_byline(text)


def is_end_byline(text: str) -> bool:
    """Names in parentheses on their own line, printed after the body: (杜明德 江玉宝)."""
    return frontmatter.end_credit(text) is not None


def is_photo_credit(text: str) -> bool:
    return frontmatter.is_photo_credit(text)


def is_jump_line(text: str) -> bool:
    """（下转第二版） / （上接第一版）: the article goes on, or came from, another page."""
    return bool(JUMP_LINE.match(fold(text).strip()))


def is_caption_marked(text: str) -> bool:
    """▲ ▼ 图为 … , or a description wholly in parentheses under a photo
    (``（村民申秀山（右）领到了赔款）``), which is neither a credit nor a jump line."""
    folded = fold(text).strip()
    if CAPTION_MARK.match(folded):
        return True
    return bool(PAREN_CAPTION.match(folded)) and frontmatter.end_credit(folded) is None \
        and not JUMP_LINE.match(folded)


def dateline(text: str) -> frontmatter.Dateline | None:
    """The dateline the line opens with (``本报淄博讯 11月13日``, ``本报讯（记者 X）`` …), parsed."""
    return frontmatter.dateline(text)


def ad_strength(text: str) -> int:
    """How strongly a line reads as advertising copy (0 = not at all)."""
    text = fold(text)
    score = len(AD_STRONG.findall(text))
    bare = re.sub(r"[\s\-]", "", text)
    if PHONE.search(text) and (len(bare) <= 20 or "电话" in text):
        score += 1
    if text.strip() == "广告":
        score += 2
    return score


def parse_byline(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Reporters and correspondents named in a byline, in printed order (names as printed)."""
    folded = fold(text)
    if folded == text:
        return _parse_byline(text)
    as_printed = lambda name: text[folded.index(name): folded.index(name) + len(name)] \
        if name in folded else name  # noqa: E731
    reporters, correspondents = _parse_byline(folded)
    return tuple(map(as_printed, reporters)), tuple(map(as_printed, correspondents))


def _parse_byline(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = frontmatter.end_credit(text)
    if names and not frontmatter.ROLE.search(text):
        return names, ()  # （X Y）: the authors, with no role printed
    return frontmatter.parse_names(text)


@dataclass(frozen=True)
class LineView:
    """A line with the layout facts the splitter reads."""

    number: int
    raw: str
    text: str  # markup stripped
    markdown_heading: bool
    hard_break: bool
    blank_before: bool
    numbers: tuple[int, ...] = ()  # the physical lines it was printed on (a wrapped paragraph has several)

    @property
    def last(self) -> int:
        """Its last physical line's number."""
        return self.numbers[-1] if self.numbers else self.number

    @property
    def all_numbers(self) -> list[int]:
        return list(self.numbers) if self.numbers else [self.number]

    @property
    def heading_like(self) -> bool:
        return is_heading_like(self.text)

    @property
    def broken(self) -> bool:
        """Ends without closing its sentence: a column break cut it."""
        return not ends_sentence(self.text)


def continues_cut_sentence(text: str) -> bool:
    """A line that reads as the rest of a cut sentence: it opens with a short clause."""
    if text[:1] in QUOTE_OPEN or dateline(text) or is_heading_like(text) or is_byline(text):
        return False
    first_clause = text.split("，")[0].split(",")[0].split("。")[0]
    return len(first_clause) <= 2 and not text.startswith(SENTENCE_OPENERS)


# Two-character words that open a sentence and are followed by a comma (目前，…):
# a short first clause made of one of these is a sentence start, not a cut sentence's end.
SENTENCE_OPENERS = ("目前", "同时", "此外", "其中", "另外", "为此", "随后", "如今", "今年", "去年", "近日", "日前",
                    "当前", "对此", "然而", "但是", "因此", "所以", "首先", "其次", "最后", "比如", "例如", "据悉")


CONTEXT_CAPTION_MAX = 40  # a caption printed inside a cut sentence is no longer than this


def text_after_finishes_cut(views: list, start: int, stop=frozenset()) -> bool:
    """Whether the body text from ``views[start]`` on (past a caption or photo credit) finishes a
    sentence that a column break cut: the line before ``start`` was then the cut sentence's start."""
    for j in range(start, min(start + 3, len(views))):
        text = views[j].text
        if continues_cut_sentence(text):
            return True
        if is_photo_credit(text):
            continue
        if not (ends_sentence(text) and len(text) <= CONTEXT_CAPTION_MAX) or j in stop:
            return False
    return False
