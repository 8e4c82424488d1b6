import json
import subprocess
import sys

from generator.cli import main
from tests.conftest import SEEDS


def test_generate_writes_pages_and_export(tmp_path, capsys):
    assert main(["generate", "--seeds", str(SEEDS), "--out", str(tmp_path / "out")]) == 0
    export = json.loads((tmp_path / "out/data/articles.json").read_text(encoding="utf-8"))
    assert len(export["articles"]) >= 20
    assert (tmp_path / "out/index.md").exists() and (tmp_path / "out/themes/governance.md").exists()
    assert "篇文章" in capsys.readouterr().out


def test_a_rebuild_writes_only_what_changed_and_removes_what_is_gone(tmp_path):
    from generator.write import write_site

    out = tmp_path / "out"
    files = {"index.md": "首页\n", "articles/a.md": "甲\n", "articles/b.md": "乙\n"}
    assert write_site(out, files.items()) == (3, 3)
    assert write_site(out, files.items()) == (3, 0)  # nothing changed: nothing written
    (out / "articles/a.md").write_text("改过的\n", encoding="utf-8")  # ours, edited by hand: put right
    (out / "stray.md").write_text("不是生成的\n", encoding="utf-8")  # not ours: left alone
    files = {"index.md": "首页，新\n", "articles/a.md": "甲\n"}
    assert write_site(out, files.items()) == (2, 2)
    on_disk = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
               for p in out.rglob("*") if p.is_file() and p.name != ".digest-manifest.json"}
    assert on_disk == {**files, "stray.md": "不是生成的\n"}
    (out / "stray.md").unlink()
    # a large file comes in pieces, under a key: written only when the key changed or the file was edited
    from generator.render.text import Streamed

    def big(key, *pieces):
        return [("data/big.json", Streamed(key, lambda: iter(pieces)))]

    assert write_site(out, big("k1", b"[1,", b"2]\n")) == (1, 1)
    assert write_site(out, big("k1", b"[1,", b"2]\n")) == (1, 0)
    assert (out / "data/big.json").read_text(encoding="utf-8") == "[1,2]\n"
    assert not (out / "index.md").exists()  # ours, and no longer in the site
    assert write_site(out, big("k2", b"[1,", b"3]\n")) == (1, 1)
    (out / "data/big.json").write_text("[0]\n", encoding="utf-8")
    assert write_site(out, big("k2", b"[1,", b"3]\n")) == (1, 1)
    assert (out / "data/big.json").read_text(encoding="utf-8") == "[1,3]\n"


def test_a_deferred_page_is_rendered_only_when_its_inputs_or_the_file_changed(tmp_path):
    from generator.write import write_site
    from generator.render.text import Deferred

    out, rendered = tmp_path / "out", []

    def page(key, text):
        return Deferred(key, lambda: rendered.append(key) or text)

    assert write_site(out, [("a.md", page("k1", "甲\n")), ("b.md", page("k2", "乙\n"))]) == (2, 2)
    assert rendered == ["k1", "k2"]
    assert write_site(out, [("a.md", page("k1", "甲\n")), ("b.md", page("k2", "乙\n"))]) == (2, 0)
    assert rendered == ["k1", "k2"]  # same inputs, files untouched: nothing rendered
    assert write_site(out, [("a.md", page("k1", "甲\n")), ("b.md", page("k3", "乙，新\n"))]) == (2, 1)
    assert rendered[2:] == ["k3"]
    (out / "a.md").write_text("手改过\n", encoding="utf-8")  # edited by hand: rendered and put right
    assert write_site(out, [("a.md", page("k1", "甲\n")), ("b.md", page("k3", "乙，新\n"))]) == (2, 1)
    assert rendered[3:] == ["k1"] and (out / "a.md").read_text(encoding="utf-8") == "甲\n"
    # a page that renders to the same text under new inputs is compared, not rewritten
    assert write_site(out, [("a.md", page("k4", "甲\n")), ("b.md", page("k3", "乙，新\n"))]) == (2, 0)
    assert write_site(out, [("a.md", page("k4", "甲\n")), ("b.md", page("k3", "乙，新\n"))]) == (2, 0)
    assert rendered[4:] == ["k4"]


