import codecs

import pytest

from generator.read.ingest import PageError, decode, list_pages, parse_page, read_page

TEXT = "社区治理见成效\n\n本报淄博讯 近日，某区召开会议。\n"


@pytest.mark.parametrize("data,encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.replace("\n", "\r\n").encode("gb18030"), "gb18030"),
])
def test_decodes_every_supported_encoding(tmp_path, data, encoding):
    path = tmp_path / "p.txt"
    path.write_bytes(data)
    page = read_page(path)
    assert page.encoding == encoding
    assert [line.text for line in page.lines] == ["社区治理见成效", "本报淄博讯 近日，某区召开会议。"]
    assert [line.number for line in page.lines] == [1, 3]


def test_cr_line_ends():
    text, _, _ = decode("甲\r乙\r".encode("utf-8"), "x.txt")
    assert [line.text for line in parse_page("x.txt", text).lines] == ["甲", "乙"]


@pytest.mark.parametrize("data,message", [
    (b"", "空"), (b"  \n\n ", "空"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "二进制"),
])
def test_unusable_files_name_the_file(data, message):
    with pytest.raises(PageError, match=rf"bad\.txt：.*{message}"):
        decode(data, "bad.txt")


def test_front_matter_gives_page_metadata():
    page = parse_page("p.txt", "---\nnewspaper: 淄博日报\nedition: 第3版\ndate: 2019-01-12\n---\n标题\n")
    assert (page.meta.newspaper, page.meta.edition, page.meta.date, page.meta.year) == ("淄博日报", "第3版", "2019-01-12", 2019)
    assert [line.number for line in page.lines] == [6]


def test_dashes_that_are_not_front_matter_stay_text():
    page = parse_page("p.txt", "---\n正文第一行\n---\n")
    assert [line.text for line in page.lines] == ["---", "正文第一行", "---"]


def test_non_page_files_are_listed_as_ignored(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    pages, ignored = list_pages(tmp_path)
    assert [p.name for p in pages] == ["a.txt"] and [p.name for p in ignored] == ["notes.md"]
