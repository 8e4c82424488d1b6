"""Themed digest of Chinese regional news: OCR'd pages in, a MkDocs site out."""

__version__ = "0.1.0"
