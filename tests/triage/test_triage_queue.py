"""The triage queue: filters, sort orders, pagination, emphasis and escaping."""

from __future__ import annotations

import re

import pytest

from factcheck.extensions import db
from tests.triage.triage_data import make_article, simple_claim


def _row_ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return [int(n) for n in re.findall(r'<li id="claim-(\d+)"', response.get_data(as_text=True))]


@pytest.fixture
def signed_in(client, auth, users):
    auth.login_as(users["reviewer"])
    return client


def test_default_queue_shows_detected_claims_best_first(signed_in, queue_claims):
    ids = _row_ids(signed_in.get("/claims"))
    c = queue_claims
    assert ids == [c["top"].id, c["other"].id, c["mid"].id, c["old"].id, c["low"].id]
    assert c["done"].id not in ids  # checkable: already triaged


def test_filter_by_state_article_kind_and_assignee(signed_in, queue_claims, users):
    c = queue_claims
    assert _row_ids(signed_in.get("/claims?state=checkable")) == [c["done"].id]
    assert set(_row_ids(signed_in.get("/claims?state=all"))) == {
        c[k].id for k in ("top", "mid", "low", "other", "done", "old")}
    assert _row_ids(signed_in.get(f"/claims?article={c['second'].id}")) == [
        c["other"].id, c["old"].id]
    assert _row_ids(signed_in.get("/claims?kind=quantity")) == [
        c["top"].id, c["other"].id, c["old"].id]
    assert _row_ids(signed_in.get("/claims?assignee=me")) == [c["mid"].id]
    assert _row_ids(signed_in.get(f"/claims?assignee={users['reviewer'].id}")) == [c["mid"].id]
    assert c["mid"].id not in _row_ids(signed_in.get("/claims?assignee=none"))
    assert _row_ids(signed_in.get(f"/claims?assignee={users['editor'].id}")) == []
    combined = signed_in.get(f"/claims?state=all&article={c['second'].id}&kind=date/event")
    assert _row_ids(combined) == [c["done"].id]


def test_sort_by_age_and_priority(signed_in, queue_claims):
    c = queue_claims
    assert _row_ids(signed_in.get("/claims?sort=newest")) == [
        c["mid"].id, c["other"].id, c["low"].id, c["top"].id, c["old"].id]
    assert _row_ids(signed_in.get("/claims?sort=oldest")) == [
        c["old"].id, c["top"].id, c["low"].id, c["other"].id, c["mid"].id]
    assert _row_ids(signed_in.get("/claims?sort=priority"))[0] == c["low"].id


def test_bad_filter_values_fall_back_to_defaults(signed_in, queue_claims):
    default = _row_ids(signed_in.get("/claims"))
    for query in ("state=bogus", "sort=DROP", "kind=x", "per_page=7", "page=-3", "page=abc",
                  "article=999999", "assignee=nobody-here", "article=12345678901234567890"):
        assert _row_ids(signed_in.get(f"/claims?{query}")) == default, query


def test_pagination_keeps_filters(signed_in, app):
    article = make_article("Paged text. " * 10, "Paged")
    made = [simple_claim(article, f"Claim number {n} says 1{n}%.", score=1 - n / 100,
                         kind="quantity") for n in range(23)]
    db.session.commit()
    first = signed_in.get("/claims?per_page=10&kind=quantity")
    assert _row_ids(first) == [claim.id for claim in made[:10]]
    body = first.get_data(as_text=True)
    assert "1–10 of 23 claims" in body
    assert "Page 1 of 3" in body
    next_link = re.search(r'<a href="([^"]+)" rel="next">', body).group(1).replace("&amp;", "&")
    assert "kind=quantity" in next_link
    assert "per_page=10" in next_link
    assert "page=2" in next_link
    assert _row_ids(signed_in.get(next_link)) == [claim.id for claim in made[10:20]]
    last = signed_in.get("/claims?per_page=10&kind=quantity&page=3")
    assert _row_ids(last) == [claim.id for claim in made[20:]]
    beyond = signed_in.get("/claims?per_page=10&kind=quantity&page=99")
    assert _row_ids(beyond) == [claim.id for claim in made[20:]]  # clamped to the last page


def test_triggering_words_are_emphasised_and_everything_is_escaped(signed_in, app):
    text = 'Intro. <script>alert(1)</script> rose by 20% in "2024" & more words here.'
    article = make_article(text, "<b>Headline</b>")
    start = text.index("<script>")
    sentence = text[start:]
    words_start = text.index("20%")
    simple_claim(article, sentence, start=start, score=0.9, reasons=[{
        "code": "quantity", "message": "A <quantity>", "words": ["20%"],
        "spans": [[words_start, words_start + 3]], "effect": 1}])
    db.session.commit()
    body = signed_in.get("/claims").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; rose by " in body
    assert '<mark class="cue-up" title="A &lt;quantity&gt;">20%</mark>' in body
    assert "&lt;b&gt;Headline&lt;/b&gt;" in body
    assert "<b>Headline</b>" not in body


def test_queue_shows_the_keys_and_loads_the_script(signed_in, queue_claims):
    body = signed_in.get("/claims").get_data(as_text=True)
    for key in ("j", "k", "c", "n", "x", "z", "d", "a", "Enter"):
        assert f"<kbd>{key}</kbd>" in body
    # Each row's controls expose their key with aria-keyshortcuts, not in their name.
    for key in ("c", "n", "d", "a", "u", "Enter"):
        assert f'aria-keyshortcuts="{key}"' in body
        assert f'<kbd aria-hidden="true">{key}</kbd>' in body
    assert re.search(r'<script src="/static/triage.js\?v=[0-9a-f]{12}"></script>', body)
    assert "<script>" not in body  # no inline script (the CSP forbids them)
    assert " onclick=" not in body
    assert ' style="' not in body


def test_every_row_control_has_a_label(signed_in, queue_claims):
    body = signed_in.get("/claims").get_data(as_text=True)
    ids = re.findall(r'<(?:select|input)[^>]* id="([^"]+)"', body)
    assert ids
    for control_id in ids:
        assert f'for="{control_id}"' in body, control_id
    assert len(ids) == len(set(ids)), "control ids must be unique on the page"


def test_queue_links_the_claim_page_when_registered(app, signed_in, queue_claims):
    body = signed_in.get("/claims").get_data(as_text=True)
    claim = queue_claims["top"]
    if "review.claim" in app.view_functions:
        assert f'data-open-url="/claims/{claim.id}"' in body
    elif "articles.show" in app.view_functions:
        assert f'#claim-{claim.id}"' in body
    else:
        assert "data-open-url" not in body


def test_nav_links_to_the_queue(signed_in, queue_claims):
    body = signed_in.get("/").get_data(as_text=True)
    assert '<a href="/claims"' in body


def test_anonymous_visitors_are_sent_to_sign_in(client, queue_claims):
    response = client.get("/claims")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
