"""What each kind of page shows: plain dicts of escaped text that the templates lay out."""
from __future__ import annotations

from itertools import islice
from xml.sax.saxutils import escape as xml_escape

from generator.link import ids as link
from generator.model import Article, Digest
from generator.render.listings import first_theme, page_file
from generator.render.text import md, yaml_string

HOME_PAGES_MAX = 30  # page files listed on the home page


def headline(a: Article) -> tuple[str, str]:
    """What a link to the article shows: its address (slug) and headline."""
    return a.slug, md(a.draft.title)


def source_label(a: Article) -> str:
    """Where a listing says an article was printed: the newspaper and edition when the page's front
    matter gives them (the date is listed beside it), else the page file's name."""
    printed = " ".join(filter(None, [a.meta.newspaper, a.meta.edition]))
    return printed or a.draft.file


def listing_view(a: Article) -> dict:
    """What a theme page lists of an article (``article_view`` in part: the same values)."""
    d, an = a.draft, a.analysis
    return {"slug": a.slug, "title": md(d.title), "date": an.date.value or "", "source": md(source_label(a)),
            "places": [{"full": md(" › ".join(p.path))} for p in an.places[:1]],
            "summary": md("".join(an.summary))}


def theme_names(digest: Digest) -> dict[str, str]:
    return {t.key: t.name for t in digest.themes}


def dated_view(a: Article) -> dict:
    """What a place's or a tag's page lists of an article."""
    return {"slug": a.slug, "title": md(a.draft.title), "date": a.analysis.date.value or ""}


def article_view(a: Article, names: dict[str, str], place_slugs: dict[tuple[str, ...], str],
                 tag_pages: dict[str, str]) -> dict:
    """An article's page; ``names``: the theme names by key (``theme_names``)."""
    d, an = a.draft, a.analysis
    body = []
    headings = {}
    for h in d.headings:
        headings.setdefault(h.before, []).append(md(h.text))
    for k, p in enumerate(d.paragraphs):
        body += [("h", text) for text in headings.get(k, [])]
        body.append(("p", md(p.text)))
    body += [("h", text) for text in headings.get(len(d.paragraphs), [])]
    return {
        "id": a.id, "slug": a.slug, "title": md(d.title), "raw_title": d.title,
        "kicker": md(d.kicker), "subtitle": md(d.subtitle),
        "reporters": md("、".join(d.byline.reporters)), "correspondents": md("、".join(d.byline.correspondents)),
        "date": an.date.value or "", "date_source": md(an.date.source),
        "places": [{"name": md(p.name), "full": md(" › ".join(p.path)), "slug": place_slugs[p.path]}
                   for p in an.places],
        "themes": [{"key": t.key, "name": md(names[t.key]), "score": t.score,
                    "evidence": md("、".join(t.evidence)), "sentences": [md(s) for s in t.sentences]}
                   for t in a.themes],
        "primary": a.theme_keys[0], "primary_name": md(names[a.theme_keys[0]]),
        "summary": md("".join(an.summary)),
        "keywords": [md(k) for k in an.keywords],
        "tags": [{"name": yaml_string(tag), "link": to} for tag, to in chip_links(a, place_slugs, tag_pages)],
        "figures": [{"value": md(f.value + f.unit), "text": md(f.text)} for f in an.figures],
        "body": body,
        "captions": [md(c) for c in d.captions], "credits": [md(c) for c in d.credits],
        "source": md(d.file), "lines": d.lines,
        "meta": {"newspaper": md(a.meta.newspaper), "edition": md(a.meta.edition), "date": a.meta.date or ""},
    }


def chip_links(a: Article, place_slugs: dict[tuple[str, ...], str], tag_pages: dict[str, str]
               ) -> list[tuple[str, str | None]]:
    """Each of an article's tags with the page its chip leads to, from the site's root: the
    place's page for a tag naming one of its places, else the tag's page if it has one."""
    places = link.place_tags(a)
    return [(tag, f"places/{place_slugs[places[tag]]}" if tag in places
             else f"tags/{tag_pages[tag]}" if tag in tag_pages else None) for tag in link.tags_of(a)]


def shown_related(a: Article, others: tuple[Article, ...]) -> list[dict]:
    """The article's related list as its page shows it (``others``: the related Articles, in order)."""
    return [{"slug": slug, "title": title, "reason": md(r.reason)}
            for r, (slug, title) in zip(a.related, [headline(b) for b in others])]


def theme_overview(count: int, headed: list[Article], with_figures: list[Article], places: dict[str, int]) -> dict:
    """A theme page's overview: its ``count`` articles, the first headings of its newest articles
    that have any (``headed``), the first figures likewise (``with_figures``), and its articles'
    count by their first place (``places``)."""
    measures = islice(({"text": md(h.text), "slug": a.slug} for a in headed for h in a.draft.headings), 20)
    figures = islice(({"value": md(f.value + f.unit), "text": md(f.text), "slug": a.slug, "title": md(a.draft.title)}
                      for a in with_figures for f in a.analysis.figures[:3]), 30)
    return {
        "count": count,
        "places": [{"name": md(n), "count": c} for n, c in sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))],
        "measures": list(measures),
        "figures": list(figures),
    }


