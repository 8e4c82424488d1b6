"""Memory of a process and all its descendants at once, sampled while it runs (Linux).

``ru_maxrss`` (what ``wait4`` reports) is the largest single process. A build is several at once:
`mkdocs build` keeps its pages while Pagefind indexes in a child (5,000 pages: 2.0 GB + 2.0 GB), and
`digest generate` works pages in one process per core. What a machine must hold is their sum, so
the bench samples the proportional set size (PSS: shared pages divided among their sharers, so
forked processes are not counted twice) of the whole process tree.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")


def children_of() -> dict[int, list[int]]:
    """Every process's children, from /proc/<pid>/stat (the parent is the 4th field)."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    return children


def tree_pss_kb(root: int) -> int:
    """The summed PSS, in KB, of ``root`` and its descendants now (0 for what has ended)."""
    children, total, todo = children_of(), 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total


class TreePeak:
    """Samples ``tree_pss_kb(pid)`` every ``interval`` seconds until ``stop``; ``peak_mb`` is the
    largest sum seen (None where /proc has no smaps_rollup: not Linux)."""

    def __init__(self, pid: int, interval: float = 0.5):
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.available = (PROC / str(os.getpid()) / "smaps_rollup").exists()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        if self.available:
            self.thread.start()

    def sample(self) -> None:
        while not self.done.wait(self.interval):
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))

    def stop(self) -> float | None:
        self.done.set()
        if self.available:
            self.thread.join()
        return self.peak_kb / 1024 if self.available else None
