"""The ``digest`` command: a thin wrapper over the pipeline.

Library errors become one-line messages, in Chinese as every message an
editor sees, and a non-zero exit: 2 for an ``--out`` folder the generator
refuses to write into, 1 for input or a configuration it cannot use.
Nothing is written unless the whole build succeeded, and then only the
files that changed (``write``).
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from generator import DEFAULT_THEMES, FEED_SIZE, LISTING_SIZE, PAGEFIND_FROM, SEARCH_BACKENDS
from generator.chinese_argparse import ChineseParser

if TYPE_CHECKING:
    from generator.config import Settings
    from generator.build import Site, Stopwatch

PROGRESS_MIN_PAGES = 20
REFUSED = 2  # exit status for an --out folder the generator will not write into
TIMINGS = "digest 用时："  # then each stage (as the pipeline names it) and its seconds; bench/ reads it


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
        print(f"digest 错误：{err}", file=sys.stderr)
        return REFUSED
    except (BuildError, ConfigError, OutputError) as err:
        print(f"digest 错误：{err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("digest 已中断：没有写入任何文件", file=sys.stderr)
        return 130


class RefusedOutput(Exception):
    """An --out folder the generator will not write into (exit status 2)."""


def make_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(
        prog="digest",
        description="把 OCR 识别的报纸版面做成按专题编排的地方新闻文摘。",
        epilog="每个版面是版面文件夹里的一个纯文本文件（*.txt；UTF-8、带 BOM 的 UTF-8、UTF-16 或 "
               "GBK/GB18030）。`mkdocs build` 运行同一套流程并生成网站。"
               "退出状态：0 完成；1 输入、配置或输出无法使用；2 拒绝写入的 --out 文件夹（版面文件夹本身、"
               "它里面或包含它的文件夹、项目根目录、主目录或 /）或命令行参数有误。")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="命令", parser_class=ChineseParser)

    generate = commands.add_parser(
        "generate", help="写出 Markdown 页面和 data/articles.json",
        description="把版面切分成文章，分析并互相链接，再把 Markdown 页面、Atom 订阅源和数据导出 "
                    "data/articles.json 写进 --out。整个流程成功才写入，而且只写有变化的文件。--out "
                    "里可以有别的文件（手写的页面、图片、.git）：digest 只替换和删除自己写的文件"
                    "（记在 --out/.digest-manifest.json 里），绝不覆盖别人的文件。--out 不能是版面文件夹、"
                    "在它里面或包含它，也不能是项目根目录（有 mkdocs.yml 或 pyproject.toml）、主目录或 /"
                    "（退出状态 2）。")
    options = add_common(generate)
    options.add_argument("--out", required=True, type=Path,
                         help="输出文件夹（成功时更新；不是 digest 写的文件保持原样）")
    options.add_argument("--timings", action="store_true", help="显示每个阶段的用时")
    options.add_argument("--listing-size", type=positive, default=LISTING_SIZE, metavar="N",
                         help=f"专题、地点、标签和时间线每一页列出的文章数（默认 {LISTING_SIZE}）")
    options.add_argument("--feed-size", type=positive, default=FEED_SIZE, metavar="N",
                         help=f"Atom 订阅源列出的最新文章数（默认 {FEED_SIZE}）")
    options.add_argument("--strict", action="store_true", help="有警告（无法解码的文字、忽略的文件）就失败")
    options.add_argument("--search", choices=SEARCH_BACKENDS, default=os.environ.get("DIGEST_SEARCH") or "auto",
                         help=f"页面所配的搜索，与 MkDocs 插件的选择相同（默认取 DIGEST_SEARCH，否则 auto："
                              f"{PAGEFIND_FROM} 篇文章起用 Pagefind）")
    generate.set_defaults(run=run_generate)

    check = commands.add_parser(
        "check", help="逐个版面列出找到的文章和舍弃的文字",
        description="读取并切分版面，逐个版面列出找到的文章、舍弃了什么及原因，以及编辑该核对的地方。"
                    "不写任何文件。")
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
        raise argparse.ArgumentTypeError(f"应为不小于 1 的整数，不能是“{text}”")
    return number


def add_common(parser: ChineseParser):
    """The options both commands take, in the parser's 选项 group (returned for more)."""
    options = parser.options
    options.add_argument("--seeds", type=Path, default=Path("seeds"), help="版面文件夹（默认 seeds）")
    options.add_argument("--themes", type=Path, default=DEFAULT_THEMES, help="专题配置（YAML）")
    options.add_argument("--cache", type=Path, default=Path(".digest-cache"),
                         help="保存各版面处理结果、供下次使用的文件夹（默认 .digest-cache）")
    options.add_argument("--no-cache", action="store_true", help="不读也不写缓存")
    options.add_argument("--jobs", type=int, default=None, help="处理不在缓存里的版面用的进程数（默认每核一个）")
    return options


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
            print(f"\r正在读版面：{seen['n']}/{total_hint}", end="", file=sys.stderr, flush=True)
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
    from generator.model import DROPPED_KINDS
    from generator.render.export import EXPORT_PATH
    from generator.write import OutputError, foreign_files, write_site

    digest, report = site.digest, site.report
    for warning in report.warnings:
        print(f"digest 警告：{warning}", file=sys.stderr)
    if args.strict and report.warnings:
        print(f"digest 错误：--strict 下有 {len(report.warnings)} 条警告，没有写入任何文件", file=sys.stderr)
        return 1
    others = foreign_files(args.out)
    try:
        files, written = write_site(args.out, site.files.items())
    except OSError as err:
        raise OutputError(f"无法写入 {args.out}：{err.strerror or err}") from None
    if others:
        print(f"digest 提示：{args.out} 里有 {others} 个不是 digest 写的文件或文件夹，都保持原样",
              file=sys.stderr)
    stopwatch.lap("write")
    if args.timings:
        print(TIMINGS + ", ".join(f"{k} {v:.2f} s" for k, v in stopwatch.laps.items()), file=sys.stderr)
    kinds = Counter(d.kind for d in digest.dropped)
    dropped = "、".join(f"{DROPPED_KINDS.get(k, k)} {n} 处" for k, n in sorted(kinds.items())) or "无"
    print(f"{len(report.pages)} 个版面 → {len(digest.articles)} 篇文章；舍弃：{dropped}；"
          f"{args.out} 共 {files} 个文件（数据导出 {EXPORT_PATH}），本次写入 {written} 个")
    return 0


REVIEW_BELOW = 0.9  # decisions less sure than this are listed for an editor to look at
REVIEW_MAX = 5


def run_check(args) -> int:
    """Per page: its layout, the articles (with the 编号 corrections use), what was dropped and
    why, and the headline-or-小标题 decisions the splitter was least sure of, to review first."""
    from generator.model import DROPPED_KINDS, line_span
    from generator.read.ingest import PageError, read_page
    from generator.build import build
    from generator.read.split import COLUMN_BREAK_JOINED, review

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
            print(f"  文章  {line_span(*d.lines)}  {d.title}  〔{themes}〕  编号 {a.id}")
            for note in d.notes:
                if not note.endswith(COLUMN_BREAK_JOINED):
                    print(f"        说明：{note}")
        for d in dropped:
            text = d.text.replace("\n", " / ")
            print(f"  舍弃  {line_span(*d.lines)}  {DROPPED_KINDS.get(d.kind, d.kind)}：{text[:40]}（{d.reason}）")
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
