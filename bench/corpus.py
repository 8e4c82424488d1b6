#!/usr/bin/env python3
"""A deterministic synthetic corpus made from the seed pages, for benchmarks.

    python bench/corpus.py N OUT_DIR [--seed 20261122]

Every page is written the way a scanned page arrives: front matter (paper,
edition, date: twenty pages a day), then five to eight articles, each a real
seed headline (with its kicker and subtitle), a real byline and dateline lead,
and three to eight real paragraphs recombined from seed articles of the same
theme, with their captions. The same N and seed always give the same bytes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES_PER_DAY = 20
FIRST_DAY = dt.date(2019, 1, 1)


@dataclass(frozen=True)
class Source:
    kicker: str | None
    title: str
    subtitle: str | None
    byline: str
    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]
    theme: str


def seed_sources(seeds: Path = ROOT / "seeds") -> list[Source]:
    from generator.config import Settings
    from generator.build import build

    digest = build(Settings(seeds=seeds)).digest
    return [Source(a.draft.kicker, a.draft.title, a.draft.subtitle, a.draft.byline.text,
                   tuple(p.text for p in a.draft.paragraphs), a.draft.captions, a.theme_keys[0])
            for a in digest.articles if a.draft.paragraphs]


def page_text(rng: random.Random, sources: list[Source], by_theme: dict[str, list[str]], number: int) -> str:
    day = FIRST_DAY + dt.timedelta(days=number // PAGES_PER_DAY)
    lines = ["---", "newspaper: 合成日报", f"edition: 第{number % PAGES_PER_DAY + 1}版", f"date: {day.isoformat()}",
             "---", ""]
    for _ in range(rng.randint(5, 8)):
        source = rng.choice(sources)
        pool = by_theme[source.theme]
        body = [source.paragraphs[0]] + rng.sample(pool, min(len(pool), rng.randint(2, 7)))
        if source.kicker:
            lines.append(source.kicker)
        lines.append(source.title)
        if source.subtitle:
            lines.append(source.subtitle)
        lines.append("")
        if source.byline:
            lines += [source.byline, ""]
        for paragraph in body:
            lines += [paragraph, ""]
        for caption in source.captions:
            lines += [caption, ""]
        lines.append("")
    return "\n".join(lines)


def make_corpus(n_pages: int, out: Path, seed: int = 20261122) -> list[Path]:
    sources = seed_sources()
    by_theme: dict[str, list[str]] = {}
    for s in sources:
        by_theme.setdefault(s.theme, []).extend(s.paragraphs[1:] or s.paragraphs)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(n_pages):
        path = out / f"p{number:05d}.txt"
        path.write_text(page_text(rng, sources, by_theme, number), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args(argv)
    paths = make_corpus(args.pages, args.out, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} pages, {size / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
