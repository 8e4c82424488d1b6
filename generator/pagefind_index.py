"""Pagefind's index of the built site's articles, in parts of bounded size.

Pagefind holds everything it indexes in memory until it writes: about 180 KB per article, so
a year of a daily (~46,000 articles) needed 8.5 GB in one run, more than a private repository's
GitHub runner has (7 GB). Indexed in parts of at most ``part_size`` articles, one Pagefind run
after another, the peak is one part's; the search worker (``digest-pagefind.js``) loads the
first part's bundle and merges the others (Pagefind's ``mergeIndex``), so readers search all
of them at once. Under ``mkdocs build`` the digest plugin lays the articles out part by part and
hands each part to the ``Indexer`` as soon as it is written, so Pagefind works on one core while
MkDocs lays out the next part on the other.

A part is the articles whose ids start with some prefixes. An article's folder is
``articles/<pinyin of the headline>-<id>/`` (``link.ids.slug``), and the id, ten hex digits of a
SHA-1, is spread evenly whatever the article says: each part is a random sample of the archive.
That matters because Pagefind ranks each part by its own statistics (how rare a word is, how
long pages are) and the merged results are ordered by those scores. Parts cut by the headline's
pinyin held every article of one headline in one part, where its words were common, so a query's
best articles ranked below weaker ones of other parts (the search tests' first hits fell from
0.78 to 0.42 on the same 1,000 pages in five parts). Pagefind's ``--glob`` selects a part by the
folder name's last ten characters (``*0a????????``). The parts are listed in
``pagefind/parts.json`` for the worker: ``["pagefind/", "pagefind-2/", ...]``.

Run as ``python -m generator.pagefind_index SITE_DIR PART_SIZE`` (the digest plugin does, in
the background under ``mkdocs serve``); exit status 1 with the reason on stderr if Pagefind fails.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from itertools import groupby
from pathlib import Path
from typing import IO

# Articles per part: Pagefind's memory is about 180 KB per article it indexes, and MkDocs keeps the
# site's pages while it runs (2.0 GB at 5,000 newspaper pages): parts of 10,000 took that build to
# 4.0 GB; of 5,000, 2.9 GB, for 0.1 MB more fetched before a phone's first result.
PART_SIZE = 5_000
MANIFEST = "pagefind/parts.json"
PAGEFIND_OPTIONS = ("--root-selector", "article", "--exclude-selectors", ".headerlink", "--quiet")


ID_LENGTH = 10  # the id that ends every article's folder name (link.ids.slug)
ARTICLE_FOLDER = re.compile(rf".*[0-9a-f]{{{ID_LENGTH}}}")
ARTICLE_PAGE = re.compile(rf"articles/({ARTICLE_FOLDER.pattern})\.md")  # a generated article's Markdown


def prefix_groups(ids: list[str], size: int, depth: int = 1) -> list[tuple[str, int]]:
    """The sorted, distinct ``ids`` grouped by their first ``depth`` characters, longer prefixes
    where a group holds more than ``size``: (prefix, count) in order."""
    groups: list[tuple[str, int]] = []
    for prefix, members in groupby(ids, key=lambda article: article[:depth]):
        members = list(members)
        if len(members) <= size or depth >= ID_LENGTH:
            groups.append((prefix, len(members)))
        else:
            groups.extend(prefix_groups(members, size, depth + 1))
    return groups


def partition(slugs: list[str], size: int) -> list[list[str]]:
    """The articles' id prefixes, consecutive groups packed into parts of at most ``size``
    articles (one part for a small site): each part a list of prefixes."""
    ids = sorted(slug[-ID_LENGTH:] for slug in slugs)
    parts: list[list[str]] = []
    count = 0
    for prefix, n in prefix_groups(ids, max(size, 1)):
        if not parts or count + n > size:
            parts.append([])
            count = 0
        parts[-1].append(prefix)
        count += n
    return parts or [[""]]


def glob_of(part: list[str]) -> str:
    """Pagefind's ``--glob`` for the article pages of one part: the folders whose last ten
    characters (the id) start with one of the part's prefixes."""
    if part == [""]:
        return "articles/*/index.html"
    names = [f"*{prefix}{'?' * (ID_LENGTH - len(prefix))}" for prefix in part]
    return f"articles/{names[0]}/index.html" if len(names) == 1 else f"articles/{{{','.join(names)}}}/index.html"


def bundle_of(number: int) -> str:
    return "pagefind" if number == 1 else f"pagefind-{number}"


def article_slugs(site_dir: Path) -> list[str]:
    return [page.parent.name for page in (site_dir / "articles").glob("*/index.html")
            if ARTICLE_FOLDER.fullmatch(page.parent.name)]


def article_slug(path: str) -> str | None:
    """The folder name of a generated article page's HTML, from its Markdown's path; None for
    another page."""
    match = ARTICLE_PAGE.fullmatch(path)
    return match.group(1) if match else None


