"""Pagefind's index of the built site's articles, in parts of bounded size.

Pagefind holds everything it indexes in memory until it writes: about 180 KB per article, so
a year of a daily (~46,000 articles) needed 8.5 GB in one run, more than a private repository's
GitHub runner has (7 GB). Indexed in parts of at most ``part_size`` articles, one Pagefind run
after another, the peak is one part's; the search worker (``digest-pagefind.js``) loads the
first part's bundle and merges the others (Pagefind's ``mergeIndex``), so readers search all
of them at once.

A part is the articles whose folder names (``articles/<slug>/``) start with some prefixes,
because a prefix is what Pagefind's ``--glob`` can select. The parts are listed in
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

PART_SIZE = 10_000  # articles per part: about 1.9 GB of Pagefind's memory
MANIFEST = "pagefind/parts.json"
PAGEFIND_OPTIONS = ("--root-selector", "article", "--exclude-selectors", ".headerlink", "--quiet")


def prefix_groups(slugs: list[str], size: int, depth: int = 1) -> list[tuple[str, int, bool]]:
    """The sorted ``slugs`` grouped by their first ``depth`` characters, longer prefixes where a
    group holds more than ``size``: (prefix, count, exact) in order, where ``exact`` means the
    group is the one slug equal to the prefix (a glob ``prefix*`` would take the longer ones too)."""
    groups: list[tuple[str, int, bool]] = []
    for prefix, members in groupby(slugs, key=lambda slug: slug[:depth]):
        members = list(members)
        if len(members) <= size:
            groups.append((prefix, len(members), False))
            continue
        if members[0] == prefix:  # sorted: the slug equal to its prefix comes first
            groups.append((prefix, 1, True))
            members = members[1:]
        groups.extend(prefix_groups(members, size, depth + 1))
    return groups


def partition(slugs: list[str], size: int) -> list[list[tuple[str, bool]]]:
    """Consecutive prefix groups packed into parts of at most ``size`` articles (one part for a
    small site), each part a list of (prefix, exact)."""
    parts: list[list[tuple[str, bool]]] = []
    count = 0
    for prefix, n, exact in prefix_groups(sorted(slugs), max(size, 1)):
        if not parts or count + n > size:
            parts.append([])
            count = 0
        parts[-1].append((prefix, exact))
        count += n
    return parts or [[("", False)]]


def glob_of(part: list[tuple[str, bool]]) -> str:
    """Pagefind's ``--glob`` for the article pages of one part (slugs are [a-z0-9-]: no glob
    characters to escape)."""
    names = [prefix if exact else f"{prefix}*" for prefix, exact in part]
    return f"articles/{names[0]}/index.html" if len(names) == 1 else f"articles/{{{','.join(names)}}}/index.html"


def bundle_of(number: int) -> str:
    return "pagefind" if number == 1 else f"pagefind-{number}"


def article_slugs(site_dir: Path) -> list[str]:
    return [page.parent.name for page in (site_dir / "articles").glob("*/index.html")]


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
