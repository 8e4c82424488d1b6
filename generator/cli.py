"""The ``digest`` command: a thin wrapper over the pipeline.

Library errors become one-line messages and a non-zero exit: 2 for an
``--out`` folder the generator refuses to write into, 1 for input or a
configuration it cannot use. Nothing is written unless the whole build
succeeded, and then only the files that changed (``write``).
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from generator import DEFAULT_THEMES, FEED_SIZE, LISTING_SIZE, PAGEFIND_FROM, SEARCH_BACKENDS

if TYPE_CHECKING:
    from generator.config import Settings
    from generator.build import Site, Stopwatch

PROGRESS_MIN_PAGES = 20
REFUSED = 2  # exit status for an --out folder the generator will not write into


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    from generator.config import ConfigError
    from generator.build import BuildError
    from generator.write import OutputError

    try:
        return args.run(args)
    except RefusedOutput as err:
        print(f"digest: error: {err}", file=sys.stderr)
        return REFUSED
    except (BuildError, ConfigError, OutputError) as err:
        print(f"digest: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("digest: interrupted; nothing written", file=sys.stderr)
        return 130


class RefusedOutput(Exception):
    """An --out folder the generator will not write into (exit status 2)."""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest",
        description="Build a themed digest of Chinese regional news from OCR'd newspaper pages.",
        epilog="Each page is a plain-text file (*.txt, UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030) in the "
               "seeds folder. `mkdocs build` runs the same pipeline and builds the website. "
               "Exit status: 0 done; 1 unusable input, configuration or output; 2 a refused --out folder "
               "(the seeds folder, inside or around it, a project's root, the home folder or /) or bad arguments.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    generate = commands.add_parser(
        "generate", help="write the Markdown pages and data/articles.json",
        description="Split the pages into articles, analyse and link them, and write the Markdown pages, "
                    "the Atom feed and the data export data/articles.json into --out. Nothing is written "
                    "unless the whole build succeeds, and then only the files that changed. --out may hold "
                    "other files (hand-written pages, images, .git): the generator replaces and removes only "
                    "files it wrote itself (listed in --out/.digest-manifest.json) and refuses to overwrite "
                    "anyone else's. It refuses an --out that is, contains or lies inside the seeds folder, "
                    "a project's root (mkdocs.yml or pyproject.toml), the home folder or / (exit status 2).")
    add_common(generate)
    generate.add_argument("--out", required=True, type=Path,
                          help="output folder (brought up to date on success; files not written by digest are kept)")
    generate.add_argument("--timings", action="store_true", help="print how long each stage took")
    generate.add_argument("--listing-size", type=positive, default=LISTING_SIZE, metavar="N",
                          help=f"articles per part of a theme, place, tag or the timeline (default: {LISTING_SIZE})")
    generate.add_argument("--feed-size", type=positive, default=FEED_SIZE, metavar="N",
                          help=f"the newest articles the Atom feed lists (default: {FEED_SIZE})")
    generate.add_argument("--strict", action="store_true", help="fail on warnings (undecodable text, ignored files)")
    generate.add_argument("--search", choices=SEARCH_BACKENDS, default=os.environ.get("DIGEST_SEARCH") or "auto",
                          help=f"the search the pages are made for, as the MkDocs plugin decides it (default: "
                               f"DIGEST_SEARCH or auto: Pagefind from {PAGEFIND_FROM} articles)")
    generate.set_defaults(run=run_generate)

    check = commands.add_parser(
        "check", help="report, per page, the articles found and the text dropped",
        description="Read and split the pages and print, per page, the articles found, what was dropped and "
                    "why, and anything an editor should look at. Writes nothing.")
    add_common(check)
    check.set_defaults(run=run_check)

    return parser


def positive(text: str) -> int:
    """An argument that must be a whole number ≥ 1 (argparse reports anything else in one line)."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return number


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of page files (default: seeds)")
    parser.add_argument("--themes", type=Path, default=DEFAULT_THEMES, help="theme configuration (YAML)")
    parser.add_argument("--cache", type=Path, default=Path(".digest-cache"),
                        help="folder for per-page work kept between runs (default: .digest-cache)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument("--jobs", type=int, default=None,
                        help="processes for pages not in the cache (default: one per core)")


def settings_from(args) -> Settings:
    from generator.config import Settings

    return Settings(seeds=args.seeds, themes_file=args.themes, cache_dir=None if args.no_cache else args.cache,
                    workers=args.jobs, search=getattr(args, "search", "auto"),
                    listing_size=getattr(args, "listing_size", LISTING_SIZE),
                    feed_size=getattr(args, "feed_size", FEED_SIZE))


def progress_printer(total_hint: int):
    """A one-line progress counter on a terminal for long runs; silent otherwise."""
    if not sys.stderr.isatty():
        return None
    seen = Counter()

    def show(name: str) -> None:
        seen["n"] += 1
        if total_hint >= PROGRESS_MIN_PAGES:
            print(f"\rreading pages: {seen['n']}/{total_hint}", end="", file=sys.stderr, flush=True)
    return show