def test_a_build_that_fails_part_way_changes_nothing(tmp_path):
    import pytest

    from generator.write import write_site

    out = tmp_path / "out"
    write_site(out, {"a.md": "旧\n", "b.md": "旧\n"}.items())

    def failing():
        yield "a.md", "新\n"
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        write_site(out, failing())
    assert (out / "a.md").read_text(encoding="utf-8") == "旧\n" and (out / "b.md").exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".digest-staging")] == []


def test_unreadable_page_is_skipped_and_named_strict_mode_fails_and_keeps_output(tmp_path, capsys):
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    seeds.mkdir()
    (seeds / "good.txt").write_text("某区召开会议\n\n□记者 王一 报道\n\n本报淄博讯 会议召开。\n", encoding="utf-8")
    assert main(["generate", "--seeds", str(seeds), "--out", str(out)]) == 0
    before = (out / "data/articles.json").read_bytes()
    (seeds / "broken page.txt").write_bytes(b"\x00\x01\x02binary")
    capsys.readouterr()
    # --strict: a one-line error naming the file, the previous output untouched
    assert main(["generate", "--strict", "--seeds", str(seeds), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "broken page.txt" in err and "Traceback" not in err
    assert (out / "data/articles.json").read_bytes() == before
    # default: the other pages are published, the bad one is named as skipped
    assert main(["generate", "--seeds", str(seeds), "--out", str(out)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["digest 警告：broken page.txt：像是二进制文件，不是文本；已跳过此版面"]
    assert json.loads((out / "data/articles.json").read_text(encoding="utf-8"))["articles"]


def test_no_readable_page_is_an_error_naming_the_files(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "empty.txt").write_bytes(b"")
    assert main(["generate", "--seeds", str(seeds), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "empty.txt" in err and "Traceback" not in err and not (tmp_path / "out").exists()


def test_missing_seeds_folder(tmp_path, capsys):
    assert main(["generate", "--seeds", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 1
    assert "找不到版面文件夹" in capsys.readouterr().err


def test_help_documents_every_command():
    result = subprocess.run([sys.executable, "-m", "generator.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "generate" in result.stdout and "check" in result.stdout
    sub = subprocess.run([sys.executable, "-m", "generator.cli", "generate", "--help"], capture_output=True, text=True)
    assert "--seeds" in sub.stdout and "--out" in sub.stdout


def test_check_reports_per_page(capsys):
    assert main(["check", "--seeds", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    assert "004_54c9fe256b89c4a1.txt" in out and "广告" in out  # dropped text, by kind, in Chinese
    assert "每行之后空一行" in out  # the layout convention each page was read in
    assert "编号 " in out  # the id corrections use
    assert "Traceback" not in out




def test_the_command_line_builds_the_pages_the_plugin_would(tmp_path, monkeypatch, seed_digest):
    """One decision of the search backend for both entry points (``generator.search_backend``)."""
    from generator import search_backend
    from generator.render.site import render_site

    assert search_backend("auto", 399) == "material" and search_backend("auto", 400) == "pagefind"
    assert search_backend("pagefind", 1) == "pagefind"
    for chosen in ("material", "pagefind"):
        out = tmp_path / chosen
        monkeypatch.setenv("DIGEST_SEARCH", chosen)
        assert main(["generate", "--no-cache", "--seeds", str(SEEDS), "--out", str(out)]) == 0
        expected = render_site(seed_digest, search=chosen)
        article = next(p for p in expected if p.startswith("articles/"))
        assert (out / article).read_text(encoding="utf-8") == expected[article]

