import json
import subprocess
import sys

from generator.cli import main
from tests.conftest import SEEDS


def test_generate_writes_pages_and_export(tmp_path, capsys):
    assert main(["generate", "--seeds", str(SEEDS), "--out", str(tmp_path / "out")]) == 0
    export = json.loads((tmp_path / "out/data/articles.json").read_text(encoding="utf-8"))
    assert len(export["articles"]) >= 20
    assert (tmp_path / "out/index.md").exists() and (tmp_path / "out/themes/governance.md").exists()
    assert "articles" in capsys.readouterr().out


def test_bad_page_is_a_one_line_error_and_keeps_previous_output(tmp_path, capsys):
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    seeds.mkdir()
    (seeds / "good.txt").write_text("某区召开会议\n\n□记者 王一 报道\n\n本报淄博讯 会议召开。\n", encoding="utf-8")
    assert main(["generate", "--seeds", str(seeds), "--out", str(out)]) == 0
    before = (out / "data/articles.json").read_bytes()
    (seeds / "broken page.txt").write_bytes(b"\x00\x01\x02binary")
    capsys.readouterr()
    assert main(["generate", "--seeds", str(seeds), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "broken page.txt" in err and "Traceback" not in err
    assert (out / "data/articles.json").read_bytes() == before


def test_missing_seeds_folder(tmp_path, capsys):
    assert main(["generate", "--seeds", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 1
    assert "seeds folder not found" in capsys.readouterr().err


def test_help_documents_every_command():
    result = subprocess.run([sys.executable, "-m", "generator.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "generate" in result.stdout and "check" in result.stdout
    sub = subprocess.run([sys.executable, "-m", "generator.cli", "generate", "--help"], capture_output=True, text=True)
    assert "--seeds" in sub.stdout and "--out" in sub.stdout


def test_check_reports_per_page(capsys):
    assert main(["check", "--seeds", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    assert "004_54c9fe256b89c4a1.txt" in out and "advertisement" in out
