"""Themed digest of Chinese regional news: OCR'd pages in, a MkDocs site out."""
from pathlib import Path

__version__ = "0.1.0"

# Defaults the command line shows; here, not in ``config``, so that a ``digest`` command that hands
# its build to a build server imports little (``cli``).
DATA = Path(__file__).parent / "data"
DEFAULT_THEMES = DATA / "themes.yml"
DEFAULT_GAZETTEER = DATA / "gazetteer.yml"
# Articles per part of a long listing (a theme, a place, a tag, the timeline): a reader on a
# phone loads one part, not a list that grows with the archive (the places page held every
# article under each of its places: 11.7 MB of HTML at 5,000 pages).
LISTING_SIZE = 100
