"""Trim Pico's stylesheet to the rules the desk's pages can use.

Pico styles every element and component it knows (dialogs, dropdowns, range
sliders, tooltips, a dark theme chosen by ``data-theme``…); the desk uses a
fraction. This keeps a rule only when every class, element, id and attribute
its selector needs appears as a word somewhere in what builds the desk's pages:
the templates, our own scripts in ``factcheck/static`` and the Python code
(which names the tags the write-up sanitiser allows, flash categories…). It is
the same test PurgeCSS applies, written here so that the test suite can run
it too (``tests/foundation/test_static_assets.py`` fails when a rule the
templates need is missing from the shipped file).

    .venv/bin/python scripts/trim_pico.py          # rewrites the trimmed file
    .venv/bin/python scripts/trim_pico.py --check  # exit 1 when it is out of date

The vendored ``pico-2.1.1.min.css`` stays unchanged beside it, as the source.
Needs tinycss2 (a development dependency).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "factcheck" / "static" / "vendor"
SOURCE = VENDOR / "pico-2.1.1.min.css"
TARGET = VENDOR / "pico-2.1.1.desk.min.css"
HEADER = ("/*! Pico CSS v2.1.1 (https://picocss.com), MIT licence (pico-LICENSE.md); "
          "trimmed by scripts/trim_pico.py to the rules the desk uses. */\n")

_WORD = re.compile(r"[A-Za-z0-9_-]+")
_TEMPLATE_MARKUP = re.compile(r"<[^>]*>|\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_JS_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`")
# Pseudo-classes whose argument is a selector list that must match for the
# whole selector to match; any other function (:not, :nth-child…) is ignored,
# which can only keep more.
_MATCHING_FUNCTIONS = {"is", "where", "has", "matches", "-webkit-any", "-moz-any"}
_PSEUDO_FUNCTION = re.compile(r"::?([\w-]+)\(")
_PSEUDO = re.compile(r"::?[\w-]+")
_ATTRIBUTE = re.compile(
    r"\[\s*([\w-]+)\s*(?:([~|^$*]?=)\s*(\"[^\"]*\"|'[^']*'|[^\]\s]+)\s*[is]?\s*)?\]")
_CLASS_OR_ID = re.compile(r"[.#]([\w-]+)")
_ELEMENT = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)")


def content_files(root: Path = ROOT) -> list[Path]:
    """What builds the desk's pages: templates, our scripts, the Python package."""
    package = root / "factcheck"
    files = sorted((root / "templates").rglob("*.html"))
    files += sorted((package / "static").glob("*.js"))
    files += sorted(package.rglob("*.py"))
    return files


def markup_parts(path: Path, text: str) -> list[str]:
    """The parts of a file that can end up in a page's markup.

    A template's tags and Jinja expressions (not its prose); a script's or a
    Python module's string literals (not comments or docstrings, whose words,
    like "dialog" or "range", would keep rules nothing uses).
    """
    if path.suffix == ".html":
        return _TEMPLATE_MARKUP.findall(text)
    if path.suffix == ".js":
        return _JS_STRING.findall(text)
    if path.suffix == ".py":
        return list(_python_strings(text))
    return [text]


def _python_strings(text: str) -> Iterable[str]:
    tree = ast.parse(text)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings):
            yield node.value


def used_words(files: Iterable[Path]) -> set[str]:
    """Every word-like token of the files' markup parts, lower-cased."""
    words: set[str] = set()
    for path in files:
        for part in markup_parts(path, path.read_text(encoding="utf-8")):
            words.update(word.lower() for word in _WORD.findall(part))
    return words


def split_selectors(text: str) -> list[str]:
    """Split a selector list on its top-level commas."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def _closing_paren(text: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    return len(text) - 1


def selector_may_match(selector: str, words: set[str]) -> bool:
    """False only when the selector needs a class, element, id or attribute no content has."""
    rest = selector
    while (found := _PSEUDO_FUNCTION.search(rest)) is not None:
        end = _closing_paren(rest, found.end() - 1)
        if found.group(1).lower() in _MATCHING_FUNCTIONS:
            alternatives = split_selectors(rest[found.end():end])
            if not any(selector_may_match(alt, words) for alt in alternatives):
                return False
        rest = rest[:found.start()] + " " + rest[end + 1:]
    for name, operator, value in _ATTRIBUTE.findall(rest):
        if name.lower() not in words:
            return False
        if operator == "=" and value.strip("\"'") and value.strip("\"'").lower() not in words:
            return False
    rest = _PSEUDO.sub(" ", _ATTRIBUTE.sub(" ", rest))
    for name in _CLASS_OR_ID.findall(rest):
        if name.lower() not in words:
            return False
    rest = _CLASS_OR_ID.sub(" ", rest)
    return all(name.lower() in words for name in _ELEMENT.findall(rest))


def _trim_rules(rules, words: set[str], kept: list[tuple[str, str]], context: str) -> str:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [selector for selector in
                         split_selectors(tinycss2.serialize(rule.prelude))
                         if selector_may_match(selector, words)]
            if selectors:
                kept.extend((context, selector) for selector in selectors)
                out.append(",".join(selectors) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule":
            prelude = tinycss2.serialize(rule.prelude)
            head = "@" + rule.at_keyword + prelude
            if rule.content is None:
                out.append(head + ";")
            elif rule.lower_at_keyword in ("media", "supports", "layer", "container"):
                inner = tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                 skip_whitespace=True)
                body = _trim_rules(inner, words, kept, context + head.strip())
                if body:
                    out.append(head + "{" + body + "}")
            else:  # @keyframes, @font-face, @page: small, kept whole
                out.append(head + "{" + tinycss2.serialize(rule.content) + "}")
    return "".join(out)


def trim(css: str, words: set[str]) -> tuple[str, list[tuple[str, str]]]:
    """The rules of ``css`` that may match; and each kept (at-rule context, selector)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    kept: list[tuple[str, str]] = []
    return _trim_rules(rules, words, kept, ""), kept


def trimmed_pico(root: Path = ROOT) -> tuple[str, list[tuple[str, str]]]:
    """Pico trimmed to the desk's current content, with its header."""
    words = used_words(content_files(root))
    body, kept = trim(SOURCE.read_text(encoding="utf-8"), words)
    return HEADER + body + "\n", kept


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the trimmed stylesheet."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args(argv)
    text, _kept = trimmed_pico()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run scripts/trim_pico.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(text.encode()):,} bytes "
          f"(from {SOURCE.stat().st_size:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
