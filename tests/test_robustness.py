"""Bad input gets a handled outcome, output is safe, nothing is lost, builds are repeatable.

Each test builds from a seeds folder written in the test, as an editor would
fill it, through the same `build` → `render_site` path as `digest generate`.
"""
from __future__ import annotations

import codecs
import json
import re
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.config import Settings
from generator.build import BuildError, build
from generator.render.export import EXPORT_PATH
from generator.render.site import render_site
from tests.conftest import SEEDS, require_chromium, site_export
from tests.project import make_project, mkdocs_build

PAGE = ("退役军人服务站揭牌\n\n□记者 王一 报道\n\n本报淄博讯 11月13日，张店区退役军人服务站揭牌，"
        "为2718名退役军人提供服务。\n\n双拥工作取得新成效。\n")


def build_folder(folder: Path):
    site = build(Settings(seeds=folder))
    digest, report = site.digest, site.report
    files = render_site(digest)
    return digest, report, files, json.loads(files[EXPORT_PATH])


def seeds_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def export_text(export: dict) -> str:
    """Everything the export says, squeezed (the coverage check's haystack)."""
    return "".join(json.dumps(export, ensure_ascii=False).replace("\\n", "\n").replace('\\"', '"').split())


def assert_every_line_kept(page_text: str, export: dict):
    blob = export_text(export)
    for number, line in enumerate(page_text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        written = "".join(line.split()).lstrip("#")
        content = re.sub(r"\*\*|__", "", written)  # emphasis marks are removed; unpaired ones (3**3) are text
        if len(content) >= 2 and content != "---":
            assert content in blob or written in blob, f"line {number} lost: {line!r}"


# --- encodings -------------------------------------------------------------------

@pytest.mark.parametrize("name,data,encoding,warns", [
    ("utf8.txt", PAGE.encode("utf-8"), "utf-8", False),
    ("bom.txt", codecs.BOM_UTF8 + PAGE.encode("utf-8"), "utf-8-sig", False),
    ("gbk.txt", PAGE.encode("gbk"), "gb18030", True),
    ("gb18030.txt", PAGE.encode("gb18030"), "gb18030", True),
    ("utf16le.txt", codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le"), "utf-16", False),
    ("utf16be.txt", codecs.BOM_UTF16_BE + PAGE.encode("utf-16-be"), "utf-16", False),
    ("crlf.txt", PAGE.replace("\n", "\r\n").encode("utf-8"), "utf-8", False),
    ("cr.txt", PAGE.replace("\n", "\r").encode("utf-8"), "utf-8", False),
], ids=lambda v: v if isinstance(v, str) and v.endswith(".txt") else "")
def test_every_encoding_gives_the_same_article(tmp_path, name, data, encoding, warns):
    digest, report, _, export = build_folder(seeds_with(tmp_path, {name: data}))
    assert report.pages[0].encoding == encoding
    assert [a["title"] for a in export["articles"]] == ["退役军人服务站揭牌"]
    assert export["articles"][0]["themes"] == ["veterans"]
    assert any(name in w for w in report.warnings) == warns  # a guessed encoding is said, naming the file


def test_text_in_no_known_encoding_is_rejected_naming_the_file(tmp_path):
    folder = seeds_with(tmp_path, {"good.txt": PAGE.encode(), "latin.txt": bytes(range(0x80, 0x100)) * 4})
    _, report, _, export = build_folder(folder)
    assert [p.file for p in report.pages] == ["good.txt"]
    assert any(w.startswith("latin.txt：") and w.endswith("已跳过此版面") for w in report.warnings)


# --- unusable files ----------------------------------------------------------------

@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "空"),
    ("blank.txt", b"  \n\t\n \r\n", "空"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "二进制"),
], ids=lambda v: v if isinstance(v, str) and v.endswith(".txt") else "")
def test_unusable_page_is_skipped_with_its_name_and_the_rest_is_built(tmp_path, name, data, reason):
    _, report, _, export = build_folder(seeds_with(tmp_path, {"good.txt": PAGE.encode(), name: data}))
    assert len(export["articles"]) == 1
    skipped = [w for w in report.warnings if w.startswith(f"{name}：")]
    assert len(skipped) == 1 and reason in skipped[0] and skipped[0].endswith("已跳过此版面")


