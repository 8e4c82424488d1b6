"""The seed pages against the annotation's bars, and the golden export."""
import importlib.util
import json
import os
from pathlib import Path

import pytest

from tests.conftest import SEEDS, SHARED

GOLDEN = Path(__file__).parent / "golden" / "articles.json"
SCORER = SHARED / "tools" / "score_digest.py"
BARS = {"split_recall": 1.0, "split_precision": 1.0, "anchors": 1.0, "joins": 1.0, "stretch": 1.0, "theme": 1.0,
        "theme_macro_f1": 1.0, "coverage": 1.0}


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_digest", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/tools/score_digest.py is not beside the checkout")
def test_seed_score_meets_the_bars(seed_export):
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    metrics, misses = load_scorer().score(gold, seed_export, SEEDS)
    short = {k: metrics[k] for k, bar in BARS.items() if metrics[k] < bar}
    assert not short, (short, misses)
    assert metrics["leaks"] == 0


def test_every_input_line_is_accounted_for(seed_export):
    blob = "".join(json.dumps(seed_export, ensure_ascii=False).replace("\\n", "\n").split())
    for path in sorted(SEEDS.glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            content = "".join(line.split()).lstrip("#").replace("**", "")
            assert not content or content in blob, f"{path.name}:{number} lost"


def test_golden_export(seed_files):
    current = seed_files["data/articles.json"]
    if os.environ.get("UPDATE_GOLDEN") or not GOLDEN.exists():
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(current, encoding="utf-8")
    assert current == GOLDEN.read_text(encoding="utf-8"), "export changed: review, then UPDATE_GOLDEN=1 pytest"


def test_the_tests_read_a_frozen_copy_of_the_annotated_pages_not_the_archive():
    """Editors add the archive's pages to seeds/: the goldens and bars stay about the annotated five."""
    from tests.conftest import ROOT

    assert SEEDS.resolve() != (ROOT / "seeds").resolve()
    gold = SHARED / "gold" / "seeds.json"
    if gold.exists():
        annotated = {a["seed"] for a in json.loads(gold.read_text(encoding="utf-8"))["articles"]}
        assert {p.name for p in SEEDS.glob("*.txt")} == annotated
