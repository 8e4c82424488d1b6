#!/usr/bin/env python3
"""Screenshots of the built site at phone and desktop width, for a person to look at.

    python scripts/screenshots.py [--site DIR] [--out shots/]

Builds the site unless --site is given and writes home, a theme overview, an
article, an article with a kicker, places, timeline and tags at 390 px and 1280 px wide (full page) as PNG.
Chinese text needs a CJK font on the machine taking the pictures (Debian:
fonts-noto-cjk); readers' devices bring their own.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, serve  # noqa: E402
from tests.project import mkdocs_build  # noqa: E402

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def pages_to_shoot(site: Path) -> dict[str, str]:
    export = json.loads(gzip.decompress((site / "data" / "articles.json.gz").read_bytes()))
    # The article with the most parts shows the most of the layout.
    article = max(export["articles"], key=lambda a: (len(a["figures"]) > 0, len(a["captions"]) > 0,
                                                     len(a["paragraphs"]), a["id"]))
    kicker = next((a for a in export["articles"] if a["kicker"]), article)  # the kicker above its headline
    theme = max(export["themes"], key=lambda k: sum(1 for a in export["articles"] if k in a["themes"]))
    return {"home": "", "theme": f"themes/{theme}/", "article": article["url"], "kicker": kicker["url"],
            "places": "places/", "timeline": "timeline/", "tags": "tags/"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "shots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if not args.site:
            result = mkdocs_build(site)
            if result.returncode != 0:
                raise SystemExit(result.stderr[-2000:])
        with serve(site) as base_url, chromium() as browser:
            for width_name, (width, height) in WIDTHS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for name, path in pages_to_shoot(site).items():
                    page.goto(base_url + path)
                    page.wait_for_load_state("networkidle")
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    target = args.out / f"{name}-{width_name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(f"{target}  horizontal overflow {overflow}px")
                page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
