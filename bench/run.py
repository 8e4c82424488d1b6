#!/usr/bin/env python3
"""Where the time and bytes go, side by side with jieba's segmentation floor.

    python bench/run.py 1000 5000 [--no-mkdocs] [--jobs N]

For each corpus size N (pages made by bench/corpus.py, fixed seed) it times,
in separate processes and in the same run:

  floor     jieba.lcut over the corpus text (one process), and rjieba's cut of the same text
            (what the generator segments with: the unavoidable cost)
  full      digest generate, empty cache
  unchanged digest generate again, nothing changed (what every rebuild pays), and
            the imports alone (what every new process pays)
  one page  digest generate again after one page changed (warm cache), and a new
            process that imports the same and works that one page only (the least
            any rebuild in a new process pays after an edit)
  a day     digest generate again after a day's 20 new pages were added (warm cache)
  mkdocs    mkdocs build of the site (empty cache), then mkdocs build --dirty after
            one more page changed (what `mkdocs serve --dirty` does after an edit), then
            a day's 20 pages added and a clean mkdocs build with the cache kept (what CI
            runs to publish the next day, the cache folder restored)

and reports seconds, MB/s, articles/s, peak memory (of the process and all its
children at once: bench/memory.py), the search index's bytes, and the ratios to the
floor; then the search tests' query set asked of the built archive (the corpus
holds the five seed pages too, whose articles the queries want); with two sizes or more, how
each figure grows and what it comes to for a year (bench/growth.py). Targets are read off this
report, not asserted in unit tests: the machines are noisy, so only ratios measured side by side
mean anything.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import PAGES_PER_DAY, make_corpus  # noqa: E402
from bench.growth import growth_report  # noqa: E402
from bench.memory import TreePeak  # noqa: E402
from bench.search_quality import ask_query_set, pagefind_bytes  # noqa: E402
from generator.cli import TIMINGS  # noqa: E402
from generator.mkdocs_plugin import CONVERSIONS_LOGGED  # noqa: E402
from tests.project import TEST_SEEDS, make_project  # noqa: E402

FLOOR = """
import sys, time, warnings
from pathlib import Path
warnings.filterwarnings("ignore")
import jieba
jieba.setLogLevel(60)
jieba.initialize()
text = "\\n".join(p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt")))
start = time.perf_counter()
jieba.lcut(text)
print(time.perf_counter() - start)
"""

# The same cut by rjieba (jieba's dictionary in Rust), which the generator segments with: the true
# floor of its work (generator/analyze/segment.py)
RJIEBA_FLOOR = """
import sys, time
from pathlib import Path
import rjieba
text = "\\n".join(p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt")))
cutter = rjieba.Jieba()
start = time.perf_counter()
cutter.cut(text)
print(time.perf_counter() - start)
"""


# What every `digest generate` loads before it reads a page: the floor of any rebuild in a new process
IMPORTS = "import generator.cli, generator.build, numpy, scipy.sparse, sparse_dot_topn"


# ... and the work of the one changed page (split, segment, analyse; its URL in pinyin): the least any new
# `digest` process pays after an edit, whatever it does with the rest of the corpus
CHANGED_PAGE = IMPORTS + """
import sys
from pathlib import Path
from generator.analyze.page import PageSource, make_context, process_page
from generator.analyze.places import load_gazetteer
from generator.config import DEFAULT_THEMES, Settings, load_themes
settings = Settings(seeds=Path(sys.argv[1]).parent, themes_file=DEFAULT_THEMES, cache_dir=Path(sys.argv[2]))
themes, places = load_themes(settings.themes_file), load_gazetteer(settings.gazetteer_file)
context = make_context(themes, places, settings.themes_file, settings.gazetteer_file)
page = Path(sys.argv[1])
assert process_page(PageSource(page.name, page.read_bytes()), context).found
"""


def timed(command: list[str], cwd: Path = ROOT, env: dict | None = None) -> tuple[float, float, str, str]:
    """(seconds, peak MB, stdout, stderr) of a command run to completion. The peak is of the command
    and all its processes at once (``bench.memory``), or where that cannot be sampled, the largest one."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env or os.environ.copy(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    memory = TreePeak(process.pid)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    tree_peak = memory.stop()
    out, err = process.stdout.read(), process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err[-2000:]}")
    return seconds, tree_peak or usage.ru_maxrss / 1024, out, err


def measure(n_pages: int, work: Path, *, mkdocs: bool, jobs: int | None) -> dict:
    corpus = work / f"corpus-{n_pages}"
    paths = make_corpus(n_pages, corpus)
    # and the five seed pages, whose articles the search query set asks for (search_quality)
    seeds = [corpus / f"seed-{page.name}" for page in sorted(TEST_SEEDS.glob("*.txt"))]
    for seed in seeds:
        seed.write_bytes((TEST_SEEDS / seed.name[len("seed-"):]).read_bytes())
    megabytes = sum(p.stat().st_size for p in paths + seeds) / 1e6
    python = sys.executable
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    row = {"pages": n_pages, "MB": megabytes}

    _, _, out, _ = timed([python, "-c", FLOOR, str(corpus)])
    row["floor_s"] = float(out.strip())
    _, _, out, _ = timed([python, "-c", RJIEBA_FLOOR, str(corpus)])
    row["rjieba_floor_s"] = float(out.strip())

    cache, out_dir = work / f"cache-{n_pages}", work / f"out-{n_pages}"
    generate = [python, "-m", "generator.cli", "generate", "--seeds", str(corpus), "--out", str(out_dir),
                "--cache", str(cache), "--timings"] + (["--jobs", str(jobs)] if jobs else [])
    row["full_s"], row["full_peak_MB"], _, err = timed(generate, env=env)
    row["full_stages"] = stage_timings(err)
    export = json.loads((out_dir / "data" / "articles.json").read_text(encoding="utf-8"))
    row["articles"] = len(export["articles"])
    row["imports_s"] = timed([python, "-c", IMPORTS], env=env)[0]
    row["unchanged_s"], _, _, err = timed(generate, env=env)  # nothing changed: what every rebuild pays
    row["unchanged_stages"] = stage_timings(err)

    changed = paths[len(paths) // 2]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补记：本版有更正。\n", encoding="utf-8")
    row["one_page_s"], row["one_page_peak_MB"], _, err = timed(generate, env=env)
    row["one_page_stages"] = stage_timings(err)
    row["changed_page_alone_s"] = timed([python, "-c", CHANGED_PAGE, str(changed), str(cache)], env=env)[0]

    # a day's pages: the next 20 of the same synthetic paper (make_corpus is sequential)
    day = make_corpus(n_pages + PAGES_PER_DAY, work / f"next-{n_pages}")[n_pages:]
    for path in day:
        (corpus / path.name).write_bytes(path.read_bytes())
    row["day_s"], row["day_peak_MB"], _, err = timed(generate, env=env)
    row["day_stages"] = stage_timings(err)
    for path in day:
        (corpus / path.name).unlink()  # mkdocs below builds the N-page corpus (with the one changed page)

    if mkdocs:
        project = make_project(corpus, work / f"mk-{n_pages}", cache=str(work / f"mk-cache-{n_pages}"))
        site = work / f"site-{n_pages}"
        row["mkdocs_s"], row["mkdocs_peak_MB"], _, _ = timed(
            [python, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=project, env=env)
        edited = paths[len(paths) // 3]
        edited.write_text(edited.read_text(encoding="utf-8") + "\n补记：本版有更正。\n", encoding="utf-8")
        started = time.time()
        row["mkdocs_dirty_s"] = timed([python, "-m", "mkdocs", "build", "-q", "--dirty", "-d", str(site)],
                                      cwd=project, env=env)[0]
        row["mkdocs_dirty_rendered"] = sum(1 for page in site.rglob("index.html") if page.stat().st_mtime > started)
        row["search_index_bytes"] = (site / "search" / "search_index.json").stat().st_size
        row["pagefind_bytes"] = pagefind_bytes(site)
        row["html_pages"] = sum(1 for _ in site.rglob("index.html"))
        row["weight"] = weight_by_kind(site)
        row["largest_pages"] = largest_pages(site)
        row.update(first_result(site))
        row.update(search_quality(site))

        # the next day's publication: the same 20 pages added, a clean build (as CI builds) with the cache kept
        for path in day:
            (corpus / path.name).write_bytes(path.read_bytes())
        row["mkdocs_day_s"], _, _, err = timed([python, "-m", "mkdocs", "build", "-d", str(work / f"site-day-{n_pages}")],
                                               cwd=project, env=env)
        converted = CONVERSIONS_LOGGED.search(err)
        row["mkdocs_day_converted"] = int(converted.group(2)) if converted else None
        for path in day:
            (corpus / path.name).unlink()
    return row


KINDS = (("article pages", "articles/"), ("tag pages", "tags/"), ("places", "places/"),
         ("theme pages", "themes/"), ("timeline", "timeline/"), ("export", "data/"), ("Pagefind", "pagefind"),
         ("Material search", "search/"), ("feed", "feed.xml"), ("assets", "assets/"))


def weight_by_kind(site: Path) -> dict[str, int]:
    """The built site's bytes by kind of file (every file counted; what no kind names is "other")."""
    weight = dict.fromkeys([kind for kind, _ in KINDS] + ["other"], 0)
    for path in site.rglob("*"):
        if path.is_file():
            relative = path.relative_to(site).as_posix()
            if relative in ("places/index.html", "timeline/index.html", "tags/index.html"):
                kind = "other"  # the overview pages, one each
            else:
                kind = next((k for k, prefix in KINDS if relative.startswith(prefix)), "other")
            weight[kind] += path.stat().st_size
    return weight


def weight_report(rows: list[dict]) -> str:
    """Site KB per article by kind of file (the year's weight: bench/growth.py)."""
    rows = [r for r in rows if "weight" in r]
    kinds = [kind for kind, _ in KINDS] + ["other"]
    lines = ["| pages | articles | site MB | KB/article | " + " | ".join(kinds) + " |",
             "| --- | --- | --- | --- |" + " --- |" * len(kinds)]
    for r in rows:
        total = sum(r["weight"].values())
        lines.append(f"| {r['pages']} | {r['articles']} | {total / 1e6:.0f} | {total / 1e3 / r['articles']:.1f} | "
                     + " | ".join(f"{r['weight'][k] / 1e3 / r['articles']:.1f}" for k in kinds) + " |")
    return "\n".join(lines)


def first_result(site: Path, query: str = "退役军人") -> dict:
    """Bytes the browser fetched, and ms, from opening the home page to the first search result."""
    from tests.browser import SearchBox, chromium, chromium_missing, serve

    if chromium_missing():
        return {}
    fetched = []
    with serve(site) as base_url, chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.on("requestfinished", lambda request: fetched.append(request))
        start = time.perf_counter()
        page.goto(base_url)
        box = SearchBox(page, base_url)
        box.open()
        box.input.fill("")
        page.keyboard.insert_text(query)
        page.keyboard.press("End")
        page.wait_for_selector(".md-search-result__item", timeout=120_000)  # the first result is shown
        elapsed = time.perf_counter() - start
        found = page.locator(".md-search-result__item").count()
        total = 0
        for request in fetched:
            try:
                total += request.sizes()["responseBodySize"]
            except Exception:  # a request the browser dropped: nothing was downloaded
                pass
    return {"first_result_bytes": total, "first_result_s": elapsed, "first_result_found": found > 0}


def search_quality(site: Path) -> dict:
    """The search tests' query set (tests/search_queries.yml) asked of the archive in Chromium. The
    synthetic pages repeat each seed article's headline and lead over other paragraphs of its theme,
    so any article under a wanted headline counts (bench/search_quality.py --same-headline)."""
    from tests.browser import chromium_missing

    if chromium_missing():
        return {}
    export, cases, _, summary = ask_query_set(site, same_headline=True)
    # how many articles hold a missed query's text, and how many of those are under a wanted headline
    texts = {a["url"]: a["title"] + "".join(a["paragraphs"]) for a in export["articles"]}
    wanted = {case.query: set(case.want) for case in cases}
    holders = {query: [url for url, text in texts.items() if query in text] for query, _, _ in summary["misses"]}
    return {f"search_{key}": summary[key] for key in ("mrr", "first", "top3", "stray", "latency_median_ms")} | {
        "search_misses": [(query, rank, len(holders[query]), len(wanted[query] & set(holders[query])))
                          for query, rank, _ in summary["misses"]]}


def largest_pages(site: Path) -> dict[str, list]:
    """The largest HTML page of each kind, [path, bytes]: what one click makes a phone download."""
    largest: dict[str, list] = {}
    for page in site.rglob("index.html"):
        path = page.parent.relative_to(site).as_posix() + "/"
        kind = ("article" if path.startswith("articles/") else "tags" if path == "tags/"
                else "home" if path == "./" else "listing")
        size = page.stat().st_size
        if size > largest.get(kind, ["", 0])[1]:
            largest[kind] = [path, size]
    return largest


def pages_report(rows: list[dict]) -> str:
    """The largest page of each kind in the built site (HTML bytes, without the shared CSS and scripts)."""
    kinds = ("home", "listing", "article", "tags")
    lines = ["| pages | " + " | ".join(f"largest {k} page" for k in kinds) + " |", "| --- |" + " --- |" * len(kinds)]
    for r in rows:
        if "largest_pages" in r:
            cells = [f"{r['largest_pages'][k][1] / 1e3:,.0f} KB (`{r['largest_pages'][k][0]}`)"
                     if k in r["largest_pages"] else "—" for k in kinds]
            lines.append(f"| {r['pages']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def search_report(rows: list[dict]) -> str:
    """The search tests' bars on the archive (tests/test_search.py: first ≥ 0.9, top 3 = 1, no stray)."""
    lines = ["| pages | articles | MRR | first | top 3 | stray results | median ms | queries not first: rank "
             "(articles holding the query, of them under a wanted headline) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        if "search_mrr" in r:
            misses = ", ".join(f"{q}: {rank or '—'} ({held}, {good})"
                               for q, rank, held, good in r["search_misses"]) or "—"
            lines.append(f"| {r['pages']} | {r['articles']} | {r['search_mrr']:.3f} | {r['search_first']:.3f} | "
                         f"{r['search_top3']:.3f} | {len(r['search_stray'])} | {r['search_latency_median_ms']:.0f} | "
                         f"{misses} |")
    return "\n".join(lines)


def stage_timings(stderr: str) -> dict[str, float]:
    """The stages `digest generate --timings` reported, in seconds."""
    for line in stderr.splitlines():
        if line.startswith(TIMINGS):
            return {stage: float(seconds) for stage, seconds in
                    re.findall(r"([a-z][a-z ]*?) ([\d.]+) s", line[len(TIMINGS):])}
    return {}


def report(rows: list[dict]) -> str:
    lines = ["| pages | MB | articles | floor s (MB/s) | rjieba floor s (MB/s) | full s (× floor, × rjieba floor, "
             "articles/s) | peak MB | one page changed s "
             "(% of full) | nothing changed s (% of full) | start and imports s (% of full) | start, imports and the changed page alone s (% of full) | a day's 20 pages added s (% of full) | mkdocs build s (ms/article page) | mkdocs build --dirty after one page changed s (pages rendered) | mkdocs build after a day added, cache kept s (pages converted) | mkdocs peak MB | search index (KB/article) | "
             "downloaded before the first result (phone) |",
             "| --- |" + " --- |" * 17]
    for r in rows:
        mk = (f"{r['mkdocs_s']:.1f} ({1000 * r['mkdocs_s'] / r['articles']:.0f})" if "mkdocs_s" in r else "—")
        mk_peak = f"{r['mkdocs_peak_MB']:.0f}" if "mkdocs_peak_MB" in r else "—"
        mk_day = (f"{r['mkdocs_day_s']:.1f} ({r['mkdocs_day_converted']})" if "mkdocs_day_s" in r else "—")
        dirty = (f"{r['mkdocs_dirty_s']:.1f} ({r['mkdocs_dirty_rendered']})" if "mkdocs_dirty_s" in r else "—")
        index = (f"{r['search_index_bytes'] / 1e6:.1f} MB ({r['search_index_bytes'] / 1e3 / r['articles']:.1f})"
                 if "search_index_bytes" in r else "—")
        if r.get("pagefind_bytes"):  # Material's index is then an empty stub
            index = f"Pagefind, {r['pagefind_bytes'] / 1e6:.1f} MB in chunks"
        alone = (f"{r['changed_page_alone_s']:.2f} ({100 * r['changed_page_alone_s'] / r['full_s']:.1f} %)"
                 if "changed_page_alone_s" in r else "—")
        first = (f"{r['first_result_bytes'] / 1e6:.2f} MB, {r['first_result_s']:.1f} s"
                 if "first_result_bytes" in r else "—")
        rjieba = (f"{r['rjieba_floor_s']:.1f} ({r['MB'] / r['rjieba_floor_s']:.1f})" if "rjieba_floor_s" in r else "—")
        rjieba_ratio = f"{r['full_s'] / r['rjieba_floor_s']:.0f}×, " if "rjieba_floor_s" in r else ""
        lines.append(
            f"| {r['pages']} | {r['MB']:.1f} | {r['articles']} | {r['floor_s']:.1f} ({r['MB'] / r['floor_s']:.2f}) "
            f"| {rjieba} "
            f"| {r['full_s']:.1f} ({r['full_s'] / r['floor_s']:.2f}×, {rjieba_ratio}{r['articles'] / r['full_s']:.0f}/s) "
            f"| {r['full_peak_MB']:.0f} | {r['one_page_s']:.1f} ({100 * r['one_page_s'] / r['full_s']:.0f} %) "
            f"| {r['unchanged_s']:.1f} ({100 * r['unchanged_s'] / r['full_s']:.0f} %) "
            f"| {r['imports_s']:.2f} ({100 * r['imports_s'] / r['full_s']:.1f} %) "
            f"| {alone} "
            f"| {r['day_s']:.1f} ({100 * r['day_s'] / r['full_s']:.0f} %) "
            f"| {mk} | {dirty} | {mk_day} | {mk_peak} | {index} | {first} |")
    return "\n".join(lines)


def stages_report(rows: list[dict]) -> str:
    """Where each `digest generate` run spent its time (seconds per stage)."""
    lines = ["| pages | run | " + " | ".join(STAGES) + " |", "| --- | --- |" + " --- |" * len(STAGES)]
    for r in rows:
        for run, label in (("full", "full"), ("unchanged", "nothing changed"), ("one_page", "one page changed"),
                           ("day", "a day added")):
            stages = r.get(f"{run}_stages") or {}
            lines.append(f"| {r['pages']} | {label} | " + " | ".join(f"{stages.get(s, 0):.2f}" for s in STAGES) + " |")
    return "\n".join(lines)


STAGES = ("pages", "corrections", "analysis", "related", "render", "write")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+", help="corpus sizes in pages")
    parser.add_argument("--no-mkdocs", action="store_true", help="skip mkdocs build")
    parser.add_argument("--jobs", type=int, help="digest generate --jobs")
    parser.add_argument("--search", choices=("auto", "material", "pagefind"), default="auto",
                        help="search backend of the mkdocs build (DIGEST_SEARCH; default: auto)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args(argv)
    if args.search != "auto":
        os.environ["DIGEST_SEARCH"] = args.search
    rows = []
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
        for n in args.sizes:
            rows.append(measure(n, Path(tmp), mkdocs=not args.no_mkdocs, jobs=args.jobs))
            print(json.dumps(rows[-1]), file=sys.stderr)
    print(report(rows))
    print()
    print(stages_report(rows))
    print()
    print(weight_report(rows))
    print()
    print(pages_report(rows))
    print()
    print(search_report(rows))
    if len({r["pages"] for r in rows}) > 1:
        print()
        print(growth_report(rows))  # how each figure grows, and a year of a daily
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
