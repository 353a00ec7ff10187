"""publish_fact_check and its refusals; slugs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import ClaimState
from factcheck.errors import IllegalTransition, NotPermitted
from factcheck.extensions import db
from factcheck.publishing.models import Publication, PublicationChange
from factcheck.publishing.operations import PublishRefused
from factcheck.publishing.slugs import SLUG_MAX_CHARS, slugify
from factcheck.review.models import Verdict
from tests.publishing_web.publishing_factory import make_claim, publish


def test_publish_moves_the_claim_and_records_everything(app, users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    publication = publish(claim, users["editor"])

    db.session.refresh(claim)
    assert claim.state == ClaimState.PUBLISHED
    assert publication.state == "published"
    assert publication.slug == "shi-jinping-received-the-taliban-ambassador-in-beijing"
    assert publication.rating_label == "False"
    assert publication.published_by_id == users["editor"].id
    assert [c.kind for c in publication.changes] == ["published"]
    actions = set(db.session.scalars(select(AuditRecord.action)))
    assert {"claim.publish", "publication.published"} <= actions


def test_the_snapshot_holds_only_allow_listed_fields(app, users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"],
                       notes="SECRET internal note")
    snapshot = publish(claim, users["editor"]).snapshot
    assert set(snapshot) == {
        "schema", "url", "claim_reviewed", "language", "claimant", "claim_date", "appearance_url",
        "first_appearance_url", "rating", "summary", "write_up", "sources", "claim_review",
    }
    assert "SECRET" not in str(snapshot)
    assert users["reviewer"].email not in str(snapshot)
    assert users["reviewer"].name not in str(snapshot)


def test_claimant_type_goes_into_the_markup(app, users):
    person = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    assert publish(person, users["editor"]).snapshot["claim_review"]["itemReviewed"][
        "author"]["@type"] == "Person"
    outlet = make_claim(reviewer=users["reviewer"], editor=users["editor"],
                        claimant_type="Organization")
    author = publish(outlet, users["editor"]).snapshot["claim_review"]["itemReviewed"]["author"]
    assert author == {"@type": "Organization", "name": "Example News",
                      "sameAs": "https://news.example.com/"}


def test_claim_date_is_when_the_claim_was_made(app, users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    review = publish(claim, users["editor"]).snapshot["claim_review"]
    assert review["itemReviewed"]["datePublished"] == "2024-01-28"
    assert review["datePublished"] != "2024-01-28"


def test_refused_when_content_changed_after_approval(app, users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    verdict = db.session.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
    verdict.summary = "Changed after the editor approved it."
    db.session.commit()
    with pytest.raises(PublishRefused) as refused:
        publish(claim, users["editor"])
    assert refused.value.rule == "publish.content-changed"
    assert "changed after it was approved" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(Publication)) is None
    assert db.session.get(type(claim), claim.id).state == ClaimState.APPROVED


def test_refused_without_a_standing_approval(app, users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"], approve=False)
    with pytest.raises(PublishRefused, match="no standing approval"):
        publish(claim, users["editor"])


def test_refused_for_reviewers(app, users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    with pytest.raises(NotPermitted):
        publish(claim, users["reviewer2"])
    db.session.rollback()
    assert db.session.scalar(select(Publication)) is None


def test_refused_unless_approved(app, users):
    claim = make_claim(reviewer=users["reviewer"], state=ClaimState.SUBMITTED.value)
    with pytest.raises(IllegalTransition):
        publish(claim, users["editor"])


def test_refused_with_the_validator_findings_by_field(app, users):
    claim = make_claim(
        reviewer=users["reviewer"], editor=users["editor"],
        wording="FALSE: " + "a claim far too long to be published as claimReviewed " * 2,
        appearance_url="http://localhost/our-own-page",
    )
    with pytest.raises(PublishRefused) as refused:
        publish(claim, users["editor"])
    error = refused.value
    assert error.rule == "publish.markup"
    rules = {f.rule for f in error.findings if f.severity == "error"}
    assert {"claimReviewed.contains-verdict", "claim.origin-own-domain"} <= rules
    # Over 75 characters is a warning, as for Google (the claim form refuses it earlier).
    assert "claimReviewed.length" in {f.rule for f in error.findings if f.severity == "warning"}
    assert {"claim_reviewed", "appearance"} <= set(error.by_field)


def test_slug_collision_gets_a_new_slug_never_an_overwrite(app, users):
    first = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"]),
                    users["editor"])
    second = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"]),
                     users["editor"])
    third = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"]),
                    users["editor"])
    assert first.slug == "shi-jinping-received-the-taliban-ambassador-in-beijing"
    assert second.slug == first.slug + "-2"
    assert third.slug == first.slug + "-3"
    db.session.refresh(first)
    assert first.snapshot["url"].endswith("/" + first.slug)
    assert second.snapshot["claim_review"]["url"].endswith("-2")
    assert db.session.scalar(select(PublicationChange).where(
        PublicationChange.publication_id == first.id)).kind == "published"


@pytest.mark.parametrize(("text", "slug"), [
    ("Shi Jinping received the Taliban’s envoy", "shi-jinping-received-the-talibans-envoy"),
    ("The Taliban's envoy", "the-talibans-envoy"),
    ("Ça coûte 20 % de plus à São Paulo", "ca-coute-20-de-plus-a-sao-paulo"),
    ("Straße Łódź Ærø", "strasse-lodz-aero"),
    ("  --Hello,   World!--  ", "hello-world"),
    # Letters with no ASCII form stay (issue 9: such claims used to become "fact-check-2").
    ("习近平接见了大使", "习近平接见了大使"),
    ("الرئيس الصيني استقبل السفير", "الرئيس-الصيني-استقبل-السفير"),
    ("Путин сказал", "путин-сказал"),
    ("!!! ???", "fact-check"),
    ("</script><!-- \u202e", "script"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slugs_are_bounded_and_end_on_a_word():
    slug = slugify("word " * 60)
    assert len(slug) <= SLUG_MAX_CHARS
    assert not slug.endswith("-")
    assert slug.split("-") == ["word"] * len(slug.split("-"))
    assert len(slugify("x" * 500)) == SLUG_MAX_CHARS


def test_the_approval_preview_is_what_gets_published(app, users):
    """One input for the ClaimReview: the approval page shows what publishing sends out."""
    from factcheck.review.content import fact_check_content
    from factcheck.review.pages import claim_review_preview

    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"],
                       claimant_url="javascript:alert(1)",
                       first_appearance_url="ftp://news.example.com/first")
    preview = claim_review_preview(db.session, claim, fact_check_content(db.session, claim),
                                   app.config)["node"]
    published = dict(publish(claim, users["editor"]).snapshot["claim_review"])
    for differs in ("url", "datePublished", "dateModified"):  # the address and the day
        preview.pop(differs, None)
        published.pop(differs, None)
    assert preview == published
    assert "sameAs" not in published["itemReviewed"]["author"]
    assert "firstAppearance" not in published["itemReviewed"]


def test_of_two_editors_publishing_at_once_the_loser_gets_a_conflict(app, users):
    """The loser saw the claim approved; by the time its request runs, the winner published.

    It must be told so (409), not asked for a correction note as if republishing: the
    winner's publication exists, but this editor never saw a published claim.
    """
    from sqlalchemy.orm.attributes import set_committed_value

    from factcheck.errors import StaleVersion

    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    seen = claim.version
    publish(claim, users["editor"], seen_version=seen)  # the winner
    # The loser's request loaded the claim before the winner committed.
    set_committed_value(claim, "state", ClaimState.APPROVED.value)
    set_committed_value(claim, "version", seen)
    with pytest.raises(StaleVersion):
        publish(claim, users["admin"], seen_version=seen)
    db.session.rollback()
    assert len(db.session.scalars(select(Publication)).all()) == 1
    assert len(db.session.scalars(select(PublicationChange)).all()) == 1
