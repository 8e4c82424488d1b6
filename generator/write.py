"""Write a rendered site into an output folder, touching only what the generator wrote.

The output folder may hold things that are not ours: an editor's hand-written
pages, images, theme overrides, a ``.git`` folder. The manifest
(``.digest-manifest.json``) names every file the generator wrote there; only
those are ever replaced or removed. Rules:

* a path the site needs that holds a file we did not write is an error
  (``OutputError``) found before anything is written, unless the file already
  holds exactly the bytes we would write (then it is adopted);
* a file we wrote that the site no longer has is removed; nothing else is;
* a manifest entry that names a path outside the folder (edited by hand,
  copied from another machine) is ignored, never followed;
* changed files are rendered into a staging folder first and moved into place
  (each move atomic) only once every file rendered: a build that fails while
  rendering changes nothing. Before the first move the manifest lists both the
  old files and the new ones, so a build killed while moving leaves a folder
  whose every file is whole (the old version or the new one) and whose
  manifest still names all of ours: the next build finishes the job.

Only files whose text changed are written, so adding a day's pages rewrites a
few hundred files, not every one.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from collections.abc import Iterable
from typing import NamedTuple

from generator.render.text import Deferred, Streamed

MANIFEST = ".digest-manifest.json"
STAGING_PREFIX = ".digest-staging-"
STAGED_NAME = re.compile(r"\d+")  # the staging folder holds files named by their order only
PROJECT_MARKERS = ("mkdocs.yml", "pyproject.toml")


class OutputError(Exception):
    """The output folder cannot be used or written; str() is a one-line reason."""


class Written(NamedTuple):
    files: int  # files the site has
    written: int  # of those, files written by this build


@dataclass
class Manifest:
    """What the generator wrote into an output folder: path → [sha1, size, mtime_ns(, key)],
    and the staging folder of a build that may not have finished."""

    files: dict[str, list] = field(default_factory=dict)
    staging: str | None = None


def check_output_folder(out: Path, *, seeds: Path) -> None:
    """Refuse an output folder where writing the site could harm what is not ours.

    Raises OutputError when ``out`` is a file, is the seeds folder, lies inside it
    or contains it, or is the file system's root, the home folder or a project's root
    (a folder holding mkdocs.yml or pyproject.toml).
    """
    where, pages = out.resolve(), seeds.resolve()
    if where.exists() and not where.is_dir():
        raise OutputError(f"--out {out} 是文件，不是文件夹")
    if where == Path(where.anchor):
        raise OutputError(f"--out {out} 是文件系统的根目录；请另选一个专用的文件夹")
    if where == Path.home().resolve():
        raise OutputError(f"--out {out} 是主目录；请另选一个专用的文件夹")
    if where == pages:
        raise OutputError(f"--out {out} 就是版面文件夹；请另选一个专用的文件夹")
    if pages in where.parents:
        raise OutputError(f"--out {out} 在版面文件夹 {seeds} 里面；请选它外面的文件夹")
    if where in pages.parents:
        raise OutputError(f"--out {out} 包含版面文件夹 {seeds}；请另选一个专用的文件夹")
    marker = next((m for m in PROJECT_MARKERS if (where / m).is_file()), None)
    if marker:
        raise OutputError(f"--out {out} 是项目的根目录（其中有 {marker}）；"
                          f"请另选一个专用的文件夹，例如 {out / 'out'}")


def foreign_files(out: Path) -> int:
    """How many entries ``out`` holds that the generator did not write (0 with our manifest)."""
    if not out.is_dir() or (out / MANIFEST).is_file():
        return 0
    return sum(1 for _ in out.iterdir())


def write_site(out: Path, files: Iterable[tuple[str, object]]) -> Written:
    """Make ``out`` hold ``files`` ((path, text) pairs as ``render.site_files`` yields them,
    the text a str, a ``Deferred`` or a ``Streamed``), leaving every file we did not write alone.

    Raises OutputError when a path the site needs holds someone else's file, or
    the folder cannot be written; then nothing was changed. A ``Deferred`` file
    whose key is the one recorded for the untouched file on disk is not rendered
    at all; a ``Streamed`` one is not written either.
    """
    made_out = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    had_manifest = (out / MANIFEST).is_file()
    manifest = read_manifest(out)
    finish_interrupted(out, manifest)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    manifest.staging = staging.name
    write_manifest(out, manifest)  # from here on, a kill leaves the staging folder named as ours
    try:
        wanted, staged = stage(out, files, manifest.files, staging)
    except BaseException:
        remove_staging(out, staging.name)
        manifest.staging = None
        if had_manifest:
            write_manifest(out, manifest)
        else:  # the folder is left as it was found
            (out / MANIFEST).unlink()
            if made_out:
                out.rmdir()
        raise
    # every file we may move is named before the first move: a kill leaves none unknown
    write_manifest(out, Manifest({**manifest.files, **{p: e for _, p, e in staged}}, staging.name))
    try:
        for staged_file, path, entry in staged:
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged_file, target)
            stat = target.stat()
            wanted[path] = [entry[0], stat.st_size, stat.st_mtime_ns] + entry[3:]
    except OSError as err:
        raise OutputError(f"无法写入 {out / path}：{err.strerror}") from None
    for path in sorted(set(manifest.files) - set(wanted)):
        remove_ours(out, path)
    write_manifest(out, Manifest(wanted))
    remove_staging(out, staging.name)
    return Written(len(wanted), len(staged))


def stage(out: Path, files, known: dict[str, list], staging: Path):
    """Render every file and stage the changed ones.

    Returns the manifest entry of every unchanged file by path (a file someone else wrote
    that holds our bytes already is adopted), and the staged files as (staged file, path, entry).
    """
    wanted: dict[str, list] = {}
    staged: list[tuple[str, str, list]] = []
    conflicts: list[str] = []
    folder = f"{out}/"  # plain strings: a Path per file costs more than the check for thousands of files
    for path, text in files:
        if not safe_relative(path):
            raise OutputError(f"网站的文件名指向它的文件夹之外：{path!r}")
        target, key, entry = folder + path, None, known.get(path)
        if isinstance(text, (Deferred, Streamed)):
            key = text.key
            if entry is not None and entry[3:] == [key] and untouched(target, entry):
                wanted[path] = entry  # made from the same inputs, and nobody edited it since
                continue
            if isinstance(text, Streamed):  # the key says it changed: written, not compared
                staged_file = f"{staging}/{len(staged)}"
                write_pieces(staged_file, text.pieces())
                if entry is None and os.path.lexists(target) and \
                        Path(target).read_bytes() != Path(staged_file).read_bytes():
                    conflicts.append(path)
                staged.append((staged_file, path, [key, -1, 0, key]))
                continue
            text = text.render()
        data = text.encode("utf-8")  # a page: compared in memory, staged only if it changed
        digest = hashlib.sha1(data).hexdigest()
        inputs = [key] if key else []
        if unchanged(target, data, digest, entry):
            wanted[path] = [digest, len(data), os.stat(target).st_mtime_ns] + inputs
            continue
        if entry is None and os.path.lexists(target):
            conflicts.append(path)
        staged_file = f"{staging}/{len(staged)}"
        Path(staged_file).write_bytes(data)
        staged.append((staged_file, path, [digest, -1, 0] + inputs))
    if conflicts:
        shown = "、".join(conflicts[:3]) + (f" 等 {len(conflicts)} 个" if len(conflicts) > 3 else "")
        raise OutputError(f"{out} 里有不是 digest 写的文件，占着网站要用的位置（{shown}）；"
                          f"没有写入任何文件：请把它们移走，或另选 --out")
    return wanted, staged


def safe_relative(path: str) -> bool:
    """A relative POSIX path that stays inside the folder it is read against."""
    if not path or "\\" in path or "\0" in path:
        return False
    pure = PurePosixPath(path)
    return not pure.is_absolute() and ".." not in pure.parts


def inside(out: Path, path: str) -> Path | None:
    """``out / path`` when it really lies inside ``out`` (symbolic links followed), else None."""
    if not safe_relative(path):
        return None
    target = out / path
    root = os.path.realpath(out)
    parent = os.path.realpath(target.parent)
    if parent != root and not parent.startswith(root + os.sep):
        return None
    return target


def remove_ours(out: Path, path: str) -> None:
    """Remove a file the manifest says we wrote, and the folders its removal left empty."""
    target = inside(out, path)
    if target is None or path == MANIFEST or not (target.is_file() or target.is_symlink()):
        return
    try:
        target.unlink()
    except OSError:
        return
    folder = target.parent
    while folder != out and folder != folder.parent:
        try:
            folder.rmdir()  # only an empty folder: anything someone put there keeps it
        except OSError:
            return
        folder = folder.parent


def remove_staging(out: Path, name: str | None) -> None:
    """Remove a staging folder we made: the files we named in it, then the folder if empty."""
    if not name or not name.startswith(STAGING_PREFIX) or "/" in name or name in (".", ".."):
        return
    staging = out / name
    if staging.is_symlink() or not staging.is_dir():
        return
    for entry in os.scandir(staging):
        if STAGED_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)
    try:
        staging.rmdir()
    except OSError:
        pass  # something we did not put there: left alone


def finish_interrupted(out: Path, manifest: Manifest) -> None:
    """A build killed part-way left its staging folder: remove what it staged."""
    if manifest.staging:
        remove_staging(out, manifest.staging)
        manifest.staging = None


def read_manifest(out: Path) -> Manifest:
    """The manifest in ``out``, its entries outside ``out`` left out; empty when there is none."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(data, dict):
        return Manifest()
    files = data.get("files") if "files" in data else data  # a flat mapping: the format before staging
    files = {p: e for p, e in files.items()
             if safe_relative(p) and isinstance(e, list) and len(e) >= 3} if isinstance(files, dict) else {}
    staging = data.get("staging") if isinstance(data.get("staging"), str) else None
    return Manifest(files, staging)


