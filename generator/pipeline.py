"""The one pipeline that both the command line and the MkDocs plugin run.

read pages → split → tokenize (once per article) → facts and themes (cached
with the page) → corrections → keywords and summary (corpus IDF) → related
articles → Digest. Every article is analysed before any is linked; rendering
happens only after linking (``render.site_files``). The cache folder holds
the per-page work, and what the last build ranked and summarised (``StateFile``):
an unchanged article keeps its keywords when none of its words was reweighed,
and its summary when its keywords did not change.
"""
from __future__ import annotations

import contextlib
import gc
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from . import analyze, corrections, ingest, link, normalize, pagework
from . import summary as summarizer
from . import related as links
from .config import Settings, load_themes
from .model import Article, Digest, Page, relinked
from .places import load_gazetteer
from .segment import default_segmenter


class BuildError(Exception):
    """The digest cannot be built; str() is a one-line reason."""


@dataclass(frozen=True)
class Report:
    """What a build did, for the command line and for editors."""

    pages: tuple[Page, ...]
    ignored: tuple[str, ...]
    problems: tuple[str, ...]  # pages that could not be read
    warnings: tuple[str, ...]


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


def build(settings: Settings, *, progress: Callable[[str], None] | None = None,
          stopwatch: Stopwatch | None = None) -> tuple[Digest, Report]:
    """Read every page in ``settings.seeds`` and return the linked digest.

    Raises BuildError when the seeds folder or the configuration is unusable or
    no page can be read. A page that cannot be read (empty, binary) is skipped
    and named in ``Report.warnings``.
    """
    theme_config = load_themes(settings.themes_file)
    gazetteer = load_gazetteer(settings.gazetteer_file)
    context = pagework.make_context(theme_config, gazetteer, settings.themes_file, settings.gazetteer_file)
    stopwatch = stopwatch or Stopwatch()
    cache = pagework.PageCache(settings.cache_dir, context)
    pinyin_file = StateFile(settings.cache_dir, "pinyin")
    link.KNOWN_PINYIN.update(pinyin_file.load(dict) or {})  # forked workers see it too
    works, report = read_pages(settings, cache, progress)
    stopwatch.lap("pages")
    editor = corrections.resolve_themes(corrections.load_corrections(settings.seeds / corrections.FILE_NAME),
                                        theme_config.themes)
    found = [(d, w.page, t, f, h, w.key) for w in works if w.page
             for d, t, f, h in zip(w.drafts, w.terms, w.facts, w.title_words)]
    dropped = [x for w in works for x in w.dropped]
    ids = [i for w in works if w.page for i in w.ids]
    slugs = dict(zip(ids, (s for w in works if w.page for s in w.slugs)))
    problems = corrections.check_ids(editor, set(ids))
    segmented = {i: (d, *rest) for i, (d, _, *rest) in zip(ids, found)}
    items = corrections.merge_drafts([(i, d, p) for i, (d, p, *_) in zip(ids, found)], editor)
    # The analysis reads a folded copy (simplified, half-width); quotes come back as written.
    # Drafts that a correction merged are segmented and analysed again; the rest come from the page work.
    views, terms, facts, titles, origins = [], [], [], [], []
    for article_id, draft, page in items:
        original, counted, known, headline_words, page_key = segmented[article_id]
        view = None  # folded again only if a summary has to be made (pagework keeps no views)
        if draft is not original:
            (view,), (words,) = pagework.segment_drafts([draft])
            counted = analyze.term_counts(words)
            known = pagework.article_facts(draft, view, page.meta, context)
            headline_words = analyze.title_words(view, words)
            page_key = None  # not the page's own draft: nothing earlier was made from it
        views.append(view)
        terms.append(counted)
        facts.append(known)
        titles.append(set(headline_words))
        origins.append((page_key, article_id) if page_key else None)
    stopwatch.lap("corrections")
    weights = analyze.weigh(terms, default_segmenter())
    analyze.LAST_TALLY = None  # its arrays and dictionaries would stay in memory to the end (100 MB at 5,000 pages)
    summary_file = StateFile(settings.cache_dir, "summaries")
    last = summary_file.load(Summaries)
    earlier, summaries = last.made if last else {}, {}
    keywords = keywords_reusing(weights, titles, origins, last)
    theme_keys = {t.key for t in theme_config.themes}
    last_built = dict(LAST_BUILT)
    articles, rows = [], []
    for row, ((article_id, draft, page), view, counted, known, origin) in enumerate(
            zip(items, views, terms, facts, origins)):
        # a summary is made from the draft and the keywords alone: when neither changed, the last build's is kept
        kept = earlier.get(origin)
        if kept and kept[0] == keywords[row]:
            summary = kept[1]
        else:
            view = view or normalize.fold_draft(draft)
            summary = normalize.Unfolder(draft, view).sentences(summarizer.summarize(view, keywords=keywords[row]))
        if origin:
            summaries[origin] = (keywords[row], summary)
        correction = editor.get(article_id)
        article = last_built.get(article_id)
        if not (article and origin and not correction and article.made_from == origin[0]
                and article.analysis.keywords == keywords[row] and article.analysis.summary == summary):
            analysis = analyze.analyze(counted, keywords=keywords[row], summary=summary, facts=known)
            article = Article(article_id, slugs[article_id], draft, analysis, known.themes, meta=page.meta,
                              made_from=origin[0] if origin and not correction else None)
            article, issues = corrections.apply_fields(article, correction, theme_keys=theme_keys,
                                                       gazetteer=gazetteer)
            problems += issues
        if correction and correction.hide:
            dropped.append(corrections.hidden_as_dropped(article))
            continue
        articles.append(article)
        rows.append(row)
    summary_file.store(Summaries(weights.idf, summaries))
    stopwatch.lap("analysis")
    link_state = StateFile(settings.cache_dir, "links")
    related, state = links.link_incrementally(articles, (weights.matrix[rows], weights.words), weights.idf,
                                              link_state.load(links.LinkState))
    link_state.store(state)
    links.forget()
    articles = [a if a.related == related[a.id] else relinked(a, related[a.id]) for a in articles]
    LAST_BUILT.clear()
    LAST_BUILT.update((a.id, a) for a in articles)
    stopwatch.lap("related")
    check_unique_urls(articles)
    cache.commit()
    store_pinyin(pinyin_file, ids, found, slugs, articles)
    report = replace(report, warnings=report.warnings + tuple(problems))
    digest = Digest(theme_config.themes, tuple(articles), tuple(dropped), report.pages)
    return digest, report


