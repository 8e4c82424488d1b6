"""One page's work: read it, split it into articles, and work out what each article says on
its own — its words, figures, places, date and themes — whatever else is in the corpus.

This depends only on the page's bytes, its file name, the code, the dictionaries and
the theme and place configuration, so the cache (``cache.pages``) keeps it by a hash
of all of them. Nothing here knows about the cache.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from generator.analyze import classify, keywords, normalize
from generator.analyze.facts import Facts, article_date, extract_figures, extract_places
from generator.analyze.places import Gazetteer
from generator.analyze.segment import default_segmenter
from generator.config import ThemeConfig
from generator.link import ids
from generator.model import Draft, Dropped, Page, PageMeta
from generator.read import ingest, split


@dataclass(frozen=True)
class Context:
    """The configuration the per-page work reads; ``digest`` is part of every cache key."""

    theme_config: ThemeConfig
    gazetteer: Gazetteer
    digest: str


def make_context(theme_config: ThemeConfig, gazetteer: Gazetteer, *files: Path) -> Context:
    """A Context whose digest covers the files the configuration was read from."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes() + b"\0")
    return Context(theme_config, gazetteer, digest.hexdigest())


@dataclass(frozen=True)
class PageSource:
    """A page file's name and bytes, read once: they key the cache and are the page."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Found:
    """One article as its page's work found it, before the corpus is weighed."""

    id: str  # stable: from the page file and the headline (``link.ids.stable_ids``)
    slug: str  # its URL part (pinyin: slow to compute, so kept with the page)
    draft: Draft
    meta: PageMeta  # the page's front matter
    terms: keywords.Terms  # its distinct content words and their counts
    facts: Facts
    title_words: tuple[str, ...]  # the content words in its headline, sorted
    made_from: str | None = None  # the page work (its key) it came from; None when an editor merged drafts


@dataclass(frozen=True)
class PageWork:
    """A page's articles and leftovers (``page`` None, and ``problem`` why, when it could not be read)."""

    page: Page | None
    found: tuple[Found, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    problem: str | None = None
    key: str = ""  # names the work of this page's bytes under this code and configuration


def process_page(source: PageSource, context: Context, key: str = "") -> PageWork:
    """Decode, split, fold, segment and analyse one page (never raises for a bad page)."""
    try:
        page = ingest.page_from_bytes(source.name, source.data)
    except ingest.PageError as err:
        return PageWork(None, problem=str(err), key=key)
    drafts, dropped = split.split_page(page)
    article_ids = ids.stable_ids(drafts)
    found = tuple(analyse_draft(i, ids.slug(d.title, i), d, page.meta, context, made_from=key)
                  for d, i in zip(drafts, article_ids))
    # The page's lines now live in its drafts and dropped text: kept a second time, they would
    # be read back from the cache and held in memory by every later build for nothing.
    return PageWork(replace(page, lines=()), found, tuple(dropped), key=key)


def analyse_draft(article_id: str, slug: str, draft: Draft, meta: PageMeta, context: Context, *,
                  made_from: str | None = None) -> Found:
    """What one article says on its own. The analysis reads a folded copy (simplified,
    half-width); figures and theme evidence are quoted as written."""
    view = normalize.fold_draft(draft)
    tokens = keywords.tokenize(view, default_segmenter(), context.gazetteer)
    as_written = normalize.Unfolder(draft, view)
    facts = Facts(
        figures=as_written.figures(extract_figures(view)),
        places=extract_places(view, context.gazetteer),
        date=article_date(view, meta),
        themes=as_written.themes(classify.classify(view, context.theme_config)),
    )
    return Found(article_id, slug, draft, meta, keywords.term_counts(tokens), facts,
                 tuple(sorted(keywords.title_words(view, tokens))), made_from)
