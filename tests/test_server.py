"""The build server (``digest server``): builds there are the builds a new process makes."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import pagework, server
from generator.cli import main
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.skipif(not server.available(), reason="no Unix sockets")


def start_server(cache: Path, *extra: str) -> subprocess.Popen:
    """``digest server`` in its own process, once it says it is ready."""
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "server", "--cache", str(cache), *extra],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = process.stdout.readline()
    assert "ready" in line, line + process.stdout.read()
    return process


def stop(process: subprocess.Popen) -> str:
    """Stop the server as Ctrl-C would; what it printed after it said it was ready."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    return out


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".digest-manifest.json"}


def generate(capsys, seeds: Path, out: Path, cache: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["generate", "--seeds", str(seeds), "--out", str(out), "--cache", str(cache), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_build_in_the_server_is_the_build_of_a_new_process_before_and_after_an_edit(tmp_path, capsys):
    seeds, cache = tmp_path / "seeds", tmp_path / "cache"
    shutil.copytree(SEEDS, seeds)
    process = start_server(cache)
    try:
        for round in range(2):
            if round:  # an editor fixes a page
                page = sorted(seeds.glob("*.txt"))[2]
                page.write_text(page.read_text(encoding="utf-8") + "\n补记：本版有更正。\n", encoding="utf-8")
            served = generate(capsys, seeds, tmp_path / f"served{round}", cache)
            alone = generate(capsys, seeds, tmp_path / f"alone{round}", tmp_path / f"own-cache{round}", "--no-server")
            assert served[0] == alone[0] == 0
            assert served[1].replace(f"served{round}", "OUT") == alone[1].replace(f"alone{round}", "OUT")
            assert served[2] == alone[2]
            assert files_of(tmp_path / f"served{round}") == files_of(tmp_path / f"alone{round}")
    finally:
        log = stop(process)
    assert log.count("digest generate") == 2 and "exit 0" in log, log
    # the server wrote the cache folder as a build in a new process would (after it answered)
    assert sorted(p.name for p in cache.glob("*.pickle")) == \
        sorted(p.name for p in (tmp_path / "own-cache1").glob("*.pickle"))
    assert not server.socket_path(cache).exists()  # removed on the way out


def test_unusable_input_is_reported_by_the_server_as_by_a_new_process(tmp_path, capsys):
    cache, empty = tmp_path / "cache", tmp_path / "empty"
    empty.mkdir()
    process = start_server(cache)
    try:
        served = generate(capsys, empty, tmp_path / "out", cache)
    finally:
        log = stop(process)
    alone = generate(capsys, empty, tmp_path / "out", cache, "--no-server")
    assert served == alone and served[0] == 1 and "no page files" in served[2]
    assert "exit 1" in log and not (tmp_path / "out").exists()


def test_a_command_for_another_cache_folder_or_a_dead_server_builds_in_its_own_process(tmp_path, capsys):
    cache = tmp_path / "cache"
    process = start_server(cache)
    try:
        code, out, err = generate(capsys, SEEDS, tmp_path / "out", tmp_path / "other-cache")
        assert code == 0 and "articles" in out and err == ""
    finally:
        log = stop(process)
    assert "digest generate" not in log  # the server never saw it
    # a server killed outright leaves its socket behind: nobody answers, the command builds itself
    process = start_server(cache)
    process.kill()
    process.wait()
    assert server.socket_path(cache).exists()
    code, out, _ = generate(capsys, SEEDS, tmp_path / "out", cache)
    assert code == 0 and "articles" in out
    stop(start_server(cache))  # and a new server takes the socket over


def test_a_server_older_than_the_generator_stops_and_the_command_builds_itself(tmp_path, capsys):
    cache = tmp_path / "cache"
    process = start_server(cache)
    touched = server.PACKAGE / "__init__.py"
    before = touched.stat()
    try:
        os.utime(touched, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))  # as an edit would
        code, out, err = generate(capsys, SEEDS, tmp_path / "out", cache)
    finally:
        os.utime(touched, ns=(before.st_atime_ns, before.st_mtime_ns))
        log = stop(process)
    assert code == 0 and "articles" in out
    assert "generator changed" in err and "building here" in err
    assert process.returncode == 0 and "stopped" in log


def test_only_one_server_per_cache_folder(tmp_path):
    cache = tmp_path / "cache"
    process = start_server(cache)
    try:
        second = subprocess.run([sys.executable, "-m", "generator.cli", "server", "--cache", str(cache)],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        stop(process)
    assert second.returncode == 1 and "already running" in second.stderr


def test_an_idle_server_stops_by_itself(tmp_path):
    process = start_server(tmp_path / "cache", "--idle-timeout", "0.5")
    began = time.monotonic()
    assert process.wait(timeout=30) == 0 and time.monotonic() - began < 30
    assert "no build" in process.stdout.read()


def test_the_keeper_reads_a_cache_file_once_and_writes_after_the_build(tmp_path, monkeypatch):
    loads = []
    real_load = pagework.load_pickle
    monkeypatch.setattr(pagework, "load_pickle", lambda path: loads.append(path) or real_load(path))
    target = tmp_path / "state.pickle"
    pagework.dump_pickle(target, {"made": 1})
    monkeypatch.setattr(pagework, "KEEPER", pagework.Keeper())
    assert pagework.read_cached(target) == {"made": 1} and len(loads) == 1
    assert pagework.read_cached(target) == {"made": 1} and len(loads) == 1  # kept: not unpickled again
    pagework.write_cached(target, {"made": 2})
    assert pagework.read_cached(target) == {"made": 2}  # the build reads what it wrote...
    assert real_load(target) == {"made": 1}  # ...which is on disk only after flush
    pagework.KEEPER.flush()
    assert real_load(target) == {"made": 2} and pagework.read_cached(target) == {"made": 2} and len(loads) == 1
    time.sleep(0.01)
    pagework.dump_pickle(target, {"made": 3})  # another process wrote it: read again
    assert pagework.read_cached(target) == {"made": 3} and len(loads) == 2
    target.unlink()
    assert pagework.read_cached(target) is None


def test_a_socket_in_a_folder_others_can_enter_is_not_used(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))  # the server inherits it
    cache = tmp_path / "cache"
    process = start_server(cache)
    folder = server.socket_path(cache).parent
    assert folder.parent == tmp_path / "run" and folder.stat().st_mode & 0o777 == 0o700
    try:
        folder.chmod(0o755)  # as if someone else had made it: whoever listens there may not be our server
        code, out, _ = generate(capsys, SEEDS, tmp_path / "out", cache)
        assert code == 0 and "articles" in out
    finally:
        folder.chmod(0o700)
        log = stop(process)
    assert "digest generate" not in log
    folder.chmod(0o755)
    refused = subprocess.run([sys.executable, "-m", "generator.cli", "server", "--cache", str(cache)],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "not a folder only you can use" in refused.stderr


def test_builds_in_one_process_after_edits_of_every_kind_are_builds_from_scratch(tmp_path, capsys, monkeypatch):
    """What the server keeps between builds (the cache folder's files, the last build's articles
    and all derived from them) never shows: after each kind of edit, the build in the same
    process writes what a build from scratch writes."""
    import json
    import re

    from generator import analyze, pipeline, related, render

    seeds, cache = tmp_path / "seeds", tmp_path / "cache"
    shutil.copytree(SEEDS, seeds)
    pages = sorted(seeds.glob("*.txt"))

    def export_of(out: Path) -> dict:
        return json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))

    def retitle(page: Path, title: str, new: str) -> None:
        page.write_text(page.read_text(encoding="utf-8").replace(title, new, 1), encoding="utf-8")

    monkeypatch.setattr(pagework, "KEEPER", pagework.Keeper())
    monkeypatch.setattr(pipeline, "LAST_BUILT", {})
    monkeypatch.setattr(pagework, "KNOWN_FILES", pagework.KnownFiles())
    monkeypatch.setattr(render, "LISTINGS", render.KeptListings())
    monkeypatch.setattr(render, "PAGES", render.KeptPages())
    monkeypatch.setattr(render, "INDEXES", render.KeptIndexes())
    monkeypatch.setattr(pagework, "SETTLED_NS", 0)  # every edit here changes the file's size
    updates = []
    monkeypatch.setattr(analyze.Tally, "update", lambda tally, terms, update=analyze.Tally.update:
                        updates.append(len(terms)) or update(tally, terms))
    first = None
    edits = [
        lambda: None,  # the first build
        lambda: None,  # nothing changed
        lambda: pages[2].write_text(pages[2].read_text(encoding="utf-8") + "\n补记：本版有更正。\n", encoding="utf-8"),
        # an article that others list as related: an editor's headline for it (its words, and so every
        # score, stay: the pages listing it change), then its headline in the page itself
        lambda: (seeds / "corrections.yml").write_text(f"{linked['id']}:\n  title: 编辑给的标题\n", encoding="utf-8"),
        lambda: retitle(seeds / linked["source"]["file"], linked["title"], linked["title"] + "（续）"),
        lambda: (seeds / "corrections.yml").write_text(
            f"{hidden}:\n  hide: true\n{renamed}:\n  title: 编辑改过的标题\n  places: [淄博市临淄区]\n", encoding="utf-8"),
        lambda: (seeds / "corrections.yml").unlink(),
        lambda: pages[1].unlink(),
        lambda: shutil.copy(pages[0], seeds / "009_again.txt"),
    ]
    for step, edit in enumerate(edits):
        edit()
        before = dict(pipeline.LAST_BUILT)
        kept = generate(capsys, seeds, tmp_path / "kept", cache, "--no-server")
        served_articles = dict(pipeline.LAST_BUILT)
        if step == 1:  # nothing changed: every article is the object the last build made, no page was read,
            assert updates == [len(before)]  # the keyword weights were counted from the last build's
            assert all(served_articles[i] is a for i, a in before.items()) and before
            assert len(pagework.KNOWN_FILES.keys) == len(pages)
        with monkeypatch.context() as fresh:  # a new process: nothing kept
            fresh.setattr(pagework, "KEEPER", None)
            fresh.setattr(pipeline, "LAST_BUILT", {})
            fresh.setattr(pagework, "KNOWN_FILES", pagework.KnownFiles())
            fresh.setattr(analyze, "LAST_TALLY", None)
            fresh.setattr(related, "LAST_LINKED", [None, None, None])
            fresh.setattr(render, "LISTINGS", render.KeptListings())
            fresh.setattr(render, "PAGES", render.KeptPages())
            fresh.setattr(render, "INDEXES", render.KeptIndexes())
            alone = generate(capsys, seeds, tmp_path / f"alone{step}", tmp_path / f"own-cache{step}", "--no-server")
        assert pipeline.LAST_BUILT == served_articles
        assert kept[0] == alone[0] == 0, alone
        # the same report (the kept build writes only what changed; the other writes every file)
        assert re.sub(r"\S*kept.*", "", kept[1]) == re.sub(r"\S*alone.*", "", alone[1]), step
        assert kept[2] == alone[2], step
        assert files_of(tmp_path / "kept") == files_of(tmp_path / f"alone{step}"), step
        pagework.KEEPER.flush()
        if first is None:
            first = export_of(tmp_path / "kept")
            linked = next(a for a in first["articles"] if any(a["id"] in b["related"] for b in first["articles"]))
            hidden, renamed = [a["id"] for a in first["articles"] if a["id"] != linked["id"]][:2]


def test_a_page_file_is_read_again_unless_it_is_as_it_was_long_enough_ago(tmp_path):
    """A file changed just now may change again within the same tick of the file system's clock
    without its times showing it: it is not remembered until it has settled."""
    page = tmp_path / "001.txt"
    page.write_text("页面", encoding="utf-8")
    assert pagework.settled_signature(page) is None
    old = time.time() - 3600
    os.utime(page, (old, old))  # the contents' time, not the change time: still too new
    assert pagework.settled_signature(page) is None
