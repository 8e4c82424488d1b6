"""The data export ``data/articles.json`` (DESIGN.md, 'The data export'), UTF-8 JSON, keys in fixed order."""
from __future__ import annotations

from collections import Counter

from generator.model import Article, Digest, Dropped, Page
from generator.render.text import JSON, Streamed, hashed, streamed

EXPORT_PATH = "data/articles.json"


def export_file(digest: Digest) -> Streamed:
    """The export: one record per line, readable and diffable.

    Each record is written by json's C encoder (``indent`` would switch to the
    pure-Python one, about ten times slower).
    """
    firsts = Counter(a.theme_keys[0] for a in digest.articles)
    counts = {t.key: firsts[t.key] for t in digest.themes}
    head = ('{"themes": ' + JSON({t.key: {"name": t.name, "count": counts[t.key]} for t in digest.themes}))
    return streamed(head.encode("utf-8"), [
        ("articles", [hashed(JSON(article_record(a)).encode("utf-8")) for a in digest.articles]),
        ("dropped", [dropped_line(d) for d in digest.dropped]),
        ("pages", [page_line(p) for p in digest.pages]),
    ], b"}\n", opening=b',\n"{name}": [', start=b"\n", separator=b",\n", closing=b"\n]")


def dropped_line(d: Dropped) -> tuple[bytes, bytes]:
    return hashed(JSON({"file": d.file, "lines": list(d.lines), "kind": d.kind, "text": d.text,
                        "reason": d.reason}).encode("utf-8"))


def page_line(p: Page) -> tuple[bytes, bytes]:
    return hashed(JSON({"file": p.file, "encoding": p.encoding, "newspaper": p.meta.newspaper,
                        "edition": p.meta.edition, "date": p.meta.date, "warnings": list(p.warnings)}).encode("utf-8"))


def related_reasons(a: Article) -> list[dict]:
    return [{"id": r.id, "score": r.score, "reason": r.reason} for r in a.related]


def article_record(a: Article) -> dict:
    d, an = a.draft, a.analysis
    return {
        "id": a.id,
        "url": a.url,
        "title": d.title,
        "kicker": d.kicker,
        "subtitle": d.subtitle,
        "byline": list(d.byline.names),
        "reporters": list(d.byline.reporters),
        "correspondents": list(d.byline.correspondents),
        "byline_text": d.byline.text or None,
        "dateline": d.dateline,
        "date": an.date.value,
        "date_source": an.date.source,
        "places": [p.full for p in an.places],
        "themes": list(a.theme_keys),
        "theme_scores": [{"theme": t.key, "score": t.score, "evidence": list(t.evidence),
                          "sentences": list(t.sentences)} for t in a.themes],
        "summary": "".join(an.summary),
        "keywords": list(an.keywords),
        "figures": [{"value": f.value, "unit": f.unit, "text": f.text} for f in an.figures],
        "related": [r.id for r in a.related],
        "related_reasons": related_reasons(a),
        "source": {"file": d.file, "lines": list(d.lines)},
        "captions": list(d.captions),
        "credits": list(d.credits),
        "headings": [{"text": h.text, "before": h.before} for h in d.headings],
        "paragraphs": [p.text for p in d.paragraphs],
        "edits": [{"line": e.line, "original": e.original, "reason": e.reason} for e in d.edits],
        "notes": list(d.notes),
    }
