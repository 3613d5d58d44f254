"""The package's layering, read from its source: no import cycles, no sideways imports,
ipywidgets only in ``widgets/``.

A *sideways* import is one module reaching into another package's private parts: a
private module (``log._frames``) or a private name (``from .handout import _picture``)
that lives outside the importer's own package. Inside a package, its modules may share
private parts; from outside, only the package's face is used, so each part can change
without breaking a neighbour. Imports under ``if TYPE_CHECKING:`` are not run and are
left out; imports inside functions are run, so they count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "backstretch_kit"
ROOT = "backstretch_kit"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(path: Path) -> str:
    name = _module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(path: Path) -> list[tuple[int, str, str | None, bool]]:
    """(line, module imported, name imported or None, at module level) for each import that
    runs; relative imports resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = _type_checking_lines(tree)
    top_level = {id(node) for node in tree.body}
    for node in tree.body:  # a try/except ImportError at module level is still module level
        if isinstance(node, ast.Try | ast.If) and node.lineno not in skipped:
            top_level.update(id(child) for child in ast.walk(node))
    package = _package_of(path)
    found = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        level = id(node) in top_level
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None, level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                found.append((node.lineno, base, alias.name, level))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))
MODULES = {_module_name(path) for path in SOURCES}


def _private_part(module: str, name: str | None) -> str | None:
    """The private thing an import reaches, as 'package.part' (None if nothing private)."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[: i + 1])
    if name and name.startswith("_") and not name.startswith("__"):
        submodule = f"{module}.{name}"
        return submodule if submodule in MODULES else f"{module}.{name}"
    return None


def test_there_are_modules_to_check():
    assert len(SOURCES) > 50 and "backstretch_kit.log.session_log" in MODULES


def test_no_module_reaches_into_another_packages_private_parts():
    sideways = []
    for path in SOURCES:
        own_package = _package_of(path)
        for line, module, name, _level in imports(path):
            if not module.startswith(ROOT):
                continue
            private = _private_part(module, name)
            if private is None:
                continue
            home = private.rpartition(".")[0]  # the package the private part belongs to
            if not (own_package == home or own_package.startswith(home + ".")):
                where = path.relative_to(PACKAGE.parent)
                sideways.append(f"{where}:{line}: {module} import {name}")
    assert sideways == [], "\n".join(sideways)


def test_only_the_widgets_import_ipywidgets():
    outside = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {module}"
        for path in SOURCES
        if not _module_name(path).startswith(f"{ROOT}.widgets")
        for line, module, _name, _level in imports(path)
        if module.split(".")[0] in ("ipywidgets", "anywidget")
    ]
    assert outside == [], "\n".join(outside)


def test_no_module_imports_through_importlib():
    """``importlib.import_module`` hides an import from readers and from this test."""
    hidden = [
        str(path.relative_to(PACKAGE.parent))
        for path in SOURCES
        if "import_module(" in path.read_text(encoding="utf-8")
        and path.name != "__init__.py"  # the face's lazy loading of its public names
    ]
    assert hidden == []


def _module_level_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for path in SOURCES:
        me = _module_name(path)
        for _line, module, name, level in imports(path):
            if not level or not module.startswith(ROOT):
                continue
            target = f"{module}.{name}" if name and f"{module}.{name}" in MODULES else module
            if target in MODULES and target != me:
                graph[me].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles_at_module_level():
    """A package's ``__init__`` importing its own modules is not a cycle of logic, so a
    module importing its own package's face is left out (Python allows it when the face
    imports the module first)."""
    graph = _module_level_graph()
    for module, targets in graph.items():
        targets -= {t for t in set(targets) if module.startswith(t + ".")}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


@pytest.mark.parametrize(
    ("module", "name", "importer_package", "sideways"),
    [
        ("backstretch_kit.log._frames", "holds_frame", "backstretch_kit", True),
        ("backstretch_kit.log._frames", "holds_frame", "backstretch_kit.log", False),
        ("backstretch_kit.handout", "_picture", "backstretch_kit.widgets", True),
        ("backstretch_kit.log", "SessionLog", "backstretch_kit", False),
    ],
)
def test_the_sideways_rule_itself(module, name, importer_package, sideways):
    private = _private_part(module, name)
    home = private.rpartition(".")[0] if private else None
    inside = home is not None and (
        importer_package == home or importer_package.startswith(home + ".")
    )
    assert (private is not None and not inside) is sideways
