"""The ClaimReview builder: its exact output, and a round trip through a rendered page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import quote

import extruct
import jinja2
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from factcheck.claimreview.builder import FactCheck, Rating, build_claim_review, iso_datetime
from factcheck.claimreview.validator import validate_claim_review, validate_page

SITE = "https://checks.example.org"
# The page template's way of embedding the markup: Jinja's own |tojson filter.
PAGE = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><html><head><title>{{ title }}</title>"
    '<script type="application/ld+json">{{ review|tojson }}</script>'
    "</head><body><h1>{{ title }}</h1></body></html>"
)


def _fact_check(**changes: object) -> FactCheck:
    values: dict[str, object] = {
        "claim_reviewed": "Shi Jinping received the Taliban ambassador in Beijing",
        "rating": Rating("Mostly false", value=2, best=5, worst=1),
        "url": f"{SITE}/fact-checks/42",
        "date_published": datetime(2024, 2, 1, 9, 30, tzinfo=UTC),
        "date_modified": datetime(2024, 2, 2, 8, 0, tzinfo=timezone(timedelta(hours=2))),
        "organisation_name": "Checks Desk",
        "organisation_url": SITE,
        "claimant_name": "Example News",
        "claimant_same_as": "https://www.wikidata.org/wiki/Q1",
        "claimant_type": "Organization",
        "claim_date": date(2024, 1, 28),
        "appearances": ("https://news.example.com/russia-taliban",),
        "first_appearance": "https://news.example.com/russia-taliban",
        "summary": "Xi Jinping, not “Shi Jinping”, received the ambassador.",
        "language": "en",
    }
    values.update(changes)
    return FactCheck(**values)  # type: ignore[arg-type]


def test_builder_output() -> None:
    assert build_claim_review(_fact_check()) == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example.org/fact-checks/42",
        "claimReviewed": "Shi Jinping received the Taliban ambassador in Beijing",
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Mostly false",
            "ratingValue": 2,
            "bestRating": 5,
            "worstRating": 1,
        },
        "author": {"@type": "Organization", "name": "Checks Desk", "url": SITE},
        "datePublished": "2024-02-01T09:30:00+00:00",
        "dateModified": "2024-02-02T08:00:00+02:00",
        "itemReviewed": {
            "@type": "Claim",
            "author": {
                "@type": "Organization",
                "name": "Example News",
                "sameAs": "https://www.wikidata.org/wiki/Q1",
            },
            "datePublished": "2024-01-28",
            "appearance": [
                {"@type": "CreativeWork", "url": "https://news.example.com/russia-taliban"}
            ],
            "firstAppearance": {
                "@type": "CreativeWork",
                "url": "https://news.example.com/russia-taliban",
            },
        },
        "description": "Xi Jinping, not “Shi Jinping”, received the ambassador.",
        "inLanguage": "en",
    }


def test_builder_leaves_out_what_it_does_not_know() -> None:
    review = build_claim_review(
        _fact_check(
            rating=Rating("Misleading"),
            date_modified=None,
            organisation_url=None,
            claimant_name=None,
            claim_date=None,
            appearances=(),
            first_appearance=None,
            summary=None,
            language=None,
        )
    )
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading"}
    assert review["itemReviewed"] == {"@type": "Claim"}
    assert review["author"] == {"@type": "Organization", "name": "Checks Desk"}
    assert set(review) == {
        "@context",
        "@type",
        "url",
        "claimReviewed",
        "reviewRating",
        "author",
        "datePublished",
        "itemReviewed",
    }


def test_iso_datetime_is_strict() -> None:
    assert iso_datetime(datetime(2024, 5, 1, 12, 0, 0, 123456)) == "2024-05-01T12:00:00+00:00"
    odd = timezone(timedelta(minutes=19, seconds=32))  # Amsterdam mean time, 1909
    assert iso_datetime(datetime(1909, 5, 1, 0, 10, tzinfo=odd)) == "1909-04-30T23:50:28+00:00"


# --- property: hostile text survives rendering and reading back -------------

HOSTILE = [
    "</script>",
    "</SCRIPT >",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    '"',
    "'",
    "\\",
    "&amp;",
    "<b>",
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2028",
    "\x00",
    "é",
    "漢字",
    "\U0001f4a9",
    "عربي",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), min_size=1, max_size=6
).map("".join)
zones = st.one_of(
    st.none(),
    st.builds(
        timezone,
        st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23)),
    ),
)
moments = st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1), timezones=zones)


@st.composite
def fact_checks(draw: st.DrawFn) -> FactCheck:
    """Valid fact-checks whose every text field is hostile."""
    claim = draw(hostile_text.filter(lambda t: 0 < len(t.strip()) < 75))
    label = draw(hostile_text.filter(lambda t: t.strip()))
    words = re.sub(r"[\s_]+", " ", label).strip().casefold()
    # A valid claim does not carry its verdict.
    assume(words not in re.sub(r"\s+", " ", claim).casefold())
    worst = draw(st.integers(1, 5))
    best = draw(st.integers(worst + 1, 10))
    value = draw(st.one_of(st.none(), st.integers(worst, best)))
    published = draw(moments)
    modified = draw(st.one_of(st.none(), st.just(published + timedelta(days=1))))
    # Converting an odd offset to UTC can move the day back by one.
    claim_date = draw(st.dates(max_value=(published - timedelta(days=2)).date()))
    return FactCheck(
        claim_reviewed=claim,
        rating=Rating(label, value, best, worst) if value is not None else Rating(label),
        # URLs are entered percent-encoded (a raw space, quote or "<" is no URL:
        # the validator's url.unsafe-characters); every other field stays hostile.
        url=f"{SITE}/fact-checks/{quote(draw(hostile_text), safe='')}",
        date_published=published,
        date_modified=modified,
        organisation_name=draw(hostile_text),
        organisation_url=SITE,
        claimant_name=draw(hostile_text),
        claimant_same_as=f"https://www.wikidata.org/wiki/{quote(draw(hostile_text), safe='')}",
        claim_date=claim_date,
        appearances=tuple(
            f"https://social.example.net/{quote(path, safe='')}"
            for path in draw(st.lists(hostile_text, min_size=1, max_size=3))
        ),
        first_appearance=f"https://video.example.com/{quote(draw(hostile_text), safe='')}",
        headline=draw(hostile_text),
        summary=draw(hostile_text),
        language=draw(st.sampled_from(["en", "pt-BR", "ar", "ur"])),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_checks())
def test_round_trip_through_the_page(fact_check: FactCheck) -> None:
    review = build_claim_review(fact_check)
    page = PAGE.render(title=fact_check.claim_reviewed, review=review)

    assert extruct.extract(page, syntaxes=["json-ld"])["json-ld"] == [review]
    # Control characters survive the round trip, but the validator refuses them
    # (text.control-characters, tested on its fixtures); nothing else may be an error.
    errors = [f for f in validate_claim_review(review, site_url=SITE)
              if f.severity == "error" and f.rule != "text.control-characters"]
    assert errors == []
    report = validate_page(page, site_url=SITE)
    assert [r.node for r in report.claim_reviews] == [review]
    page_errors = [f for f in report.all_findings
                   if f.severity == "error" and f.rule != "text.control-characters"]
    assert page_errors == []
