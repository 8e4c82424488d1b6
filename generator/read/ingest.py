"""Read page files: decode them, keep every non-blank line with its number.

A page file is plain text, one OCR'd newspaper page. It may start with an
editor's front matter block (YAML between two ``---`` lines) giving the
newspaper, the edition and the date of the issue::

    ---
    newspaper: 淄博日报
    edition: 第3版
    date: 2019-01-12
    ---

Bad files raise :class:`PageError` with the file name and a one-line reason;
the caller decides whether that stops the run.
"""
from __future__ import annotations

import codecs
import datetime as _dt
import os
import re
import unicodedata
from pathlib import Path

import yaml

from generator.model import Line, Page, PageMeta

PAGE_SUFFIX = ".txt"
MAX_FRONT_MATTER_LINES = 20
META_KEYS = {"newspaper", "edition", "date", "year"}


class PageError(Exception):
    """A page that cannot be used; str() is a one-line reason naming the file."""


def list_pages(seeds: Path, editor_files: frozenset[str] = frozenset()) -> tuple[list[Path], list[Path]]:
    """The page files in ``seeds`` (sorted by name) and the other files ignored.

    ``editor_files`` (e.g. corrections.yml) are read elsewhere: neither pages nor ignored.
    """
    if not seeds.is_dir():
        raise PageError(f"{seeds}：找不到版面文件夹")
    # by name (a string sorts faster than a Path); a directory entry says whether it is a file
    with os.scandir(seeds) as found:
        names = sorted(e.name for e in found if not e.name.startswith(".") and e.is_file())
    entries = [seeds / name for name in names]
    pages = [p for p in entries if p.suffix.lower() == PAGE_SUFFIX]
    ignored = [p for p in entries if p.suffix.lower() != PAGE_SUFFIX and p.name not in editor_files]
    return pages, ignored


def read_page(path: Path) -> Page:
    """Decode one page file into a :class:`Page`; raise PageError if unusable."""
    return page_from_bytes(path.name, path.read_bytes())


def page_from_bytes(name: str, data: bytes) -> Page:
    """A page from a file's name and bytes (already read, e.g. to key a cache)."""
    text, encoding, warnings = decode(data, name)
    return parse_page(name, text, encoding=encoding, warnings=warnings)


def parse_page(name: str, text: str, *, encoding: str = "utf-8", warnings: tuple[str, ...] = ()) -> Page:
    """Split decoded text into numbered lines and read the front matter."""
    raw_lines = split_lines(text)
    meta, body_start, meta_warnings = read_front_matter(raw_lines, name)
    lines = tuple(
        Line(name, number, clean_line(raw))
        for number, raw in enumerate(raw_lines, start=1)
        if number > body_start and raw.strip()
    )
    if not lines:
        raise PageError(f"{name}：版面上没有文字")
    return Page(name, lines, meta, encoding, tuple(warnings) + meta_warnings)


def decode(data: bytes, name: str) -> tuple[str, str, tuple[str, ...]]:
    """Bytes to text: BOMs first, then UTF-8, then GB18030 (a superset of GBK)."""
    if not data.strip():
        raise PageError(f"{name}：文件是空的")
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec, ()
            except UnicodeDecodeError as err:
                raise PageError(f"{name}：以 {codec} 标记开头，内容却不是 {codec}（{err.reason}）") from None
    if b"\x00" in data:
        raise PageError(f"{name}：像是二进制文件，不是文本")
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise PageError(f"{name}：不是 UTF-8、UTF-16 或 GB18030 编码的文本") from None
    if not looks_like_text(text):
        raise PageError(f"{name}：像是二进制文件，不是文本")
    return text, "gb18030", (f"{name}：不是 UTF-8 编码，已按 GB18030（GBK）读取",)


def looks_like_text(text: str) -> bool:
    """Most characters are letters, digits, punctuation or spaces, few controls."""
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\r\n\t")
    return controls <= len(sample) * 0.01


def split_lines(text: str) -> list[str]:
    """Lines for LF, CRLF and CR line ends alike."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # Unicode's control characters (Cc) but the tab


# libyaml's safe loader where PyYAML has it: the same values, and a twentieth of the pure-Python
# loader's time, which was 1.2 ms of the 17 ms a page's work takes.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def clean_line(raw: str) -> str:
    """Drop control characters the OCR left; keep spacing (it is layout evidence)."""
    return CONTROL.sub("", raw)


def read_front_matter(raw_lines: list[str], name: str) -> tuple[PageMeta, int, tuple[str, ...]]:
    """Page metadata from a leading ``---`` block; (meta, lines it used, warnings)."""
    if not raw_lines or raw_lines[0].strip() != "---":
        return PageMeta(), 0, ()
    for end in range(1, min(len(raw_lines), MAX_FRONT_MATTER_LINES + 1)):
        if raw_lines[end].strip() == "---":
            break
    else:
        return PageMeta(), 0, ()
    try:
        data = yaml.load("\n".join(raw_lines[1:end]), Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return PageMeta(), 0, ()
    if not isinstance(data, dict) or not data or not set(map(str, data)) <= META_KEYS:
        return PageMeta(), 0, ()  # not front matter: treat as page text
    meta, warnings = meta_from_mapping(data, name)
    return meta, end + 1, warnings


def meta_from_mapping(data: dict, name: str) -> tuple[PageMeta, tuple[str, ...]]:
    """Validate the front matter values; bad values are warned about and ignored."""
    warnings = []
    date = data.get("date")
    if isinstance(date, _dt.date):
        date = date.isoformat()
    elif date is not None:
        date = str(date)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            warnings.append(f"{name}：文件头的日期“{date}”不是 YYYY-MM-DD 格式，已忽略")
            date = None
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2200):
        warnings.append(f"{name}：文件头的年份“{year}”不是年份，已忽略")
        year = None
    if date and not year:
        year = int(date[:4])
    text = lambda key: None if data.get(key) is None else str(data[key])
    return PageMeta(text("newspaper"), text("edition"), date, year), tuple(warnings)