def test_only_unusable_pages_is_a_one_line_error(tmp_path):
    with pytest.raises(BuildError, match=r"empty\.txt：文件是空的"):
        build(Settings(seeds=seeds_with(tmp_path, {"empty.txt": b""})))


def test_files_that_are_not_pages_are_ignored_and_said(tmp_path):
    folder = seeds_with(tmp_path, {"p.txt": PAGE.encode(), "scan.pdf": b"%PDF-1.4", "notes.md": b"# x"})
    _, report, _, _ = build_folder(folder)
    assert sorted(report.ignored) == ["notes.md", "scan.pdf"]
    assert sum("不是版面文件" in w for w in report.warnings) == 2


@pytest.mark.parametrize("name", ["第 3 版 淄博日报.txt", "2019.11.13.p3.final.txt", "page with spaces.txt"])
def test_awkward_file_names(tmp_path, name):
    _, _, files, export = build_folder(seeds_with(tmp_path, {name: PAGE.encode()}))
    article = export["articles"][0]
    assert article["source"]["file"] == name
    assert re.fullmatch(r"articles/[a-z0-9-]+/", article["url"])  # the URL never carries the file name
    assert name in files[f"{article['url'].rstrip('/')}.md"].replace("\\", "")  # the page names its source


# --- size ---------------------------------------------------------------------------

def test_a_single_line_of_200000_characters_is_kept_whole(tmp_path):
    line = "社区治理见成效，群众满意度提升" * 13334
    _, _, files, export = build_folder(seeds_with(tmp_path, {"long.txt": (PAGE + "\n" + line + "\n").encode()}))
    assert len(line) >= 200000
    assert line in "".join(p for a in export["articles"] for p in a["paragraphs"]) + \
        "".join(d["text"] for d in export["dropped"])
    for article in export["articles"]:
        assert len("".join(article["summary"])) <= 200  # the summary stays a summary


def test_a_20_mb_page_is_processed_and_loses_nothing(tmp_path):
    seed_text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    copies = 20_000_000 // len(seed_text.encode("utf-8")) + 1
    big = "\n\n".join([seed_text] * copies)
    assert len(big.encode("utf-8")) >= 20_000_000
    from generator.read.ingest import parse_page
    from generator.read.split import split_page

    # The splitter alone (the analysis of so much text is the benchmark's business).
    page = parse_page("big.txt", big)
    drafts, dropped = split_page(page)
    fields = [t for d in drafts for t in (d.title, d.kicker or "", d.subtitle or "", d.byline.text, *d.captions,
                                            *d.credits, *(p.text for p in d.paragraphs), *(h.text for h in d.headings),
                                            *(e.original for e in d.edits))] + [x.text for x in dropped]
    squeezed = lambda text: len("".join(text.split()))  # noqa: E731
    kept = sum(squeezed(t) for t in fields)
    given = sum(squeezed(line.text) for line in page.lines)
    assert drafts and kept >= given  # every character is somewhere (markup edits are counted twice)


def test_a_page_without_any_headline_keeps_its_text_in_dropped(tmp_path):
    text = "会议指出，要进一步加强基层治理，提升服务水平，推动各项工作落实落地。\n" * 3
    _, _, _, export = build_folder(seeds_with(tmp_path, {"good.txt": PAGE.encode(), "nohead.txt": text.encode()}))
    dropped = [d for d in export["dropped"] if d["file"] == "nohead.txt"]
    assert dropped and all(d["reason"] for d in dropped)
    assert_every_line_kept(text, export)


# --- traditional Chinese and full-width digits ------------------------------------------

