"""The front matter of Chinese newspaper articles: datelines, bylines and credits.

A catalogue of the forms real papers print, each parsed into the reporters,
correspondents and, for a dateline, its source, place and date (each form has
a test in tests/test_frontmatter.py):

=====================================  ==========================================
form                                   example
=====================================  ==========================================
dateline, place                        ``本报淄博讯 11月13日，…``
dateline, place and date               ``本报济南5月27日讯（记者 X）…``
dateline with the credit inline        ``本报讯（记者 X 通讯员 Y）…``
another paper's dateline               ``XX日报/XX网高新区讯（通讯员 X报道）…``
news agency                            ``新华社济南12月15日电（记者 X、Y）…``
website channel                        ``齐鲁网·闪电新闻12月1日讯 …``
second-hand report                     ``据XX报道，…``
byline with a mark                     ``□本报记者 X Y`` / ``■X`` / ``□X``
byline on two lines                    ``□记 者 X`` then ``通讯员 Y Z 报道``
byline with the paper's name           ``□大众网·海报新闻见习记者 X 通讯员 Y``
credit after the last paragraph        ``（X Y）`` / ``（通讯员 X）``
photo credit under a caption           ``□X 报道`` / ``X 摄``
=====================================  ==========================================

Names printed with a space to fill the width (``薛 飞``) are joined; names
printed without any separator (``王研郭智强``) are split where a known surname
starts each part (``data/surnames.txt``); a word that names an organisation
(``…台``, ``…网``) or does not start with a surname (a place: ``济宁报道``) is
not a name.
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple

from generator import DATA
from generator.analyze.normalize import fold

SURNAMES_FILE = DATA / "surnames.txt"
HAN = r"\u4e00-\u9fff"
MARK = "□■"
ROLE = re.compile(r"(?:本报|特约|首席|见习|实习|全媒体)*(?:记\s*者|通\s*讯\s*员|摄\s*影\s*记\s*者|摄\s*影|实习生|编\s*辑)")
CORRESPONDENT = re.compile(r"通\s*讯\s*员")
CREDIT_TAIL = re.compile(r"\s*(?:报道|供图|摄影|摄|文/图|图/文|文图)\s*$")
ORGANISATION = re.compile(rf"[{HAN}]*(?:台|报|网|社|新闻|中心|客户端|频道|电视)$")
SOURCE = (rf"(?:本报|新华社|中新社|[{HAN}·]{{1,10}}?(?:日报|晚报|时报|商报|报|网|新闻|客户端|电视台)"
          rf"(?:[/／·][{HAN}]{{1,10}}?(?:日报|晚报|报|网|新闻|客户端))?)")
DATELINE = re.compile(
    rf"^(?P<source>{SOURCE})(?P<place>[{HAN}]{{0,8}}?)\s*(?P<md1>\d{{1,2}}月\d{{1,2}}日)?"
    rf"(?<![通资音喜快简])(?:讯|电|消息)"
    rf"(?:\s*[（(](?P<credit>[^（）()]{{1,60}})[)）])?(?:\s*(?P<md2>\d{{1,2}}月\d{{1,2}}日))?")
REPORTED = re.compile(rf"^据[{HAN}·]{{2,14}}?(?:报道|消息)[，,]")
PAREN_CREDIT = re.compile(rf"^[（(][{HAN}·\s、，,]{{2,40}}[)）]$")
PHOTO_CREDIT = re.compile(rf"^[{MARK}]?\s*[{HAN}·]{{2,4}}(?:\s+[{HAN}·]{{2,4}})?\s*(?:报道|摄|摄影)$")
SENTENCE_MARKS = re.compile(r"[，。,！？!?；;]")
BYLINE_MAX = 60


class Dateline(NamedTuple):
    prefix: str  # as printed, through the inline credit: what the lead's first sentence starts with
    source: str
    place: str
    month_day: str | None
    reporters: tuple[str, ...]
    correspondents: tuple[str, ...]


def dateline(text: str) -> Dateline | None:
    """The dateline the paragraph opens with, parsed; None when it opens with none."""
    folded = fold(text)  # same length as ``text``: spans cut the text as printed
    match = DATELINE.match(folded)
    if match:
        credit = match.group("credit")
        reporters, correspondents = parse_names(credit) if credit else ((), ())
        month_day = match.group("md1") or match.group("md2")
        # a date after the credit stays out of the prefix: the lead's first sentence is dated by it
        end = match.start("md2") if match.group("md2") else match.end()
        prefix = text[:end].rstrip()
        return Dateline(prefix, match.group("source"), match.group("place"), month_day,
                        reporters, correspondents)
    match = REPORTED.match(folded)
    if match:
        return Dateline(text[:match.end() - 1], match.group(0)[1:-3], "", None, (), ())
    return None


def is_byline(text: str) -> bool:
    """``□ 本报记者 X …`` / ``□X`` / ``记者 X 通讯员 Y 报道`` / ``XX网通讯员XY``: names and roles only."""
    body = fold(text).strip()
    if not body or len(body) > BYLINE_MAX or SENTENCE_MARKS.search(body.lstrip(MARK)):
        return False
    if body[0] in MARK:
        return len(body.lstrip(MARK).strip()) > 0
    role = ROLE.search(body)
    if not role or role.start() > 14:
        return False
    before = re.sub(r"[·/／\s]", "", body[:role.start()])
    reporters, correspondents, clean = read_names(body)
    return (not before or bool(ORGANISATION.match(before))) and bool(reporters or correspondents) and clean


def end_credit(text: str) -> tuple[str, ...] | None:
    """The names of a credit printed after the last paragraph: ``（杜明德 江玉宝）``, ``（通讯员 X）``."""
    body = fold(text).strip()
    if not PAREN_CREDIT.match(body):
        return None
    inner = CREDIT_TAIL.sub("", ROLE.sub(" ", body[1:-1]))
    tokens = join_spaced([t for t in re.split(r"[\s、，,]+", inner) if t])
    names = [split_names(t) if starts_with_surname(t) else [] for t in tokens]
    return tuple(n for found in names for n in found) if all(names) and names else None


def is_photo_credit(text: str) -> bool:
    return bool(PHOTO_CREDIT.match(fold(text).strip()))


def parse_names(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Reporters and correspondents named in a byline or credit, in printed order (as printed)."""
    reporters, correspondents, _ = read_names(text)
    return reporters, correspondents


