"""The per-page cache and the parallel page work give exactly what a plain build gives."""
import shutil

from generator import pagework
from generator.config import Settings
from generator.pipeline import build
from generator.write import MANIFEST, write_site
from generator.render import render_site, site_files
from tests.conftest import SEEDS


def copy_seeds(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def test_cached_build_is_identical_and_skips_unchanged_pages(tmp_path, monkeypatch, seed_files):
    seeds, cache = copy_seeds(tmp_path), tmp_path / "cache"
    settings = Settings(seeds=seeds, cache_dir=cache, workers=1)
    assert render_site(build(settings)[0]) == seed_files
    assert len(list(cache.rglob("*"))) > 5

    worked = []
    real = pagework.process_page
    monkeypatch.setattr(pagework, "process_page", lambda path, *context: worked.append(path.name) or real(path, *context))
    assert render_site(build(settings)[0]) == seed_files
    assert worked == []  # nothing was split or segmented again

    changed = sorted(seeds.glob("*.txt"))[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补记一行。\n", encoding="utf-8")
    build(settings)
    assert worked == [changed.name]
    # the edited page's old work is gone: the cache holds the work of the pages read, once each
    kept = [pagework.read_cached(shard) for shard in cache.glob("pages-*.pickle")]
    assert sorted(w.page.file for shard in kept for w in shard.values()) == sorted(p.name for p in seeds.glob("*.txt"))
    assert len(kept) == len({pagework.shard_of(p.name) for p in seeds.glob("*.txt")})


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
    assert {name for name in now if now[name] != written[name]} == {f"pages-{pagework.shard_of(changed.name):02d}.pickle"}
    changed.unlink()  # its shard holds no page now, or fewer
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    kept = [pagework.read_cached(shard) for shard in cache.glob("pages-*.pickle")]
    assert changed.name not in {w.page.file for shard in kept for w in shard.values()}


def test_a_new_code_version_ignores_the_old_cache(tmp_path, monkeypatch):
    seeds, cache = copy_seeds(tmp_path), tmp_path / "cache"
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    monkeypatch.setattr(pagework, "code_version", lambda: "another version")
    worked = []
    real = pagework.process_page
    monkeypatch.setattr(pagework, "process_page", lambda path, *context: worked.append(path.name) or real(path, *context))
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    assert len(worked) == len(list(seeds.glob("*.txt")))


def test_a_corrupt_cache_file_is_recomputed(tmp_path, seed_files):
    seeds, cache = copy_seeds(tmp_path), tmp_path / "cache"
    build(Settings(seeds=seeds, cache_dir=cache, workers=1))
    for entry in cache.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    assert render_site(build(Settings(seeds=seeds, cache_dir=cache, workers=1))[0]) == seed_files


def test_parallel_page_work_matches_serial(tmp_path, monkeypatch, seed_files):
    monkeypatch.setattr(pagework, "PARALLEL_MIN_PAGES", 2)
    assert render_site(build(Settings(seeds=copy_seeds(tmp_path), workers=2))[0]) == seed_files


def test_a_changed_theme_file_is_part_of_the_cache_key(tmp_path, monkeypatch):
    """Themes, figures, places and dates are cached with the page, so the configuration keys the cache."""
    from generator.config import DEFAULT_THEMES

    seeds, cache, themes = copy_seeds(tmp_path), tmp_path / "cache", tmp_path / "themes.yml"
    themes.write_text(DEFAULT_THEMES.read_text(encoding="utf-8"), encoding="utf-8")
    build(Settings(seeds=seeds, themes_file=themes, cache_dir=cache, workers=1))
    worked = []
    real = pagework.process_page
    monkeypatch.setattr(pagework, "process_page", lambda path, *context: worked.append(path.name) or real(path, *context))
    build(Settings(seeds=seeds, themes_file=themes, cache_dir=cache, workers=1))
    assert worked == []
    themes.write_text(DEFAULT_THEMES.read_text(encoding="utf-8") + "\n# 改过\n", encoding="utf-8")
    build(Settings(seeds=seeds, themes_file=themes, cache_dir=cache, workers=1))
    assert len(worked) == len(list(seeds.glob("*.txt")))


def test_rebuilds_that_reuse_the_cache_give_what_a_clean_build_gives(tmp_path, monkeypatch):
    """Edits, a new page, a removed page and a correction, each built with the cache
    (reused page work and related-article rankings) and from scratch: the same site."""
    from bench.corpus import make_corpus
    from generator import related, summary

    seeds, cache, out = tmp_path / "seeds", tmp_path / "cache", tmp_path / "out"
    pages = make_corpus(40, seeds)
    records = {}  # the export's records, kept between builds as `digest generate` keeps them
    write_site(out, site_files(build(Settings(seeds=seeds, cache_dir=cache))[0], records=records))
    reused, summarized = [], []
    real = related.Linker.rank_reusing
    monkeypatch.setattr(related.Linker, "rank_reusing", lambda self, *args: reused.append(1) or real(self, *args))
    real_summarize = summary.summarize
    monkeypatch.setattr(summary, "summarize", lambda *args, **kw: summarized.append(1) or real_summarize(*args, **kw))
    edits = [
        lambda: pages[7].write_text(pages[7].read_text(encoding="utf-8") + "\n补记：本版有更正。\n", encoding="utf-8"),
        lambda: (seeds / "zz-new.txt").write_text(pages[3].read_text(encoding="utf-8").replace("临淄", "张店"),
                                                  encoding="utf-8"),
        lambda: pages[11].unlink(),
        lambda: (seeds / "corrections.yml").write_text(
            f"{build(Settings(seeds=seeds))[0].articles[5].id}: {{themes: [veterans]}}\n", encoding="utf-8"),
        lambda: (seeds / "corrections.yml").write_text(  # a merged draft: analysed afresh, nothing reused
            "{0[5].id}: {{themes: [veterans]}}\n{0[9].id}: {{merge_into: {0[8].id}}}\n".format(
                build(Settings(seeds=seeds))[0].articles), encoding="utf-8"),
    ]
    for edit in edits:
        edit()
        before = len(summarized)
        digest = build(Settings(seeds=seeds, cache_dir=cache))[0]
        # unchanged articles keep their summaries (a new page moves many words' weights: 65 of 261 here)
        assert len(summarized) - before < len(digest.articles) // 3
        write_site(out, site_files(digest, records=records))  # unchanged pages are not rendered again
        clean = render_site(build(Settings(seeds=seeds))[0])
        assert render_site(digest) == clean
        assert {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
                for p in out.rglob("*") if p.is_file() and p.name != MANIFEST} == clean
    assert reused  # the rankings were reused, not only recomputed
    assert summarized  # and the summaries of changed articles made afresh


def test_summaries_are_reused_only_for_the_same_draft_and_keywords(tmp_path):
    from generator.pipeline import StateFile, Summaries

    seeds, cache = copy_seeds(tmp_path), tmp_path / "cache"
    settings = Settings(seeds=seeds, cache_dir=cache)
    clean = build(settings)[0]
    state = StateFile(cache, "summaries")
    kept = state.load(Summaries)
    assert len(kept.made) == len(clean.articles)
    # the same page and weights: the keywords and summary kept are taken as they are
    state.store(Summaries(kept.idf, {origin: (keywords, ("记下的摘要。",)) for origin, (keywords, _) in kept.made.items()}))
    assert {a.analysis.summary for a in build(settings)[0].articles} == {("记下的摘要。",)}
    # other weights: keywords ranked afresh, and where they differ from those kept, summarised afresh
    state.store(Summaries({w: v + 1e-9 for w, v in kept.idf.items()},
                          {origin: (keywords[1:], ("记下的摘要。",)) for origin, (keywords, _) in kept.made.items()}))
    assert [a.analysis for a in build(settings)[0].articles] == [a.analysis for a in clean.articles]


def test_keywords_are_ranked_again_exactly_for_rows_that_use_a_reweighed_word(tmp_path):
    from generator import analyze
    from generator.pipeline import Summaries, keywords_reusing
    from generator.segment import default_segmenter

    tokens = [("党建", "社区", "治理", "社区"), ("保险", "扶贫", "社区"), ("退役", "军人", "服务"), ("集体", "经济")]
    titles = [{"党建"}, set(), {"军人"}, set()]
    origins = [("page", str(i)) for i in range(len(tokens))]
    weights = analyze.weigh([analyze.term_counts(t) for t in tokens], default_segmenter())
    fresh = weights.keywords(titles)
    marked = {origin: (("记下的",), ()) for origin in origins}
    assert keywords_reusing(weights, titles, origins, Summaries(dict(weights.idf), marked)) == [("记下的",)] * 4
    idf = dict(weights.idf, 社区=weights.idf["社区"] * 2)  # rows 0 and 1 use 社区
    assert keywords_reusing(weights, titles, origins, Summaries(idf, marked)) == fresh[:2] + [("记下的",)] * 2
    del idf["服务"]  # a word not weighed last time: row 2 is ranked too
    assert keywords_reusing(weights, titles, origins, Summaries(idf, marked)) == fresh[:3] + [("记下的",)]
    assert keywords_reusing(weights, titles, [None] + origins[1:], Summaries(dict(weights.idf), marked)) \
        == fresh[:1] + [("记下的",)] * 3  # no page work to have kept it from
    assert keywords_reusing(weights, titles, origins, None) == fresh
