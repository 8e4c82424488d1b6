"""The generator writes and deletes only its own files (issue: never delete what it did not write)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main
from generator.write import MANIFEST, OutputError, check_output_folder, write_site
from tests.conftest import SEEDS


def snapshot(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``folder`` (path → sha1 of its bytes), leaving out the top-level names ``skip``."""
    found = {}
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel.split("/")[0] not in skip:
            found[rel] = hashlib.sha1(path.read_bytes()).hexdigest()
    return found


def hand_written(folder: Path) -> dict[str, str]:
    """A docs/ folder as an editor keeps it: pages, images, overrides, a .git folder."""
    files = {"about.md": "# 关于\n\n本站由编辑手写。\n", "overrides/main.html": "{% extends 'base.html' %}\n",
             "stylesheets/digest.css": ".x { color: red }\n", "images/photo.png": "\x89PNG fake",
             ".git/HEAD": "ref: refs/heads/main\n", "notes.txt": "编辑的笔记\n"}
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return snapshot(folder)


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("digest 错误：") and "Traceback" not in err[0], err
    return err[0]


def test_out_that_holds_the_seeds_is_refused_and_nothing_is_touched(tmp_path, monkeypatch, capsys):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "notes.txt").write_text("我的笔记\n", encoding="utf-8")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "--seeds", "seeds", "--out", "."]) == 2
    assert "包含版面文件夹" in one_line_error(capsys)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("where", ["seeds", "seeds/out", "seeds/a/b"])
def test_out_that_is_or_lies_inside_the_seeds_folder_is_refused(tmp_path, capsys, where):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    before = snapshot(tmp_path)
    assert main(["generate", "--seeds", str(seeds), "--out", str(tmp_path / where)]) == 2
    one_line_error(capsys)
    assert snapshot(tmp_path) == before and not (tmp_path / "seeds/out").exists()


def test_project_root_home_and_file_system_root_are_refused(tmp_path, monkeypatch):
    seeds = tmp_path / "pages"
    seeds.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    for out, reason in ((project, "项目的根目录"), (Path("/"), "文件系统的根目录")):
        with pytest.raises(OutputError, match=reason):
            check_output_folder(out, seeds=seeds)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    with pytest.raises(OutputError, match="主目录"):
        check_output_folder(tmp_path / "home", seeds=seeds)


def test_out_docs_keeps_every_hand_written_file_byte_for_byte(tmp_path, capsys):
    seeds, docs = tmp_path / "seeds", tmp_path / "docs"
    shutil.copytree(SEEDS, seeds)
    docs.mkdir()
    before = hand_written(docs)
    assert main(["generate", "--seeds", str(seeds), "--out", str(docs), "--no-cache"]) == 0
    assert "都保持原样" in capsys.readouterr().err  # said once, in one line
    after = snapshot(docs)
    assert {p: after[p] for p in before} == before
    assert "index.md" in after and "data/articles.json" in after
    # a page removed: its generated files go, the hand-written ones stay
    first = sorted(seeds.glob("*.txt"))[0]
    first.unlink()
    assert main(["generate", "--seeds", str(seeds), "--out", str(docs), "--no-cache"]) == 0
    again = snapshot(docs)
    assert {p: again[p] for p in before} == before
    gone = set(after) - set(again)
    assert gone and all(p.startswith(("articles/", "places/", "tags/")) for p in gone)
    manifest = json.loads((docs / MANIFEST).read_text(encoding="utf-8"))
    assert not set(manifest["files"]) & set(before) and manifest["staging"] is None


def test_a_file_that_is_not_ours_where_the_site_needs_its_own_is_refused(tmp_path, capsys):
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(SEEDS, seeds)
    out.mkdir()
    (out / "index.md").write_text("# 编辑写的首页\n", encoding="utf-8")
    before = snapshot(out)
    assert main(["generate", "--seeds", str(seeds), "--out", str(out), "--no-cache"]) == 1
    assert "index.md" in one_line_error(capsys).split("（")[1]
    assert snapshot(out) == before and not (out / MANIFEST).exists()
    assert [p.name for p in out.iterdir()] == ["index.md"]  # no staging folder left either


def test_a_manifest_never_leads_outside_the_output_folder(tmp_path):
    out = tmp_path / "out"
    outside, elsewhere = tmp_path / "outside.txt", tmp_path / "elsewhere" / "kept.md"
    elsewhere.parent.mkdir()
    for path in (outside, elsewhere):
        path.write_text("不是生成的\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", tmp_path / "link-target")
    out.mkdir()
    os.symlink(tmp_path / "elsewhere", out / "linked")  # a folder inside out that leads outside it
    entry = ["0" * 40, 11, 0]
    (out / MANIFEST).write_text(json.dumps({"files": {
        "../outside.txt": entry, str(elsewhere): entry, "linked/kept.md": entry, "a/../../outside.txt": entry,
    }, "staging": "../elsewhere"}), encoding="utf-8")
    assert write_site(out, [("index.md", "首页\n")]) == (1, 1)
    assert outside.read_text(encoding="utf-8") == "不是生成的\n"
    assert elsewhere.read_text(encoding="utf-8") == "不是生成的\n"
    assert (out / "index.md").read_text(encoding="utf-8") == "首页\n"


