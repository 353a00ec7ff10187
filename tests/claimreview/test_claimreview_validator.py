"""The ClaimReview validator, on the shared real pages and on small hand-made nodes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from factcheck.claimreview.validator import (
    PageReport,
    find_claim_reviews,
    validate_claim_review,
    validate_document,
    validate_page,
)
from tests.conftest import FIXTURES

E, W = "error", "warning"
PAGES = FIXTURES / "pages"

# Per fixture: the page's own findings, then one list per ClaimReview found,
# each finding as (severity, rule, path). Order does not matter; count does.
EXPECTED: dict[str, tuple[list[tuple[str, str, str]], list[list[tuple[str, str, str]]]]] = {
    "cr_afp_factcheck.html": (
        [],
        [
            [
                (W, "claimReviewed.length", "claimReviewed"),
                (W, "date.not-strict-iso", "datePublished"),
                (W, "claim.not-claim-type", "itemReviewed.@type"),
                (W, "claim.appearance-missing", "itemReviewed.appearance"),
            ]
        ],
    ),
    "cr_africacheck_graph.html": (
        [],
        [
            [
                (W, "date.not-strict-iso", "datePublished"),
                (W, "date.not-strict-iso", "dateModified"),
                (W, "claim.not-claim-type", "itemReviewed.@type"),
                (W, "claim.author-name-not-text", "itemReviewed.author.name"),
                (W, "date.not-strict-iso", "itemReviewed.datePublished"),
                (W, "claim.appearance-missing", "itemReviewed.appearance"),
            ]
        ],
    ),
    "cr_aosfatos_typearray.html": (
        [],
        [
            [
                (W, "rating.label-slug", "reviewRating.alternateName"),
                (W, "rating.worst-missing", "reviewRating.worstRating"),
                (E, "url.not-absolute", "url"),
                (W, "claim.not-claim-type", "itemReviewed.@type"),
                (W, "claim.appearance-missing", "itemReviewed.appearance"),
                (W, "value.empty", "author[0].description"),
                (W, "value.empty", "itemReviewed.author.sameAs"),
            ]
        ],
    ),
    "cr_boomlive.html": (
        [],
        [
            [
                (E, "rating.not-a-number", "reviewRating.bestRating"),
                (W, "rating.worst-missing", "reviewRating.worstRating"),
                (W, "author.url-not-absolute", "author.url"),
                (W, "claim.not-claim-type", "itemReviewed.@type"),
                (W, "claim.date-is-review-date", "itemReviewed.datePublished"),
                (W, "claim.appearance-missing", "itemReviewed.appearance"),
                (E, "claim.origin-own-domain", "itemReviewed.author.url"),
            ]
        ],
    ),
    "cr_lupa.html": (
        [],
        [
            [
                (W, "rating.worst-missing", "reviewRating.worstRating"),
                (W, "date.not-strict-iso", "datePublished"),
                (W, "claim.not-claim-type", "itemReviewed.@type"),
                (W, "date.not-strict-iso", "itemReviewed.datePublished"),
                (W, "claim.date-is-review-date", "itemReviewed.datePublished"),
                (W, "claim.appearance-missing", "itemReviewed.appearance"),
                (W, "value.empty", "reviewRating.image"),
            ]
        ],
    ),
    "cr_thequint_listclaim.html": (
        [],
        [
            [
                (E, "claimReviewed.not-text", "claimReviewed"),
                (E, "rating.worst-below-one", "reviewRating.worstRating"),
                (W, "claim.not-claim-type", "itemReviewed.@type"),
                (W, "claim.date-is-review-date", "itemReviewed.datePublished"),
                (W, "claim.appearance-missing", "itemReviewed.appearance"),
                (W, "value.empty", "itemReviewed.author.sameAs"),
            ]
        ],
    ),
    "news_correctiv_jsonld.html": ([(E, "page.no-claimreview", "")], []),
    "news_telegraph_brokenjsonld.html": (
        [(W, "page.script-unreadable", ""), (E, "page.no-claimreview", "")],
        [],
    ),
    "news_univision_microdata.html": ([(E, "page.no-claimreview", "")], []),
    # The Data Commons feed item: the ClaimReview sits in DataFeedItem.item.
    "feed_datacommons_datafeeditem.json": (
        [],
        [
            [
                (W, "claimReviewed.length", "claimReviewed"),
                (W, "rating.label-long", "reviewRating.alternateName"),
            ]
        ],
    ),
    # A Fact Check Tools API item is not schema.org markup: nothing to check.
    "api_factchecktools_claims_search_item.json": ([(E, "page.no-claimreview", "")], []),
}


def _keys(findings: Any) -> list[tuple[str, str, str]]:
    return sorted((f.severity, f.rule, f.path) for f in findings)


def _validate_file(path: Path) -> PageReport:
    if path.suffix == ".json":
        return validate_document(json.loads(path.read_text(encoding="utf-8")))
    return validate_page(path.read_bytes())


@pytest.mark.shared
def test_every_shared_page_has_expected_findings(shared_dir: Path) -> None:
    pages = sorted(
        p.name for p in (shared_dir / "fixtures" / "pages").iterdir() if p.suffix != ".md"
    )
    assert pages == sorted(EXPECTED), "a fixture page was added or removed: add its findings"


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_page_findings(shared_dir: Path, name: str) -> None:
    report = _validate_file(shared_dir / "fixtures" / "pages" / name)
    page_expected, reviews_expected = EXPECTED[name]
    assert _keys(report.findings) == sorted(page_expected)
    assert [_keys(r.findings) for r in report.claim_reviews] == [
        sorted(expected) for expected in reviews_expected
    ]
    assert report.has_errors == any(
        severity == E for group in [page_expected, *reviews_expected] for severity, _, _ in group
    )
    for finding in report.all_findings:
        assert finding.message.strip(), finding


# Real pages whose markup Google's ClaimReview rules accept (a long claim, a missing
# worstRating and loose dates are not reasons to refuse them there): no errors here either.
GOOGLE_ACCEPTS = ["cr_afp_factcheck.html", "cr_africacheck_graph.html", "cr_lupa.html",
                  "feed_datacommons_datafeeditem.json"]


@pytest.mark.shared
@pytest.mark.parametrize("name", GOOGLE_ACCEPTS)
def test_no_false_errors_on_pages_google_accepts(shared_dir: Path, name: str) -> None:
    report = _validate_file(shared_dir / "fixtures" / "pages" / name)
    assert report.claim_reviews
    assert not report.has_errors, [f for f in report.all_findings if f.severity == E]


@pytest.mark.shared
def test_afp_claim_review_is_found_inside_graph_with_outer_context(shared_dir: Path) -> None:
    page = shared_dir / "fixtures" / "pages" / "cr_afp_factcheck.html"
    report = validate_page(page.read_bytes())
    (review,) = report.claim_reviews
    assert review.node["@context"] == "http://schema.org"
    assert review.node["reviewRating"]["alternateName"] == "False"


def test_claim_review_is_found_inside_graph_with_outer_context() -> None:
    report = validate_page((PAGES / "cr_graph.html").read_bytes())
    (review,) = report.claim_reviews
    assert review.node["@context"] == "https://schema.org"
    assert review.node["reviewRating"]["alternateName"] == "False"
    assert review.node["author"]["name"] == "Checkpoint"  # the @id reference, resolved


def test_page_url_sets_the_publisher_domain() -> None:
    html = (PAGES / "cr_site_suffix.html").read_bytes()
    elsewhere = validate_page(html, page_url="https://mirror.example.net/copy")
    home = validate_page(html, page_url="https://www.factdesk.example/fact-check/old-flood-photo")
    assert _keys(elsewhere.claim_reviews[0].findings) == [(E, "url.other-domain", "url")]
    assert home.all_findings == []


# --- single rules on hand-made nodes ------------------------------------------


def _good(**changes: Any) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example.org/2024/taliban-ambassador",
        "claimReviewed": "Shi Jinping received the Taliban ambassador in Beijing",
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Mostly true",
            "ratingValue": 4,
            "bestRating": 5,
            "worstRating": 1,
        },
        "author": {"@type": "Organization", "name": "Checks", "url": "https://checks.example.org"},
        "datePublished": "2024-02-01T10:00:00+00:00",
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "A. Writer"},
            "datePublished": "2024-01-30",
            "appearance": [{"@type": "CreativeWork", "url": "https://news.example.com/a"}],
        },
    }
    node.update(changes)
    return node


def _rules(node: dict[str, Any], **kwargs: Any) -> list[tuple[str, str, str]]:
    return _keys(validate_claim_review(node, **kwargs))


def test_a_complete_node_has_no_findings() -> None:
    assert _rules(_good(), site_url="https://checks.example.org") == []


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("FALSE: the moon is made of cheese", [(E, "claimReviewed.contains-verdict")]),
        ("The moon is made of cheese (false)", [(E, "claimReviewed.contains-verdict")]),
        ("The moon is made of cheese - False", [(E, "claimReviewed.contains-verdict")]),
        ("False", [(E, "claimReviewed.contains-verdict")]),
        ("False flag attack staged in the capital", [(W, "claimReviewed.mentions-verdict")]),
        ("Falsehoods spread about the capital", []),
        ("The claim was half-false all along", [(W, "claimReviewed.mentions-verdict")]),
        ("False flag in the capital [FALSE]", [(E, "claimReviewed.contains-verdict")]),
    ],
)
def test_verdict_in_claim(claim: str, expected: list[tuple[str, str]]) -> None:
    node = _good(claimReviewed=claim, reviewRating={"alternateName": "False"})
    assert [(s, r) for s, r, _ in _rules(node)] == expected


def test_short_generic_labels_are_not_matched() -> None:
    node = _good(claimReviewed="No: vaccines were not tested", reviewRating={"alternateName": "No"})
    assert _rules(node) == []


def test_multi_word_and_slug_labels_match_as_phrases() -> None:
    node = _good(
        claimReviewed="Não é bem assim: o vídeo foi editado",
        reviewRating={"alternateName": "não_é_bem_assim"},
    )
    assert (E, "claimReviewed.contains-verdict", "claimReviewed") in _rules(node)


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        ({"ratingValue": "3", "bestRating": "5", "worstRating": "1"}, []),
        ({"ratingValue": 3, "bestRating": True, "worstRating": 1}, ["rating.not-a-number"]),
        ({"ratingValue": "NaN", "bestRating": 5, "worstRating": 1}, ["rating.not-a-number"]),
        ({"ratingValue": 6, "bestRating": 5, "worstRating": 1}, ["rating.value-out-of-range"]),
        ({"ratingValue": 1, "bestRating": 1, "worstRating": 1}, ["rating.best-not-above-worst"]),
        (
            {"ratingValue": 2},
            ["rating.scale-incomplete", "rating.worst-missing"],
        ),
        ({"bestRating": 5, "worstRating": 1}, []),
        ({}, []),
    ],
)
def test_rating_numbers(rating: dict[str, Any], expected: list[str]) -> None:
    node = _good(reviewRating={"@type": "Rating", "alternateName": "Mostly true", **rating})
    assert sorted(r for _, r, _ in _rules(node)) == expected


def test_missing_required_properties_are_errors() -> None:
    node = {"@context": "https://schema.org", "@type": "ClaimReview"}
    assert _rules(node) == [
        (E, "claimReviewed.missing", "claimReviewed"),
        (E, "rating.missing", "reviewRating"),
        (E, "url.missing", "url"),
        (W, "author.missing", "author"),
        (W, "claim.missing", "itemReviewed"),
        (W, "datePublished.missing", "datePublished"),
    ]


def test_own_site_rules() -> None:
    node = _good(url="https://elsewhere.example.net/check")
    node["itemReviewed"]["appearance"] = ["https://www.checks.example.org/our-own-story"]
    assert _rules(node, site_url="https://checks.example.org") == [
        (E, "claim.origin-own-domain", "itemReviewed.appearance[0]"),
        (E, "url.other-domain", "url"),
    ]


def test_short_link_and_scheme() -> None:
    assert (E, "url.short-link", "url") in _rules(_good(url="https://bit.ly/3abc"))
    assert (E, "url.not-absolute", "url") in _rules(_good(url="ftp://checks.example.org/x"))
    assert (E, "url.not-text", "url") in _rules(_good(url=["https://checks.example.org/x"]))
    assert (E, "url.missing", "url") in _rules(_good(url=" "))


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("31/01/2024", "date.invalid"),
        ("2024-13-01", "date.invalid"),
        (20240101, "date.invalid"),
        ("2024-01-31 10:00", "date.not-strict-iso"),
        ("2024-01-31T10:00:00+0100", "date.not-strict-iso"),
        ("2024-01-31T10:00:00Z", None),
        ("2024-01", None),
    ],
)
def test_claim_dates(value: Any, rule: str | None) -> None:
    node = _good()
    node["itemReviewed"]["datePublished"] = value
    found = [r for _, r, p in _rules(node) if p == "itemReviewed.datePublished"]
    assert found == ([rule] if rule else [])


def test_claim_dated_after_the_review_is_an_error() -> None:
    node = _good()
    node["itemReviewed"]["datePublished"] = "2024-03-01"
    assert _rules(node) == [(E, "claim.date-after-review", "itemReviewed.datePublished")]


def test_one_claim_review_a_page_and_nested_ones_are_found() -> None:
    nested = {"@context": "https://schema.org", "@type": "WebPage", "mainEntity": _good()}
    second = {k: v for k, v in _good().items() if k != "@context"}
    html = (
        f'<script type="application/ld+json">{json.dumps(nested)}</script>'
        f'<script type="application/ld+json">{json.dumps([second])}</script>'
    )
    report = validate_page(html)
    assert _keys(report.findings) == [(E, "page.multiple-claimreviews", "")]
    # The nested one inherits the WebPage's @context; the second has none.
    assert [_keys(r.findings) for r in report.claim_reviews] == [
        [],
        [(E, "context.missing", "@context")],
    ]


def test_graph_references_are_resolved_and_not_counted_twice() -> None:
    review = _good(author={"@id": "https://checks.example.org/#org"}, **{"@id": "#review"})
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "mainEntity": {"@id": "#review", "@type": "ClaimReview"}},
            {k: v for k, v in review.items() if k != "@context"},
            {
                "@type": "Organization",
                "@id": "https://checks.example.org/#org",
                "name": "Checks",
                "url": "https://checks.example.org/",
            },
        ],
    }
    report = validate_page(f'<script type="application/ld+json">{json.dumps(graph)}</script>')
    assert report.findings == ()
    (found,) = report.claim_reviews
    assert found.node["author"]["name"] == "Checks"
    assert found.findings == ()
    # Unresolved, the bare reference would be an author without a name or url.
    assert _rules(review) == [(E, "author.no-name-or-url", "author")]


def test_our_pages_show_the_claim_and_the_verdict() -> None:
    script = f'<script type="application/ld+json">{json.dumps(_good())}</script>'
    shown = "<h1>Shi Jinping  received the Taliban\nambassador in Beijing</h1><p>MOSTLY TRUE</p>"
    hidden = "<h1>Another claim</h1><p>Mostly <em>false</em></p>"
    site = "https://checks.example.org"
    assert validate_page(f"{script}{shown}", site_url=site).all_findings == []
    assert _keys(validate_page(f"{script}{hidden}", site_url=site).all_findings) == [
        (W, "page.claim-not-visible", "claimReviewed"),
        (W, "page.verdict-not-visible", "reviewRating.alternateName"),
    ]
    # Someone else's page is not held to it: verdicts are often images.
    assert validate_page(f"{script}{hidden}").all_findings == []


def test_feed_may_hold_many_claim_reviews() -> None:
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [{"@type": "DataFeedItem", "item": [_good()]} for _ in range(3)],
    }
    report = validate_document(feed)
    assert report.findings == ()
    assert len(report.claim_reviews) == 3


def test_microdata_claim_review_is_counted_not_checked() -> None:
    html = '<div itemscope itemtype="https://schema.org/ClaimReview"></div>'
    assert _keys(validate_page(html).findings) == [(W, "page.other-syntax-not-checked", "")]


def test_hostile_input_does_not_crash() -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    node = _good(extra=deep)
    assert find_claim_reviews([{"@graph": [node]}]) == [node]
    assert _rules(node) == []
    assert _keys(validate_page(b"   ").findings) == [(E, "page.unreadable", "")]


def test_site_url_must_be_absolute() -> None:
    with pytest.raises(ValueError, match="site_url"):
        validate_claim_review(_good(), site_url="checks.example.org")
