"""Where commands live: one ``cli.py`` per package, its imports at the top.

A walk over the source with ``ast`` (nothing is imported). A module "defines
commands" when it builds a click command or group: a ``@….command``/``@….group``
decorator, or a call of ``click.Command``, ``click.Group``, ``FlaskGroup`` or
``AppGroup``. In a feature package (``factcheck/<package>/``) only its
``cli.py`` may; the app layer has two, each for a reason (below).

Every module that defines commands imports at its top, never inside a
function: what a command needs is visible where the module starts, and an
import cycle fails at start-up rather than when a command first runs. The
heavy optional training libraries (torch, transformers, scikit-learn) are the
one exception, and it is the training modules' business, not the CLI's:
``claims/training.py``, ``claims/encoder_training.py`` and
``matching/fitting.py`` import them inside their functions, the CLI modules
import those modules at the top, and ``test_cli.py`` runs ``factcheck --help``
to prove that none of them loads.
"""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "factcheck"

# The app layer's command modules: ``cli.py`` is the console script (it imports
# ``create_app``, so ``create_app`` cannot import it back to register commands),
# and ``demo.py`` holds ``factcheck demo``, which ``create_app`` registers.
APP_COMMAND_MODULES = frozenset({"cli.py", "demo.py"})
_BUILDERS = frozenset({"Command", "Group", "FlaskGroup", "AppGroup"})


def _sources() -> dict[str, ast.Module]:
    return {path.relative_to(SOURCE).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(SOURCE.rglob("*.py"))}


SOURCES = _sources()


def _callee_name(node: ast.expr) -> str | None:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else None


def defines_commands(tree: ast.Module) -> bool:
    """Does this module build a click command or group?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
                _callee_name(decorator) in ("command", "group")
                for decorator in node.decorator_list):
            return True
        if isinstance(node, ast.Call) and _callee_name(node) in _BUILDERS:
            return True
    return False


def late_imports(tree: ast.Module) -> list[str]:
    """Each import inside a function or a class body, as ``line: module``."""
    found = []
    for scope in ast.walk(tree):
        if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for node in ast.walk(scope):
            if isinstance(node, ast.Import):
                found += [f"{node.lineno}: {alias.name}" for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                found.append(f"{node.lineno}: {'.' * node.level}{node.module or ''}")
    return sorted(set(found))


def command_modules(sources: dict[str, ast.Module]) -> set[str]:
    return {path for path, tree in sources.items() if defines_commands(tree)}


def misplaced_commands(sources: dict[str, ast.Module]) -> list[str]:
    """Modules that define commands outside their package's ``cli.py``."""
    wrong = []
    for path in sorted(command_modules(sources)):
        parts = path.split("/")
        if len(parts) == 1:
            if path not in APP_COMMAND_MODULES:
                wrong.append(path)
        elif parts[1:] != ["cli.py"]:
            wrong.append(path)
    return wrong


def second_cli_modules(sources: dict[str, ast.Module]) -> list[str]:
    """Files named like a CLI module that are not a package's one ``cli.py``."""
    return sorted(path for path in sources
                  if "cli" in path.rsplit("/", 1)[-1]
                  and not (path == "cli.py" or (path.count("/") == 1
                                                and path.endswith("/cli.py"))))


def cli_modules_with_late_imports(sources: dict[str, ast.Module]) -> dict[str, list[str]]:
    modules = command_modules(sources) | {p for p in sources if p.endswith("cli.py")}
    return {path: late for path in sorted(modules) if (late := late_imports(sources[path]))}


def test_commands_are_defined_only_in_each_package_cli_module():
    assert misplaced_commands(SOURCES) == []
    # The walk finds the command modules there are (a walk that finds none proves nothing).
    assert {"claims/cli.py", "intake/cli.py", "jobs/cli.py", "matching/cli.py",
            "cli.py", "demo.py"} <= command_modules(SOURCES)


def test_no_package_has_a_second_cli_module():
    assert second_cli_modules(SOURCES) == []


def test_cli_modules_import_at_the_top():
    assert cli_modules_with_late_imports(SOURCES) == {}


def test_the_checks_catch_what_they_are_for():
    # The layout this test replaced: claims had import_cli.py and redetect_cli.py beside
    # its cli.py, with imports inside the commands, and jobs' `start` in supervise.py.
    before = {
        "claims/cli.py": ast.parse("import click\n@click.group()\ndef claims_cli(): pass\n"),
        "claims/import_cli.py": ast.parse(
            "import click\n@click.command('import')\ndef import_command():\n"
            "    from factcheck.extensions import db\n"),
        "jobs/supervise.py": ast.parse(
            "import click\n@click.command('start')\ndef start(): pass\n"),
        "claims/encoder_training.py": ast.parse("def train():\n    import torch\n"),
        "worker.py": ast.parse("from flask.cli import AppGroup\nworker = AppGroup('worker')\n"),
    }
    assert misplaced_commands(before) == ["claims/import_cli.py", "jobs/supervise.py",
                                          "worker.py"]
    assert second_cli_modules(before) == ["claims/import_cli.py"]
    # The training module's late torch import is its own business; the CLI's are not.
    assert cli_modules_with_late_imports(before) == {
        "claims/import_cli.py": ["4: factcheck.extensions"]}
