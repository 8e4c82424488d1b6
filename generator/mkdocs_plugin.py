"""MkDocs adapter: run the pipeline inside ``mkdocs build`` / ``mkdocs serve``.

Thin on purpose (MkDocs 2 drops plugins): it calls ``pipeline.build`` and
``render.site_files``, adds the results as generated files (nothing is
written into ``docs/``), builds the navigation from the theme file, and
tells ``mkdocs serve`` to watch the seeds folder and the theme file. With
``--dirty`` (``mkdocs serve --dirty``, ``mkdocs build --dirty``) MkDocs
renders only the generated pages whose inputs changed since the last build
into the same site folder (``BuiltPages``).
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
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
from .render import LISTING_SIZE, Deferred, site_files, text_of

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


class GeneratedPage(File):
    """A generated file whose text is rendered when MkDocs first reads it, and which a
    ``--dirty`` build need not read at all when the site folder's HTML was made from the same
    inputs (``unchanged``, from ``BuiltPages``)."""

    unchanged = False

    # MkDocs keeps a generated file's text in ``_content``: a ``render.Deferred`` stands in for it
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


class BuiltPages:
    """What the last successful build wrote into a site folder: each generated file's key (what
    its text is made from: ``render.Deferred``), under a fingerprint of everything else its HTML
    is made from (mkdocs.yml, the theme overrides, the search backend, the MkDocs and Material
    versions).

    MkDocs' own ``--dirty`` compares a Markdown file's time with its HTML's; generated pages have
    no file, so MkDocs renders every one of them, about 30 ms each (3.5 minutes at 1,000 newspaper
    pages). Kept in the cache folder, one file per site folder; removed while a build runs, so a
    build that fails half way leaves the next one to render everything.
    """

    def __init__(self, cache_dir: Path | None, config):
        self.path = None
        if cache_dir is not None:
            site = hashlib.sha256(os.path.abspath(config.site_dir).encode()).hexdigest()[:16]
            self.path = cache_dir / "built" / f"{site}.json"
        self.fingerprint = site_fingerprint(config)

    def load(self) -> dict[str, str]:
        """The key of each generated file as last built, or nothing; forgets it until ``store``."""
        if self.path is None or not self.path.is_file():
            return {}
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
            self.path.unlink()
        except (OSError, ValueError):
            return {}
        return record.get("pages", {}) if record.get("fingerprint") == self.fingerprint else {}

    def store(self, pages: dict[str, str]) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"fingerprint": self.fingerprint, "pages": pages}, sort_keys=True),
                             encoding="utf-8")
        temporary.replace(self.path)


def site_fingerprint(config) -> str:
    """A hash of what, beside its own text, a generated page's HTML is made from."""
    digest = hashlib.sha256()
    for package in ("mkdocs", "mkdocs-material"):
        digest.update(f"{package} {importlib.metadata.version(package)}\n".encode())
    digest.update(f"{config.site_url} {config.extra.get('digest_search')}\n".encode())
    if config.config_file_path:
        digest.update(Path(config.config_file_path).read_bytes())
    for folder in [config.theme.custom_dir] if config.theme.custom_dir else []:
        for root, _, names in sorted(os.walk(folder)):
            for name in sorted(names):
                stat = os.stat(os.path.join(root, name))
                digest.update(f"{os.path.join(root, name)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    docs = Path(config.docs_dir)
    digest.update(f"about {(docs / 'about.md').exists()}\n".encode())  # in the navigation if present
    return digest.hexdigest()


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
        site = site_files(digest, site_name=config.site_name, site_url=config.site_url or "", search=self.search,
                          listing_size=self.config.listing_size)
        self.built = BuiltPages(self.settings.cache_dir, config)
        last = self.built.load()  # forgotten whatever the backend: this build rewrites the folder
        if self.search != "pagefind":
            # Material's search index holds only the pages a build renders: a --dirty build may
            # skip pages only when Pagefind indexes the built HTML instead.
            last = {}
        self.keys = {}
        for path, content in sorted(site, key=lambda item: item[0]):
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"digest: docs/{path} would be replaced by a generated page; remove it")
            if not isinstance(content, Deferred):  # the export, in pieces
                content = text_of(content)
                self.keys[path] = hashlib.sha256(content.encode("utf-8")).hexdigest()
            else:
                self.keys[path] = content.key
            inclusion = InclusionLevel.UNDEFINED if in_navigation(path) else InclusionLevel.NOT_IN_NAV
            page = GeneratedPage.generated(config, path, content=content, inclusion=inclusion)
            page.unchanged = last.get(path) == self.keys[path]
            files.append(page)
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
        if hasattr(self, "built"):
            self.built.store(self.keys)
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