TRADITIONAL = ("退役軍人服務站揭牌\n\n□記者 王小明 報道\n\n本報淄博訊 11月13日，張店區退役軍人服務站揭牌，"
               "為２７１８名退役軍人提供就業、優撫等服務。\n\n雙擁工作取得新成效。\n")


def test_traditional_text_is_analysed_like_simplified_and_shown_as_written(tmp_path):
    _, _, files, export = build_folder(seeds_with(tmp_path, {"trad.txt": TRADITIONAL.encode("utf-8")}))
    (article,) = export["articles"]
    assert article["title"] == "退役軍人服務站揭牌"  # as written
    assert article["themes"] == ["veterans"]  # theme terms are simplified
    assert article["reporters"] == ["王小明"] and article["dateline"] == "本報淄博訊"
    assert "退役军人服务站" in article["keywords"]  # one tag for both scripts
    assert any(p.endswith("张店区") for p in article["places"])
    assert all(s in "".join(article["paragraphs"]) for s in article["summary"])  # quoted as written
    assert "２７１８" in [f["value"] for f in article["figures"]]
    page = files[f"{article['url'].rstrip('/')}.md"]
    assert "為２７１８名退役軍人" in page


def test_traditional_and_simplified_copies_get_the_same_analysis(tmp_path):
    simplified = unicodedata.normalize("NFKC", PAGE)
    a = build_folder(seeds_with(tmp_path / "s", {"p.txt": simplified.encode()}))[3]["articles"][0]
    t = build_folder(seeds_with(tmp_path / "t", {"p.txt": TRADITIONAL.replace(" 報道", " 报道").encode()}))[3][
        "articles"][0]
    assert a["themes"] == t["themes"] and a["places"] == t["places"]


# --- safe output ----------------------------------------------------------------------------

HOSTILE = """<script>alert(1)</script>
社区治理<img src=x onerror=alert(1)>新成效

□记者 王一 报道

本报淄博讯 11月13日，社区召开会议[点我](javascript:alert(1))，讨论{{ config }}和{% include "x.html" %}等事项。

<iframe src="javascript:alert(1)"></iframe>居民代表发言<svg onload=alert(1)>。

# 标题
| a | b |
---
**加粗**与`代码`与<!-- 注释 -->与&lt;实体&gt;都应原样显示。
"""


def test_markup_in_pages_is_rendered_as_literal_text_in_the_markdown(tmp_path):
    _, _, files, export = build_folder(seeds_with(tmp_path, {"hostile.txt": HOSTILE.encode()}))
    assert_every_line_kept(HOSTILE, export)
    for path, text in files.items():
        if path.endswith(".md"):
            assert "<script" not in text and "<img" not in text and "<iframe" not in text, path
            assert "{{ config }}" not in text.replace("\\{", "{") or "&#123;" in text or "\\{" in text


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") and value and "alert" in value:
                self.bad.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src") and value and value.strip().lower().startswith("javascript:"):
                self.bad.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "img") and any(v == "x" or "javascript" in (v or "") for _, v in attrs):
            self.bad.append(f"<{tag}>")
        self._in_script = tag == "script"
        if tag in ("title", "textarea"):  # text only, as a browser reads it (the minified site unescapes "<" there)
            self.set_cdata_mode(tag)

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.bad.append("<script>alert(1)</script>")

    def handle_endtag(self, tag):
        self._in_script = False