def places_view(index: dict[tuple[str, ...], list[Article]], slugs: dict[tuple[str, ...], str]) -> list[dict]:
    """The places page: every place, under its city and county, with its count (its articles
    are on its own page); each level in the order of its names' pinyin, as a Chinese index is."""
    def order(path: tuple[str, ...]) -> tuple:
        return tuple((link.pinyin_sort_key(name), name) for name in path)
    return [{"depth": len(path), "name": md(path[-1]), "slug": slugs[path], "count": len(index[path])}
            for path in sorted(index, key=order)]


def place_view(path: tuple[str, ...], index: dict[tuple[str, ...], list[Article]],
               children: list[tuple[str, ...]], slugs: dict[tuple[str, ...], str]) -> dict:
    """One place's page: its name, the places above and below it, its count."""
    return {"name": md(path[-1]), "title": path[-1], "full": md(" › ".join(path)), "slug": slugs[path],
            "count": len(index[path]),
            "parents": [{"name": md(path[depth - 1]), "slug": slugs[path[:depth]]} for depth in range(1, len(path))],
            "children": [{"name": md(p[-1]), "slug": slugs[p], "count": len(index[p])} for p in children]}


MONTH_DAY_ONLY = "电头只注月日，版面和正文都未注年份"


def timeline_item(a: Article) -> dict:
    """What the timeline lists of an article: its date, or why it has none (the dateline's month
    and day, when that is all the input gives)."""
    undated_dateline = not a.analysis.date.value and a.draft.dateline_date or ""
    return {"slug": a.slug, "title": md(a.draft.title), "date": a.analysis.date.value,
            "reason": MONTH_DAY_ONLY if undated_dateline else md(a.analysis.date.source),
            "month_day": md(undated_dateline)}


def timeline_view(items: list[dict]) -> dict:
    """One part of the timeline (``timeline_item``s): its articles by date (newest first), then the
    undated ones under why each has no date (said once, not after every headline)."""
    dated: dict[str, list[dict]] = {}
    undated: dict[str, list[dict]] = {}
    for item in items:
        if item["date"]:
            dated.setdefault(item["date"], []).append(item)
        else:
            undated.setdefault(item["reason"], []).append(item)
    return {"dated": sorted(dated.items(), reverse=True), "undated": list(undated.items())}


def home_view(digest: Digest, articles: list[Article], place_index) -> dict:
    """The home page (``articles``: newest first)."""
    names = theme_names(digest)
    by_first_theme = link.grouped(articles, first_theme)
    by_file = link.grouped(articles, page_file)
    themes = []
    for t in digest.themes:
        members = by_first_theme.get(t.key, [])
        themes.append({"key": t.key, "name": md(t.name), "description": md(t.description), "count": len(members),
                       "latest": [{"slug": a.slug, "title": md(a.draft.title)} for a in members[:3]]})
    shown = digest.pages
    if len(shown) > HOME_PAGES_MAX:  # an archive: the newest pages, not thousands of rows
        shown = sorted(shown, key=lambda p: (p.meta.date or "", p.file), reverse=True)[:HOME_PAGES_MAX]
    top_places = sorted(((path, len(arts)) for path, arts in place_index.items() if len(path) == 2),
                        key=lambda item: (-item[1], item[0]))[:8]
    return {
        "themes": themes,
        "article_count": len(digest.articles),
        "page_count": len(digest.pages),
        "chart": bar_chart([(names[t["key"]], t["count"]) for t in themes] , "各专题文章数")
        + bar_chart([(path[-1], n) for path, n in top_places], "各地文章数"),
        "pages": [{"file": md(p.file), "newspaper": md(p.meta.newspaper), "date": p.meta.date or "",
                   "count": len(by_file.get(p.file, []))} for p in shown],
        "page_total": len(digest.pages),
    }


def bar_chart(rows: list[tuple[str, int]], label: str) -> str:
    """A small horizontal bar chart as inline SVG (no script, no external font)."""
    if not rows:
        return ""
    top = max(n for _, n in rows) or 1
    height = 28 * len(rows) + 8
    bars = []
    for i, (name, n) in enumerate(rows):
        y = 8 + 28 * i
        width = round(220 * n / top)
        bars.append(f'<text x="0" y="{y + 15}" class="digest-chart-label">{xml_escape(name)}</text>'
                    f'<rect x="190" y="{y}" width="{max(width, 2)}" height="20" rx="3" class="digest-chart-bar"/>'
                    f'<text x="{196 + width}" y="{y + 15}" class="digest-chart-value">{n}</text>')
    return (f'<figure><figcaption class="digest-chart-title">{xml_escape(label)}</figcaption>'
            f'<svg class="digest-chart" role="img" aria-label="{xml_escape(label)}" viewBox="0 0 460 {height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{xml_escape(label)}</title>{"".join(bars)}</svg></figure>\n')