def read_names(text: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """``parse_names``, and whether every word after a role was a name (a byline holds nothing else)."""
    body = fold(text).strip().lstrip(MARK).strip()
    body = re.sub(r"文\s*/\s*图|图\s*/\s*文", " ", body)
    if body.startswith(("（", "(")) and body.endswith(("）", ")")):
        body = body[1:-1]
    reporters: list[str] = []
    correspondents: list[str] = []
    target = reporters
    pieces = ROLE.split(body)
    roles = ROLE.findall(body)
    clean = True
    for k, piece in enumerate(pieces):
        if k > 0:
            target = correspondents if CORRESPONDENT.search(roles[k - 1]) else reporters
        elif roles and piece.strip():
            continue  # before the first role: the paper's or agency's name
        names, only_names = names_in(piece)
        target.extend(names)
        clean = clean and only_names
    return tuple(reporters), tuple(correspondents), clean


def names_in(piece: str) -> tuple[list[str], bool]:
    """The personal names in a stretch of a byline between two roles, and whether it held
    nothing else (a station's or paper's name and the place reported from are allowed)."""
    reported = bool(CREDIT_TAIL.search(piece))
    piece = CREDIT_TAIL.sub("", piece.strip())
    tokens = join_spaced([t for t in re.split(r"[\s、，,]+", piece) if t])
    names: list[str] = []
    clean = True
    for k, token in enumerate(tokens):
        if not re.fullmatch(rf"[{HAN}·]+", token) or ORGANISATION.match(token):
            clean = clean and bool(ORGANISATION.match(token))
            continue
        if reported and k == len(tokens) - 1 and k > 0 and not starts_with_surname(token):
            continue  # ``济宁报道``: where it was reported from
        found = split_names(token)
        clean = clean and bool(found)
        names.extend(found)
    return names, clean


def join_spaced(tokens: list[str]) -> list[str]:
    """``薛 飞`` → ``薛飞``: two one-character tokens side by side are one name printed spaced out."""
    joined: list[str] = []
    k = 0
    while k < len(tokens):
        if len(tokens[k]) == 1 and k + 1 < len(tokens) and len(tokens[k + 1]) == 1:
            joined.append(tokens[k] + tokens[k + 1])
            k += 2
        else:
            joined.append(tokens[k])
            k += 1
    return joined


def split_names(run: str) -> list[str]:
    """Names printed together without a separator, split where a known surname starts each
    part (parts of 2–3 characters, 2–4 after a two-character surname); the more common surnames
    win a tie. A run of four or more that cannot be split so is not a name (``王研表示``)."""
    if len(run) <= 3 or "·" in run:
        return [run] if len(run) >= 2 else []
    best = best_split(run)
    return list(best) if best else []


@functools.lru_cache(maxsize=4096)
def best_split(run: str) -> tuple[str, ...] | None:
    """The split of ``run`` into names with the lowest cost (each part's surname's rank), or None."""
    if not run:
        return ()
    options = []
    for size in (2, 3, 4):
        head, rest = run[:size], run[size:]
        if len(head) < size or (size == 4 and head[:2] not in surnames()):
            continue
        rank = surname_rank(head)
        if rank is None:
            continue
        tail = best_split(rest)
        if tail is None:
            continue
        options.append((rank + sum(surname_rank(n) or 0 for n in tail), len(tail), (head,) + tail))
    return min(options)[2] if options else None


def starts_with_surname(text: str) -> bool:
    return surname_rank(text) is not None


def surname_rank(name: str) -> int | None:
    """How common the name's surname is (0 = the most common), None when it starts with none."""
    ranks = surnames()
    for size in (2, 1):
        if name[:size] in ranks and len(name) > size:
            return ranks[name[:size]]
    return None


@functools.lru_cache(maxsize=1)
def surnames() -> dict[str, int]:
    lines = SURNAMES_FILE.read_text(encoding="utf-8").splitlines()
    entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return {name: rank for rank, name in enumerate(entries)}
