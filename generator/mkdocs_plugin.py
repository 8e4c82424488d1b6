"""MkDocs adapter: run the pipeline inside ``mkdocs build`` / ``mkdocs serve``.

Thin on purpose (MkDocs 2 drops plugins): it calls ``build.build`` (the same
function ``digest generate`` calls), adds the site's files as generated files (nothing is
written into ``docs/``), builds the navigation from the theme file, and
tells ``mkdocs serve`` to watch the seeds folder and the theme file. With
``--dirty`` (``mkdocs serve --dirty``, ``mkdocs build --dirty``) MkDocs
renders only the generated pages whose inputs changed since the last build
into the same site folder (``BuiltPages``). Every build takes the HTML of a
generated page whose Markdown was converted before from the cache instead of
converting it again (``ConvertedPages``), and converts the others on all cores
before MkDocs' own loop, which converts one page after another, takes them.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from generator import FEED_SIZE, LISTING_SIZE, PAGEFIND_FROM, SEARCH_BACKENDS
from generator.build import BuildError, build, gc_paused
from generator.cache.mkdocs_pages import BuiltPages, ConvertedPages, markdown_fingerprint
from generator.cache.pages import Session
from generator.config import DEFAULT_THEMES, ConfigError, Settings, load_themes
from generator.pagefind_index import (PART_SIZE, Indexer, article_slug, part_numbers, partition,
                                      parts_written_before)
from generator.render.export import EXPORT_PATH
from generator.render.text import Deferred, text_of
from generator.shared_chrome import SharedSearchBox, SharedSettings

log = get_plugin_logger(__name__)
# The line a build logs of its generated pages' HTML (on_post_build); bench/ and the tests read it.
CONVERSIONS_LOGGED = re.compile(r"生成的页面的 HTML：(\d+) 个取自缓存，(\d+) 个由 Markdown 转换")


class DigestConfig(base.Config):
    seeds = c.Type(str, default="seeds")
    themes = c.Optional(c.Type(str))
    nav = c.Type(bool, default=True)  # build the navigation from the theme file
    cache = c.Type(str, default=".digest-cache")  # per-page work kept between builds; "" for none
    # Search backend: "material" (lunr, one index file), "pagefind" (chunked index fetched per
    # query), or "auto": Pagefind from `pagefind_from` articles on (DIGEST_SEARCH overrides).
    search = c.Choice(SEARCH_BACKENDS, default="auto")
    pagefind_from = c.Type(int, default=PAGEFIND_FROM)  # ≈ 5 MB of Material index at ~13 KB per article
    feed_size = c.Type(int, default=FEED_SIZE)  # the newest articles the Atom feed lists
    listing_size = c.Type(int, default=LISTING_SIZE)  # articles per part of a theme, place, tag or the timeline
    pagefind_part_size = c.Type(int, default=PART_SIZE)  # articles per Pagefind index (its memory grows with it)
    jobs = c.Optional(c.Type(int))  # processes that work pages and convert them at once (default: one per core)


def in_navigation(path: str) -> bool:
    """The pages ``DigestPlugin.navigation`` lists: the top-level pages and the theme overviews
    (not the articles, the places' and tags' pages or the later parts of a listing)."""
    return "/" not in path or (path.startswith("themes/") and path.count("/") == 1)


class GeneratedPage(File):
    """A generated file whose text is rendered when MkDocs first reads it, and which a
    ``--dirty`` build need not read at all when the site folder's HTML was made from the same
    inputs (``unchanged``, from ``BuiltPages``)."""

    unchanged = False
    key = ""  # what its text is made from (render.Deferred.key); "" for a text made at once

    # MkDocs keeps a generated file's text in ``_content``: a ``render.text.Deferred`` stands in for it
    # until it is read (rendering every page's Markdown is 8 s of a 1,000-page dirty build).
    @property
    def _content(self):
        content = self.__dict__.get("_text")
        if isinstance(content, Deferred):
            content = self.__dict__["_text"] = content.render()
        return content

    @_content.setter
    def _content(self, value) -> None:
        self.__dict__["_text"] = value

    def is_modified(self) -> bool:
        return not (self.unchanged and os.path.isfile(self.abs_dest_path))


class DigestPlugin(BasePlugin[DigestConfig]):
    session: Session | None = None
    serving = False
    dirty = False
    indexer: subprocess.Popen | None = None  # Pagefind, indexing the last build under `mkdocs serve`
    pagefind: Indexer | None = None  # Pagefind, indexing the parts `mkdocs build` has written
    last_site = None  # under `mkdocs serve`, the last site built

    def on_startup(self, command, dirty):
        # Defining on_startup keeps this plugin object across the rebuilds of `mkdocs serve`,
        # and with it the session: the pages an edit did not touch are not read again.
        self.session = Session()
        self.serving = command == "serve"
        self.dirty = dirty

    def on_shutdown(self):
        self.stop_indexer()

    def on_build_error(self, error):
        self.stop_indexer()

    def stop_indexer(self) -> None:
        if self.pagefind is not None:
            self.pagefind.stop()
            self.pagefind = None
        if self.indexer is not None and self.indexer.poll() is None:
            # The indexer runs Pagefind as its own child: stop the whole group, or Pagefind would
            # go on writing into the folder the next build is about to fill.
            if hasattr(os, "killpg"):
                os.killpg(self.indexer.pid, signal.SIGTERM)
            else:
                self.indexer.terminate()
            self.indexer.wait()
        self.indexer = None

    def on_config(self, config):
        root = Path(config.config_file_path or ".").resolve().parent
        self.settings = Settings(
            seeds=(root / self.config.seeds).resolve(),
            themes_file=(root / self.config.themes).resolve() if self.config.themes else DEFAULT_THEMES,
            site_name=config.site_name,
            site_url=config.site_url or "",
            cache_dir=(root / self.config.cache).resolve() if self.config.cache else None,
            search=os.environ.get("DIGEST_SEARCH") or self.config.search,
            pagefind_from=self.config.pagefind_from,
            listing_size=self.config.listing_size,
            feed_size=self.config.feed_size,
            workers=self.config.jobs,
        )
        if self.config.nav and config.nav is None:
            config.nav = self.navigation(config)
        return config

    def navigation(self, config) -> list:
        try:
            themes = load_themes(self.settings.themes_file).themes
        except ConfigError as err:
            raise PluginError(str(err)) from None
        nav = [{"首页": "index.md"}, {"专题": [{t.name: f"themes/{t.key}.md"} for t in themes]},
               {"地点": "places.md"}, {"时间线": "timeline.md"}, {"标签": "tags.md"}]
        if (Path(config.docs_dir) / "about.md").exists():
            nav.append({"关于": "about.md"})
        return nav

    def on_env(self, env, config, files):
        # Material writes its settings into every page as JSON (``tojson``), its Chinese strings as
        # \u escapes by default: 0.5 KB of every page, where UTF-8 says the same in half the bytes.
        env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
        # What Material puts in every page for its JavaScript alone, from files the browser caches
        # (generator/shared_chrome.py; docs/overrides/main.html passes it through these filters).
        self.env, self.shared = env, (SharedSettings(), SharedSearchBox())
        for shared in self.shared:
            env.filters[shared.FILTER] = shared.filter
        return env

    def on_files(self, files: Files, config) -> Files:
        self.stop_indexer()  # the site folder is about to change under it
        try:
            with gc_paused():
                site = build(self.settings, self.session)
        except (BuildError, ConfigError) as err:
            if self.last_site is None:
                raise PluginError(f"digest：{err}") from None
            # `mkdocs serve` stops answering while a build fails: an editor who saves a bad
            # correction keeps the last good site, and the one-line error, until it is fixed.
            log.error(f"{err}；改正之前，网站仍是上一次成功生成的样子")
            site = self.last_site
        self.last_site = site if self.serving else None
        for warning in site.report.warnings:
            log.warning(warning)
        self.search = site.search
        config.extra["digest_search"] = self.search  # read by docs/overrides/main.html
        self.built = BuiltPages(self.settings.cache_dir, config)
        documents = sorted(f.src_uri for f in files.documentation_pages())
        self.conversions = ConvertedPages(self.settings.cache_dir, markdown_fingerprint(config, documents))
        # forgotten whatever the backend (this build rewrites the folder); what it lists and this
        # build does not generate is removed from the folder below
        last_built = last = self.built.load()
        if self.search != "pagefind":
            # Material's search index holds only the pages a build renders: a --dirty build may
            # skip pages only when Pagefind indexes the built HTML instead.
            last = {}
        self.keys = {}
        self.part_of = self.pagefind_parts(site.files, config)
        for path, content in sorted(site.files.items(), key=lambda item: self.loop_order(item[0])):
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"digest：docs/{path} 会被生成的页面顶替；请把它移走")
            if not isinstance(content, Deferred):  # the feed and the export, in pieces
                content = text_of(content).encode("utf-8")
                if path == EXPORT_PATH:
                    # The site publishes the export compressed: a quarter of its size (a year's archive
                    # must fit GitHub Pages' 1 GB). `digest generate` writes it plain.
                    path, content = f"{EXPORT_PATH}.gz", gzip.compress(content, compresslevel=9, mtime=0)
                self.keys[path] = hashlib.sha256(content).hexdigest()
            else:
                self.keys[path] = content.key
            inclusion = InclusionLevel.UNDEFINED if in_navigation(path) else InclusionLevel.NOT_IN_NAV
            page = GeneratedPage.generated(config, path, content=content, inclusion=inclusion)
            page.unchanged = last.get(path) == self.keys[path]
            if isinstance(content, Deferred):
                page.key = content.key
                self.conversions.expect(page)
            files.append(page)
        log.info(f"{len(site.report.pages)} 个版面 → {len(site.digest.articles)} 篇文章")
        # before the pages are laid out, not after: Pagefind indexes the folder while they are
        removed = self.built.remove_stale(last_built, self.keys, config)
        if removed:
            log.info(f"上次生成、这次不再生成的 {len(removed)} 个文件已删除")
        return files

    def pagefind_parts(self, paths, config) -> dict[str, int]:
        """Under `mkdocs build` with Pagefind: each article page's part of the index
        (generator/pagefind_index.py), and the indexer that indexes a part once its pages are
        written; nothing otherwise (`mkdocs serve` indexes in the background after the build)."""
        if self.search != "pagefind" or self.serving:
            return {}
        articles = {slug: path for path in paths if (slug := article_slug(path))}
        slugs = sorted(articles)
        parts = partition(slugs, self.config.pagefind_part_size)
        self.pagefind = Indexer(Path(config.site_dir), parts)
        return {articles[slug]: number for slug, number in part_numbers(slugs, parts).items()}

    def loop_order(self, path: str) -> tuple[bool, int, str]:
        """Where a generated page comes in MkDocs' loop, which lays pages out in the order of its
        files: the articles part by part, so Pagefind indexes the first part on one core while
        MkDocs lays out the next on the other; then the listings, which Pagefind does not index."""
        part = self.part_of.get(path)
        return part is None, part or 0, path

    def on_nav(self, nav, config, files):
        # Every page exists now, and MkDocs is about to convert them one after another: convert the
        # generated pages the cache lacks on all cores first (not under `mkdocs serve`, whose live
        # reload server runs threads a fork would copy mid-step; an edit there converts a few pages).
        if hasattr(self, "conversions") and not self.serving:
            pages = [f.page for f in files.documentation_pages() if isinstance(f, GeneratedPage)
                     and f.page is not None and (f.is_modified() or not self.dirty)]
            jobs = self.config.jobs or os.cpu_count() or 1
            if self.conversions.preconvert(pages, config, files, jobs):
                log.info(f"{jobs} 个进程转换了 {self.conversions.preconverted} 个生成的页面")
        if self.pagefind is not None:
            order = [f.src_uri for f in files.documentation_pages()]
            self.parts_written = parts_written_before(order, self.part_of)
        return nav

    def on_pre_page(self, page, config, files):
        if isinstance(page.file, GeneratedPage) and hasattr(self, "conversions"):
            self.conversions.attach(page, files)
        return page

    def on_page_context(self, context, page, config, nav):
        # Every page before this one in the loop is in the site folder: index the parts they complete.
        if self.pagefind is not None:
            self.pagefind.written(self.parts_written.get(page.file.src_uri, 0))
        return context

    def on_page_content(self, html, page, config, files):
        # MkDocs keeps every page's Markdown until the build ends, though nothing reads a generated
        # page's once it is HTML (the templates read the HTML; its title is in its front matter):
        # let it go, a fifth of the build's peak memory. ("" and not None: MkDocs takes a page
        # whose Markdown is None for one not read yet, without a title.)
        if isinstance(page.file, GeneratedPage):
            page.markdown, page.file._content = "", None
        return html

    def on_post_build(self, config):
        for shared in getattr(self, "shared", ()):
            script = Path(config.site_dir, shared.SCRIPT)  # the theme's template, copied as it is: rendered
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_text(shared.script(self.env.get_template(shared.SCRIPT)), encoding="utf-8")
        if hasattr(self, "built"):
            self.built.store(self.keys)
        if hasattr(self, "conversions"):
            self.conversions.prune()
            if self.conversions.taken + self.conversions.converted:
                done = self.conversions.preconverted  # kept by this build's processes, then taken
                log.info(f"生成的页面的 HTML：{self.conversions.taken - done} 个取自缓存，"
                         f"{self.conversions.converted + done} 个由 Markdown 转换")
        if self.pagefind is not None:
            # the parts MkDocs' loop has not left time for (generator/pagefind_index.py)
            try:
                self.pagefind.finish()
            except RuntimeError as err:
                raise PluginError(f"digest：Pagefind 建索引失败：{err}") from None
            finally:
                self.pagefind = None
            log.info("搜索：Pagefind 索引已写入 pagefind/")
        elif self.serving and getattr(self, "search", "material") == "pagefind":
            # An editor previewing waits for the page, not for the search index (9 s of a 17 s
            # rebuild at 1,000 pages): under `mkdocs serve` Pagefind indexes after the page is served.
            command = [sys.executable, "-m", "generator.pagefind_index", config.site_dir,
                       str(self.config.pagefind_part_size)]
            self.indexer = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                            start_new_session=True)

    def on_serve(self, server, config, builder):
        server.watch(str(self.settings.seeds))
        server.watch(str(self.settings.themes_file))
        return server