def build_site_from(seeds: Path, out: Path, *, expect_success: bool = True):
    """`mkdocs build --strict` of this project with another seeds folder."""
    result = mkdocs_build(out, project=make_project(seeds, out.parent))
    if not expect_success:
        return result
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def test_mkdocs_build_stops_with_a_one_line_reason(tmp_path):
    result = build_site_from(seeds_with(tmp_path, {"empty.txt": b""}), tmp_path / "site", expect_success=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "empty.txt" in errors[0], result.stderr[-1000:]
    assert not (tmp_path / "site" / "index.html").exists()


def test_mkdocs_build_strict_fails_on_a_skipped_page(tmp_path):
    seeds = seeds_with(tmp_path, {"good.txt": PAGE.encode(), "photo.txt": b"\x00\x01binary"})
    result = build_site_from(seeds, tmp_path / "site", expect_success=False)
    assert result.returncode != 0 and "photo.txt" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    seeds = seeds_with(base, {"hostile.txt": HOSTILE.encode(), "good.txt": PAGE.encode()})
    return build_site_from(seeds, base / "site")


def test_built_site_has_no_script_or_handler_from_the_input(hostile_site):
    bad = []
    for page in hostile_site.rglob("*.html"):
        parser = _Elements()
        parser.feed(page.read_text(encoding="utf-8"))
        bad += [f"{page.relative_to(hostile_site)}: {b}" for b in parser.bad]
    assert not bad, bad[:5]
    export = site_export(hostile_site)
    url = next(a["url"] for a in export["articles"] if "讨论" in "".join(a["paragraphs"]))
    html = (hostile_site / url / "index.html").read_text(encoding="utf-8")
    assert re.search(r"&lt;script(&gt;|>)alert\(1\)&lt;/script(&gt;|>)", html)  # the literal text ("<" escaped)
    assert "{{ config }}" in html and "{% include" in html


def test_no_dialog_opens_in_the_browser(hostile_site):
    require_chromium()
    from tests.browser import SearchBox, chromium, serve

    dialogs = []
    with serve(hostile_site) as base_url, chromium() as browser:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for html in sorted(hostile_site.rglob("index.html")):
            page.goto(base_url + html.parent.relative_to(hostile_site).as_posix() + "/")
        page.goto(base_url)
        box = SearchBox(page, base_url)
        box.open()
        answer = box.ask("alert")  # the search result list renders indexed text too
        page.wait_for_timeout(300)
    assert dialogs == []
    assert answer.results  # the text is searchable, as text


# --- nothing lost, property-based ---------------------------------------------------------

LINES = st.one_of(
    st.text(alphabet="社区党建治理服务群众記者本報讯，。“”□▲广告元/m²０１２3456789：:## -*()（）<>{}%|[]`", min_size=1,
            max_size=50),
    st.sampled_from(["□记者 王一 报道", "广告", "8900元/m²起", "## 标题", "(张三 李四)", "图为现场。", "——副题",
                     "<script>alert(1)</script>", "{{ config }}", "{% include %}", "| a | b |", "---", "# 标题",
                     "[x](javascript:alert(1))", "本報淄博訊 11月1日，會議召開。", "退役軍人服務站揭牌"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINES, min_size=1, max_size=25), st.lists(st.booleans(), min_size=25, max_size=25))
def test_random_pages_build_and_every_line_is_in_the_export(tmp_path_factory, lines, blanks):
    text = "".join(line + ("\n\n" if blank else "\n") for line, blank in zip(lines, blanks))
    folder = seeds_with(tmp_path_factory.mktemp("random"), {"random.txt": (PAGE + "\n" + text).encode()})
    _, _, files, export = build_folder(folder)
    assert_every_line_kept(PAGE + "\n" + text, export)
    assert files == render_site(build(Settings(seeds=folder)).digest)  # same input, same output


# --- repeatable ------------------------------------------------------------------------------

def test_two_builds_are_byte_identical(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    assert build_folder(folder)[2] == build_folder(folder)[2]


def test_adding_an_unrelated_page_keeps_every_id_and_url(tmp_path, seed_export):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    (folder / "000_aaa_new_page.txt").write_text(PAGE, encoding="utf-8")
    after = {a["id"]: a["url"] for a in build_folder(folder)[3]["articles"]}
    before = {a["id"]: a["url"] for a in seed_export["articles"]}
    assert all(after.get(i) == url for i, url in before.items())
    assert len(after) == len(before) + 1
