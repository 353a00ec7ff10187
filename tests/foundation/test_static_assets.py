"""What a desk page loads: trimmed Pico, htmx only where used, deferred scripts, versioned
and cached static files, and a byte budget for the queue on a phone (issue 9, §5)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from factcheck import resource_dir
from factcheck.extensions import db
from factcheck.static_files import LONG_CACHE
from tests.triage.triage_data import make_article, simple_claim

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "factcheck" / "static"
_ASSET = re.compile(
    r'<(?:link rel="stylesheet" href|script src)="/static/([^"?]+)\?v=[0-9a-f]{12}"')


def _load_trimmer():
    spec = importlib.util.spec_from_file_location("trim_pico", ROOT / "scripts" / "trim_pico.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


trim_pico = _load_trimmer()


# --- the trimmer ---------------------------------------------------------------------------

def test_trim_keeps_only_rules_whose_selector_the_content_can_match():
    css = ("dialog{a:1}button.secondary,dialog .x{b:2}:root{--c:3}"
           "[data-theme=dark]{--d:4}[type=checkbox]{e:5}[type=range]{f:6}"
           ":where(dialog,button):hover{g:7}:where(dialog,details) summary{h:8}"
           "input:not([type=range]){i:9}"
           "@media (min-width:576px){.grid{j:10}button{k:11}}@keyframes spin{to{l:12}}")
    words = {"button", "secondary", "type", "checkbox", "input"}
    body, kept = trim_pico.trim(css, words)
    assert body == ("button.secondary{b:2}:root{--c:3}[type=checkbox]{e:5}"
                    ":where(dialog,button):hover{g:7}input:not([type=range]){i:9}"
                    "@media (min-width:576px){button{k:11}}@keyframes spin{to{l:12}}")
    assert ("@media (min-width:576px)", "button") in kept


def test_words_come_from_markup_not_from_prose_comments_or_docstrings(tmp_path):
    template = tmp_path / "page.html"
    template.write_text('<p class="grid">A dialog in the text</p>'
                        '{% if x %}{{ "switch" }}{% endif %}')
    script = tmp_path / "page.js"
    script.write_text('// a progress comment\nrow.classList.add("outline");')
    module = tmp_path / "page.py"
    module.write_text('"""A details docstring."""\n# a range comment\nTAGS = {"table"}\n')
    words = trim_pico.used_words([template, script, module])
    assert {"p", "class", "grid", "switch", "outline", "table"} <= words
    assert not words & {"dialog", "progress", "details", "range"}


def test_shipped_pico_keeps_every_rule_the_templates_can_use():
    # Fails when a template starts using an element or class whose Pico rules were
    # trimmed away: run scripts/trim_pico.py to ship them.
    _text, needed = trim_pico.trimmed_pico(ROOT)
    _body, shipped = trim_pico.trim(trim_pico.TARGET.read_text(encoding="utf-8"),
                                    _everything())
    missing = sorted(set(needed) - set(shipped))
    assert not missing, f"run scripts/trim_pico.py; missing from the shipped Pico: {missing[:10]}"
    assert trim_pico.TARGET.stat().st_size < 0.8 * trim_pico.SOURCE.stat().st_size


class _Everything(set):
    def __contains__(self, _word):
        return True


def _everything():
    return _Everything()


# --- what a page loads ---------------------------------------------------------------------

@pytest.fixture
def reviewer_client(client, auth, users):
    auth.login_as(users["reviewer"])
    return client


@pytest.fixture
def one_claim(app):
    article = make_article("The budget grew by 4% in 2024. " * 5, "Budget article")
    claim = simple_claim(article, "The budget grew by 4% in 2024.", score=0.9)
    db.session.commit()
    return claim


def _assets(body: str) -> list[str]:
    return _ASSET.findall(body)


def test_queue_loads_trimmed_pico_then_htmx_and_its_scripts_last(reviewer_client, one_claim):
    body = reviewer_client.get("/claims").get_data(as_text=True)
    assets = _assets(body)
    assert "vendor/pico-2.1.1.desk.min.css" in assets
    assert "vendor/pico-2.1.1.min.css" not in assets
    assert assets.index("vendor/htmx-2.0.11.min.js") < assets.index("triage.js")
    # Scripts come after the content: fetched from the head they slowed the HTML on a phone.
    assert body.index("<script src=") > body.index("<footer")


def test_desk_pages_without_htmx_attributes_do_not_load_htmx(reviewer_client, one_claim):
    for url in ("/", "/claims", f"/claims/{one_claim.id}", "/articles"):
        body = reviewer_client.get(url).get_data(as_text=True)
        uses = re.search(r"\shx-(?:get|post|trigger)=", body) is not None
        loads = "vendor/htmx-2.0.11.min.js" in _assets(body)
        assert uses == loads, url
    home = reviewer_client.get("/").get_data(as_text=True)
    assert "vendor/htmx-2.0.11.min.js" not in _assets(home)


def test_every_page_template_with_htmx_attributes_asks_for_htmx():
    templates = resource_dir("templates")
    sources = {path.relative_to(templates).as_posix(): path.read_text(encoding="utf-8")
               for path in templates.rglob("*.html")}

    def has_htmx(name: str, seen: frozenset = frozenset()) -> bool:
        text = sources[name]
        if re.search(r"\shx-[a-z]+=", text):
            return True
        return any(has_htmx(included, seen | {name})
                   for included in re.findall(r'{%\s*include\s+"([^"]+)"', text)
                   if included not in seen and included in sources)

    pages = [name for name in sources
             if '{% extends "base.html" %}' in sources[name] and has_htmx(name)]
    assert "triage/queue.html" in pages
    for name in pages:
        assert "{% set uses_htmx = true %}" in sources[name], name


QUEUE_BUDGET = 150_000  # bytes of CSS and JS, uncompressed; the full Pico alone would break it
PAGE_BUDGET = 80_000  # a desk page without htmx


def test_queue_and_dashboard_stay_within_their_css_and_js_budget(reviewer_client, one_claim):
    def weight(url: str) -> int:
        body = reviewer_client.get(url).get_data(as_text=True)
        return sum((STATIC / name).stat().st_size for name in _assets(body))

    assert weight("/claims") < QUEUE_BUDGET
    assert weight("/") < PAGE_BUDGET


# --- caching -------------------------------------------------------------------------------

def test_versioned_static_files_are_cached_for_a_year_even_when_signed_in(reviewer_client):
    body = reviewer_client.get("/").get_data(as_text=True)
    url = re.search(r'href="(/static/desk\.css\?v=[0-9a-f]{12})"', body)[1]
    response = reviewer_client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == LONG_CACHE
    assert "no-store" not in response.headers["Cache-Control"]


def test_unversioned_or_stale_static_addresses_are_revalidated(client):
    for url in ("/static/desk.css", "/static/desk.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "max-age=31536000" not in response.headers.get("Cache-Control", ""), url


def test_version_changes_with_the_file(app, tmp_path):
    from flask import url_for

    app.static_folder = str(tmp_path)
    (tmp_path / "x.css").write_text("a{b:c}")
    with app.test_request_context():
        first = url_for("static", filename="x.css")
        (tmp_path / "x.css").write_text("a{b:d}")
        second = url_for("static", filename="x.css")
        missing = url_for("static", filename="nothing.css")
    assert first != second
    assert first.startswith("/static/x.css?v=")
    assert missing == "/static/nothing.css"
