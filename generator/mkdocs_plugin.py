"""MkDocs adapter: run the pipeline inside ``mkdocs build`` / ``mkdocs serve``.

Thin on purpose (MkDocs 2 drops plugins): it calls ``pipeline.build`` and
``render.render_site``, adds the results as generated files (nothing is
written into ``docs/``), builds the navigation from the theme file, and
tells ``mkdocs serve`` to watch the seeds folder and the theme file.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from .config import DEFAULT_THEMES, ConfigError, Settings, load_themes
from .pipeline import BuildError, build, gc_paused
from .render import LISTING_SIZE, render_site

log = get_plugin_logger(__name__)


class DigestConfig(base.Config):
    seeds = c.Type(str, default="seeds")
    themes = c.Optional(c.Type(str))
    nav = c.Type(bool, default=True)  # build the navigation from the theme file
    cache = c.Type(str, default=".digest-cache")  # per-page work kept between builds; "" for none
    # Search backend: "material" (lunr, one index file), "pagefind" (chunked index fetched per
    # query), or "auto": Pagefind from `pagefind_from` articles on (DIGEST_SEARCH overrides).
    search = c.Choice(("auto", "material", "pagefind"), default="auto")
    pagefind_from = c.Type(int, default=400)  # ≈ 5 MB of Material index at ~13 KB per article
    listing_size = c.Type(int, default=LISTING_SIZE)  # articles per part of a theme, place, tag or the timeline


def in_navigation(path: str) -> bool:
    """The pages ``DigestPlugin.navigation`` lists: the top-level pages and the theme overviews
    (not the articles, the places' and tags' pages or the later parts of a listing)."""
    return "/" not in path or (path.startswith("themes/") and path.count("/") == 1)


class DigestPlugin(BasePlugin[DigestConfig]):
    def on_config(self, config):
        root = Path(config.config_file_path or ".").resolve().parent
        self.settings = Settings(
            seeds=(root / self.config.seeds).resolve(),
            themes_file=(root / self.config.themes).resolve() if self.config.themes else DEFAULT_THEMES,
            site_name=config.site_name,
            site_url=config.site_url or "",
            cache_dir=(root / self.config.cache).resolve() if self.config.cache else None,
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

    def on_files(self, files: Files, config) -> Files:
        try:
            with gc_paused():
                digest, report = build(self.settings)
        except (BuildError, ConfigError) as err:
            raise PluginError(f"digest: {err}") from None
        for warning in report.warnings:
            log.warning(warning)
        self.search = self.search_backend(len(digest.articles))
        config.extra["digest_search"] = self.search  # read by docs/overrides/main.html
        if self.config.listing_size < 1:
            raise PluginError(f"digest: listing_size must be at least 1, not {self.config.listing_size}")
        site = render_site(digest, site_name=config.site_name, site_url=config.site_url or "", search=self.search,
                           listing_size=self.config.listing_size)
        for path, text in sorted(site.items()):
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"digest: docs/{path} would be replaced by a generated page; remove it")
            inclusion = InclusionLevel.UNDEFINED if in_navigation(path) else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, path, content=text, inclusion=inclusion))
        log.info(f"{len(report.pages)} pages → {len(digest.articles)} articles")
        return files

    def search_backend(self, n_articles: int) -> str:
        chosen = os.environ.get("DIGEST_SEARCH") or self.config.search
        if chosen == "auto":
            chosen = "pagefind" if n_articles >= self.config.pagefind_from else "material"
        if chosen not in ("material", "pagefind"):
            raise PluginError(f"digest: DIGEST_SEARCH={chosen!r}; expected material or pagefind")
        return chosen

    def on_post_build(self, config):
        if getattr(self, "search", "material") != "pagefind":
            return
        # Index the article pages only, their content only (not navigation), in chunks.
        command = [sys.executable, "-m", "pagefind", "--site", config.site_dir, "--root-selector", "article",
                   "--glob", "articles/**/*.html", "--exclude-selectors", ".headerlink", "--quiet"]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            reason = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            raise PluginError(f"digest: pagefind failed: {reason[0]}")
        log.info("search: Pagefind index written to pagefind/")

    def on_serve(self, server, config, builder):
        server.watch(str(self.settings.seeds))
        server.watch(str(self.settings.themes_file))
        return server
