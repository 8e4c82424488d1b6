"""The one pipeline that both the command line and the MkDocs plugin run.

    read pages → layout → split → per-article analysis (cached with the page)
    → editors' corrections → keywords and summaries (corpus IDF) → related articles → render

``build`` reads as that list. Each stage is a function of what the stage
before it returned; none of them knows about caches. What is kept between
builds is the per-page work (``cache.PageCache``: on disk, and in memory for a
process that builds again, the ``Session``); everything that depends on the
whole corpus is computed afresh. Rendering is lazy: ``Site.files`` holds each
file's key and how to render it, so a writer that already has a file made from
the same key need not render it again.
"""
from __future__ import annotations

import contextlib
import gc
import time
from dataclasses import dataclass, replace
from typing import Callable

from generator import SEARCH_BACKENDS, search_backend
from generator.analyze import keywords as keyword_stage
from generator.analyze import normalize
from generator.analyze import summary as summarizer
from generator.analyze.page import Context, Found, PageWork, analyse_draft, make_context
from generator.analyze.places import load_gazetteer
from generator.analyze.segment import backend_problem, default_segmenter, segmenter_backend
from generator.cache.pages import PageCache, Session, process_pages
from generator.config import Settings, ThemeConfig, load_themes
from generator.link import related as relating
from generator.model import Article, Digest, Dropped, Page
from generator.read import corrections, ingest
from generator.render.site import site_files


class BuildError(Exception):
    """The digest cannot be built; str() is a one-line reason."""


@dataclass(frozen=True)
class Report:
    """What a build did, for the command line and for editors."""

    pages: tuple[Page, ...]
    ignored: tuple[str, ...]
    problems: tuple[str, ...]  # pages that could not be read
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Site:
    """What a build made: the linked digest, what it read and warned about, the search backend the
    pages are made for, and every generated file by its path under the docs folder (a
    ``render.text.Deferred`` or, for the feed and the export, a ``render.text.Streamed``)."""

    digest: Digest
    report: Report
    search: str
    files: dict


def build(settings: Settings, session: Session | None = None, *,
          progress: Callable[[str], None] | None = None, stopwatch: Stopwatch | None = None) -> Site:
    """Read every page in ``settings.seeds`` and return the site.

    Raises BuildError when the seeds folder or the configuration is unusable or
    no page can be read. A page that cannot be read (empty, binary) is skipped
    and named in ``Report.warnings``. ``session``: what the last build in this
    process read (``mkdocs serve``), brought up to date.
    """
    stopwatch = stopwatch or Stopwatch()
    check_settings(settings)
    theme_config = load_themes(settings.themes_file)
    context = make_context(theme_config, load_gazetteer(settings.gazetteer_file),
                           settings.themes_file, settings.gazetteer_file)
    cache = PageCache(settings.cache_dir, context, session)
    works, report = read_pages(settings, cache, progress)
    stopwatch.lap("pages")
    editor = corrections.resolve_themes(corrections.load_corrections(settings.seeds / corrections.FILE_NAME),
                                        theme_config.themes)
    found, problems = corrected(works, editor, context)
    stopwatch.lap("corrections")
    weights = keyword_stage.weigh([f.terms for f in found], default_segmenter())
    keywords = weights.keywords([set(f.title_words) for f in found])
    articles, rows, hidden, issues = analysed(found, keywords, editor, theme_config, context)
    stopwatch.lap("analysis")
    related = relating.related_articles(articles, (weights.matrix[rows], weights.words))
    articles = [replace(a, related=related[a.id]) for a in articles]
    stopwatch.lap("related")
    check_unique_urls(articles)
    dropped = tuple(d for w in works for d in w.dropped) + tuple(hidden)
    digest = Digest(theme_config.themes, tuple(articles), dropped, report.pages)
    search = search_backend(settings.search, len(articles), settings.pagefind_from)
    files = dict(site_files(digest, site_name=settings.site_name, site_url=settings.site_url, search=search,
                            listing_size=settings.listing_size, feed_size=settings.feed_size))
    stopwatch.lap("render")
    cache.commit()
    report = replace(report, warnings=report.warnings + tuple(problems + issues))
    return Site(digest, report, search, files)


def check_settings(settings: Settings) -> None:
    """What the settings say on their own, checked before any page is read."""
    if settings.search not in SEARCH_BACKENDS:
        raise BuildError(f"搜索方式“{settings.search}”（DIGEST_SEARCH？）无效；可选：{'、'.join(SEARCH_BACKENDS)}")
    if settings.listing_size < 1:
        raise BuildError(f"listing_size 至少为 1，不能是 {settings.listing_size}")
    if settings.feed_size < 1:
        raise BuildError(f"feed_size 至少为 1，不能是 {settings.feed_size}")
    problem = backend_problem(segmenter_backend())
    if problem:
        raise BuildError(problem)


