"""Editors' corrections: ``seeds/corrections.yml``, keyed by stable article id.

An editor fixes what the generator got wrong without touching code::

    # the id is on every article page (来源) and in data/articles.json
    3b00da67eb:
      title: 临淄区消防救援大队举行授衔和换装仪式   # fix a headline
      date: 2019-11-13                               # set the date
      places: [淄博市临淄区]                          # replace the places (gazetteer names)
      themes: [veterans]                             # replace the themes (keys of themes.yml; [] = other)
    f89e7215ae:
      hide: true                                     # leave out of the site (kept in `dropped`)
    a17811c4dd:
      merge_into: 217a39d136                         # append to another article the splitter cut off

Merges happen before analysis, so the merged article's keywords, summary and
themes are computed from its whole text; the other fields override the
analysis afterwards. The URL keeps coming from the original headline, so a
corrected title does not move the page. Every problem — a malformed file, an
unknown field, an id that is not in the digest, an unknown theme or place —
is reported with the id, never ignored.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from generator.config import ConfigError, editor_text, unreadable
from generator.model import Article, DateInfo, Draft, Dropped, ThemeScore, line_span
from generator.read import ingest

FILE_NAME = "corrections.yml"
EDITOR_SET = f"编辑在 {FILE_NAME} 中指定"  # why a date or theme is what it is, where a reader sees it
FIELDS = {"title", "date", "places", "themes", "hide", "merge_into", "note"}


@dataclass(frozen=True)
class Correction:
    article_id: str
    title: str | None = None
    date: str | None = None
    places: tuple[str, ...] | None = None
    themes: tuple[str, ...] | None = None
    hide: bool = False
    merge_into: str | None = None
    note: str | None = None  # the editor's reason, shown nowhere but kept with the file


class _TextKeysLoader(yaml.SafeLoader):
    """YAML without implicit numbers: an id such as 0123456789 or 12e4567890 stays the text typed."""


_TextKeysLoader.yaml_implicit_resolvers = {  # and dates as typed: 2019-13-45 is a bad date, not a crash
    first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith((":int", ":float", ":timestamp"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_corrections(path: Path) -> dict[str, Correction]:
    """Read and validate the corrections file (none: no corrections); ConfigError lists every problem."""
    if not path.exists():
        return {}
    try:
        data = yaml.load(editor_text(path), Loader=_TextKeysLoader)  # noqa: S506 (safe loader)
    except ingest.PageError as err:
        raise ConfigError(str(err)) from None
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"{path.name}：无法读取更正：{unreadable(err)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name}：应为“文章编号: 要更改的字段”的映射")
    errors, corrections = [], {}
    for key, spec in data.items():
        article_id = str(key)
        if not isinstance(spec, dict):
            errors.append(f"{article_id}：应写出要更改的字段，例如 title、date、places、themes、hide、merge_into")
            continue
        unknown = sorted(set(map(str, spec)) - FIELDS)
        if unknown:
            errors.append(f"{article_id}：未知字段 {'、'.join(unknown)}")
            continue
        corrections[article_id] = _correction(article_id, spec, errors)
    if errors:
        raise ConfigError(f"{path.name}：" + "；".join(errors))
    return corrections


def _correction(article_id: str, spec: dict, errors: list[str]) -> Correction:
    def text_list(name):
        value = spec.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            errors.append(f"{article_id}：{name} 应为名称的列表")
            return None
        return tuple(v.strip() for v in value)

    date = spec.get("date")
    if isinstance(date, dt.date):
        date = date.isoformat()
    if date is not None:
        try:
            date = dt.date.fromisoformat(str(date)).isoformat()
        except ValueError:
            errors.append(f"{article_id}：日期“{date}”不是 YYYY-MM-DD 格式")
            date = None
    title = spec.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        errors.append(f"{article_id}：title 应为文字")
        title = None
    hide = spec.get("hide", False)
    if not isinstance(hide, bool):
        errors.append(f"{article_id}：hide 应为 true 或 false")
        hide = False
    merge_into = spec.get("merge_into")
    if merge_into is not None:
        merge_into = str(merge_into)
        if merge_into == article_id:
            errors.append(f"{article_id}：不能把文章并入它自己")
            merge_into = None
    return Correction(article_id, title.strip() if title else None, date, text_list("places"),
                      text_list("themes"), hide, merge_into, str(spec["note"]) if spec.get("note") else None)


def resolve_themes(corrections: dict[str, Correction], themes) -> dict[str, Correction]:
    """The corrections with each theme given by its key or by the Chinese name the site shows
    (``保险扶贫与困难群众保障``), as its key; ConfigError names every unknown one and what is accepted."""
    accepted = {t.key: t.key for t in themes} | {t.name: t.key for t in themes}
    errors, resolved = [], {}
    for article_id, c in corrections.items():
        unknown = [t for t in c.themes or () if t not in accepted]
        if unknown:
            errors.append(f"{article_id}：themes 里有未知的专题 {'、'.join(unknown)}")
        themes_of = tuple(dict.fromkeys(accepted[t] for t in c.themes if t in accepted)) if c.themes is not None else None
        resolved[article_id] = replace(c, themes=themes_of)
    if errors:
        choices = "、".join(f"{t.key}（{t.name}）" for t in themes)
        raise ConfigError(f"{FILE_NAME}：" + "；".join(errors) + f"；专题可写 {choices}，写 [] 则归入“其他”")
    return resolved


def check_ids(corrections: dict[str, Correction], ids: set[str]) -> list[str]:
    """Problems with ids that are not in the digest (a typo, or a page that changed)."""
    problems = []
    for c in corrections.values():
        if c.article_id not in ids:
            problems.append(f"{FILE_NAME}：没有编号为 {c.article_id} 的文章")
        if c.merge_into and c.merge_into not in ids:
            problems.append(f"{FILE_NAME}：{c.article_id}：merge_into 所指的文章不存在（{c.merge_into}）")
    return problems


def merge_drafts(items: list[tuple[str, Draft, object]], corrections: dict[str, Correction]):
    """Append each ``merge_into`` article's paragraphs and captions to its target (ids kept)."""
    targets = {c.article_id: c.merge_into for c in corrections.values() if c.merge_into}
    if not targets:
        return list(items)
    by_id = {i: d for i, d, _ in items}
    merged = {}
    for source, target in targets.items():
        final = target
        seen = {source}
        while final in targets and final not in seen:  # a chain a → b → c ends at c
            seen.add(final)
            final = targets[final]
        if source in by_id and final in by_id:
            merged.setdefault(final, []).append(source)
    result = []
    for article_id, draft, page in items:
        if article_id in targets and targets[article_id] in by_id:
            continue
        for source in sorted(merged.get(article_id, []), key=lambda i: by_id[i].lines):
            extra = by_id[source]
            draft = replace(
                draft,
                paragraphs=draft.paragraphs + extra.paragraphs,
                headings=draft.headings + tuple(replace(h, before=h.before + len(draft.paragraphs))
                                                for h in extra.headings),
                captions=draft.captions + extra.captions,
                credits=draft.credits + extra.credits,
                edits=draft.edits + extra.edits,
                notes=draft.notes + (f"已按 {FILE_NAME} 并入“{extra.title}”（{line_span(*extra.lines)}）",),
                lines=(min(draft.lines[0], extra.lines[0]), max(draft.lines[1], extra.lines[1])),
            )
        result.append((article_id, draft, page))
    return result


