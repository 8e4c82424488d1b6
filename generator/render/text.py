"""Text a page can show literally, templates, and files rendered on demand.

Templates receive text that is already escaped (``md``): input that looks
like HTML, Markdown or Jinja shows as the literal text. A file is a
``Deferred`` (a page: its key fingerprints everything its text is made from)
or a ``Streamed`` (the feed and the export, made of many small parts).
"""
from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import pickle
import re
from dataclasses import dataclass
from json.encoder import encode_basestring  # json.dumps(ensure_ascii=False) for one string, in C
from pathlib import Path
from typing import Callable, Iterator

import jinja2
from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).parents[1] / "templates"
INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|~!])")
LINE_START_NUMBER = re.compile(r"^(\s*\d+)([.)])")
LINE_START_MARK = re.compile(r"^(\s*)([-+=])")
MARKUP_CHARS = re.compile(r"[\\`*_{}\[\]()#|~!&<>\d+=-]")  # anything md() might have to escape
JSON = json.JSONEncoder(ensure_ascii=False).encode


def md(text: str | None) -> str:
    """Text shown literally by Markdown: HTML escaped, Markdown syntax backslash-escaped."""
    if not text:
        return ""
    return _md(text)


@functools.lru_cache(maxsize=262144)  # headlines, places and names recur on many pages
def _md(text: str) -> str:
    if not MARKUP_CHARS.search(text):
        return text  # most Chinese text has nothing to escape
    text = INLINE_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    text = LINE_START_NUMBER.sub(r"\1\\\2", text)
    return LINE_START_MARK.sub(r"\1\\\2", text)


def yaml_string(text: str) -> str:
    """A YAML-safe quoted scalar (JSON is YAML), HTML-escaped for the page title."""
    return encode_basestring(html.escape(text, quote=False))


@functools.lru_cache(maxsize=1)  # a process that builds again (mkdocs serve) compiles the templates once
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["md"] = md
    env.filters["yaml"] = yaml_string
    env.globals["part_suffix"] = part_suffix
    return env


def part_suffix(pager: dict) -> str:
    """What a page title adds for archive part k of a long listing."""
    return f" · 往期 {pager['number']}" if pager["number"] else ""


@dataclass(frozen=True)
class Deferred:
    """A file rendered only on demand: ``key`` fingerprints everything its text is made from.

    A writer that already holds the text made from the same key (``cli.write_site``
    keeps each file's key in its manifest) need not render it again: a day's new
    pages leave almost every article page's inputs as they were.
    """

    key: str
    render: Callable[[], str]


@dataclass(frozen=True)
class Streamed:
    """A large file made of many small parts, one per article (the export, the feed): ``key``
    fingerprints its bytes, made from each part's own digest; ``pieces()`` yields the bytes a piece at a time.

    A writer that holds the file made under the same key need not write it, and one that does
    not writes the pieces without encoding or hashing the whole file again: a one-page edit
    changes a few of its thousands of parts.
    """

    key: str
    pieces: Callable[[], Iterator[bytes]]


@functools.lru_cache(maxsize=1)
def renderer_version() -> str:
    """A hash of what turns a view into text: the templates, this package and Jinja2's version."""
    digest = hashlib.sha256(jinja2.__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")) + sorted(TEMPLATES.glob("*.j2")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fingerprint(*values) -> str:
    """A hash of plain values (dicts, lists, tuples, strings, numbers) by value.

    Pickle's ``fast`` mode writes every object in full instead of referring back
    to an equal object seen before, so equal values give equal bytes whichever
    objects happen to be shared; it is about three times faster than ``repr``.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump((renderer_version(),) + values)
    return hashlib.sha1(buffer.getvalue()).hexdigest()


def text_of(content) -> str:
    """The text of one item of ``site_files``: a string, a Deferred or an iterator of pieces."""
    if isinstance(content, str):
        return content
    if isinstance(content, Deferred):
        return content.render()
    if isinstance(content, Streamed):
        return b"".join(content.pieces()).decode("utf-8")
    return "".join(content)


def page(env: Environment, template: str, **view) -> Deferred:
    """An overview page (a theme, the places, the timeline, the home page) rendered only
    when its view changed: a fixed page's view is gathered from every article, but
    rendering it costs several times more than gathering it."""
    return Deferred(fingerprint(template, view), functools.partial(render_template, env, template, view))


def render_template(env: Environment, template: str, view: dict) -> str:
    return env.get_template(template).render(view)


def hashed(*pieces: bytes) -> tuple:
    """The pieces of one part of a ``Streamed`` file, then their digest."""
    digest = hashlib.sha1()
    for piece in pieces:
        digest.update(piece)
    return (*pieces, digest.digest())


def streamed(head: bytes, sections: list[tuple[str, list[tuple]]], tail: bytes, *, opening: bytes = b"",
             start: bytes = b"", separator: bytes = b"", closing: bytes = b"") -> Streamed:
    """A ``Streamed`` file: ``head``, then per section ``opening`` (``{name}`` replaced by its name),
    ``start`` and its parts (as ``hashed`` gives them) with ``separator`` between them, and
    ``closing``; then ``tail``. The key hashes the layout and each part's digest, not the file."""
    key = hashlib.sha1(b"\0".join([renderer_version().encode(), head, tail, start, separator, closing]))
    openings = []
    for name, parts in sections:
        openings.append(opening.replace(b"{name}", name.encode("utf-8")))
        key.update(b"%d\0%s\0" % (len(parts), openings[-1]))
        key.update(b"".join([part[-1] for part in parts]))

    def pieces() -> Iterator[bytes]:
        yield head
        for section_opening, (_, parts) in zip(openings, sections):
            yield section_opening
            between = start
            for part in parts:
                yield between
                yield from part[:-1]
                between = separator
            yield closing
        yield tail
    return Streamed(key.hexdigest(), pieces)
