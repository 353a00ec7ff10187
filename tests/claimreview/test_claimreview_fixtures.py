"""Every validator rule on the suite's own fixtures, with the exact findings expected.

tests/fixtures/claimreview/README.md explains the files. Besides the findings,
this checks that every rule the code can report is documented in
docs/claimreview.md with its severity, and that every documented rule is shown
by some fixture.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck.claimreview.validator import PageReport, validate_document, validate_page
from factcheck.claimreview.validator_text import schema_org_types
from factcheck.publishing.cli import markup_cli
from tests.conftest import FIXTURES, REPO_ROOT

FIXTURE_DIR = FIXTURES / "claimreview"
DOCUMENTS = sorted(
    p.name for p in FIXTURE_DIR.iterdir()
    if p.suffix in (".json", ".html") and not p.name.endswith(".expected.json")
)
CODE = sorted((REPO_ROOT / "factcheck" / "claimreview").glob("validator*.py"))
# A rule id as the code writes it: .error("rule", …), .warning(f"page.{what}-…", …),
# _page_error("rule", …) (always an error).
_RULE_IN_CODE = re.compile(r'\.(error|warning)\(\s*f?"([a-zA-Z@]+\.[a-zA-Z{}-]+)"')
_PAGE_ERROR_IN_CODE = re.compile(r'_page_error\(\s*"([a-zA-Z]+\.[a-zA-Z-]+)"')
_RULE_IN_DOCS = re.compile(r"^\| `([a-zA-Z@]+\.[a-zA-Z-]+)` \| (error|warning) \|", re.MULTILINE)


def _expected(name: str) -> dict:
    path = FIXTURE_DIR / (Path(name).stem + ".expected.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _validate(name: str) -> PageReport:
    path = FIXTURE_DIR / name
    options = _expected(name)["options"]
    if path.suffix == ".json":
        return validate_document(json.loads(path.read_text(encoding="utf-8")), **options)
    return validate_page(path.read_bytes(), **options)


def _keys(findings) -> list[list[str]]:
    return sorted([f.severity, f.rule, f.path] for f in findings)


def _findings(entry) -> list[list[str]]:
    return sorted(entry["findings"] if isinstance(entry, dict) else entry)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_fixture_has_exactly_the_expected_findings(name: str) -> None:
    report = _validate(name)
    expected = _expected(name)
    assert _keys(report.findings) == sorted(expected["page"])
    assert [_keys(r.findings) for r in report.claim_reviews] == [
        _findings(entry) for entry in expected["claim_reviews"]
    ]
    for finding in report.all_findings:
        assert finding.message.strip(), finding


def _documented_rules() -> dict[str, str]:
    text = (REPO_ROOT / "docs" / "claimreview.md").read_text(encoding="utf-8")
    return dict(_RULE_IN_DOCS.findall(text))


def _rules_in_code() -> dict[str, str]:
    found = {}
    for path in CODE:
        code = path.read_text(encoding="utf-8")
        for rule in _PAGE_ERROR_IN_CODE.findall(code):
            found[rule] = "error"
        for severity, rule in _RULE_IN_CODE.findall(code):
            if "{what}" in rule:  # page.{what}-not-visible, for the claim and the verdict
                for what in ("claim", "verdict"):
                    found[rule.replace("{what}", what)] = severity
            else:
                found[rule] = severity
    return found


def test_every_rule_in_the_code_is_documented_with_its_severity() -> None:
    in_code = _rules_in_code()
    assert len(in_code) > 50  # the pattern still finds the rules
    assert in_code == _documented_rules()


def test_every_documented_rule_has_a_fixture() -> None:
    shown = set()
    for name in DOCUMENTS:
        expected = _expected(name)
        groups = [expected["page"], *(_findings(e) for e in expected["claim_reviews"])]
        shown |= {(severity, rule) for group in groups for severity, rule, _path in group}
    missing = {(s, r) for r, s in _documented_rules().items()} - shown
    assert not missing


def test_a_page_that_google_accepts_passes_with_exit_status_zero() -> None:
    page = FIXTURE_DIR / "page_google_accepts.html"
    result = CliRunner().invoke(markup_cli, ["validate", str(page)])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 2 warning(s)" in result.output


def test_repaired_json_is_an_error_that_says_what_was_repaired() -> None:
    page = FIXTURE_DIR / "page_json_repaired.html"
    result = CliRunner().invoke(markup_cli, ["validate", str(page)])
    assert result.exit_code == 1
    assert "trailing commas" in result.output
    # The ClaimReview is still read and checked after the repair.
    assert "ClaimReview 1: The harbour handled 41 million tonnes" in result.output


def test_the_shipped_type_list_is_schema_org_as_rdflib_knows_it() -> None:
    from rdflib.namespace._SDO import SDO  # rdflib comes with extruct

    names = {name for name in SDO.__annotations__ if name[:1].isupper()}
    assert schema_org_types() == names
    assert {"ClaimReview", "Claim", "CreativeWork", "DataFeed"} <= names
    assert "creativeWork" not in names
