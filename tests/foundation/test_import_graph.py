"""The import graph of ``factcheck``: the layers docs/architecture.md draws, held by a test.

A small walk over the source with ``ast`` (nothing is imported): every
``import`` and ``from … import`` in a module, at its top or inside a function,
is an edge; imports under ``if TYPE_CHECKING:`` are not (they never run). A
unit is a top-level package or module of ``factcheck`` (``claims``,
``errors``…; ``__init__`` for ``factcheck`` itself).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "factcheck"

# The layers, from the bottom. A unit imports only units of its own layer or below.
PURE = frozenset({"errors", "text_rules", "jsonld", "claimreview", "encoders", "token_mask"})
FOUNDATION = frozenset({"config", "database", "extensions", "ids", "form_rules", "security",
                        "compression", "error_pages", "busy", "static_files", "csrf"})
FEATURES = frozenset({"accounts", "audit", "jobs", "intake", "claims", "matching", "review",
                      "triage", "factchecks", "publishing", "comments", "notifications",
                      "desk", "export"})
APP = frozenset({"__init__", "cli", "demo", "models", "templating"})
LAYERS = (PURE, FOUNDATION, FEATURES, APP)

# Modules (or whole packages) of the features that are pure too: plain values in
# and out, tested and benchmarked without Flask or a database.
PURE_MODULES = (
    "factcheck.claims.detection", "factcheck.claims.highlight",
    "factcheck.intake.reading",
    "factcheck.matching.ranker", "factcheck.matching.fusion", "factcheck.matching.metrics",
    "factcheck.matching.text", "factcheck.factchecks.documents", "factcheck.factchecks.pages",
    "factcheck.factchecks.reading", "factcheck.notifications.rules",
    "factcheck.comments.mentions", "factcheck.review.markdown", "factcheck.review.diffs",
    "factcheck.triage.emphasis", "factcheck.desk.charts", "factcheck.export.formats",
)
WEB_AND_DATABASE = frozenset({"flask", "flask_wtf", "flask_login", "flask_migrate",
                              "flask_limiter", "flask_compress", "werkzeug", "wtforms",
                              "sqlalchemy", "alembic", "psycopg"})

# Units that import one another in a cycle (each group a strongly connected
# component). None remain (issue #11 untangled the last); a new one fails.
KNOWN_CYCLES: list[set[str]] = []


def _module_files() -> dict[str, Path]:
    files = {}
    for path in SOURCE.rglob("*.py"):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path
    return files


MODULES = _module_files()


def _resolve(name: str) -> str:
    """The module ``name`` refers to: itself, or the module that defines it."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _runtime_nodes(tree: ast.AST):
    """Every node, leaving out the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


@functools.cache
def imports_of(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """(modules of factcheck, top-level outside packages) that ``module`` imports."""
    ours, outside = set(), set()
    for node in _runtime_nodes(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = ([f"{node.module}.{alias.name}" for alias in node.names]
                     if node.module.split(".")[0] == "factcheck" else [node.module])
        else:
            continue
        for name in names:
            if name.split(".")[0] == "factcheck":
                ours.add(_resolve(name))
            else:
                outside.add(name.split(".")[0])
    ours.discard(module)
    return frozenset(ours), frozenset(outside)


def unit_of(module: str) -> str:
    """The top-level package or module of ``factcheck`` that ``module`` belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def unit_graph() -> dict[str, set[str]]:
    """{unit: the other units it imports}."""
    graph: dict[str, set[str]] = {unit_of(module): set() for module in MODULES}
    for module in MODULES:
        for imported in imports_of(module)[0]:
            if unit_of(imported) != unit_of(module):
                graph[unit_of(module)].add(unit_of(imported))
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the groups of units that import one another, in a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        for other in graph[unit]:
            if other not in index:
                visit(other)
                low[unit] = min(low[unit], low[other])
            elif other in stack:
                low[unit] = min(low[unit], index[other])
        if low[unit] == index[unit]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == unit:
                    break
            if len(group) > 1:
                groups.append(group)

    for unit in sorted(graph):
        if unit not in index:
            visit(unit)
    return groups


def closure(module: str) -> tuple[set[str], set[str]]:
    """Every factcheck module ``module`` reaches through imports, and what they import outside."""
    seen, outside, todo = {module}, set(), [module]
    while todo:
        ours, theirs = imports_of(todo.pop())
        outside |= theirs
        todo.extend(other for other in ours - seen)
        seen |= ours
    return seen, outside


def test_every_unit_has_a_layer():
    units = set(unit_graph())
    placed = set().union(*LAYERS)
    assert units - placed == set(), "put the new unit in a layer (here and in architecture.md)"
    assert placed - units == set(), "a unit listed here no longer exists"


def test_no_unit_imports_a_layer_above_its_own():
    graph = unit_graph()
    rank = {unit: n for n, layer in enumerate(LAYERS) for unit in layer}
    upward = sorted((unit, other) for unit, others in graph.items() for other in others
                    if rank[other] > rank[unit])
    assert upward == []


def test_pure_units_and_modules_import_neither_the_web_nor_the_database():
    roots = [m for m in MODULES if unit_of(m) in PURE] + [
        m for m in MODULES if any(m == p or m.startswith(p + ".") for p in PURE_MODULES)]
    assert len(roots) > len(PURE_MODULES)
    found = {}
    for module in roots:
        _reached, outside = closure(module)
        if outside & WEB_AND_DATABASE:
            found[module] = sorted(outside & WEB_AND_DATABASE)
    assert found == {}


def test_no_cycles_between_units_beyond_the_known_ones():
    groups = sorted(strongly_connected(unit_graph()), key=sorted)
    assert groups == sorted(KNOWN_CYCLES, key=sorted)


@pytest.mark.parametrize(("source", "imported"), [
    ("claims", "review"), ("review", "publishing"), ("demo", "publishing"), ("intake", "claims"),
])
def test_the_cycles_named_in_the_issue_stay_broken(source, imported):
    graph = unit_graph()
    assert not (imported in graph[source] and source in graph[imported])


def test_the_intake_commands_do_not_import_each_other_both_ways():
    inspect_cli, import_cli = "factcheck.intake.cli", "factcheck.claims.cli"
    assert not (import_cli in imports_of(inspect_cli)[0]
                and inspect_cli in imports_of(import_cli)[0])


def test_the_walk_sees_a_function_level_import_and_skips_type_checking():
    assert "factcheck.claims.cli" in imports_of("factcheck")[0]  # in create_app's helpers
    assert "factcheck.accounts.models" not in imports_of("factcheck.audit.models")[0]
    assert "factcheck.claims.workflow" in imports_of("factcheck.review.pages")[0]