def apply_fields(article: Article, correction: Correction | None, *, theme_keys: set[str], gazetteer) -> tuple[
        Article, list[str]]:
    """The article with the editor's title, date, places and themes; problems named by id."""
    if correction is None:
        return article, []
    problems = []
    draft, analysis, themes = article.draft, article.analysis, article.themes
    if correction.title:
        draft = replace(draft, title=correction.title)
    if correction.date:
        analysis = replace(analysis, date=DateInfo(correction.date, EDITOR_SET))
    if correction.places is not None:
        places = []
        for name in correction.places:
            found = gazetteer.find(name)
            if found:
                places.append(found[-1])
            else:
                problems.append(f"{FILE_NAME}：{article.id}：地名“{name}”不在地名表里")
        analysis = replace(analysis, places=tuple(dict.fromkeys(places)))
    if correction.themes is not None:  # keys by now (``resolve_themes``)
        scores = {t.key: t for t in article.themes}
        themes = tuple(scores.get(k) or ThemeScore(k, 0.0, (EDITOR_SET,))
                       for k in correction.themes if k in theme_keys and k != "other")
    return replace(article, draft=draft, analysis=analysis, themes=themes), problems


def hidden_as_dropped(article: Article) -> Dropped:
    """A hidden article's text stays in the export, with the reason."""
    d = article.draft
    text = "\n".join(filter(None, [d.kicker, d.title, d.subtitle, d.byline.text, d.body, *d.captions, *d.credits]))
    return Dropped(d.file, d.lines, "hidden", text, f"已按 {FILE_NAME} 隐藏（编号 {article.id}）")
