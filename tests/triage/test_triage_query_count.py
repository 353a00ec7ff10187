"""The queue renders in a fixed number of SQL statements, whatever the page size (no N+1)."""

from __future__ import annotations

from factcheck.extensions import db
from tests.statements import count_statements
from tests.triage.triage_data import make_article, simple_claim


def _many_claims(users, count: int, batch: str = "a") -> None:
    people = [users["reviewer"], users["reviewer2"], users["editor"], None]
    articles = [make_article(f"Article {batch}{n} text. " * 5, f"Article {n}")
                for n in range(count // 3)]
    for n in range(count):
        simple_claim(articles[n % len(articles)], f"Claim {n} says prices rose {n}%.",
                     score=(n % 97) / 100, kind="quantity", assignee=people[n % 4],
                     priority=n % 4, age_days=n % 30, start=0,
                     reasons=[{"message": "q", "words": [f"{n}%"], "spans": [[0, 1]]}])
    db.session.commit()


def _statements_for(client, url: str) -> list[str]:
    with count_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return [statement for statement, _parameters in statements]


def test_page_of_50_costs_the_same_queries_as_a_page_of_10(client, auth, users):
    _many_claims(users, 120)
    auth.login_as(users["reviewer"])
    client.get("/claims")  # warm up: the first request may look things up once
    ten = _statements_for(client, "/claims?state=all&per_page=10")
    fifty = _statements_for(client, "/claims?state=all&per_page=50")
    hundred = _statements_for(client, "/claims?state=all&per_page=100&sort=newest")
    assert len(ten) == len(fifty) == len(hundred), (ten, fifty)
    assert len(fifty) <= 10, fifty
    body = client.get("/claims?state=all&per_page=50").get_data(as_text=True)
    assert body.count('class="claim-row') == 50


def test_filters_do_not_add_queries_per_row(client, auth, users):
    _many_claims(users, 60)
    auth.login_as(users["reviewer"])
    client.get("/claims")
    small = _statements_for(client, "/claims?state=all&assignee=me&per_page=10&article=1")
    large = _statements_for(client, "/claims?state=all&assignee=me&per_page=50&article=1")
    assert len(small) == len(large)


def test_desk_home_costs_the_same_with_few_or_many_claims(client, auth, users):
    auth.login_as(users["reviewer"])
    client.get("/")
    _many_claims(users, 6)
    few = _statements_for(client, "/")
    _many_claims(users, 90, batch="b")
    many = _statements_for(client, "/")
    assert len(few) == len(many), (few, many)
