"""What an article says on its own, whatever else is in the corpus: its key figures, the
places it names, its date (and, in ``classify``, its themes). Worked out with its page and
cached with it (``Facts``)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from generator.analyze.places import Gazetteer
from generator.model import DateInfo, Draft, Figure, PageMeta, Place, ThemeScore

SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』）)]*|[^。！？!?]+$")
CLAUSE = re.compile(r"[^，。；！？,;!?]+")
UNITS = ("万元|亿元|千元|元|万人次|人次|万人|人|万户|户|家|个|项|名|亩|万亩|平方米|公里|场次|场|处|所|支|期|次|"
         "座|条|件|台|套|间|栋|吨|倍|余人|余户|余个|余家|余项|余名|余元")
FIGURE = re.compile(rf"(?<![\d.])(?P<value>\d+(?:\.\d+)?)(?P<unit>%|％|(?:多|余)?(?:{UNITS}))")
FULL_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
MONTH_DAY = re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
FIGURES_MAX = 8
PLACES_MAX = 5


@dataclass(frozen=True)
class Facts:
    """What an article says on its own, whatever else is in the corpus (cached with its page)."""

    figures: tuple[Figure, ...]
    places: tuple[Place, ...]
    date: DateInfo
    themes: tuple[ThemeScore, ...]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]


def extract_figures(draft: Draft, limit: int = FIGURES_MAX) -> tuple[Figure, ...]:
    """Numbers with units and the clause they are in, de-duplicated, in reading order."""
    figures, seen = [], set()
    for paragraph in draft.paragraphs:
        for clause in CLAUSE.findall(paragraph.text):
            for match in FIGURE.finditer(clause):
                key = (match.group("value"), match.group("unit"))
                if key in seen:
                    continue
                seen.add(key)
                figures.append(Figure(match.group("value"), match.group("unit"), clause.strip()))
    return tuple(figures[:limit])


def extract_places(draft: Draft, gazetteer: Gazetteer, limit: int = PLACES_MAX) -> tuple[Place, ...]:
    """Places the article names, most salient first: dateline and headline, then frequency."""
    scores: Counter = Counter()
    first_seen: dict[Place, int] = {}
    weighted = [(draft.dateline or "", 5.0), (" ".join(filter(None, [draft.kicker, draft.title, draft.subtitle])), 4.0),
                (draft.paragraphs[0].text if draft.paragraphs else "", 1.0), (draft.body, 1.0)]
    order = 0
    for text, weight in weighted:
        for place in gazetteer.find(text):
            scores[place] += weight
            first_seen.setdefault(place, order)
            order += 1
    # a parent gives way to a named child only when the child is at least as salient
    ranked = sorted(scores, key=lambda p: (-scores[p], first_seen[p], p.full))
    specific = [p for p in ranked if not any(q != p and q.path[:len(p.path)] == p.path and scores[q] >= scores[p]
                                             for q in ranked)]
    return tuple(specific[:limit])


def article_date(draft: Draft, meta: PageMeta) -> DateInfo:
    """The dateline's month and day with the year from page metadata or clear text evidence."""
    month_day = MONTH_DAY.match(draft.dateline_date or "")
    if not month_day:
        if meta.date:
            return DateInfo(meta.date, "版面信息注明的出版日期")
        return DateInfo(None, "电头未注日期，版面也未注明出版日期")
    month, day = int(month_day.group("m")), int(month_day.group("d"))
    if meta.year:
        return DateInfo(f"{meta.year:04d}-{month:02d}-{day:02d}", "电头日期，年份取自版面信息")
    for match in FULL_DATE.finditer(draft.body):
        if (int(match.group("m")), int(match.group("d"))) == (month, day):
            return DateInfo(f"{match.group('y')}-{month:02d}-{day:02d}",
                            f"电头日期，年份取自正文“{match.group(0)}”")
    return DateInfo(None, f"电头日期 {draft.dateline_date} 未注年份，版面也未注明")
