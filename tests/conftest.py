"""Fixture ladder: settings → digest → rendered files → built site."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.config import Settings
from generator.ingest import parse_page
from generator.pipeline import build
from generator.render import EXPORT_PATH, render_site

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


def page_of(text: str, name: str = "page.txt"):
    """A Page from inline text (tests write pages as they would appear in seeds/)."""
    return parse_page(name, text)


@pytest.fixture(scope="session")
def seed_settings() -> Settings:
    return Settings(seeds=SEEDS)


@pytest.fixture(scope="session")
def seed_digest(seed_settings):
    digest, _ = build(seed_settings)
    return digest


@pytest.fixture(scope="session")
def seed_files(seed_digest) -> dict[str, str]:
    return render_site(seed_digest)


@pytest.fixture(scope="session")
def seed_export(seed_files) -> dict:
    return json.loads(seed_files[EXPORT_PATH])
