"""The benchmark's year: each figure continued from the measured sizes (bench/growth.py)."""
import json

import pytest

from bench.growth import YEAR_PAGES, exponent, growth, growth_report, main


def rows_of(figure, sizes=(1000, 2000, 5000)):
    return [{"pages": n, "articles": 6 * n, "mkdocs_s": figure(n)} for n in sizes]


def read(row):
    return row["mkdocs_s"]


def test_exponent_is_how_a_figure_grows_between_two_sizes():
    assert exponent((1000, 10.0), (2000, 20.0)) == pytest.approx(1.0)
    assert exponent((1000, 10.0), (2000, 40.0)) == pytest.approx(2.0)
    assert exponent((1000, 10.0), (4000, 20.0)) == pytest.approx(0.5)


def test_a_fixed_cost_plus_a_cost_per_page_is_continued_as_a_straight_line():
    fitted = growth(rows_of(lambda n: 60 + 0.1 * n), read)
    assert fitted["year"] == pytest.approx(60 + 0.1 * YEAR_PAGES)
    first, last = fitted["steps"][1000, 2000], fitted["steps"][2000, 5000]
    assert first < last < 1  # the fixed cost weighs less and less


def test_a_figure_growing_faster_than_the_pages_is_continued_as_a_power_curve():
    fitted = growth(rows_of(lambda n: 1e-3 * n ** 1.5), read)
    assert list(fitted["steps"].values()) == pytest.approx([1.5, 1.5])
    assert fitted["year"] == pytest.approx(1e-3 * YEAR_PAGES ** 1.5)  # above the straight line's value


def test_a_figure_measured_at_fewer_than_two_sizes_has_no_year():
    rows = rows_of(lambda n: n / 10)
    for row in rows[1:]:
        del row["mkdocs_s"]
    assert growth(rows, lambda row: row.get("mkdocs_s")) is None


def test_the_report_gives_each_measured_figure_its_steps_and_its_year(tmp_path, capsys):
    rows = rows_of(lambda n: 0.1 * n)
    report = growth_report(rows)
    header, _, *lines = report.splitlines()
    assert "k, 1,000 → 2,000" in header and "k, 2,000 → 5,000" in header and "7,300 pages" in header
    build = next(line for line in lines if line.startswith("| cold `mkdocs build` (s)"))
    assert build.split(" | ")[1:] == ["100", "200", "500", "1.00", "1.00", "730 |"]
    assert next(line for line in lines if line.startswith("| articles")).endswith("| 43,800 |")
    assert not any("site (MB)" in line for line in lines)  # no row measured it
    rows[1]["mkdocs_s"] = None  # not measured at 2,000 pages: no cell there, and no step next to it
    build = next(line for line in growth_report(rows).splitlines() if line.startswith("| cold `mkdocs build` (s)"))
    assert build.split(" | ")[1:] == ["100", "—", "500", "—", "—", "730 |"]
    rows[1]["mkdocs_s"] = 200.0
    saved = tmp_path / "rows.json"
    saved.write_text(json.dumps(rows), encoding="utf-8")
    assert main([str(saved)]) == 0
    assert capsys.readouterr().out.strip() == report
