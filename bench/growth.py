#!/usr/bin/env python3
"""How each benchmark figure grows with the archive, and what it comes to for a year of a daily.

    python bench/growth.py ROWS.json      # the rows `python bench/run.py 1000 2000 5000 --json ROWS.json` wrote

A year of a provincial daily is about 7,300 pages (20 a day). Building it takes longer than the
benchmark may run, so the year is extrapolated from the measured sizes. How a figure grows between
two sizes is its exponent ``k`` (the figure goes as pages ** k there): 1 in proportion to the
archive, below 1 slower (a fixed cost, or a part of bounded size such as one Pagefind run), above 1
faster (work that compares articles with one another). A ``k`` that rises from one pair of sizes to
the next says the growth is speeding up.

The year continues the two largest sizes in two ways, a straight line (a fixed cost plus a cost per
page) and a power curve (pages ** k), and takes the larger: the straight line is exact for a
fixed-plus-per-page cost and underestimates a figure growing faster than the pages, the curve the
other way round, so neither kind of figure is underestimated.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Callable, Optional

YEAR_PAGES = 7_300


def site_mb(row: dict) -> Optional[float]:
    return sum(row["weight"].values()) / 1e6 if "weight" in row else None


def kb_per_article(row: dict) -> Optional[float]:
    return site_mb(row) * 1e3 / row["articles"] if "weight" in row else None


def field(name: str, scale: float = 1.0) -> Callable[[dict], Optional[float]]:
    return lambda row: row[name] * scale if row.get(name) is not None else None


# (what is measured, its unit, how to read it off a row of bench/run.py)
FIGURES: tuple[tuple[str, str, Callable[[dict], Optional[float]]], ...] = (
    ("articles", "", field("articles")),
    ("site", "MB", site_mb),
    ("site per article", "KB", kb_per_article),
    ("jieba's floor (reference)", "s", field("floor_s")),
    ("`digest generate`, empty cache", "s", field("full_s")),
    ("`digest generate`, nothing changed", "s", field("unchanged_s")),
    ("`digest generate`, peak memory", "GB", field("full_peak_MB", 1e-3)),
    ("cold `mkdocs build`", "s", field("mkdocs_s")),
    ("`mkdocs build --dirty` after one page", "s", field("mkdocs_dirty_s")),
    ("`mkdocs build`, a day added, cache kept", "s", field("mkdocs_day_s")),
    ("peak memory of the build, all processes", "GB", field("mkdocs_peak_MB", 1e-3)),
    ("fetched before a phone's first result", "MB", field("first_result_bytes", 1e-6)),
)


def exponent(small: tuple[float, float], large: tuple[float, float]) -> float:
    """k such that the figure goes as pages ** k between two (pages, value) measurements."""
    return math.log(large[1] / small[1]) / math.log(large[0] / small[0])


def growth(rows: list[dict], read: Callable[[dict], Optional[float]], pages: int = YEAR_PAGES) -> Optional[dict]:
    """The figure by measured size, its exponent between consecutive sizes (by the pair of sizes)
    and its value at ``pages`` (see the module's docstring); None where fewer than two sizes
    measured it."""
    measured = sorted({row["pages"]: read(row) for row in rows}.items())
    measured = [(n, v) for n, v in measured if v is not None and v > 0]
    if len(measured) < 2:
        return None
    steps = {(a[0], b[0]): exponent(a, b) for a, b in zip(measured, measured[1:])}
    (n1, v1), (n2, v2) = measured[-2:]
    line = v2 + (v2 - v1) / (n2 - n1) * (pages - n2)
    curve = v2 * (pages / n2) ** steps[n1, n2]
    return {"measured": dict(measured), "steps": steps, "year": max(line, curve)}


def growth_report(rows: list[dict], pages: int = YEAR_PAGES) -> str:
    """The table: each figure at the measured sizes, how it grows from one size to the next, and
    the year."""
    sizes = sorted({row["pages"] for row in rows})
    steps = [f"k, {a:,} → {b:,}" for a, b in zip(sizes, sizes[1:])]
    lines = ["| figure | " + " | ".join(f"{n:,} pages" for n in sizes) + " | " + " | ".join(steps)
             + f" | a year ({pages:,} pages), extrapolated |",
             "| --- |" + " --- |" * (2 * len(sizes))]
    for name, unit, read in FIGURES:
        fitted = growth(rows, read, pages)
        if fitted is None:
            continue
        at, steps = fitted["measured"], fitted["steps"]
        ks = [f"{steps[pair]:.2f}" if pair in steps else "—" for pair in zip(sizes, sizes[1:])]
        label = f"{name} ({unit})" if unit else name
        lines.append(f"| {label} | " + " | ".join(number(at[n]) if n in at else "—" for n in sizes) + " | "
                     + " | ".join(ks) + f" | {number(fitted['year'])} |")
    return "\n".join(lines)


def number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    print(growth_report(json.loads(Path(argv[0]).read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
