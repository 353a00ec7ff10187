"""Templates live in the folder of the package that renders them.

``templates/<package>/`` holds what ``factcheck/<package>/`` renders; ``base.html``,
``macros/`` and ``errors/`` are shared. A walk
over the source with ``ast`` finds every template name the code uses (a string
literal ending in ``.html``, ``.xml`` or ``.txt`` that names a file under
``templates/``), and a regular expression finds every ``include``, ``extends``
and ``import`` between templates. A template that the code of a package never
renders and that only another package's templates include belongs to that other
package, unless it is a fragment its owner offers to other pages (listed below).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "factcheck"
TEMPLATES = ROOT / "templates"

# Shared by every package: the layout, the form macros, the error pages (rendered by
# error_pages.py and busy.py, and given by a package its own variant, e.g. triage/refused).
SHARED = frozenset({"base.html", "macros", "errors"})
# Fragments a package offers to other packages' pages: each shows the owner's data and
# posts to the owner's routes, so it stays with its owner and is included elsewhere.
OFFERED = frozenset({
    "comments/_thread.html",  # the comment thread, on the claim page (review)
    "factchecks/_already_checked.html",  # matches with known fact-checks, on review's pages
    "factchecks/_verdict_conflict.html",  # a verdict unlike a matched one, review/publishing
})
_TEMPLATE_NAME = re.compile(r"[\w/.-]+\.(?:html|xml|txt)")
_TEMPLATE_USE = re.compile(r"""{%-?\s*(?:include|extends|import|from)\s+["']([^"']+)["']""")


def template_files(folder: Path = TEMPLATES) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")
            if path.is_file()}


def rendered_by_code(source: Path = SOURCE, known: set[str] | None = None) -> dict[str, set[str]]:
    """{module path relative to factcheck/: the template names its string literals use}."""
    known = template_files() if known is None else known
    found: dict[str, set[str]] = {}
    for path in sorted(source.rglob("*.py")):
        names = {node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)
                 and _TEMPLATE_NAME.fullmatch(node.value) and node.value in known}
        if names:
            found[path.relative_to(source).as_posix()] = names
    return found


def folder_of(module: str) -> str:
    """The template folder of a module's package ("" for the top-level modules)."""
    parts = module.split("/")
    return parts[0] if len(parts) > 1 else ""


def owner(template: str) -> str:
    return template.split("/")[0]


def misplaced_renders(rendered: dict[str, set[str]]) -> list[str]:
    """``module -> template`` for each template rendered outside the module's folder."""
    return sorted(f"{module} -> {name}" for module, names in rendered.items()
                  for name in names if owner(name) not in (folder_of(module), *SHARED))


def uses_between_templates(folder: Path = TEMPLATES) -> dict[str, set[str]]:
    """{template: the templates that include, extend or import it}."""
    used_by: dict[str, set[str]] = defaultdict(set)
    for name in template_files(folder):
        for used in _TEMPLATE_USE.findall((folder / name).read_text(encoding="utf-8")):
            used_by[used].add(name)
    return used_by


def stray_fragments(templates: set[str], rendered: dict[str, set[str]],
                    used_by: dict[str, set[str]]) -> list[str]:
    """Templates no code renders by name, included only from other packages' templates."""
    named = {name for names in rendered.values() for name in names}
    stray = []
    for name in sorted(templates):
        if owner(name) in SHARED or name in OFFERED or name in named:
            continue
        users = {owner(user) for user in used_by.get(name, set())}
        if users and owner(name) not in users:
            stray.append(f"{name} (included from {', '.join(sorted(users))}/)")
    return stray


def test_every_template_folder_is_a_package_or_shared():
    folders = {name.split("/")[0] for name in template_files() if "/" in name}
    packages = {path.name for path in SOURCE.iterdir() if (path / "__init__.py").is_file()}
    assert folders - packages - SHARED == set()


def test_each_package_renders_only_its_own_templates():
    rendered = rendered_by_code()
    # The walk sees the renders there are (one that finds none proves nothing).
    assert {"claims/show.html", "intake/new.html", "errors/error.html"} <= set().union(
        *rendered.values())
    assert misplaced_renders(rendered) == []


def test_fragments_live_with_the_package_whose_pages_include_them():
    rendered = rendered_by_code()
    assert stray_fragments(template_files(), rendered, uses_between_templates()) == []


def test_the_checks_catch_the_article_pages_under_intake():
    # Before: claims rendered the article pages from templates/intake/, whose show.html
    # included intake/_text.html and intake/_claim_item.html.
    rendered = {"claims/article_views.py": {"intake/show.html", "intake/index.html"},
                "intake/views.py": {"intake/new.html"}}
    assert misplaced_renders(rendered) == ["claims/article_views.py -> intake/index.html",
                                           "claims/article_views.py -> intake/show.html"]
    # Moving only the pages, and leaving their fragments behind, is caught too.
    templates = {"claims/show.html", "intake/_text.html", "intake/new.html"}
    moved = {"claims/article_views.py": {"claims/show.html"},
             "intake/views.py": {"intake/new.html"}}
    assert stray_fragments(templates, moved, {"intake/_text.html": {"claims/show.html"}}) == [
        "intake/_text.html (included from claims/)"]
