"""CSRF tokens are masked afresh at every writing, and unmasked before Flask-WTF checks them.

Masking is what lets desk pages be compressed (BREACH, issue 9 §5): see
``factcheck/csrf.py`` and ``factcheck/token_mask.py``.
"""

from __future__ import annotations

import base64
import importlib
import pkgutil
import re

import pytest
from flask import g
from flask_wtf import FlaskForm

import factcheck
from factcheck.claims.models import Claim
from factcheck.csrf import DeskForm
from factcheck.extensions import db
from factcheck.token_mask import mask, unmask
from tests.conftest import TEST_PASSWORD
from tests.triage.triage_data import make_article, simple_claim

EVIL = "https://evil.example"
HTMX = {"HX-Request": "true"}
TOKEN_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app_settings(app_settings):
    """CSRF on, as in production."""
    return {**app_settings, "WTF_CSRF_ENABLED": True}


# --- the pure functions ---------------------------------------------------

SIGNED = ("IjQ1ZjEzYjVhNGIwMTdjNzdlMzJkOWUwNzE0ZjI2ZTdkMmE3NjRlNjMi"
          ".aTXr0g.Zb1nTQhB6RJmK0c0MH2W3cYlAxw")  # the shape of a Flask-WTF token


def test_a_masked_token_unmasks_to_the_token_and_differs_each_time():
    first, second = mask(SIGNED), mask(SIGNED)
    assert first != second
    assert SIGNED not in first
    assert SIGNED not in second
    assert unmask(first) == unmask(second) == SIGNED
    assert re.fullmatch(r"[A-Za-z0-9_-]+", first)  # safe in HTML, URLs and headers


def test_a_known_pad_gives_a_known_value():
    assert mask("ab", pad=b"\x00\xff") == "AP9hnQ"
    assert unmask("AP9hnQ") == "ab"
    with pytest.raises(ValueError, match="as long as the token"):
        mask("ab", pad=b"\x00")


@pytest.mark.parametrize("value", [
    "", "x", "AP9hn", "AP9h", "AP9hnQ==x", "AP9h nQ", "AP9h!nQ", "é" * 8, "A" * 2000,
])
def test_what_is_not_a_masked_value_unmasks_to_nothing(value):
    # "AP9h": three bytes, odd: no pad and token halves.
    assert unmask(value) is None


def test_a_changed_character_changes_the_token():
    masked = mask(SIGNED)
    middle = len(masked) // 2
    tampered = masked[:middle] + ("A" if masked[middle] != "A" else "B") + masked[middle + 1:]
    assert unmask(tampered) != SIGNED


# --- through the app ------------------------------------------------------

def _token(page: str) -> str:
    return TOKEN_FIELD.search(page).group(1)


def _login(client, email="reviewer@example.org"):
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": TEST_PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    return token