def test_a_foreign_folder_gets_our_files_beside_its_own(tmp_path, capsys):
    seeds, out = tmp_path / "seeds", tmp_path / "site-repo"
    shutil.copytree(SEEDS, seeds)
    out.mkdir()
    before = hand_written(out)
    (out / "README.md").write_text("gh-pages checkout\n", encoding="utf-8")
    before = snapshot(out)
    assert main(["generate", "--seeds", str(seeds), "--out", str(out), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "不是 digest 写的" in err
    after = snapshot(out)
    assert {p: after[p] for p in before} == before
    assert main(["generate", "--seeds", str(seeds), "--out", str(out), "--no-cache"]) == 0
    assert "不是 digest 写的" not in capsys.readouterr().err  # our manifest is there now
    assert snapshot(out) == after


def test_the_cache_folders_remove_only_files_they_named(tmp_path):
    from generator.config import Settings
    from generator.cache.mkdocs_pages import ConvertedPages
    from generator.build import build

    seeds, cache = tmp_path / "seeds", tmp_path / "cache"
    shutil.copytree(SEEDS, seeds)
    strangers = {"notes.txt": "笔记", "pages-old.pickle": "x", "ab/cd": "y", "export-1.pickle": "z",
                 "html/README": "mine", "html/" + "a" * 39: "almost"}
    for rel, text in strangers.items():
        (cache / rel).parent.mkdir(parents=True, exist_ok=True)
        (cache / rel).write_text(text, encoding="utf-8")
    ours = cache / "html" / ("b" * 40)
    ours.write_bytes(b"an entry of a page no build has now")
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    ConvertedPages(cache, "fingerprint").prune()
    assert not ours.exists()
    assert {rel: (cache / rel).read_text(encoding="utf-8") for rel in strangers} == strangers


def test_a_build_that_fails_while_rendering_leaves_the_folder_and_manifest_as_they_were(tmp_path):
    out = tmp_path / "out"
    write_site(out, [("a.md", "旧\n")])
    manifest = (out / MANIFEST).read_bytes()

    def failing():
        yield "a.md", "新\n"
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        write_site(out, failing())
    assert (out / "a.md").read_text(encoding="utf-8") == "旧\n"
    assert json.loads((out / MANIFEST).read_bytes()) == json.loads(manifest)
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "a.md"])


def many_pages(folder: Path, copies: int) -> None:
    """The seed pages ``copies`` times over, each copy a page of its own (a larger build)."""
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(copies):
        for page in sorted(SEEDS.glob("*.txt")):
            text = page.read_text(encoding="utf-8").replace("本报", f"第{k}期本报", 1)
            (folder / f"{k:03d}_{page.name}").write_text(text, encoding="utf-8")


def generate(seeds: Path, out: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "generator.cli", "generate", "--seeds", str(seeds), "--out", str(out),
            "--cache", str(cache), "--jobs", "1"]


def test_a_build_killed_at_any_point_is_finished_by_the_next(tmp_path):
    """SIGKILL at several points of a build that changes a large site: after each kill every file
    is whole (the old build's version or the new one's), and the next build gives exactly the
    files a build from nothing gives."""
    old_seeds, new_seeds = tmp_path / "old", tmp_path / "new"
    many_pages(old_seeds, 6)
    shutil.copytree(old_seeds, new_seeds)
    for page in sorted(new_seeds.glob("*.txt"))[::4]:  # a quarter of the pages edited, one removed, one added
        page.write_text(page.read_text(encoding="utf-8") + "\n补记：本版有更正。\n", encoding="utf-8")
    sorted(new_seeds.glob("*.txt"))[1].unlink()
    many_pages(tmp_path / "extra", 1)
    shutil.copy(sorted((tmp_path / "extra").glob("*.txt"))[0], new_seeds / "999_extra.txt")

    reference = {}
    for name, seeds in (("old", old_seeds), ("new", new_seeds)):
        out = tmp_path / f"clean-{name}"
        started = time.perf_counter()
        subprocess.run(generate(seeds, out, tmp_path / f"cache-{name}"), check=True, capture_output=True)
        reference[name] = snapshot(out, skip=(MANIFEST,))
        if name == "new":
            seconds = time.perf_counter() - started
    for fraction in (0.3, 0.6, 0.8, 0.9, 0.95, 1.0):
        out, cache = tmp_path / f"out-{fraction}", tmp_path / f"cache-{fraction}"
        subprocess.run(generate(old_seeds, out, cache), check=True, capture_output=True)
        process = subprocess.Popen(generate(new_seeds, out, cache), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(seconds * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        seen = snapshot(out, skip=(MANIFEST,))
        staging = [p for p in seen if p.startswith(".digest-staging-")]
        for path in set(seen) - set(staging):
            assert seen[path] in (reference["old"].get(path), reference["new"].get(path)), path
        subprocess.run(generate(new_seeds, out, cache), check=True, capture_output=True)
        assert snapshot(out, skip=(MANIFEST,)) == reference["new"], fraction
