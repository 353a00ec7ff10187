"""Hostile text in every field, through publishing and the public page, comes back intact.

``</script>``, quotes, ``<!--``, RTL marks and any Unicode in the wording,
claimant, summary, write-up, sources and URLs: the ClaimReview read back from
the page by extruct equals the one built, passes the validator, and no text
escapes into the page as markup.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote as percent_encode

import extruct
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.claimreview.validator import validate_page
from factcheck.extensions import db
from tests.publishing_web.publishing_factory import make_claim, publish

HOSTILE = ["</script>", "</SCRIPT >", "<script>alert(1)</script>", "<!--", "-->", "\"", "'",
           "&amp;", "&#x3C;", "\u202e", "\u200f", "\u2066", "\\", "\\u003c", "{{ 7*7 }}",
           "]]>", "<![CDATA[", "\u2028", "日本語", "مرحبا", "🙂", "e\u0301",
           "javascript:alert(1)", "<img src=x onerror=alert(1)>", "\r\n", "\t", "%00"]
# Any text but control characters (other than the tab and line breaks above: the validator
# refuses them, text.control-characters) and lone surrogates.
CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
hostile_text = st.lists(st.sampled_from(HOSTILE) | st.text(CHARS, max_size=6), max_size=6).map(
    "".join)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(wording=hostile_text, claimant=hostile_text, summary=hostile_text, write_up=hostile_text,
       title=hostile_text, quote=hostile_text, path=hostile_text)
def test_hostile_text_round_trips(client, users, wording, claimant, summary, write_up, title,
                                  quote, path):
    wording = f"Claim {wording}"[:70]
    # A URL holds its hostile text percent-encoded: raw quotes or "<" make no URL
    # (the validator's url.unsafe-characters refuses them).
    printable = "".join(ch for ch in path if ch.isprintable() and not ch.isspace())
    url_path = percent_encode(printable, safe="/")
    claim = make_claim(
        reviewer=users["reviewer"], editor=users["editor"], wording=wording,
        claimant_name=f"Claimant {claimant}", summary=f"Summary {summary}", write_up=write_up,
        claim_date=date(2024, 1, 28),
        appearance_url=f"https://news.example.com/{url_path}",
        sources=[{"url": f"https://source.example.org/{url_path}", "title": title,
                  "quote": quote, "publisher": title}],
    )
    publication = publish(claim, users["editor"])
    built = publication.snapshot["claim_review"]

    html = client.get(f"/fact-checks/{publication.slug}").get_data(as_text=True)
    items = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
    assert items == [built]
    assert built["claimReviewed"] == wording.strip()
    assert built["itemReviewed"]["author"]["name"] == f"Claimant {claimant}".strip()
    report = validate_page(html, site_url="http://localhost")
    assert not report.has_errors, report.all_findings
    # Nothing the user typed became markup: one script, the JSON-LD one.
    assert html.count("<script") == 1
    assert "<img" not in html
    db.session.rollback()
