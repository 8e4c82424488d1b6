"""What MkDocs made of the generated pages, kept in the cache folder for the next build.

* ``BuiltPages`` — each generated file's key as the last build into a site folder wrote it, so a
  ``--dirty`` build (``mkdocs serve --dirty``) renders only the pages whose inputs changed, and
  removes the pages that build wrote and this one no longer generates.
* ``ConvertedPages`` — the HTML Python-Markdown made of each generated page, under what it was
  made from, so any build converts only the pages whose Markdown changed, and those on all cores.

Both work on MkDocs' Page and File objects (``mkdocs_plugin`` hands them over); the stages of the
generator know nothing of them.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import importlib.metadata
import json
import logging
import multiprocessing
import os
import pickle
import re
import sys
import zlib
from pathlib import Path

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler


class BuiltPages:
    """What the last successful build wrote into a site folder: each generated file's key (what
    its text is made from: ``render.text.Deferred``), under a fingerprint of everything else its HTML
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

    def remove_stale(self, last: dict[str, str], now: dict[str, str], config) -> list[str]:
        """Remove from the site folder what the last build wrote there as a generated file and
        this build no longer generates (a newspaper page taken out, two articles merged), and the
        folders that held only that: a ``--dirty`` build leaves the site folder as it was
        otherwise, and Pagefind would go on finding the articles. Only the files ``last`` lists
        (the record of this site folder); the paths removed."""
        removed = []
        site = Path(config.site_dir).resolve()
        for path in sorted(set(last) - set(now)):
            target = Path(File(path, src_dir=None, dest_dir=str(site),
                               use_directory_urls=config.use_directory_urls).abs_dest_path)
            if target.is_file() and site in target.parents:
                target.unlink()
                removed.append(path)
                for folder in target.parents:
                    if folder == site or any(folder.iterdir()):
                        break
                    folder.rmdir()
        return removed

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


ENTRY_NAME = re.compile(r"[0-9a-f]{40}")  # ConvertedPages.entry
PRECONVERT_MIN = 20  # pages per process below which forking costs more than it saves


