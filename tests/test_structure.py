"""The shape of the code (#27): small modules and functions, no import cycles, no module state.

Counted with ``ast`` over ``generator/``; the module-state test builds the seed site twice
in one process, as ``mkdocs serve`` does, and checks that no module-level name was rebound
and no module-level dict, list or set changed.
"""
import ast
import copy
import importlib
import pkgutil
from pathlib import Path

import generator
from generator.build import build
from generator.cache.pages import Session
from generator.config import Settings
from tests.conftest import SEEDS

PACKAGE = Path(generator.__file__).parent
MODULE_LINES_MAX = 400
FUNCTION_LINES_MAX = 60


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name."""
    return {"generator." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__"):
            path for path in sorted(PACKAGE.rglob("*.py"))}


def test_no_module_is_longer_than_400_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES_MAX}
    assert not long


def test_no_function_is_longer_than_60_lines():
    long = {}
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_LINES_MAX:
                    long[f"{name}.{node.name}"] = length
    assert not long


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports, anywhere in it (inside functions too)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m in known and m != name and m != "generator"}


def test_there_are_no_import_cycles():
    graph = {name: imports_of(name, path, set(modules())) for name, path in modules().items()}
    state: dict[str, str] = {}  # name → "open" while on the path, "done" after

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for other in sorted(graph[name]):
            assert state.get(other) != "open", " → ".join(path + [name, other])
            if other not in state:
                visit(other, path + [name])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [])


def test_no_global_statement():
    found = [f"{name}:{node.lineno}" for name, path in modules().items()
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Global)]
    assert not found


def module_state() -> dict[str, dict[str, tuple]]:
    """Each module's names: the object each is bound to, and a copy of each dict, list or set."""
    state = {}
    for name in modules():
        module = importlib.import_module(name)
        state[name] = {key: (id(value), copy.deepcopy(value) if type(value) in (dict, list, set) else None)
                       for key, value in vars(module).items() if not key.startswith("__")}
    return state


def test_building_twice_in_one_process_changes_no_module_state(tmp_path):
    for info in pkgutil.walk_packages(generator.__path__, "generator."):
        importlib.import_module(info.name)
    before = module_state()
    session = Session()
    for _ in range(2):
        site = build(Settings(seeds=SEEDS, cache_dir=tmp_path / "cache", workers=1), session)
        for content in site.files.values():  # rendered too
            getattr(content, "render", lambda: None)()
    after = module_state()
    changed = [f"{module}.{key}" for module, names in after.items() for key, value in names.items()
               if before[module].get(key) != value]
    assert not changed