def read_pages(settings: Settings, cache: PageCache, progress: Callable[[str], None] | None):
    """Every page's work (cached, parallel) and the report of what could not be read."""
    try:
        paths, ignored = ingest.list_pages(settings.seeds, frozenset({corrections.FILE_NAME}))
    except ingest.PageError as err:
        raise BuildError(str(err)) from None
    works = process_pages(paths, cache, workers=settings.workers, progress=progress)
    pages = [w.page for w in works if w.page]
    problems = [w.problem for w in works if w.problem]
    if not pages:
        # Nothing to publish: say why, naming the files.
        raise BuildError("；".join(problems) if problems else f"{settings.seeds}：没有版面文件（*.txt）")
    # One unreadable page does not hold back the others: it is skipped and reported
    # (`digest generate --strict` and `mkdocs build --strict` turn this into a failure).
    warnings = tuple(f"{problem}；已跳过此版面" for problem in problems) + tuple(
        w for p in pages for w in p.warnings) + tuple(f"{p.name}：不是版面文件（*.txt），已忽略" for p in ignored)
    return [w for w in works if w.page], Report(tuple(pages), tuple(p.name for p in ignored), tuple(problems),
                                                warnings)


def corrected(works: list[PageWork], editor: dict, context: Context) -> tuple[list[Found], list[str]]:
    """Every article as its page's work found it, with the drafts an editor merged joined and
    analysed again; and the problems with the corrections' ids."""
    found = [f for w in works for f in w.found]
    problems = corrections.check_ids(editor, {f.id for f in found})
    by_id = {f.id: f for f in found}
    merged = corrections.merge_drafts([(f.id, f.draft, f.meta) for f in found], editor)
    result = []
    for article_id, draft, meta in merged:
        original = by_id[article_id]
        result.append(original if draft is original.draft else analyse_draft(article_id, original.slug, draft,
                                                                             meta, context))
    return result, problems


def analysed(found: list[Found], keywords: list[tuple[str, ...]], editor: dict, theme_config: ThemeConfig,
             context: Context) -> tuple[list[Article], list[int], list[Dropped], list[str]]:
    """Each article with its keywords, summary and the editor's fields; the rows (of ``found``) of
    the articles kept, the hidden ones as dropped text, and the problems with the corrections."""
    theme_keys = {t.key for t in theme_config.themes}
    articles, rows, hidden, problems = [], [], [], []
    for row, (f, chosen) in enumerate(zip(found, keywords)):
        # The summary reads a folded copy (simplified, half-width); quotes come back as written. The page
        # work folded it too but does not keep it: folding again costs less than caching it.
        view = normalize.fold_draft(f.draft)
        summary = normalize.Unfolder(f.draft, view).sentences(summarizer.summarize(view, keywords=chosen))
        correction = editor.get(f.id)
        analysis = keyword_stage.analyze(f.terms, keywords=chosen, summary=summary, facts=f.facts)
        article = Article(f.id, f.slug, f.draft, analysis, f.facts.themes, meta=f.meta,
                          made_from=None if correction else f.made_from)
        article, issues = corrections.apply_fields(article, correction, theme_keys=theme_keys,
                                                   gazetteer=context.gazetteer)
        problems += issues
        if correction and correction.hide:
            hidden.append(corrections.hidden_as_dropped(article))
        else:
            articles.append(article)
            rows.append(row)
    return articles, rows, hidden, problems


def check_unique_urls(articles: list[Article]) -> None:
    if len({a.slug for a in articles}) == len(articles):  # an article's URL is made from its slug alone
        return
    urls: dict[str, Article] = {}
    for a in articles:
        if a.url in urls:
            other = urls[a.url]
            raise BuildError(f"{a.draft.file} 第 {a.draft.lines[0]} 行和 {other.draft.file} 第 {other.draft.lines[0]} "
                             f"行的文章会写到同一个网址 {a.url}")
        urls[a.url] = a


@contextlib.contextmanager
def gc_paused():
    """Run a build without the cyclic garbage collector (reference counting still frees memory).

    A build creates millions of long-lived objects (drafts, words, pages) and
    few reference cycles; the collector would walk all of them again and
    again, which took over half the time of loading the cache at 1,000 pages.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # Everything made meanwhile counts as young: the first collection after
            # enabling would walk all of it (0.4 s at 1,000 pages). Freezing and
            # unfreezing moves it to the oldest generation without walking it.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


class Stopwatch:
    """Seconds spent per stage (``digest generate --timings``; the benchmark reads them)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = self.laps.get(stage, 0.0) + now - self._last
        self._last = now
