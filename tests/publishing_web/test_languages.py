"""Fact-checks in other languages: readable slugs, and the language on the page and in the markup.

Issue 9, §3: an Arabic or Chinese claim got the slug ``fact-check-2`` and a
page that said ``lang="en"`` with no direction.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import rfc3987

from factcheck.claimreview.language import text_direction
from factcheck.extensions import db
from tests.publishing_web.publishing_factory import make_claim, publish

ARABIC = "الرئيس الصيني استقبل سفير طالبان"
CHINESE = "习近平接见了塔利班大使"


def _claim_in(language: str, wording: str, users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"], wording=wording)
    claim.article.language = language
    db.session.commit()
    return claim


def test_an_arabic_fact_check_has_a_readable_slug_and_its_language(client, users):
    publication = publish(_claim_in("ar", ARABIC, users), users["editor"])
    assert publication.slug == "الرئيس-الصيني-استقبل-سفير-طالبان"
    url = publication.snapshot["claim_review"]["url"]
    assert url == "http://localhost/fact-checks/" + quote(publication.slug)
    assert rfc3987.match(url, rule="URI") is not None  # percent-encoded: a URI, not only an IRI

    page = client.get(f"/fact-checks/{publication.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'<h1 class="claim" lang="ar" dir="rtl">', html)
    assert re.search(r'<p class="summary" lang="ar" dir="rtl">', html)
    assert '<html lang="en">' in html  # the site's own words stay English
    assert client.get(f"/fact-checks/{publication.slug}.json").get_json()["inLanguage"] == "ar"
    assert client.get(url.removeprefix("http://localhost")).status_code == 200  # encoded too


def test_a_chinese_claim_keeps_its_words_in_the_slug(client, users):
    first = publish(_claim_in("zh", CHINESE, users), users["editor"])
    second = publish(_claim_in("zh-Hans", "中国外交部否认了这一说法", users), users["editor"])
    assert first.slug == CHINESE
    assert second.slug == "中国外交部否认了这一说法"
    html = client.get(f"/fact-checks/{second.slug}").get_data(as_text=True)
    assert '<h1 class="claim" lang="zh-Hans" dir="ltr">' in html


def test_text_direction():
    assert text_direction("ar") == "rtl"
    assert text_direction("he-IL") == "rtl"
    assert text_direction("fa") == "rtl"
    assert text_direction("az-Arab") == "rtl"
    assert text_direction("ku-Latn") == "ltr"
    assert text_direction("en") == "ltr"
    assert text_direction(None) == "ltr"
