"""What Material puts in every page for its JavaScript alone, served once from files the browser caches.

Material writes into every page the settings its JavaScript reads (the features, the Chinese
strings of its search box, its search worker's address: ``#__config``, JSON) and its search box,
which does nothing without JavaScript: 2.3 KB of each of a year's 40,000 article pages, the same
in all but the relative paths. ``docs/overrides/main.html`` passes what Material rendered through
``SharedSettings.take`` and ``SharedSearchBox.take``: the first page's, its paths made relative to
the site's root, is kept, and every page that would carry the same leaves it out. The theme's
``assets/javascripts/digest-config.js`` and ``digest-search-box.js``, templates the plugin renders
after the build (``script``), put it back where it was before Material's bundle reads it.

A page whose settings or box differ (a later Material that sets some per page) keeps its own,
which the scripts then leave as it is. Everything comes from Material's own output: nothing here
repeats its templates, so an upgrade that renames its search worker changes the files, not this code.
"""
from __future__ import annotations

import json
import re

from jinja2 import pass_context
from markupsafe import Markup

SETTINGS = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)
SETTINGS_SCRIPT = "assets/javascripts/digest-config.js"  # in the theme (docs/overrides/) and the site
SEARCH_BOX = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_BOX_SCRIPT = "assets/javascripts/digest-search-box.js"
ROOT = "{root}"  # the site's root in a shared search box: the script puts in the address
LINK = re.compile(r'\b(href|src)="([^"]*)"')


def from_root(base_url: str) -> str:
    """What a page puts before a path from the site's root (MkDocs' ``url`` filter)."""
    return "" if base_url in ("", ".") else base_url.rstrip("/") + "/"  # the home page's paths have no ./


def site_wide(element: str, base_url: str) -> dict | None:
    """The settings in Material's ``#__config`` element as any page could use them: no ``base``
    (the script puts in the site's root) and the worker's address from the site's root;
    None for markup this does not know."""
    found = SETTINGS.search(element)
    if not found:
        return None
    try:
        settings = json.loads(found.group(1))
    except ValueError:
        return None
    prefix = from_root(base_url)
    if not isinstance(settings, dict) or settings.get("base") != base_url \
            or not str(settings.get("search", "")).startswith(prefix):
        return None
    return {**settings, "base": "", "search": settings["search"][len(prefix):]}


class Shared:
    """One build's part of Material's pages served once: the first page's (``kept``), then each
    page's check against it. ``FILTER``, the Jinja filter that ``main.html`` passes it through;
    ``SCRIPT``, the theme's script (a Jinja template) that puts it back."""
    FILTER = SCRIPT = ""

    def __init__(self) -> None:
        self.kept: dict | str | None = None

    @pass_context
    def filter(self, context, html: str) -> str:
        return self.take(html, context["base_url"])

    def take(self, html: str, base_url: str) -> str:
        raise NotImplementedError

    def shares(self, part: dict | str) -> bool:
        """Whether the shared file holds this page's ``part`` (the first page's is kept)."""
        if self.kept is None:
            self.kept = part
        return part == self.kept

    def script(self, template) -> str:
        """``SCRIPT`` with what this build kept as ``shared``; ``null`` if no page was rendered
        with a part it could share."""
        return template.render(shared=Markup(json.dumps(self.kept, ensure_ascii=False, sort_keys=True)))


class SharedSettings(Shared):
    """Material's settings element (``#__config``)."""
    FILTER, SCRIPT = "digest_shared_settings", SETTINGS_SCRIPT

    def take(self, element: str, base_url: str) -> str:
        """What a page carries of Material's settings element: nothing when the shared file
        holds the same settings, else the element itself."""
        settings = site_wide(element, base_url)
        return "" if settings is not None and self.shares(settings) else element


def element_end(html: str, start: int) -> int:
    """Where the ``<div>`` opening at ``start`` closes (after its ``</div>``), or -1."""
    depth = 0
    for tag in re.finditer(r"<(/?)div\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            end = html.find(">", start + tag.end())
            return -1 if end < 0 else end + 1
    return -1


def box_from_root(box: str, base_url: str) -> str | None:
    """The search box with its links from the site's root (``ROOT``), or None if one is not a
    path under the page's ``base_url``."""
    prefix = from_root(base_url)

    def rooted(link: re.Match) -> str:
        path = link.group(2)
        if prefix and path.startswith(prefix):  # ../../assets/…, or /assets/… (the 404 page's)
            path = path[len(prefix):]
        elif re.match(r"[a-z][a-z0-9+.-]*:|#", path):  # another site's, or this page's
            return link.group(0)
        elif prefix or path.startswith("/"):  # not under the site's root
            raise ValueError(path)
        if path.startswith("../"):
            raise ValueError(path)
        return f'{link.group(1)}="{ROOT}{path}"'
    try:
        return LINK.sub(rooted, box)
    except ValueError:
        return None


class SharedSearchBox(Shared):
    """Material's search box."""
    FILTER, SCRIPT = "digest_shared_search_box", SEARCH_BOX_SCRIPT

    def take(self, header: str, base_url: str) -> str:
        """A page's header with Material's search box replaced by the script that puts it back,
        when the shared file holds the same box; else as it was."""
        start = header.find(SEARCH_BOX)
        end = element_end(header, start) if start >= 0 else -1
        box = box_from_root(header[start:end], base_url) if end > 0 else None
        if box is None:
            return header
        if not self.shares(re.sub(r"\s+", " ", box)):  # Material's indentation: one space renders as it does
            return header
        script = f'<script src="{from_root(base_url)}{SEARCH_BOX_SCRIPT}"></script>'
        return header[:start] + script + header[end:]
