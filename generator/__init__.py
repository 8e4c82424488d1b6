"""Themed digest of Chinese regional news: OCR'd pages in, a MkDocs site out."""
from pathlib import Path

__version__ = "0.1.0"

# Defaults the command line and the MkDocs plugin share; here, not in ``config``, so that
# ``digest --help`` imports little.
DATA = Path(__file__).parent / "data"
DEFAULT_THEMES = DATA / "themes.yml"
DEFAULT_GAZETTEER = DATA / "gazetteer.yml"
# Articles per part of a long listing (a theme, a place, a tag, the timeline): a reader on a
# phone loads one part, not a list that grows with the archive (the places page held every
# article under each of its places: 11.7 MB of HTML at 5,000 pages).
LISTING_SIZE = 100
FEED_SIZE = 50  # entries in the Atom feed, newest first (feed readers fetch it again every hour or so)
SEARCH_BACKENDS = ("auto", "material", "pagefind")
PAGEFIND_FROM = 400  # articles from which "auto" search is Pagefind's (≈ 5 MB of Material index)


def search_backend(chosen: str, n_articles: int, pagefind_from: int = PAGEFIND_FROM) -> str:
    """The search the site is built for: "material" (one index file) or "pagefind" (an index
    fetched in chunks per query); "auto" picks Pagefind from ``pagefind_from`` articles on.
    The command line and the MkDocs plugin both decide here, so they build the same site."""
    if chosen not in SEARCH_BACKENDS:
        raise ValueError(f"search backend {chosen!r}; expected one of {', '.join(SEARCH_BACKENDS)}")
    if chosen == "auto":
        return "pagefind" if n_articles >= pagefind_from else "material"
    return chosen