def write_manifest(out: Path, manifest: Manifest) -> None:
    """Atomically: a reader finds the old manifest or the new one."""
    temporary = out / f"{MANIFEST}.tmp"
    record = {"files": manifest.files, "staging": manifest.staging}
    temporary.write_text(json.dumps(record, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, out / MANIFEST)


def write_pieces(target: str, pieces) -> None:
    """Write the pieces (bytes) to ``target``, a few thousand at a time: one write per piece (through
    an 8 KB buffer) takes four times longer for the export's 40,000 pieces at 1,000 pages."""
    pieces = iter(pieces)
    with open(target, "wb") as handle:
        while batch := list(itertools.islice(pieces, 4096)):
            handle.write(b"".join(batch))


def unchanged(target: str, data: bytes, digest: str, known: list | None) -> bool:
    """Whether ``target`` already holds ``data`` (the manifest is trusted only for untouched files)."""
    try:
        stat = os.stat(target)
    except OSError:
        return False
    if stat.st_size != len(data) or not os.path.isfile(target):
        return False
    if known and untouched(target, known, stat):
        return known[0] == digest
    return Path(target).read_bytes() == data


def untouched(target: str | Path, entry: list, stat: os.stat_result | None = None) -> bool:
    """Whether ``target`` is as the manifest entry [sha1, size, mtime_ns, ...] recorded it."""
    try:
        stat = stat or os.stat(target)
    except OSError:
        return False
    return entry[1] == stat.st_size and entry[2] == stat.st_mtime_ns
