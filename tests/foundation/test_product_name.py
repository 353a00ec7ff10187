"""The product's name is never doubled ("Factcheck Desk desk") in headers, footers or titles."""

from __future__ import annotations

import re

import lxml.html
import pytest

from factcheck.templating import names_the_desk
from tests.conftest import TEST_PASSWORD

DOUBLED = re.compile(r"\bdesk\W+(?:factcheck\s+)?desk\b", re.IGNORECASE)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Factcheck Desk", True), ("The Verification desk", True), ("Harbour Checks", False),
     ("Deskwork Weekly", False), ("", False)],
)
def test_names_the_desk(name, expected):
    assert names_the_desk(name) is expected


def _texts(html: str) -> list[str]:
    """The brand link, the footer and the title of a page, each as one line of text."""
    tree = lxml.html.fromstring(html)
    parts = tree.xpath("//a[contains(@class, 'brand')]|//footer|//title")
    return [" ".join(el.text_content().split()) for el in parts]


@pytest.fixture(params=["Factcheck Desk", "Harbour Checks"])
def app_settings(app_settings, request):
    return {**app_settings, "ORG_NAME": request.param}


def test_desk_and_public_pages_never_double_the_name(app, client, users):
    name = app.config["ORG_NAME"]
    pages = [client.get(path).get_data(as_text=True)
             for path in ("/login", "/fact-checks", "/methodology")]
    client.post("/login", data={"email": users["reviewer"].email, "password": TEST_PASSWORD})
    home = client.get("/")
    assert home.status_code == 200
    pages.append(home.get_data(as_text=True))
    for page in pages:
        for text in _texts(page):
            assert not DOUBLED.search(text), text
    brand = lxml.html.fromstring(pages[-1]).xpath("//a[contains(@class, 'brand')]")[0]
    assert " ".join(brand.text_content().split()) == (
        "Factcheck Desk" if names_the_desk(name) else "Harbour Checks desk")