def part_numbers(slugs: list[str], parts: list[list[str]]) -> dict[str, int]:
    """Each article's part (0 for the first), by the prefix of its id the part holds."""
    owner = {prefix: number for number, part in enumerate(parts) for prefix in part}
    numbers = {}
    for slug in slugs:
        id_ = slug[-ID_LENGTH:]
        numbers[slug] = next(owner[id_[:n]] for n in range(ID_LENGTH + 1) if id_[:n] in owner)
    return numbers


def parts_written_before(order: list[str], part_of: dict[str, int]) -> dict[str, int]:
    """For each page of a build's loop (``order``), how many parts, counted from the first, have
    every article (``part_of``: page → part) earlier in the loop, so already in the site folder."""
    ends: dict[int, int] = {}
    for position, page in enumerate(order):
        if page in part_of:
            ends[part_of[page]] = position
    last_of = [ends.get(number, -1) for number in range(max(part_of.values(), default=-1) + 1)]  # -1: none in the loop
    written, done = {}, 0
    for position, page in enumerate(order):
        while done < len(last_of) and last_of[done] < position:
            done += 1
        written[page] = done
    return written


def last_line(output: str) -> str:
    """Why a command failed: the last line it printed."""
    return (output.strip().splitlines() or ["没有输出"])[-1]


class Indexer:
    """Pagefind over a site's parts, one run after another in the background, each part started as
    soon as the build has written all its articles (``written``): while Pagefind indexes one part
    on one core, MkDocs lays out the next part's pages on the other (a 5,000-page build spent
    80–90 s indexing after its pages were laid out). ``finish`` waits for the last part and writes
    the manifest."""

    def __init__(self, site_dir: Path, parts: list[list[str]]):
        self.site_dir, self.parts = Path(site_dir), parts
        self.previous = previous_bundles(self.site_dir)
        self.ready = 0  # the first parts whose articles are all in the site folder
        self.bundles: list[str] = []  # the parts' folders, indexed or being indexed
        self.running: tuple[subprocess.Popen, IO[bytes]] | None = None
        self.failure: str | None = None

    def written(self, parts: int) -> None:
        """The first ``parts`` parts' articles are written: index them as Pagefind gets to them."""
        self.ready = max(self.ready, min(parts, len(self.parts)))
        self.advance()

    def advance(self, wait: bool = False) -> None:
        if self.running is not None:
            process, output = self.running
            if process.poll() is None and not wait:
                return
            if process.wait() != 0:
                output.seek(0)
                self.failure = last_line(output.read().decode("utf-8", "replace"))
            output.close()
            self.running = None
        if self.failure is None and len(self.bundles) < self.ready:
            self.start(len(self.bundles))

    def start(self, number: int) -> None:
        bundle = bundle_of(number + 1)
        # Pagefind adds its files to what the folder holds: a part indexed again (a --dirty build,
        # `mkdocs serve`) kept every fragment of the articles it held before
        shutil.rmtree(self.site_dir / bundle, ignore_errors=True)
        command = [sys.executable, "-m", "pagefind", "--site", str(self.site_dir), "--glob",
                   glob_of(self.parts[number]), "--output-subdir", bundle, *PAGEFIND_OPTIONS]
        output = tempfile.TemporaryFile()  # not a pipe: nobody reads it until Pagefind ends
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        self.running = (process, output)
        self.bundles.append(f"{bundle}/")

    def finish(self) -> list[str]:
        """Index what is left, write the manifest; the parts' folders. Raises ``RuntimeError``
        with Pagefind's last line if a run failed."""
        self.written(len(self.parts))
        while self.running is not None:
            self.advance(wait=True)
        if self.failure is not None:
            raise RuntimeError(self.failure)
        (self.site_dir / MANIFEST).write_text(json.dumps(self.bundles), encoding="utf-8")
        # a --dirty build into a folder that had more parts
        for bundle in sorted(set(self.previous) - set(self.bundles)):
            shutil.rmtree(self.site_dir / bundle, ignore_errors=True)
        return self.bundles

    def stop(self) -> None:
        """End a run under way (the build failed, or the folder is about to change under it)."""
        if self.running is not None:
            process, output = self.running
            if process.poll() is None:
                process.terminate()  # `python -m pagefind` execs Pagefind's binary (POSIX): Pagefind itself
                process.wait()
            output.close()
            self.running = None


def index_site(site_dir: Path, part_size: int = PART_SIZE) -> list[str]:
    """Index the site's articles part by part, write the manifest; the bundles' folders.
    Raises ``RuntimeError`` with Pagefind's last line if a run fails."""
    return Indexer(site_dir, partition(article_slugs(site_dir), part_size)).finish()


def previous_bundles(site_dir: Path) -> list[str]:
    """The extra parts the last indexing of this folder wrote (its manifest), which this one may
    no longer need; only names this module gives."""
    try:
        listed = json.loads((site_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [b for b in listed if isinstance(b, str) and re.fullmatch(r"pagefind-[0-9]+/", b)]


def main(argv: list[str] | None = None) -> int:
    site_dir, part_size = (argv if argv is not None else sys.argv[1:])
    try:
        index_site(Path(site_dir), int(part_size))
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
