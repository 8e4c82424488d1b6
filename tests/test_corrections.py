"""Editors' corrections in seeds/corrections.yml, keyed by stable article id."""
from __future__ import annotations

import json
import re
import shutil
import time
import urllib.request

import pytest

from generator.config import ConfigError, Settings
from generator.build import build
from generator.render.export import EXPORT_PATH
from generator.render.site import render_site
from tests.conftest import SEEDS
from tests.project import make_project, mkdocs_serve


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def digest_with(seeds, corrections: str):
    (seeds / "corrections.yml").write_text(corrections, encoding="utf-8")
    site = build(Settings(seeds=seeds))
    digest, report = site.digest, site.report
    return digest, report, json.loads(render_site(digest)[EXPORT_PATH])


def article(export, title_part):
    return next(a for a in export["articles"] if title_part in a["title"])


def test_a_theme_title_date_and_place_are_corrected(seeds, seed_export):
    original = article(seed_export, "社保服务进万家")
    _, report, export = digest_with(seeds, f"""
{original['id']}:
  title: “社保服务进万家”活动在淄博启动
  date: 2019-11-13
  places: [淄博市张店区]
  themes: [insurance]
  note: 社保扶贫，编辑部 11 月 20 日确认
""")
    fixed = next(a for a in export["articles"] if a["id"] == original["id"])
    assert fixed["title"] == "“社保服务进万家”活动在淄博启动"
    assert fixed["url"] == original["url"]  # the URL does not move
    assert fixed["date"] == "2019-11-13" and fixed["themes"] == ["insurance"]
    assert fixed["places"] == ["淄博市张店区"]
    assert not report.warnings or all("corrections" not in w for w in report.warnings)


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_a_corrections_file_in_any_encoding_a_page_may_be_in_is_read(seeds, seed_export, encoding):
    original = article(seed_export, "社保服务进万家")
    (seeds / "corrections.yml").write_bytes(f"{original['id']}: {{title: 社保服务进万家活动启动}}\n".encode(encoding))
    site = build(Settings(seeds=seeds))
    assert next(a for a in site.digest.articles if a.id == original["id"]).draft.title == "社保服务进万家活动启动"


def test_a_corrections_file_that_is_not_text_is_one_error(seeds):
    (seeds / "corrections.yml").write_bytes(b"\x00\x01PK\x03\x04")
    with pytest.raises(ConfigError, match="^corrections.yml：像是二进制文件，不是文本$"):
        build(Settings(seeds=seeds))


def test_themes_can_be_cleared_to_other(seeds, seed_export):
    original = article(seed_export, "坚持党建引领 助推军民融合")
    _, _, export = digest_with(seeds, f"{original['id']}: {{themes: []}}\n")
    assert next(a for a in export["articles"] if a["id"] == original["id"])["themes"] == ["other"]


def test_a_hidden_article_leaves_the_site_but_not_the_export(seeds, seed_export):
    original = article(seed_export, "标准化协会")
    digest, _, export = digest_with(seeds, f"{original['id']}:\n  hide: true\n")
    assert original["id"] not in {a["id"] for a in export["articles"]}
    hidden = [d for d in export["dropped"] if d["kind"] == "hidden"]
    assert len(hidden) == 1 and original["id"] in hidden[0]["reason"]
    assert original["paragraphs"][0] in hidden[0]["text"]
    assert all(original["id"] not in a["related"] for a in export["articles"])


def test_two_pieces_are_merged_and_reanalysed(seeds, seed_export):
    target = article(seed_export, "张店区:睦邻集市山货进城")
    source = article(seed_export, "坚持党建引领 助推军民融合")
    _, _, export = digest_with(seeds, f"{source['id']}: {{merge_into: {target['id']}}}\n")
    ids = {a["id"] for a in export["articles"]}
    assert source["id"] not in ids
    merged = next(a for a in export["articles"] if a["id"] == target["id"])
    assert merged["paragraphs"][-len(source["paragraphs"]):] == source["paragraphs"]
    assert "veterans" in merged["themes"]  # analysed as one text
    assert any(n.startswith("已按 corrections.yml 并入") for n in merged["notes"])


