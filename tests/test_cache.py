"""The page cache (generator/cache) and the parallel page work give exactly what a plain build gives."""
import shutil

from generator.cache import pages
from generator.config import Settings
from generator.build import build
from generator.write import MANIFEST, write_site
from generator.render.site import render_site
from tests.conftest import SEEDS


def copy_seeds(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def test_cached_build_is_identical_and_skips_unchanged_pages(tmp_path, monkeypatch, seed_files):
    seeds, cache = copy_seeds(tmp_path), tmp_path / "cache"
    settings = Settings(seeds=seeds, cache_dir=cache, workers=1)
    assert render_site(build(settings).digest) == seed_files
    assert list(cache.glob("pages-*.pickle"))  # the work of the pages read is kept

    worked = []
    real = pages.process_page
    monkeypatch.setattr(pages, "process_page", lambda path, *context: worked.append(path.name) or real(path, *context))
    assert render_site(build(settings).digest) == seed_files
    assert worked == []  # nothing was split or segmented again

    changed = sorted(seeds.glob("*.txt"))[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补记一行。\n", encoding="utf-8")
    build(settings)
    assert worked == [changed.name]
    # the edited page's old work is gone: the cache holds the work of the pages read, once each
    kept = [pages.read_cached(shard) for shard in cache.glob("pages-*.pickle")]
    assert sorted(w.page.file for shard in kept for w in shard.values()) == sorted(p.name for p in seeds.glob("*.txt"))
    assert len(kept) == len({pages.shard_of(p.name) for p in seeds.glob("*.txt")})


def test_an_edited_page_rewrites_its_shard_only(tmp_path):
    seeds, cache = copy_seeds(tmp_path), tmp_path / "cache"
    (cache / "ab").mkdir(parents=True)
    (cache / "ab" / "ab12").write_bytes(b"someone else's file")  # not ours: never removed
    (cache / "pages-notes.txt").write_bytes(b"not a shard we named")
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    assert (cache / "ab" / "ab12").read_bytes() == b"someone else's file"
    assert (cache / "pages-notes.txt").read_bytes() == b"not a shard we named"
    written = {p.name: p.stat().st_mtime_ns for p in cache.glob("pages-*.pickle")}
    changed = sorted(seeds.glob("*.txt"))[2]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补记一行。\n", encoding="utf-8")
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    now = {p.name: p.stat().st_mtime_ns for p in cache.glob("pages-*.pickle")}
    assert {name for name in now if now[name] != written[name]} == {f"pages-{pages.shard_of(changed.name):02d}.pickle"}
    changed.unlink()  # its shard holds no page now, or fewer
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    kept = [pages.read_cached(shard) for shard in cache.glob("pages-*.pickle")]
    assert changed.name not in {w.page.file for shard in kept for w in shard.values()}


def test_a_new_code_version_ignores_the_old_cache(tmp_path, monkeypatch):
    seeds, cache = copy_seeds(tmp_path), tmp_path / "cache"
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    monkeypatch.setattr(pages, "code_version", lambda: "another version")
    worked = []
    real = pages.process_page
    monkeypatch.setattr(pages, "process_page", lambda path, *context: worked.append(path.name) or real(path, *context))
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    assert len(worked) == len(list(seeds.glob("*.txt")))


def test_a_corrupt_cache_file_is_recomputed(tmp_path, seed_files):
    seeds, cache = copy_seeds(tmp_path), tmp_path / "cache"
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    for entry in cache.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    assert render_site(build(Settings(seeds=seeds, cache_dir=cache, workers=1)).digest) == seed_files


def test_parallel_page_work_matches_serial(tmp_path, monkeypatch, seed_files):
    monkeypatch.setattr(pages, "PARALLEL_MIN_PAGES", 2)
    assert render_site(build(Settings(seeds=copy_seeds(tmp_path), workers=2)).digest) == seed_files


def test_a_changed_theme_file_is_part_of_the_cache_key(tmp_path, monkeypatch):
    """Themes, figures, places and dates are cached with the page, so the configuration keys the cache."""
    from generator.config import DEFAULT_THEMES

    seeds, cache, themes = copy_seeds(tmp_path), tmp_path / "cache", tmp_path / "themes.yml"
    themes.write_text(DEFAULT_THEMES.read_text(encoding="utf-8"), encoding="utf-8")
    build(Settings(seeds=seeds, themes_file=themes, cache_dir=cache, workers=1))
    worked = []
    real = pages.process_page
    monkeypatch.setattr(pages, "process_page", lambda path, *context: worked.append(path.name) or real(path, *context))
    build(Settings(seeds=seeds, themes_file=themes, cache_dir=cache, workers=1))
    assert worked == []
    themes.write_text(DEFAULT_THEMES.read_text(encoding="utf-8") + "\n# 改过\n", encoding="utf-8")
    build(Settings(seeds=seeds, themes_file=themes, cache_dir=cache, workers=1))
    assert len(worked) == len(list(seeds.glob("*.txt")))


def test_rebuilds_that_reuse_the_cache_give_what_a_clean_build_gives(tmp_path):
    """Edits, a new page, a removed page and a correction, each built with the cache (on disk and
    in a session, as `mkdocs serve` keeps it) and from scratch: the same site, and the files a
    writer holds are the clean build's."""
    from bench.corpus import make_corpus

    seeds, cache, out = tmp_path / "seeds", tmp_path / "cache", tmp_path / "out"
    page_files = make_corpus(40, seeds)
    session = pages.Session()
    write_site(out, build(Settings(seeds=seeds, cache_dir=cache), session).files.items())
    edits = [
        lambda: page_files[7].write_text(page_files[7].read_text(encoding="utf-8") + "\n补记：本版有更正。\n", encoding="utf-8"),
        lambda: (seeds / "zz-new.txt").write_text(page_files[3].read_text(encoding="utf-8").replace("临淄", "张店"),
                                                  encoding="utf-8"),
        lambda: page_files[11].unlink(),
        lambda: (seeds / "corrections.yml").write_text(
            f"{build(Settings(seeds=seeds)).digest.articles[5].id}: {{themes: [veterans]}}\n", encoding="utf-8"),
        lambda: (seeds / "corrections.yml").write_text(  # a merged draft: analysed afresh
            "{0[5].id}: {{themes: [veterans]}}\n{0[9].id}: {{merge_into: {0[8].id}}}\n".format(
                build(Settings(seeds=seeds)).digest.articles), encoding="utf-8"),
    ]
    for edit in edits:
        edit()
        site = build(Settings(seeds=seeds, cache_dir=cache), session)
        write_site(out, site.files.items())  # files made from the same key as before are not rendered again
        clean = render_site(build(Settings(seeds=seeds)).digest)
        assert render_site(site.digest) == clean
        assert {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
                for p in out.rglob("*") if p.is_file() and p.name != MANIFEST} == clean


def test_a_session_keeps_the_pages_a_build_read_for_the_next(tmp_path, monkeypatch):
    """`mkdocs serve` builds again in the same process: the pages an edit did not touch are
    neither worked out again nor read back from the cache folder (with or without one)."""
    seeds = copy_seeds(tmp_path)
    for cache in (tmp_path / "cache", None):
        session = pages.Session()
        build(Settings(seeds=seeds, cache_dir=cache, workers=1), session)
        worked, read = [], []
        real, real_read = pages.process_page, pages.read_cached
        monkeypatch.setattr(pages, "process_page", lambda source, *rest: worked.append(source.name) or
                            real(source, *rest))
        monkeypatch.setattr(pages, "read_cached", lambda path: read.append(path) or real_read(path))
        changed = sorted(seeds.glob("*.txt"))[1]
        changed.write_text(changed.read_text(encoding="utf-8") + "\n补记一行。\n", encoding="utf-8")
        build(Settings(seeds=seeds, cache_dir=cache, workers=1), session)
        assert worked == [changed.name] and read == []
        monkeypatch.undo()
