"""The ``digest`` command: a thin wrapper over the pipeline.

Library errors become one-line messages and a non-zero exit; nothing is
written unless the whole build succeeded, and then only the files that
changed. When a build server runs for the cache folder (``digest server``),
``generate`` and ``check`` run there (``server``); so that asking it costs
little, this module imports the pipeline only when it builds itself.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import itertools
import json
import os
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from . import DEFAULT_THEMES, LISTING_SIZE, server

if TYPE_CHECKING:
    from .config import Settings
    from .pipeline import Stopwatch

PROGRESS_MIN_PAGES = 20


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        if getattr(args, "use_server", False) and not args.no_cache:
            try:
                answer = server.ask(cache_of(args), argv)
            except KeyboardInterrupt:
                print("digest: interrupted; the build server finishes the build", file=sys.stderr)
                return 130
            if answer and "code" in answer:
                sys.stdout.write(answer["stdout"])
                sys.stderr.write(answer["stderr"])
                return answer["code"]
            if answer:
                print(f"digest: {answer['refused']}; building here", file=sys.stderr)
        return run_here(args)
    except KeyboardInterrupt:
        print("digest: interrupted; nothing written", file=sys.stderr)
        return 130


def run_here(args) -> int:
    """Run the command in this process (the command's own, or the build server's)."""
    from .config import ConfigError
    from .pipeline import BuildError

    try:
        return args.run(args)
    except (BuildError, ConfigError, server.ServerError) as err:
        print(f"digest: error: {err}", file=sys.stderr)
        return 1


def cache_of(args) -> Path:
    return Path(args.cache).resolve()


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest",
        description="Build a themed digest of Chinese regional news from OCR'd newspaper pages.",
        epilog="Each page is a plain-text file (*.txt, UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030) in the "
               "seeds folder. `mkdocs build` runs the same pipeline and builds the website.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    generate = commands.add_parser(
        "generate", help="write the Markdown pages and data/articles.json",
        description="Split the pages into articles, analyse and link them, and write the Markdown pages, "
                    "the Atom feed and the data export data/articles.json into --out. Nothing is written "
                    "unless the whole build succeeds, and then only the files that changed.")
    add_common(generate)
    generate.add_argument("--out", required=True, type=Path, help="output folder (brought up to date on success)")
    generate.add_argument("--timings", action="store_true", help="print how long each stage took")
    generate.add_argument("--listing-size", type=positive, default=LISTING_SIZE, metavar="N",
                          help=f"articles per part of a theme, place, tag or the timeline (default: {LISTING_SIZE})")
    generate.add_argument("--strict", action="store_true", help="fail on warnings (undecodable text, ignored files)")
    generate.set_defaults(run=run_generate)

    check = commands.add_parser(
        "check", help="report, per page, the articles found and the text dropped",
        description="Read and split the pages and print, per page, the articles found, what was dropped and "
                    "why, and anything an editor should look at. Writes nothing.")
    add_common(check)
    check.set_defaults(run=run_check)

    serve = commands.add_parser(
        "server", help="keep a build server running, so that each generate after an edit takes a moment",
        description="Keep the generator and the last build in memory and answer `digest generate` and "
                    "`digest check` commands that use the same cache folder: a build after an edit then reads "
                    "and works only what changed, and the output is the same as a build in a new process. "
                    "Runs until Ctrl-C; stops by itself when the generator's files change.")
    serve.add_argument("--cache", type=Path, default=Path(".digest-cache"),
                       help="the cache folder whose builds it answers (default: .digest-cache)")
    serve.add_argument("--idle-timeout", type=float, default=None, metavar="SECONDS",
                       help="stop after this many seconds without a build (default: never)")
    serve.set_defaults(run=run_server)
    return parser


def run_server(args) -> int:
    return server.serve(args.cache, idle_timeout=args.idle_timeout, say=lambda text: print(text, flush=True))


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
    parser.add_argument("--no-server", dest="use_server", action="store_false",
                        help="build in this process even if a build server (digest server) runs for the cache")


def settings_from(args) -> Settings:
    from .config import Settings

    return Settings(seeds=args.seeds, themes_file=args.themes, cache_dir=None if args.no_cache else args.cache,
                    workers=args.jobs)


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
    from .pipeline import Stopwatch, build, gc_paused

    settings = settings_from(args)
    # the pages to count, only for a terminal's progress line (a build server's output is not one)
    total = len(list(settings.seeds.glob("*.txt"))) if sys.stderr.isatty() and settings.seeds.is_dir() else 0
    stopwatch = Stopwatch()
    with gc_paused():
        digest, report = build(settings, progress=progress_printer(total), stopwatch=stopwatch)
        if total >= PROGRESS_MIN_PAGES and sys.stderr.isatty():
            print(file=sys.stderr)
        return publish(args, digest, report, stopwatch)


def publish(args, digest, report, stopwatch: Stopwatch) -> int:
    """Report the warnings, render the site and write what changed."""
    from .pipeline import StateFile
    from .render import EXPORT_PATH, site_files

    for warning in report.warnings:
        print(f"digest: warning: {warning}", file=sys.stderr)
    if args.strict and report.warnings:
        print(f"digest: error: {len(report.warnings)} warning(s) in --strict mode; nothing written", file=sys.stderr)
        return 1
    record_file = StateFile(None if args.no_cache else args.cache, "export")
    # the last export's records, by article id; a copy, as site_files brings it up to date in place and
    # a build server keeps what it read from the cache (pagework.Keeper) for the next build
    records = dict(record_file.load(dict) or {}) if record_file.path else None
    files, written = write_site(args.out, site_files(digest, records=records,
                                                              listing_size=args.listing_size))
    record_file.store(records)
    stopwatch.lap("render and write")
    if args.timings:
        print("digest: timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in stopwatch.laps.items()), file=sys.stderr)
    kinds = Counter(d.kind for d in digest.dropped)
    dropped = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "nothing"
    print(f"{len(report.pages)} pages → {len(digest.articles)} articles; dropped {dropped}; "
          f"{files} files in {args.out} ({EXPORT_PATH}), {written} written")
    return 0


MANIFEST = ".digest-manifest.json"  # what the last run wrote: path → [sha1, size, mtime_ns(, inputs key)]
FREE_LATER_BYTES = 1 << 20


def write_site(out: Path, files) -> tuple[int, int]:
    """Make ``out`` hold exactly ``files`` ((path, text) pairs, as ``site_files`` yields them).

    Returns (files, files written). Only files whose text changed are written,
    and files the site no longer has are removed, so adding a day's pages
    rewrites a few hundred files, not every one. Changed files are first
    written to a staging folder and moved into place only after the last file
    was rendered, so a build that fails part-way changes nothing; each move is
    atomic (a reader sees the old file or the new one). The manifest of what
    was written is removed while updating and put back last: after an
    interrupted run every file is compared in full. One file is held in
    memory at a time. A ``Deferred`` file whose key is the one recorded for
    the untouched file on disk is not rendered at all; a ``Streamed`` one is
    not written either, and when its key changed it is written a piece at a
    time without being compared.
    """
    from . import pagework
    from .render import Deferred, Streamed

    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    known = read_manifest(manifest_path)
    staging = Path(tempfile.mkdtemp(prefix=".digest-staging-", dir=out))
    manifest, staged = {}, []
    keeper = pagework.KEEPER
    later = keeper.later if keeper is not None else None
    replaced = []  # (a large file's replaced version, linked in staging, its path): freed after the answer
    staging_kept = False
    try:
        # plain strings: a Path per file costs more than the check for thousands of unchanged files
        folder = f"{out}/"
        for path, text in files:
            target, key = folder + path, None
            if isinstance(text, (Deferred, Streamed)):
                key, entry = text.key, known.get(path)
                if entry is not None and entry[3:] == [key] and untouched(target, entry):
                    manifest[path] = entry  # made from the same inputs, and nobody edited it since
                    continue
                if isinstance(text, Streamed):  # the key says it changed: written, not compared
                    staged_file = f"{staging}/{len(staged)}"
                    write_pieces(staged_file, text.pieces(), keeper.spare_for(target) if keeper else None)
                    staged.append((staged_file, path, [key, key]))
                    continue
                text = text.render()
            staged_file = f"{staging}/{len(staged)}"
            data = text.encode("utf-8")  # a page: compared in memory, staged only if it changed
            digest, size = hashlib.sha1(data).hexdigest(), len(data)
            same = unchanged(target, lambda: Path(target).read_bytes() == data, digest, size, known.get(path))
            if not same:
                Path(staged_file).write_bytes(data)
            inputs = [key] if key else []
            if same:
                manifest[path] = [digest, size, os.stat(target).st_mtime_ns] + inputs
            else:
                staged.append((staged_file, path, [digest] + inputs))
        manifest_path.unlink(missing_ok=True)
        for k, (staged_file, path, (digest, *inputs)) in enumerate(staged):
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if later is not None and (known.get(path) or [0, 0])[1] >= FREE_LATER_BYTES:
                # Freeing a large file's blocks takes longer than writing it (tens of milliseconds
                # for the export): a build server keeps the old one linked in the staging folder
                # until it has answered, then as the spare its next version is written into.
                with contextlib.suppress(OSError):
                    os.link(target, f"{staging}/old-{k}")
                    replaced.append((f"{staging}/old-{k}", f"{out}/{path}"))
            os.replace(staged_file, target)
            stat = target.stat()
            manifest[path] = [digest, stat.st_size, stat.st_mtime_ns] + inputs
        if later is not None:
            later.append(functools.partial(free_staging, keeper, staging, replaced))
            staging_kept = True
    finally:
        if not staging_kept:
            shutil.rmtree(staging, ignore_errors=True)
    remove_others(out, set(manifest) | {MANIFEST}, staging)
    pagework.after_answer(functools.partial(write_manifest, manifest_path, manifest))
    return len(manifest), len(staged)


# A build server's last manifest per output folder, with the file's signature when it was written
# (``pagework.file_signature``): the next build takes it back instead of parsing the file again,
# unless someone changed the file since. The server writes it after it answered (a server that
# dies before leaves no manifest, so the next build compares every file in full).
KEPT_MANIFESTS: dict[str, tuple[tuple, dict]] = {}


def read_manifest(path: Path) -> dict:
    from .pagework import file_signature

    kept = KEPT_MANIFESTS.get(str(path))
    if kept is not None and kept[0] == file_signature(path):
        return kept[1]
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(path: Path, manifest: dict) -> None:
    from . import pagework

    path.write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
    if pagework.KEEPER is not None:
        KEPT_MANIFESTS[str(path)] = (pagework.file_signature(path), manifest)


def free_staging(keeper, staging: Path, replaced: list[tuple[str, str]]) -> None:
    """After a build server answered: keep the replaced large files as spares (``Keeper.keep_spare``),
    remove the rest of the staging folder."""
    for old, target in replaced:
        keeper.keep_spare(old, target)
    shutil.rmtree(staging, ignore_errors=True)


def write_pieces(target: str, pieces, spare: str | None = None) -> None:
    """Write the pieces (bytes) to ``target``, a few thousand at a time: one write per piece (through
    an 8 KB buffer) takes four times longer for the export's 40,000 pieces at 1,000 pages. A
    ``spare`` (``Keeper.spare_for``), if there is one, becomes ``target`` and is written over."""
    mode = "wb"
    if spare is not None:
        with contextlib.suppress(OSError):
            os.replace(spare, target)
            mode = "r+b"
    pieces = iter(pieces)
    with open(target, mode) as handle:
        while batch := list(itertools.islice(pieces, 4096)):
            handle.write(b"".join(batch))
        handle.truncate()


def unchanged(target: str, compare, digest: str, size: int, known: list | None) -> bool:
    """Whether ``target`` already holds the text (the manifest is trusted only for untouched files)."""
    try:
        stat = os.stat(target)
    except OSError:
        return False
    if stat.st_size != size:
        return False
    if known and untouched(target, known, stat):
        return known[0] == digest
    return compare()


def untouched(target: str | Path, entry: list, stat: os.stat_result | None = None) -> bool:
    """Whether ``target`` is as the manifest entry [sha1, size, mtime_ns, ...] recorded it."""
    try:
        stat = stat or os.stat(target)
    except OSError:
        return False
    return entry[1] == stat.st_size and entry[2] == stat.st_mtime_ns


def remove_others(out: Path, keep: set[str], staging: Path | None = None) -> None:
    """Delete files under ``out`` that the site no longer has, and folders left empty (not the
    ``staging`` folder, if a build server removes it later)."""
    root, skipped = str(out), str(staging) if staging is not None else None
    removed: set[str] = set()  # folders removed (the walk is bottom-up: a folder's subfolders come first)
    for folder, subfolders, names in os.walk(root, topdown=False):
        if folder == skipped or (skipped and folder.startswith(skipped + os.sep)):
            continue
        prefix = "" if folder == root else folder[len(root) + 1:].replace(os.sep, "/") + "/"
        left = len(names) + len(subfolders)
        for name in names:
            if prefix + name not in keep:
                os.unlink(os.path.join(folder, name))
                left -= 1
        left -= sum(os.path.join(folder, sub) in removed for sub in subfolders)
        if folder != root and not left:
            with contextlib.suppress(OSError):  # someone put a file there meanwhile: it stays
                os.rmdir(folder)
                removed.add(folder)


def run_check(args) -> int:
    from .pipeline import build

    digest, report = build(settings_from(args))
    articles_of, dropped_of = defaultdict(list), defaultdict(list)
    for a in digest.articles:
        articles_of[a.draft.file].append(a)
    for d in digest.dropped:
        dropped_of[d.file].append(d)
    for page in report.pages:
        articles, dropped = articles_of[page.file], dropped_of[page.file]
        print(f"{page.file} ({page.encoding}): {len(articles)} articles, {len(dropped)} dropped")
        for a in articles:
            d = a.draft
            print(f"  article  lines {d.lines[0]}–{d.lines[1]}  {d.title}  [{'/'.join(a.theme_keys)}]")
            for note in d.notes:
                if "joined to the sentence" not in note:
                    print(f"           note: {note}")
        for d in dropped:
            text = d.text.replace("\n", " / ")
            print(f"  dropped  lines {d.lines[0]}–{d.lines[1]}  {d.kind}: {text[:40]}  ({d.reason})")
        for warning in page.warnings:
            print(f"  warning  {warning}")
    for problem in report.problems:
        print(f"skipped {problem}")
    for name in report.ignored:
        print(f"ignored {name}: not a page file (*.txt)")
    return 0


def console() -> None:
    """The ``digest`` command: ``main``, then exit without tearing the heap down.

    Everything is written and closed by then; freeing a large build's millions of
    objects one by one only delays the prompt (a third of a second at 1,000 pages).
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    console()
