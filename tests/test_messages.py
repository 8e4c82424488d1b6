"""Every message an editor sees is in Chinese: errors, warnings, notes, `digest check` and the help.

Each case below is something an editor does wrong (or meets) at the command line; the messages it
gets may name files, fields and options, but hold no English phrase. MkDocs' side (the plugin's
one-line error under `mkdocs serve`) is checked in tests/test_site.py."""
from __future__ import annotations

import re

import pytest

from generator.cli import main
from generator.model import DROPPED_KINDS
from generator.read.boundaries import FEATURE_NAMES, WEIGHTS

# three words in a row, as tests/test_site.py looks for on reader pages; words joined by "-" or
# "_" are one (an option, a field, a format: --feed-size, merge_into, YYYY-MM-DD)
ENGLISH_PHRASE = re.compile(r"(?<![\w\-])[A-Za-z]+(?:\s+[A-Za-z]+){2,}(?![\w\-])")
PAGE = ("退役军人服务站揭牌\n\n□记者 王一 报道\n\n本报淄博讯 11月13日，张店区退役军人服务站揭牌，"
        "为2718名退役军人提供服务。\n\n双拥工作取得新成效。\n")


def said(capsys, tmp_path) -> str:
    """What the command printed, both streams, with the test's own folder names taken out."""
    out, err = capsys.readouterr()
    return (out + err).replace(str(tmp_path), "")


def english_in(text: str) -> list[str]:
    return ENGLISH_PHRASE.findall(text)


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "good.txt").write_text(PAGE, encoding="utf-8")
    return folder


def run(*args, seeds, tmp_path, out="out") -> list[str]:
    command = [*args, "--seeds", str(seeds), "--cache", str(tmp_path / "cache")]
    return main(command + (["--out", str(tmp_path / out)] if args[0] == "generate" else []))


def test_warnings_and_the_summary_of_a_folder_with_awkward_files(seeds, tmp_path, capsys):
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (seeds / "gbk.txt").write_bytes(PAGE.replace("揭牌", "启用").encode("gbk"))
    (seeds / "scan.pdf").write_bytes(b"%PDF-1.4")
    (seeds / "dated.txt").write_text("---\ndate: 2019-13\nyear: 19\n---\n" + PAGE.replace("揭牌", "挂牌"),
                                     encoding="utf-8")
    (seeds / "corrections.yml").write_text("0000000000: {title: 新标题}\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "README.md").write_text("别人的文件\n", encoding="utf-8")
    assert run("generate", seeds=seeds, tmp_path=tmp_path) == 0
    text = said(capsys, tmp_path)
    for name in ("empty.txt", "photo.txt", "gbk.txt", "scan.pdf", "dated.txt", "0000000000"):
        assert name in text
    assert "篇文章" in text and "不是 digest 写的" in text
    assert english_in(text) == [], text
    assert run("generate", "--strict", seeds=seeds, tmp_path=tmp_path) == 1
    assert english_in(said(capsys, tmp_path)) == []


@pytest.mark.parametrize("corrections", [
    "abc: [unclosed\n",
    "- just a list\n",
    "abc: {colour: red}\nabd: {date: 2019-13-45, hide: perhaps, merge_into: abd, title: 3}\n",
    "abc: {themes: [不存在的专题]}\n",
])
def test_a_bad_corrections_file_is_one_chinese_line(seeds, tmp_path, capsys, corrections):
    (seeds / "corrections.yml").write_text(corrections, encoding="utf-8")
    assert run("generate", seeds=seeds, tmp_path=tmp_path) == 1
    text = said(capsys, tmp_path)
    assert text.startswith("digest 错误：corrections.yml：") and text.count("\n") == 1, text
    assert english_in(text.split("（")[0]) == [], text  # YAML's own words may follow in brackets


@pytest.mark.parametrize("themes", [
    "themes: [1, 2]\n",
    "themes:\n  Bad Key: {name: 甲}\n  other: {name: 乙, threshold: x, terms: {词: heavy}, context: {语境: 1}}\n",
])
def test_a_bad_theme_file_is_one_chinese_line(seeds, tmp_path, capsys, themes):
    (tmp_path / "themes.yml").write_text(themes, encoding="utf-8")
    assert run("generate", "--themes", str(tmp_path / "themes.yml"), seeds=seeds, tmp_path=tmp_path) == 1
    text = said(capsys, tmp_path)
    assert text.startswith("digest 错误：") and text.count("\n") == 1 and english_in(text) == [], text


@pytest.mark.parametrize("out", ["seeds", "seeds/out", ".", "file.txt"])
def test_a_refused_out_folder_is_said_in_chinese(seeds, tmp_path, capsys, out):
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    assert run("generate", seeds=seeds, tmp_path=tmp_path, out=out) == 2
    text = said(capsys, tmp_path)
    assert text.startswith("digest 错误：--out") and english_in(text) == [], text


def test_no_page_a_missing_folder_and_a_bad_segmenter(seeds, tmp_path, capsys, monkeypatch):
    (seeds / "good.txt").write_bytes(b"  \n")
    assert run("generate", seeds=seeds, tmp_path=tmp_path) == 1
    assert run("check", seeds=tmp_path / "nowhere", tmp_path=tmp_path) == 1
    monkeypatch.setenv("DIGEST_SEGMENTER", "jieba-fast")
    assert run("check", seeds=seeds, tmp_path=tmp_path) == 1
    lines = said(capsys, tmp_path).splitlines()
    assert [line.split("：")[0] for line in lines] == ["digest 错误"] * 3 and english_in("\n".join(lines)) == []
    assert "DIGEST_SEGMENTER" in lines[2]


def test_check_names_dropped_text_and_evidence_in_chinese(tmp_path, capsys):
    from tests.conftest import SEEDS

    assert run("check", seeds=SEEDS, tmp_path=tmp_path) == 0
    text = said(capsys, tmp_path)
    assert "舍弃" in text and "待核" in text and "说明" in text
    assert english_in(text) == [], english_in(text)


def test_every_dropped_kind_and_piece_of_evidence_has_a_chinese_name():
    assert set(FEATURE_NAMES) == set(WEIGHTS)
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in [*FEATURE_NAMES.values(), *DROPPED_KINDS.values()])


@pytest.mark.parametrize("command", [[], ["generate"], ["check"]])
def test_help_is_chinese(capsys, command):
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    text = capsys.readouterr().out
    assert text.startswith("用法：") and english_in(text) == [], english_in(text)


@pytest.mark.parametrize("argv", [
    ["generate"], ["generate", "--out", "o", "--feed-size", "0"], ["generate", "--out", "o", "--search", "foo"],
    ["nope"], ["check", "--bogus", "1"], ["generate", "--out"], ["check", "--jobs", "many"],
])
def test_a_mistyped_command_line_is_said_in_chinese(capsys, argv):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == 2 and err[0].startswith("用法：digest")
    assert re.fullmatch(r"digest( \w+)? 错误：命令行有误：.+", err[-1]) and english_in(err[-1]) == [], err[-1]
