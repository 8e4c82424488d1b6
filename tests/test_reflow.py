"""The layout stage: each OCR convention detected, logical lines rebuilt with their line numbers."""
from generator.read import reflow
from tests.conftest import page_of

HEAD = "某区推进社区治理"
BYLINE = "□记者 王一 通讯员 李二 报道"
PARAGRAPHS = [
    "本报淄博讯 11月13日，某区召开会议，部署今年的重点工作，参会人员就有关事项进行了讨论，会议由区长主持。",
    "会议指出，要持续推进各项工作落地见效，切实把好事办好、实事办实，让群众有更多获得感和幸福感。",
    "下一步，该区将继续深化改革，完善服务体系，推动基层治理能力不断提升，让改革成果更多更公平地惠及全体居民。",
]
SUBHEAD = "强化党的领导 落实服务政策"
CLOSING = set("，。、；：！？”’」）)")


def wrap(text: str, width: int) -> list[str]:
    """As a printed column: ``width`` characters a line, closing punctuation kept on the line before."""
    lines, rest = [], text
    while rest:
        cut = min(width, len(rest))
        while cut < len(rest) and rest[cut] in CLOSING:
            cut += 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines


def laid_out(width: int | None = None, *, indent: str = "　　", blank: bool = False, articles: int = 3) -> str:
    """A page of ``articles`` copies of one article, laid out in a convention."""
    lines = []
    for _ in range(articles):
        lines += [HEAD, BYLINE]
        for k, paragraph in enumerate(PARAGRAPHS):
            if k == 2:
                lines.append(SUBHEAD)
            text = indent + paragraph
            lines.extend(wrap(text, width) if width else [text])
    return ("\n\n" if blank else "\n").join(lines) + "\n"


def logical(text: str) -> tuple[reflow.Convention, list[reflow.LogicalLine]]:
    page = page_of(text)
    convention = reflow.detect(page.lines)
    return convention, reflow.logical_lines(page.lines, convention)


def test_each_convention_is_detected():
    assert logical(laid_out(indent="", blank=True))[0] == reflow.Convention(blank_lines=True)
    assert logical(laid_out(indent=""))[0] == reflow.Convention(blank_lines=False)
    assert logical(laid_out())[0] == reflow.Convention(blank_lines=False, indented=True)
    assert logical(laid_out(15))[0].wrap_width == 15
    ascii_page = laid_out().replace("，", ",").replace("：", ":")
    assert logical(ascii_page)[0].ascii_punctuation
    assert logical("## 标题\n\n" + laid_out(indent="", blank=True))[0].markdown_headings


def test_wrapped_paragraphs_come_back_whole_at_every_width():
    expected = [HEAD, BYLINE, *PARAGRAPHS[:2], SUBHEAD, PARAGRAPHS[2]] * 3
    for width in range(10, 31):
        convention, lines = logical(laid_out(width))
        assert convention.wrap_width == width
        assert [line.text for line in lines] == expected, width


def test_every_physical_line_number_is_kept_once_in_order():
    text = laid_out(12)
    _, lines = logical(text)
    numbers = [n for line in lines for n in line.numbers]
    assert numbers == [k for k, line in enumerate(text.splitlines(), start=1) if line.strip()]


def test_a_headline_after_a_full_last_line_is_not_swallowed():
    body = wrap("　　" + "丙" * 27 + "。", 15)  # two full lines: the last one closes the sentence
    assert [len(line) for line in body] == [15, 15]
    page = "\n".join([HEAD, BYLINE, *body, "另一篇文章的标题在此", BYLINE]) + "\n"
    _, lines = logical(page)
    assert [line.text for line in lines][-2:] == ["另一篇文章的标题在此", BYLINE]


def test_a_byline_or_markdown_heading_is_never_wrapped_into_a_paragraph():
    page = "\n".join(["　　" + "甲" * 13, "□本报记者 王一 李", "二", "## 小标题一二三四五六七八", "乙乙乙"]) + "\n"
    convention = reflow.Convention(blank_lines=False, indented=True, wrap_width=15)
    lines = reflow.logical_lines(page_of(page).lines, convention)
    assert [line.text for line in lines][:2] == ["甲" * 13, "□本报记者 王一 李"]


def test_unwrapped_pages_keep_their_lines_as_printed():
    page = laid_out(indent="", blank=True)
    convention, lines = logical(page)
    assert convention.wrap_width is None
    assert [line.text for line in lines] == [l for l in page.splitlines() if l]
    assert all(line.block_start for line in lines)