def test_unknown_id_is_reported_with_the_id(seeds):
    _, report, export = digest_with(seeds, "0000000000: {themes: [veterans]}\n")
    assert any("0000000000" in w for w in report.warnings)
    assert export["articles"]


def test_an_unknown_place_is_reported(seeds, seed_export):
    original = article(seed_export, "社保服务进万家")
    _, report, _ = digest_with(seeds, f"{original['id']}: {{places: [火星市]}}\n")
    assert any(original["id"] in w and "火星市" in w for w in report.warnings)


def test_a_theme_is_given_by_its_key_or_the_chinese_name_the_site_shows(seeds, seed_export):
    original = article(seed_export, "社保服务进万家")
    _, _, export = digest_with(seeds, f"{original['id']}: {{themes: [保险扶贫与困难群众保障, veterans]}}\n")
    assert article(export, "社保服务进万家")["themes"] == ["insurance", "veterans"]


def test_an_unknown_theme_is_one_error_naming_the_id_the_field_and_the_accepted_values(seeds, seed_export):
    original = article(seed_export, "社保服务进万家")
    (seeds / "corrections.yml").write_text(f"{original['id']}: {{themes: [pensions]}}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        build(Settings(seeds=seeds))
    message = str(err.value)
    assert original["id"] in message and "themes" in message and "pensions" in message and "\n" not in message
    assert "insurance（保险扶贫与困难群众保障）" in message


@pytest.mark.parametrize("text,message", [
    ("abc: [unclosed\n", "无法读取更正"),
    ("- just a list\n", "应为“文章编号: 要更改的字段”的映射"),
    ("abc: {colour: red}\n", "abc：未知字段 colour"),
    ("abc: {date: 13/11/2019}\n", "abc：日期“13/11/2019”不是 YYYY-MM-DD 格式"),
    ("abc: {date: 2019-13-45}\n", "abc：日期“2019-13-45”不是 YYYY-MM-DD 格式"),  # YAML's own dates: no traceback
    ("abc: {hide: perhaps}\n", "abc：hide 应为 true 或 false"),
    ("abc: {merge_into: abc}\n", "abc：不能把文章并入它自己"),
])
def test_malformed_corrections_are_one_clear_error(seeds, text, message):
    (seeds / "corrections.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        build(Settings(seeds=seeds))
    assert "corrections.yml" in str(err.value) and message in str(err.value)
    assert "\n" not in str(err.value)


def test_cli_reports_a_malformed_corrections_file_in_one_line(seeds, tmp_path, capsys):
    from generator.cli import main

    (seeds / "corrections.yml").write_text("abc: {colour: red}\n", encoding="utf-8")
    assert main(["generate", "--seeds", str(seeds), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "corrections.yml" in err and "Traceback" not in err


def test_corrections_file_is_not_reported_as_a_stray_file(seeds):
    _, report, _ = digest_with(seeds, "")
    assert "corrections.yml" not in report.ignored


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def filed_under(html: str) -> str | None:
    """The theme the article page's facts list files it under."""
    match = re.search(r'<dt>专题</dt>\s*<dd><a href="?[^"> ]*themes/([a-z]+)/', html)  # quoted or minified
    return match.group(1) if match else None


def test_mkdocs_serve_shows_a_correction_without_a_restart(seeds, tmp_path, seed_export):
    """The editor's loop: serve, edit corrections.yml, reload the page, see the change."""
    original = article(seed_export, "社保服务进万家")
    assert original["themes"] == ["other"]
    project = make_project(seeds, tmp_path)
    with mkdocs_serve(project, tmp_path / "serve-tmp") as port:
        page = f"http://127.0.0.1:{port}/{original['url']}"
        assert _wait_for(lambda: filed_under(_get(page)) == "other", 90), "mkdocs serve did not come up"
        (seeds / "corrections.yml").write_text(f"{original['id']}: {{themes: [insurance]}}\n", encoding="utf-8")
        assert _wait_for(lambda: filed_under(_get(page)) == "insurance", 90), "the correction never showed"
