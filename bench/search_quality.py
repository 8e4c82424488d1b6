#!/usr/bin/env python3
"""Search quality and speed on a built site, measured in headless Chromium.

    python bench/search_quality.py [--site DIR] [--same-headline] [--queries tests/search_queries.yml] [--json]

Builds the site with `mkdocs build` unless --site is given, types every query of
the query set into the site's search box (Material's index or Pagefind's, as the
site was built) and reports the mean reciprocal rank, the share of queries whose
wanted article comes first and in the top 3, the stray results of queries that
should find nothing, the time from typing to results, and the search index's
bytes per article. --same-headline: any article under a wanted headline counts
(a site of the benchmark's synthetic archive, bench/run.py).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import load_query_set, rank_of, run_queries, summarize  # noqa: E402
from tests.conftest import site_export  # noqa: E402
from tests.project import mkdocs_build  # noqa: E402


def build_site(out: Path) -> None:
    result = mkdocs_build(out)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])


QUERIES = ROOT / "tests" / "search_queries.yml"


def pagefind_bytes(site: Path) -> int:
    """The bytes of Pagefind's index parts (pagefind/, pagefind-2/, ...); 0 for a site without."""
    return sum(f.stat().st_size for part in site.glob("pagefind*") for f in part.rglob("*") if f.is_file())


def index_bytes_per_article(site: Path, articles: int) -> tuple[int, float]:
    """Material's index, or Pagefind's parts when the site has them."""
    size = pagefind_bytes(site) or (site / "search" / "search_index.json").stat().st_size
    return size, size / max(1, articles)


def ask_query_set(site: Path, queries: Path = QUERIES, *, same_headline: bool = False):
    """The query set typed into the built site's search box: (export, cases, answers, summary)."""
    export = site_export(site)
    cases = load_query_set(queries, export, same_headline=same_headline)
    answers = run_queries(site, cases)
    return export, cases, answers, summarize(cases, answers)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--same-headline", action="store_true",
                        help="any article under a wanted headline counts (the benchmark's synthetic archive)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if not args.site:
            build_site(site)
        export, cases, answers, summary = ask_query_set(site, args.queries, same_headline=args.same_headline)
        summary["index_bytes"], summary["index_bytes_per_article"] = index_bytes_per_article(
            site, len(export["articles"]))

    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return 0
    for case, answer in zip(cases, answers):
        rank = rank_of(answer, case)
        shown = "—" if not case.want else (rank or "miss")
        first = answer.results[0].title[:24] if answer.results else "(no results)"
        print(f"{case.kind:9} {case.query:12} rank={shown!s:5} {answer.latency_ms or 0:6.0f} ms  {first}")
    print(f"\nqueries={summary['queries']} MRR={summary['mrr']:.3f} first={summary['first']:.3f} "
          f"top3={summary['top3']:.3f} stray={len(summary['stray'])} "
          f"latency median={summary['latency_median_ms']:.0f} ms max={summary['latency_max_ms']:.0f} ms "
          f"index={summary['index_bytes']} B ({summary['index_bytes_per_article']:.0f} B/article)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