def test_every_form_class_masks_its_token():
    """A form deriving from FlaskForm itself would write the token in clear."""
    for module in pkgutil.walk_packages(factcheck.__path__, "factcheck."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    seen, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("factcheck.") and sub is not DeskForm:
                seen.append(sub)
                assert issubclass(sub, DeskForm), sub
    assert len(seen) >= 25


@pytest.fixture
def raw_tokens(app):
    """The signed token each request made, in clear (Flask-WTF keeps it in ``g``)."""
    seen = []

    @app.after_request
    def _keep(response):
        seen.append(g.get("csrf_token"))
        return response

    return seen


def test_pages_write_the_token_masked_never_in_clear(client, users, raw_tokens):
    page = client.get("/login").get_data(as_text=True)  # form.hidden_tag()
    assert raw_tokens[-1] not in page
    assert unmask(_token(page)) == raw_tokens[-1]
    _login(client, "admin@example.org")
    # {{ form.csrf_token }}, {{ csrf_token() }} in a macro (the header's
    # sign-out form) and in the page itself.
    for url in ("/articles/new", "/admin/users", "/notifications/settings"):
        page = client.get(url).get_data(as_text=True)
        raw = raw_tokens[-1]
        tokens = TOKEN_FIELD.findall(page)
        assert len(tokens) >= 2, url
        assert raw not in page, url
        assert {unmask(token) for token in tokens} == {raw}, url
        assert len(set(tokens)) == len(tokens), url  # a fresh pad for each


def test_two_renders_carry_different_tokens_each_accepted(client, users):
    _login(client)
    first = _token(client.get("/notifications/settings").get_data(as_text=True))
    second = _token(client.get("/notifications/settings").get_data(as_text=True))
    assert first != second
    saved = client.post("/notifications/settings",
                        data={"csrf_token": first, "kind-mention": "never"})
    assert saved.status_code == 302
    saved = client.post("/notifications/settings",
                        data={"csrf_token": second, "kind-mention": "digest"})
    assert saved.status_code == 302
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert re.search(r'name="kind-mention" value="digest"[^>]*checked', page)


def _tampered(token: str) -> str:
    # The first character of the signed token changed, under the same pad. (A
    # change in the signature's last character may fall in base64 bits that
    # itsdangerous ignores, and still verify: harmless, but no test.)
    signed = unmask(token)
    data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    pad = data[: len(data) // 2]
    changed = ("J" if signed[0] != "J" else "K") + signed[1:]
    return mask(changed, pad=pad)


BAD_TOKENS = {
    "tampered": _tampered,
    "truncated by one": lambda token: token[:-1],
    "cut in half": lambda token: token[: len(token) // 2],
    "not base64": lambda token: token[:10] + "!*" + token[12:],
    "not ascii": lambda token: "é" + token[1:],
    "the signed token unmasked": unmask,
    "masked twice": mask,
}


@pytest.mark.parametrize("how", list(BAD_TOKENS))
def test_a_bad_masked_token_is_the_usual_csrf_400(client, users, how):
    _login(client)
    good = _token(client.get("/notifications/settings").get_data(as_text=True))
    bad = BAD_TOKENS[how](good)
    response = client.post("/notifications/settings",
                           data={"csrf_token": bad, "kind-mention": "never"},
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The form expired" in page
    assert "Send again" in page
    # The same field, by header (as a script would send it), is refused alike.
    response = client.post("/notifications/settings", data={"kind-mention": "never"},
                           headers={"X-CSRFToken": bad, **HTMX})
    assert response.status_code == 400
    # And sent again with the page's fresh token, it is saved.
    again = client.post("/notifications/settings",
                        data={"csrf_token": _token(page), "kind-mention": "never"})
    assert again.status_code == 302


@pytest.mark.parametrize("how", ["tampered", "not base64", "cut in half"])
def test_a_refused_cross_site_post_with_a_bad_token_leaves_the_session(client, users, how):
    _login(client)
    good = _token(client.get("/").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": BAD_TOKENS[how](good)},
                           headers={"Origin": EVIL})
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers
    assert "Send again" not in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # still signed in


@pytest.fixture
def two_claims(app, users):
    article = make_article("An article about unemployment. " * 10, "Numbers")
    claims = [simple_claim(article, "Unemployment fell to 3.9% in May.", score=0.9),
              simple_claim(article, "Exports rose 5% last year.", score=0.8, start=40)]
    db.session.commit()
    return claims


def _state(claim) -> str:
    db.session.expire_all()
    return db.session.get(Claim, claim.id).state


def test_htmx_row_actions_with_the_token_in_the_form_or_the_header(client, users, two_claims):
    _login(client)
    page = client.get("/claims").get_data(as_text=True)
    rows = {claim.id: re.search(rf'<li id="claim-{claim.id}".*?</li>', page, re.S).group(0)
            for claim in two_claims}
    first, second = two_claims
    # As htmx posts a row's form: the hidden field travels in the body.
    response = client.post(f"/triage/claims/{first.id}/state/mark_checkable",
                           data={"version": 1, "csrf_token": _token(rows[first.id])},
                           headers=HTMX)
    assert response.status_code == 200
    assert f'id="claim-{first.id}"' in response.get_data(as_text=True)
    assert _state(first) == "checkable"
    # As a script with hx-headers would: the token in X-CSRFToken.
    response = client.post(f"/triage/claims/{second.id}/state/mark_checkable",
                           data={"version": 1},
                           headers={"X-CSRFToken": _token(rows[second.id]), **HTMX})
    assert response.status_code == 200
    assert _state(second) == "checkable"
    # The row sent back carries a token of its own, accepted too.
    row_token = _token(response.get_data(as_text=True))
    assert row_token not in page
    response = client.post(f"/triage/claims/{second.id}/state/reopen_triage",
                           data={"version": 2, "csrf_token": row_token}, headers=HTMX)
    assert response.status_code == 200
    assert _state(second) == "detected"