class ConvertedPages:
    """The HTML Python-Markdown made of each generated page, kept in the cache folder under
    what it was made from, for the next build of any site folder.

    Converting Markdown is most of a clean ``mkdocs build`` (9 ms per article page, 84 s of
    138 s at 1,000 newspaper pages), and a page's HTML depends only on its Markdown (its key:
    ``render.text.Deferred``) and on how MkDocs converts it: the Markdown extensions and their
    options, the packages' versions, ``use_directory_urls`` and the hand-written pages links
    may lead to (``markdown_fingerprint``). So a build after a day's pages were added, a
    ``mkdocs serve`` rebuild without ``--dirty`` or a CI build with the cache folder restored
    converts only the pages whose Markdown changed (and renders only their Markdown: it is kept
    with the HTML); the theme still lays out every page, so its navigation is always the site's.
    A conversion that logged a warning is not kept: a strict build fails on it again. Entries
    no generated page of the last build has are removed.
    """

    FOLDER = "html"

    def __init__(self, cache_dir: Path | None, fingerprint: str):
        self.folder = cache_dir / self.FOLDER if cache_dir is not None else None
        self.fingerprint = fingerprint
        self.expected: set[str] = set()  # this build's entries, converted or not
        self.taken = self.converted = 0  # this build's pages restored from the folder / converted here
        self.preconverted = 0  # of those taken, converted by this build's processes (preconvert)

    def entry(self, path: str, key: str) -> str:
        return hashlib.sha256(f"{self.fingerprint}\0{path}\0{key}".encode("utf-8")).hexdigest()[:40]

    def expect(self, page_file) -> None:
        if self.folder is not None:
            self.expected.add(self.entry(page_file.src_uri, page_file.key))

    def attach(self, page: Page, files: Files) -> None:
        """Make ``page.render`` take the kept HTML, or convert and keep it."""
        if self.folder is None or not getattr(page.file, "key", ""):
            return
        entry = self.entry(page.file.src_uri, page.file.key)
        kept = self.read(entry)
        links = None
        if kept is not None and kept["links"] is not None:
            links = {files.get_file_from_path(uri): anchors for uri, anchors in kept["links"].items()}
            if None in links:
                kept = None  # a page it links into is gone: convert it again, so MkDocs checks the links
        # an attribute of the instance: MkDocs calls page.render(config, files) and finds it first
        if kept is not None:
            page.file._content = kept["markdown"]  # the same text: its Markdown need not be rendered either
            page.render = functools.partial(self.restore, page, kept, links)
        else:
            page.render = functools.partial(self.convert, page, entry)

    def preconvert(self, pages: list[Page], config, files: Files, jobs: int) -> int:
        """Convert, in ``jobs`` processes at once, the pages whose HTML is not kept, and keep it:
        MkDocs converts one page after another, and converting is half of a clean build, so on a
        machine of two cores (a CI runner's) one core idled for half the build. MkDocs' own loop
        then takes the HTML from the cache (``attach``). The processes are forked from this one,
        so they share its pages, files and settings as they are: on Linux only (Windows cannot
        fork; macOS' system libraries may not survive it). Without a cache folder or with little
        to do, MkDocs converts as before. Returns how many pages were converted and kept."""
        if self.folder is None or jobs < 2 or not sys.platform.startswith("linux"):
            return 0
        todo = [page for page in pages if getattr(page.file, "key", "") and not self.is_kept(page)]
        if len(todo) < jobs * PRECONVERT_MIN:
            return 0
        self.folder.mkdir(parents=True, exist_ok=True)
        fork = multiprocessing.get_context("fork")
        gc.freeze()  # a child that walked the parent's objects to collect them would copy their memory
        try:
            workers = [fork.Process(target=self.convert_share, args=(todo[i::jobs], config, files))
                       for i in range(jobs)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        finally:
            gc.unfreeze()
        self.preconverted = sum(1 for page in todo if self.is_kept(page))
        return self.preconverted

    def is_kept(self, page: Page) -> bool:
        return (self.folder / self.entry(page.file.src_uri, page.file.key)).is_file()

    def convert_share(self, pages: list[Page], config, files: Files) -> None:
        """In a forked process: what MkDocs does to a page up to its HTML (read, plugins'
        ``on_page_markdown``, convert), keeping the HTML of each page converted without a warning.
        A page that warns is left to MkDocs, whose loop converts it again and reports it once."""
        for name in ("", "mkdocs", "MARKDOWN"):
            logging.getLogger(name).handlers.clear()  # the counter ``convert`` adds is all that listens
        for page in pages:
            config._current_page = page
            try:
                page.read_source(config)
                page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config,
                                                                files=files)
                self.convert(page, self.entry(page.file.src_uri, page.file.key), config, files)
                page.markdown, page.content, page.file._content = "", None, None  # kept on disk: let it go
            except Exception:  # noqa: BLE001 - MkDocs meets it again in its own loop and reports it there
                continue

    def restore(self, page: Page, kept: dict, links, config, files) -> None:
        page.content, page.toc = kept["content"], kept["toc"]
        page._title_from_render = kept["title"]
        page.present_anchor_ids = set(kept["anchors"])
        if links is not None:
            page.links_to_anchors = links
        self.taken += 1

    def convert(self, page: Page, entry: str, config, files) -> None:
        counter = CountHandler(level=logging.WARNING)  # what `mkdocs build --strict` counts
        loggers = [logging.getLogger("mkdocs"), logging.getLogger("MARKDOWN")]
        for logger in loggers:
            logger.addHandler(counter)
        try:
            Page.render(page, config, files)
        finally:
            for logger in loggers:
                logger.removeHandler(counter)
        self.converted += 1
        if counter.counts:
            return
        links = page.links_to_anchors
        kept = {"markdown": page.file.content_string, "content": page.content, "toc": page.toc,
                "title": page._title_from_render,
                "anchors": sorted(page.present_anchor_ids or ()),
                "links": None if links is None else {f.src_uri: dict(a) for f, a in links.items()}}
        self.write(entry, kept)

    def read(self, entry: str) -> dict | None:
        try:
            kept = pickle.loads(zlib.decompress((self.folder / entry).read_bytes()))
        except (OSError, zlib.error, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError,
                ValueError):
            return None
        return kept if isinstance(kept, dict) else None

    def write(self, entry: str, kept: dict) -> None:
        """Atomically; a read-only or full disk slows the next build, it does not break this one."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{entry}.{os.getpid()}.tmp"
            temporary.write_bytes(zlib.compress(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL), 1))
            temporary.replace(self.folder / entry)
        except OSError:
            pass

    def prune(self) -> None:
        """Remove the entries of pages this build does not have (the cache would grow with every day)."""
        if self.folder is None:
            return
        try:
            for item in os.scandir(self.folder):
                # only an entry as ``entry`` names it: the folder may hold files we did not write
                if ENTRY_NAME.fullmatch(item.name) and item.name not in self.expected and item.is_file():
                    os.unlink(item.path)
        except OSError:
            pass


def markdown_fingerprint(config, documents: list[str]) -> str:
    """A hash of how MkDocs turns a page's Markdown into HTML, beside the Markdown itself:
    the extensions and their options, the versions of the packages that do it, the URL style,
    and the hand-written pages (``documents``) a link may lead to."""
    digest = hashlib.sha256()
    for package in ("mkdocs", "markdown", "mkdocs-material", "pymdown-extensions"):
        try:
            version = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{package} {version}\n".encode())
    settings = [config["markdown_extensions"], config["mdx_configs"], config["use_directory_urls"], documents]
    digest.update(json.dumps(settings, sort_keys=True, default=repr, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()
