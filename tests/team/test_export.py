"""Exports: formula neutralisation, filters, fact-checks, the command line, keyset batches."""

from __future__ import annotations

import csv
import io
import json

from factcheck.claims.models import ClaimState
from factcheck.export.formats import csv_lines, neutralise
from factcheck.export.rows import claim_rows
from factcheck.extensions import db
from factcheck.triage.queries import QueueFilters
from tests.team.conftest import add_verdict, make_claim


def test_formula_cells_are_neutralised_and_numbers_are_not():
    for dangerous in ("=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("plain") == "plain"
    assert neutralise(-3) == -3
    text = "".join(csv_lines(["a", "b"], [{"a": '=HYPERLINK("http://x")', "b": 2}]))
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["'=HYPERLINK(\"http://x\")", "2"]]


def test_claims_csv_with_the_queue_filters(app, users, client, auth):
    first = make_claim(ClaimState.DETECTED, wording="=cmd|' /C calc'!A0")
    make_claim(ClaimState.CHECKABLE)
    auth.login_as(users["reviewer"])
    response = client.get("/export/claims.csv?state=detected")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [int(r["id"]) for r in rows] == [first.id]
    assert rows[0]["claim_reviewed"].startswith("'=cmd")
    everything = client.get("/export/claims.jsonl").get_data(as_text=True).splitlines()
    assert [json.loads(line)["state"] for line in everything] == ["detected", "checkable"]
    assert client.get("/export/claims.xlsx").status_code == 404
    assert client.get("/export/claims.csv?since=yesterday").status_code == 400


def test_fact_checks_export_published_and_not(app, users, client, auth, scale):
    from tests.publishing_web.publishing_factory import make_claim as make_publishable
    from tests.publishing_web.publishing_factory import publish

    published = make_publishable(reviewer=users["reviewer"], editor=users["editor"])
    publish(published, users["editor"])
    draft = make_claim(ClaimState.IN_RESEARCH)
    add_verdict(draft, users["reviewer"])
    auth.login_as(users["reviewer"])
    lines = client.get("/export/fact-checks.jsonl").get_data(as_text=True).splitlines()
    rows = {row["claim_id"]: row for row in map(json.loads, lines)}
    assert rows[published.id]["published"] == "published"
    assert rows[published.id]["public_url"].startswith("http://localhost/fact-checks/")
    assert rows[draft.id]["published"] == "no"
    assert rows[draft.id]["rating"] == "False"
    only = client.get("/export/fact-checks.csv?published=1").get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(only)))) == 1


def test_export_command(app, users, runner, tmp_path):
    make_claim(ClaimState.DETECTED)
    make_claim(ClaimState.CHECKABLE)
    result = runner.invoke(args=["export", "claims", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 2
    out = tmp_path / "claims.csv"
    result = runner.invoke(args=["export", "claims", "--since", "2999-01-01", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines() == [out.read_text().splitlines()[0]]  # header only
    result = runner.invoke(args=["export", "factchecks", "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.startswith("claim_id,")


def test_keyset_batches_return_every_row_once(app, users):
    made = [make_claim(ClaimState.DETECTED).id for _ in range(7)]
    ids = [row["id"] for row in claim_rows(db.session, QueueFilters(state="all"), batch=3)]
    assert ids == made
