"""A copy of this MkDocs project that builds from another seeds folder (tests and benchmarks)."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The five annotated pages, frozen: the goldens, the scorer's bars and the search queries are about
# them. Not the project's seeds/, which editors fill with the archive: adding a day's pages there must
# neither fail the tests nor make the publishing workflow build the archive once per test.
TEST_SEEDS = ROOT / "tests" / "seeds"


def make_project(seeds: Path, where: Path, *, cache: str | None = None, **options: int) -> Path:
    """mkdocs.yml and docs/ copied under ``where``, reading pages from ``seeds``.

    ``cache`` sets the digest plugin's cache folder ("" for none); None keeps the default;
    ``options``, more of the digest plugin's settings.
    """
    project = where / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    settings = f"seeds: {seeds}" + (f"\n      cache: '{cache}'" if cache is not None else "")
    settings += "".join(f"\n      {name}: {value}" for name, value in options.items())
    config = config.replace("seeds: seeds", settings)
    config = config.replace("jieba_dict_user: generator/data/userdict.txt",
                            f"jieba_dict_user: {ROOT / 'generator/data/userdict.txt'}")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


def mkdocs_build(out: Path, *, project: Path | None = None, dirty: bool = False, **env: str
                 ) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of ``project`` into ``out``, with extra environment variables;
    ``dirty``: `mkdocs build --dirty` (not strict: MkDocs warns that a dirty build is one).

    Without a ``project``: this project built from the annotated seed pages (``TEST_SEEDS``), with
    its own cache, beside ``out``.
    """
    if project is None:
        where = out.parent / f"{out.name}-project"
        project = make_project(TEST_SEEDS, where, cache=str(where / "cache"))
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env)
    mode = ["--dirty"] if dirty else ["--strict"]
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *mode, "-d", str(out)], cwd=project,
                          env=environment, capture_output=True, text=True)


@contextlib.contextmanager
def mkdocs_serve(project: Path, scratch: Path, output=subprocess.DEVNULL):
    """`mkdocs serve` of ``project`` on a free port; yields the port.

    Stopped as an editor stops it, with Ctrl-C (SIGINT): MkDocs then removes the site it built in a
    temporary folder. Killed with SIGTERM it leaves that folder, a whole site, behind every time.
    The server's temporary folder is ``scratch``: once it has stopped, nothing may be left there but
    jieba's dictionary cache, which jieba keeps there on purpose for the next run.
    """
    scratch.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=project,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1", TMPDIR=str(scratch)),
                              stdout=output, stderr=subprocess.STDOUT)
    try:
        yield port
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            raise
    left = sorted(p.name for p in scratch.iterdir() if p.name != "jieba.cache")
    assert not left, f"mkdocs serve left {left} in its temporary folder"
