"""The per-page work (``analyze.page``), kept between builds and spread over the cores.

Everything a page yields before the corpus is looked at as a whole — its
articles, their words, and what each article says on its own (figures,
places, date, themes) — depends only on the page's bytes, its file name, the
code, the dictionaries and the theme and place configuration. That work is
kept in a cache folder (keyed by a hash of all of them, in 32 shards by file
name), and in a process that builds again in its ``Session``, so an unchanged
page is neither split, segmented nor analysed again; pages not in the cache
are processed in parallel when there are enough of them to pay for starting
the workers. What depends on the whole corpus (keyword weights, summaries,
related articles, the rendered site) is computed on every build.

The cache holds pickles the generator wrote itself; delete the folder at any
time (`digest generate --no-cache` ignores it).
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import repeat
from pathlib import Path

from generator import DATA
from generator.analyze.page import Context, PageSource, PageWork, process_page
from generator.analyze.segment import STOP_WORDS, USER_DICT, default_segmenter, segmenter_backend

PARALLEL_MIN_PAGES = 16  # below this, starting worker processes costs more than it saves
CACHE_FORMAT = 5
SHARDS = 32  # files the page work is kept in: an edit rewrites 1/32 of it
SHARD_NAME = re.compile(r"pages-\d{2}\.pickle")


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the generator's code and the data the per-page work reads."""
    package = Path(__file__).parents[1]
    digest = hashlib.sha256(f"format {CACHE_FORMAT}".encode())
    for path in sorted(package.rglob("*.py")) + [USER_DICT, STOP_WORDS, DATA / "surnames.txt",
                                                  DATA / "generic_words.txt"]:
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    digest.update(segmenter_backend().encode())
    digest.update(Path(importlib.util.find_spec("pypinyin").origin).read_bytes())  # its version: the slugs
    return digest.hexdigest()


@dataclass
class Session:
    """What one build read, for the next build in the same process (``mkdocs serve``): every
    page's work by its key. A page whose bytes, code and configuration are as they were is
    not read from the cache folder again, let alone worked out."""

    shards: dict[int, dict[str, PageWork]] = field(default_factory=dict)  # as ``PageCache.found``


def shared_words(work: PageWork) -> PageWork:
    """The page's words as the process-wide string objects: a word used on a thousand
    pages is then held once, not once per page (a worker's result is unpickled page
    by page). Work read back from the cache needs no such pass: a shard was pickled
    from shared words, so it holds each word once, and 32 copies at most of a word
    cost less memory than a pass over every word costs time (0.2 s at 1,000 pages)."""
    return replace(work, found=tuple(replace(f, terms=(tuple(map(sys.intern, f.terms[0])), f.terms[1]))
                                     for f in work.found))


class PageCache:
    """Every page's work, in ``SHARDS`` files under ``folder``; ``None`` disables caching.

    A page's work goes into the shard its file name falls in, so a shard holds
    the same pages from build to build and an edited page rewrites one shard,
    not the corpus. Thirty-two files load in about half the time a thousand do
    (one open, one unpickler and one copy of each word per shard, not per page).
    """

    def __init__(self, folder: Path | None, context: Context, session: Session | None = None):
        self.folder, self.context, self.session = folder, context, session
        # shard → {key: PageWork} as its file holds it (as the session's last build left it, else read when needed)
        self.found: dict[int, dict] = dict(session.shards) if session is not None else {}
        self.kept: dict[int, dict[str, PageWork]] = {}  # shard → this build's pages

    def key(self, source: PageSource) -> str:
        digest = hashlib.sha256(f"{code_version()}\0{self.context.digest}\0".encode())
        digest.update(source.name.encode("utf-8") + b"\0" + source.data)
        return digest.hexdigest()

    def load(self, name: str, key: str) -> PageWork | None:
        """The work kept for this page name and key, if any."""
        shard = shard_of(name)
        if shard not in self.found:
            if self.folder is None:
                return None
            found = read_cached(self.shard_path(shard))
            self.found[shard] = found if isinstance(found, dict) else {}  # else: do the work again
        work = self.found[shard].get(key)
        return work if isinstance(work, PageWork) else None

    def keep(self, name: str, key: str, work: PageWork) -> None:
        """Keep this build's work of a page (from the cache or made afresh) for ``commit``."""
        if work.page is not None:
            self.kept.setdefault(shard_of(name), {})[key] = work

    def commit(self) -> None:
        """Write the shards whose pages changed; remove the work of pages this build did not
        read (edited or removed pages, another code version or configuration).

        Without the removal the folder would grow by a corpus' worth of work with every
        new version of the generator. Call it after a successful build only.
        """
        if self.session is not None:
            self.session.shards = dict(self.kept)
        if self.folder is None:
            return
        for shard, works in self.kept.items():
            if works.keys() != self.found.get(shard, {}).keys():
                write_cached(self.shard_path(shard), works)
        in_use = {self.shard_path(shard).name for shard in self.kept}
        try:
            for entry in os.scandir(self.folder):
                # only a shard file as ``shard_path`` names it: the folder may hold files we did not write
                if SHARD_NAME.fullmatch(entry.name) and entry.name not in in_use and entry.is_file():
                    os.unlink(entry.path)  # a shard none of this build's pages fall in
        except OSError:
            pass  # a read-only or vanished cache: nothing to tidy

    def shard_path(self, shard: int) -> Path:
        return self.folder / f"pages-{shard:02d}.pickle"


@functools.lru_cache(maxsize=1 << 16)  # twice per page and build (load, keep)
def shard_of(name: str) -> int:
    """The shard a page file name falls in (the same in every process, unlike ``hash``)."""
    return int.from_bytes(hashlib.sha1(name.encode("utf-8")).digest()[:4], "big") % SHARDS


def read_cached(path: Path):
    """What ``write_cached`` left at ``path``, or None when it is missing, unreadable or from another version."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None


def write_cached(target: Path, value) -> None:
    """Pickle ``value`` to ``target`` atomically: a reader never sees half a file.

    A read-only or full disk slows the next build; it does not break this one.
    """
    try:
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(target)
    except OSError:
        pass


def process_pages(paths: list[Path], cache: PageCache, *, workers: int | None = None, progress=None) -> list[PageWork]:
    """PageWork for every path, in the given order: from the cache, else computed (in parallel)."""
    results: list[PageWork | None] = [None] * len(paths)
    todo: list[tuple[int, PageSource, str]] = []
    for i, path in enumerate(paths):
        try:
            source = PageSource(path.name, path.read_bytes())
        except OSError as err:
            results[i] = PageWork(None, problem=f"{path.name}: {err.strerror}")
            continue
        key = cache.key(source)
        cached = cache.load(source.name, key)
        if cached is None:
            todo.append((i, source, key))
            continue
        results[i] = work = cached
        cache.keep(path.name, key, work)
        if progress:
            progress(path.name)
    workers = (os.cpu_count() or 1) if workers is None else workers
    if len(todo) >= PARALLEL_MIN_PAGES and workers > 1:
        default_segmenter()  # load the dictionary once; forked workers share it
        with ProcessPoolExecutor(max_workers=workers) as pool:
            computed = pool.map(process_page, [source for _, source, _ in todo], repeat(cache.context),
                                [key for *_, key in todo], chunksize=4)
            for (i, source, key), work in zip(todo, computed):
                results[i] = work = shared_words(work)
                cache.keep(source.name, key, work)
                if progress:
                    progress(source.name)
    else:
        for i, source, key in todo:
            results[i] = work = process_page(source, cache.context, key)
            cache.keep(source.name, key, work)
            if progress:
                progress(source.name)
    return results  # type: ignore[return-value]