def store_pinyin(pinyin_file: StateFile, ids: list[str], found: list[tuple], slugs: dict[str, str],
                 articles: list[Article]) -> None:
    """Keep the pinyin the site shows for the next build (a new process): of every headline (its
    URL: the drafts ``found`` with their ``ids`` and ``slugs``), place name and shared tag (their pages)."""
    pinyin = {link.normalise_title(d.title): link.words_of_slug(slugs[i], i) for i, (d, *_) in zip(ids, found)}
    names = {name for a in articles for place in a.analysis.places for name in place.path}
    for name in names.union(link.shared_tags(articles)):
        pinyin[link.normalise_title(name)] = link.pinyin_of(name)
    pinyin_file.store(pinyin)


# The last build's articles, by id. A process that builds again (``mkdocs serve``)
# takes back the Article object of an article that is exactly as it was, made from the same page
# work with the same keywords, summary and related articles: with it comes all that later stages
# derived from it (``model.derived``), so they work only on what an edit changed.
LAST_BUILT: dict[str, Article] = {}


@dataclass(frozen=True)
class Summaries:
    """The keywords and summaries one build made, by (page work key, article id), and the
    keyword weights (IDF) they were ranked with."""

    idf: dict[str, float]
    made: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]]


def keywords_reusing(weights: analyze.Weights, titles: list[set[str]], origins: list, last: Summaries | None):
    """Every row's keywords: those of an article made from the same page work and weighed
    exactly as last time are the last build's; only the others are ranked.

    Editing one page changes the weight of a few words, so most rows are kept; a new
    day's pages change every weight (the number of articles changes), so all are ranked.
    """
    if last is None:
        return weights.keywords(titles)
    reweighed = weights.reweighed_rows(last.idf).tolist()
    keywords = [None if moved or origin not in last.made else last.made[origin][0]
                for origin, moved in zip(origins, reweighed)]
    rank = [row for row, found in enumerate(keywords) if found is None]
    for row, ranked in zip(rank, weights.keywords([titles[row] for row in rank], rows=rank)):
        keywords[row] = ranked
    return keywords


def read_pages(settings: Settings, cache: pagework.PageCache, progress: Callable[[str], None] | None):
    """Every page's work (cached, parallel) and the report of what could not be read."""
    try:
        paths, ignored = ingest.list_pages(settings.seeds, frozenset({corrections.FILE_NAME}))
    except ingest.PageError as err:
        raise BuildError(str(err)) from None
    works = pagework.process_pages(paths, cache, workers=settings.workers, progress=progress)
    pages = [w.page for w in works if w.page]
    problems = [w.problem for w in works if w.problem]
    if not pages:
        # Nothing to publish: say why, naming the files.
        raise BuildError("; ".join(problems) if problems else f"{settings.seeds}: no page files (*.txt) found")
    # One unreadable page does not hold back the others: it is skipped and reported
    # (`digest generate --strict` and `mkdocs build --strict` turn this into a failure).
    warnings = tuple(f"{problem}; page skipped" for problem in problems) + tuple(
        w for p in pages for w in p.warnings) + tuple(f"{p.name}: not a page file (*.txt); ignored" for p in ignored)
    return works, Report(tuple(pages), tuple(p.name for p in ignored), tuple(problems), warnings)


class StateFile:
    """What one build leaves in the cache folder for the next: the related-article
    rankings (``related.LinkState``), the summaries by the page and article they
    were made for, the export's records and the pinyin of headlines and place
    names. Named for the code version, so a new version starts afresh."""

    def __init__(self, folder: Path | None, name: str):
        self.folder, self.name = folder, name
        self.path = folder / f"{name}-{pagework.code_version()[:16]}.pickle" if folder else None

    def load(self, kind: type = object):
        """The state kept, if it is a ``kind``; None when there is none, or it is unreadable."""
        state = pagework.read_cached(self.path) if self.path else None
        return state if isinstance(state, kind) else None

    def store(self, state) -> None:
        if self.path is None:
            return
        try:
            for old in self.folder.glob(f"{self.name}-*.pickle"):  # another code version's: never read again
                if re.fullmatch(rf"{self.name}-[0-9a-f]{{16}}\.pickle", old.name):  # named by us, not a stranger's
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only cache slows the next build, it does not break this one
        pagework.write_cached(self.path, state)


def check_unique_urls(articles: list[Article]) -> None:
    if len({a.slug for a in articles}) == len(articles):  # an article's URL is made from its slug alone
        return
    urls: dict[str, Article] = {}
    for a in articles:
        if a.url in urls:
            other = urls[a.url]
            raise BuildError(f"{a.draft.file}:{a.draft.lines[0]} and {other.draft.file}:{other.draft.lines[0]} "
                             f"would both be written to {a.url}")
        urls[a.url] = a
