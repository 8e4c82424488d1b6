"""Pagefind's index of the built site's articles, in parts of bounded size.

Pagefind holds everything it indexes in memory until it writes: about 180 KB per article, so
a year of a daily (~46,000 articles) needed 8.5 GB in one run, more than a private repository's
GitHub runner has (7 GB). Indexed in parts of at most ``part_size`` articles, one Pagefind run
after another, the peak is one part's; the search worker (``digest-pagefind.js``) loads the
first part's bundle and merges the others (Pagefind's ``mergeIndex``), so readers search all
of them at once.

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
from itertools import groupby
from pathlib import Path

# Articles per part: Pagefind's memory is about 180 KB per article it indexes, and MkDocs keeps the
# site's pages while it runs (2.0 GB at 5,000 newspaper pages): parts of 10,000 took that build to
# 4.0 GB; of 5,000, 2.9 GB, for 0.1 MB more fetched before a phone's first result.
PART_SIZE = 5_000
MANIFEST = "pagefind/parts.json"
PAGEFIND_OPTIONS = ("--root-selector", "article", "--exclude-selectors", ".headerlink", "--quiet")


ID_LENGTH = 10  # the id that ends every article's folder name (link.ids.slug)
ARTICLE_FOLDER = re.compile(rf".*[0-9a-f]{{{ID_LENGTH}}}")


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


def last_line(result: subprocess.CompletedProcess) -> str:
    """Why a command failed: the last line it printed."""
    return ((result.stderr or result.stdout).strip().splitlines() or ["no output"])[-1]


def index_site(site_dir: Path, part_size: int = PART_SIZE) -> list[str]:
    """Index the site's articles part by part, write the manifest; the bundles' folders.
    Raises ``RuntimeError`` with Pagefind's last line if a run fails."""
    parts = partition(article_slugs(site_dir), part_size)
    last = previous_bundles(site_dir)
    bundles = []
    for number, part in enumerate(parts, start=1):
        bundle = bundle_of(number)
        # Pagefind adds its files to what the folder holds: a part indexed again (a --dirty build,
        # `mkdocs serve`) kept every fragment of the articles it held before
        shutil.rmtree(site_dir / bundle, ignore_errors=True)
        command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", glob_of(part),
                   "--output-subdir", bundle, *PAGEFIND_OPTIONS]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(last_line(result))
        bundles.append(f"{bundle}/")
    (site_dir / MANIFEST).write_text(json.dumps(bundles), encoding="utf-8")
    for bundle in sorted(set(last) - set(bundles)):  # a --dirty build into a folder that had more parts
        shutil.rmtree(site_dir / bundle, ignore_errors=True)
    return bundles


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