def run_generate(args) -> int:
    from generator.build import Stopwatch, build, gc_paused
    from generator.write import OutputError, check_output_folder

    try:
        check_output_folder(args.out, seeds=args.seeds)
    except OutputError as err:
        raise RefusedOutput(str(err)) from None
    settings = settings_from(args)
    # the pages to count, only for a terminal's progress line
    total = len(list(settings.seeds.glob("*.txt"))) if sys.stderr.isatty() and settings.seeds.is_dir() else 0
    stopwatch = Stopwatch()
    with gc_paused():
        site = build(settings, progress=progress_printer(total), stopwatch=stopwatch)
        if total >= PROGRESS_MIN_PAGES and sys.stderr.isatty():
            print(file=sys.stderr)
        return publish(args, site, stopwatch)


def publish(args, site: Site, stopwatch: Stopwatch) -> int:
    """Report the warnings and write what changed."""
    from generator.render.export import EXPORT_PATH
    from generator.write import OutputError, foreign_files, write_site

    digest, report = site.digest, site.report
    for warning in report.warnings:
        print(f"digest: warning: {warning}", file=sys.stderr)
    if args.strict and report.warnings:
        print(f"digest: error: {len(report.warnings)} warning(s) in --strict mode; nothing written", file=sys.stderr)
        return 1
    others = foreign_files(args.out)
    try:
        files, written = write_site(args.out, site.files.items())
    except OSError as err:
        raise OutputError(f"cannot write into {args.out}: {err.strerror or err}") from None
    if others:
        print(f"digest: note: {args.out} held {others} entries the generator did not write; "
              f"they are left as they were", file=sys.stderr)
    stopwatch.lap("write")
    if args.timings:
        print("digest: timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in stopwatch.laps.items()), file=sys.stderr)
    kinds = Counter(d.kind for d in digest.dropped)
    dropped = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "nothing"
    print(f"{len(report.pages)} pages → {len(digest.articles)} articles; dropped {dropped}; "
          f"{files} files in {args.out} ({EXPORT_PATH}), {written} written")
    return 0


DROPPED_KINDS = {"advertisement": "广告", "caption": "图片说明", "duplicate": "重复", "fragment": "转版残段",
                 "hidden": "已隐藏", "jump": "转版提示", "markup": "原始标记", "notice": "公告启事"}
REVIEW_BELOW = 0.9  # decisions less sure than this are listed for an editor to look at
REVIEW_MAX = 5


def run_check(args) -> int:
    """Per page: its layout, the articles (with the 编号 corrections use), what was dropped and
    why, and the headline-or-小标题 decisions the splitter was least sure of, to review first."""
    from generator.read.ingest import PageError, read_page
    from generator.build import build
    from generator.read.split import review

    settings = settings_from(args)
    site = build(settings)
    digest, report = site.digest, site.report
    articles_of, dropped_of = defaultdict(list), defaultdict(list)
    for a in digest.articles:
        articles_of[a.draft.file].append(a)
    for d in digest.dropped:
        dropped_of[d.file].append(d)
    names = {t.key: t.name for t in digest.themes}
    for page in report.pages:
        articles, dropped = articles_of[page.file], dropped_of[page.file]
        try:  # the digest's pages keep no lines (they live in the drafts): read the file again
            convention, decisions = review(read_page(settings.seeds / page.file))
        except (OSError, PageError):
            continue
        print(f"{page.file}（{page.encoding}）：{convention.describe()}；{len(articles)} 篇文章，舍弃 {len(dropped)} 处")
        for a in articles:
            d = a.draft
            themes = "、".join(names.get(k, k) for k in a.theme_keys)
            print(f"  文章  第 {d.lines[0]}–{d.lines[1]} 行  {d.title}  〔{themes}〕  编号 {a.id}")
            for note in d.notes:
                if "joined to the sentence" not in note:
                    print(f"        说明：{note}")
        for d in dropped:
            text = d.text.replace("\n", " / ")
            print(f"  舍弃  第 {d.lines[0]}–{d.lines[1]} 行  {DROPPED_KINDS.get(d.kind, d.kind)}：{text[:40]}（{d.reason}）")
        unsure = [x for x in decisions if x.evidence.confidence < REVIEW_BELOW][:REVIEW_MAX]
        for x in unsure:
            verdict = "标题" if x.headline else "小标题"
            print(f"  待核  第 {x.line} 行  判为{verdict}（把握 {x.evidence.confidence:.2f}）  {x.text[:40]}  "
                  f"〔{x.evidence.describe()}〕")
        for warning in page.warnings:
            print(f"  警告  {warning}")
    for problem in report.problems:
        print(f"已跳过 {problem}")
    for name in report.ignored:
        print(f"已忽略 {name}：不是版面文件（*.txt）")
    return 0


def console() -> None:
    """The ``digest`` command: ``main``, then exit without tearing the heap down.

    Everything is written and closed by then; freeing a large build's millions of
    objects one by one only delays the prompt (a third of a second at 1,000 pages).
    """
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `digest check | head`: the reader has what it wanted
        code = 0
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    console()
