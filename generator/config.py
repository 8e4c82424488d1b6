"""Settings and the theme configuration, validated once."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator import DEFAULT_GAZETTEER, DEFAULT_THEMES, FEED_SIZE, LISTING_SIZE, PAGEFIND_FROM

if TYPE_CHECKING:
    from generator.model import Theme


class ConfigError(Exception):
    """Configuration that cannot be used; str() lists every problem found."""


def unreadable(err: Exception) -> str:
    """Why a configuration file could not be read, for the editor who wrote it: where YAML
    stopped (its line, 1-based), then YAML's or the system's own words in brackets."""
    detail = (str(err).splitlines() or [err.__class__.__name__])[0]
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if mark is not None:
        return f"第 {mark.line + 1} 行附近不是有效的 YAML（{detail}）"
    if isinstance(err, FileNotFoundError):
        return "找不到这个文件"
    return f"文件无法读取（{detail}）"


def editor_text(path: Path) -> str:
    """The text of a file an editor writes (the themes, the corrections), in any encoding a page
    may be in: an editor's Windows editor saves GBK or UTF-16. Raises OSError, or
    ``ingest.PageError`` for a file that is not text."""
    from generator.read import ingest  # imported here: ``digest --help`` needs none of it

    raw = path.read_bytes()
    return ingest.decode(raw, path.name)[0] if raw.strip() else ""


@dataclass(frozen=True)
class Settings:
    seeds: Path
    themes_file: Path = DEFAULT_THEMES
    gazetteer_file: Path = DEFAULT_GAZETTEER
    site_name: str = "地方新闻专题文摘"
    site_url: str = ""
    cache_dir: Path | None = None  # per-page work kept between builds (None: no cache)
    workers: int | None = None  # processes for uncached pages (None: one per core)
    search: str = "auto"  # the search the pages are made for (``generator.search_backend``)
    pagefind_from: int = PAGEFIND_FROM
    listing_size: int = LISTING_SIZE  # articles per part of a theme, place, tag or the timeline
    feed_size: int = FEED_SIZE  # the newest articles the feed lists


@dataclass(frozen=True)
class ThemeRule:
    """How one theme is recognised (see data/themes.yml for the meaning)."""

    theme: Theme
    threshold: float
    terms: dict[str, float]
    context: dict[str, float] = field(default_factory=dict)
    context_needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeConfig:
    rules: tuple[ThemeRule, ...]
    other: Theme
    cap: int = 6
    title_weight: float = 3.0

    @property
    def themes(self) -> tuple[Theme, ...]:
        return tuple(r.theme for r in self.rules) + (self.other,)


def load_themes(path: Path) -> ThemeConfig:
    """Read and validate a theme file; raise ConfigError listing every problem.

    Read once per version of the file in a process that builds again (``mkdocs serve``): YAML's pure-Python parser takes a tenth of a second.
    """
    try:
        stat = os.stat(path)
    except OSError:
        stat = None
    return _load_themes(Path(path), stat and (stat.st_mtime_ns, stat.st_size, stat.st_ino))


@functools.lru_cache(maxsize=4)
def _load_themes(path: Path, signature: tuple | None) -> ThemeConfig:
    # imported here: ``digest --help`` needs neither
    import yaml

    from generator.model import Theme

    from generator.read.ingest import PageError

    try:
        data = yaml.safe_load(editor_text(path))
    except PageError as err:
        raise ConfigError(str(err)) from None
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"{path}：无法读取专题配置：{unreadable(err)}") from None
    errors: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("themes"), dict) or not data["themes"]:
        raise ConfigError(f"{path}：应为映射，且有不为空的 themes 部分")
    settings = data.get("settings") or {}
    rules = []
    for key, spec in data["themes"].items():
        rule = _theme_rule(str(key), spec, errors)
        if rule:
            rules.append(rule)
    if "other" in data["themes"]:
        errors.append("专题键 other 是留给不属于任何专题的文章的")
    other = settings.get("other") or {}
    if errors:
        raise ConfigError(f"{path}：" + "；".join(errors))
    return ThemeConfig(
        rules=tuple(rules),
        other=Theme("other", str(other.get("name", "其他")), str(other.get("description", ""))),
        cap=int(settings.get("cap", 6)),
        title_weight=float(settings.get("title_weight", 3)),
    )


def _theme_rule(key: str, spec, errors: list[str]) -> ThemeRule | None:
    if not key.isidentifier() or not key.isascii():
        errors.append(f"专题键“{key}”应为 ASCII 标识符（它用在网址里）")
    if not isinstance(spec, dict):
        errors.append(f"专题 {key}：应为映射")
        return None
    for required in ("name", "threshold", "terms"):
        if required not in spec:
            errors.append(f"专题 {key}：缺少 {required}")
    terms = _weights(key, "terms", spec.get("terms") or {}, errors)
    context = _weights(key, "context", spec.get("context") or {}, errors)
    needs = spec.get("context_needs") or []
    if context and not needs:
        errors.append(f"专题 {key}：写了 context 就要写 context_needs")
    try:
        threshold = float(spec.get("threshold", 0))
    except (TypeError, ValueError):
        errors.append(f"专题 {key}：threshold 应为数字")
        threshold = 0.0
    from generator.model import Theme

    theme = Theme(key, str(spec.get("name", key)), " ".join(str(spec.get("description", "")).split()))
    return ThemeRule(theme, threshold, terms, context, tuple(map(str, needs)))


def _weights(key: str, section: str, mapping, errors: list[str]) -> dict[str, float]:
    if not isinstance(mapping, dict):
        errors.append(f"专题 {key}：{section} 应为“词: 权重”的映射")
        return {}
    weights = {}
    for term, weight in mapping.items():
        if not isinstance(weight, (int, float)) or isinstance(weight, bool):
            errors.append(f"专题 {key}：{section} 里“{term}”的权重应为数字")
            continue
        weights[str(term)] = float(weight)
    return weights
