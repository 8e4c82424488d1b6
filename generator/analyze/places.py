"""The place gazetteer: names and short names resolved to one place with its parents."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from generator.model import Place

SUFFIXES = ("市", "区", "县")
# A town printed straight after its county: two to four characters and 镇, 乡 or 街道.
TOWN = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:镇|乡|街道)")
NOT_TOWN = re.compile(r"^(?:乡镇|城镇|村镇|各乡|各镇|全镇|该镇|本镇|重点镇|小城镇)|[的和与及在对]")


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]  # every spelling -> place
    pattern: re.Pattern

    def find(self, text: str) -> list[Place]:
        """Places named in ``text``, in order, longest spelling first at each point.

        ``淄博市临淄区`` yields 临淄区 (whose parent 淄博市 is implied), not both.
        """
        found: list[Place] = []
        previous_end = -1
        for start, end, place in self.spans(text):
            if found and start == previous_end and found[-1].path == place.path[:len(found[-1].path)]:
                found[-1] = place  # "淄博市" straight before "临淄区": one place
            else:
                found.append(place)
            previous_end = end
        return found

    def spans(self, text: str):
        """Where ``text`` names places, in order: (start, end, place) for each spelling, longest
        first at each point, and for a town the gazetteer does not list printed straight after
        its county (临淄区姚家街道). The spans do not overlap."""
        at = 0
        while (match := self.pattern.search(text, at)) is not None:
            place = self.places[match.group(0)]
            yield match.start(), match.end(), place
            at = match.end()
            town = unknown_town(text, at, place, self.places)
            if town is not None:
                yield at, at + len(town.name), town
                at += len(town.name)  # 临淄区临淄镇: the 临淄 in the town's name is not another place


@lru_cache(maxsize=4)
def load_gazetteer(path: Path) -> Gazetteer:
    """Read the gazetteer file and index every name and safe short name."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    ambiguous = set(data.get("ambiguous_short_names") or [])
    spellings: dict[str, Place] = {}
    seen_twice: set[str] = set()

    def add(name: str, place: Place) -> None:
        if name in spellings and spellings[name] != place:
            seen_twice.add(name)
        spellings.setdefault(name, place)

    for city, counties in (data.get("cities") or {}).items():
        city_place = Place(city, (city,))
        add(city, city_place)
        add(short_name(city), city_place)
        for county, spec in (counties or {}).items():
            spec = spec or {}
            county_place = Place(county, (city, county))
            add(county, county_place)
            if county not in ambiguous and len(short_name(county)) >= 2:
                add(short_name(county), county_place)
            for alias in spec.get("aliases") or []:
                add(alias, county_place)
            for town in spec.get("towns") or []:
                add(town, Place(town, (city, county, town)))
    for name in seen_twice:  # a spelling shared by two places names neither
        del spellings[name]
    names = sorted(spellings, key=lambda n: (-len(n), n))
    return Gazetteer(spellings, re.compile("|".join(map(re.escape, names))))


def short_name(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def unknown_town(text: str, at: int, county: Place, known: dict[str, Place]) -> Place | None:
    """The town named at ``text[at:]`` straight after ``county`` (a county or district, not a city),
    when the gazetteer does not list it: so an article's towns are kept whatever the gazetteer knows."""
    if len(county.path) != 2 or not county.name.endswith(("区", "县", "市")):
        return None
    match = TOWN.match(text, at)
    if match is None or match.group(0) in known or NOT_TOWN.search(match.group(0)):
        return None
    return Place(match.group(0), county.path + (match.group(0),))
