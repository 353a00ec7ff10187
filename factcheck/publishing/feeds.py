"""Feeds for machines: the ClaimReview DataFeed, an Atom feed, the sitemap and robots.txt.

No login (the blueprint is on the public allowlist); only published
fact-checks, only what their public snapshot holds.

| rule                         | endpoint        | who    |
|------------------------------|-----------------|--------|
| GET /feeds/claimreview.json  | feeds.datafeed  | anyone |
| GET /feeds/fact-checks.atom  | feeds.atom      | anyone |
| GET /sitemap.xml             | feeds.sitemap   | anyone |
| GET /robots.txt              | feeds.robots    | anyone |

The DataFeed (the Data Commons shape: a schema.org ``DataFeed`` whose
``dataFeedElement`` items are ``DataFeedItem`` with ``dateCreated``, ``url``
and ``item``) and the sitemap are streamed: a generator reads the
publications in batches by keyset (``id > :last``), each in a short
transaction of its own, and yields each batch as a chunk of text, so memory
stays flat however many fact-checks there are and no lock is held while a
slow client reads. Their ``ETag`` and ``Last-Modified`` come from one aggregate
query (how many are published, and the latest ``date_modified`` of any
publication, retracted ones included, since a retraction changes the feed);
a matching ``If-None-Match`` or ``If-Modified-Since`` gets a 304 without
reading a single snapshot.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import datetime

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from markupsafe import escape
from sqlalchemy import case, func, select
from werkzeug.http import is_resource_modified

from factcheck.claimreview.builder import SCHEMA_CONTEXT, iso_datetime
from factcheck.extensions import db
from factcheck.publishing.models import Publication, PublicationChange

feeds_bp = Blueprint("feeds", __name__)

BATCH_SIZE = 500
ATOM_ENTRIES = 50
FEED_FORMAT = "1"  # part of the ETag: bump when the feeds' shape changes
FEED_CACHE = "public, max-age=60"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def feed_state(session) -> tuple[int, datetime | None]:
    """How many fact-checks are published, and when any publication last changed."""
    count, last = session.execute(
        select(
            func.coalesce(func.sum(case((Publication.state == "published", 1), else_=0)), 0),
            func.max(Publication.date_modified),
        )
    ).one()
    return int(count), last


def _validators(kind: str) -> tuple[str, datetime | None]:
    count, last = feed_state(db.session)
    seed = f"{FEED_FORMAT}|{kind}|{current_app.config['SITE_URL']}|{count}|{last}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32], last


def _conditional(kind: str, body, mimetype: str) -> Response:
    """A response with ETag and Last-Modified, or a 304 when the client's copy is current.

    ``body`` is called only when the client needs it, so a 304 reads no rows.
    """
    etag, last = _validators(kind)
    if not is_resource_modified(request.environ, etag=etag, last_modified=last):
        response = Response(status=304)
    else:
        response = Response(body(last), mimetype=mimetype)
    response.set_etag(etag, weak=True)
    if last is not None:
        response.last_modified = last
    response.headers["Cache-Control"] = FEED_CACHE
    return response


def _published_batches(app: Flask, *columns) -> Iterator[list]:
    """Rows of published fact-checks in id order, about ``BATCH_SIZE`` at a time (keyset pages).

    The pages walk the primary key (``id > :last ORDER BY id``) and drop
    retracted rows here rather than in SQL: with ``state = 'published'`` in the
    query SQLite chose the state index and sorted every published row for
    each page, which made the feed quadratic. Each page is read in an app
    context (and a transaction) of its own that ends before its rows are
    yielded: no context is held across a yield, so a body read later, in
    pieces or never is fine, and SQLite's IMMEDIATE transactions never make
    writers wait for a slow reader.
    """
    last_id = 0
    while True:
        with app.app_context():
            rows = db.session.execute(
                select(Publication.id, Publication.state, *columns)
                .where(Publication.id > last_id)
                .order_by(Publication.id)
                .limit(BATCH_SIZE)
            ).all()
        if not rows:
            return
        last_id = rows[-1][0]
        published = [(row[0], *row[2:]) for row in rows if row[1] == "published"]
        if published:
            yield published


def datafeed_chunks(app: Flask, site_url: str, org_name: str,
                    last: datetime | None) -> Iterator[str]:
    """The DataFeed as JSON text, in chunks: the head, one chunk per batch, the tail."""
    head = {
        "@context": SCHEMA_CONTEXT,
        "@type": "DataFeed",
        "name": f"{org_name}: ClaimReview feed",
        "url": site_url + "/feeds/claimreview.json",
    }
    if last is not None:
        head["dateModified"] = iso_datetime(last)
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "dataFeedElement": ['
    first = True
    for rows in _published_batches(app, Publication.date_published, Publication.snapshot):
        items = []
        for _id, date_published, snapshot in rows:
            review = snapshot["claim_review"]
            item = {
                "@type": "DataFeedItem",
                "dateCreated": iso_datetime(date_published),
                "url": review["url"],
                "item": [review],
            }
            if "dateModified" in review:
                item["dateModified"] = review["dateModified"]
            items.append(json.dumps(item, ensure_ascii=False))
        yield ("" if first else ", ") + ", ".join(items)
        first = False
    yield "]}"


@feeds_bp.route("/feeds/claimreview.json")
def datafeed():
    """Every published ClaimReview as one schema.org DataFeed (streamed)."""
    config = current_app.config
    return _conditional(
        "datafeed",
        lambda last: datafeed_chunks(current_app._get_current_object(), config["SITE_URL"],
                                     config["ORG_NAME"], last),
        "application/json",
    )


def sitemap_chunks(app: Flask, pages: list[str]) -> Iterator[str]:
    """The sitemap as XML text in chunks: ``pages``, then every published fact-check."""
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
    yield "".join(f"<url><loc>{escape(page)}</loc></url>\n" for page in pages)
    for rows in _published_batches(app, Publication.slug, Publication.date_modified,
                                   Publication.snapshot):
        yield "".join(
            f"<url><loc>{escape(snapshot['url'])}</loc>"
            f"<lastmod>{iso_datetime(modified)}</lastmod></url>\n"
            for _id, _slug, modified, snapshot in rows
        )
    yield "</urlset>\n"


@feeds_bp.route("/sitemap.xml")
def sitemap():
    """The sitemap of the public site, with each fact-check's last modification."""
    site_url = current_app.config["SITE_URL"]
    pages = [site_url + url_for(endpoint)
             for endpoint in ("public.index", "public.methodology", "public.corrections_policy")]
    return _conditional(
        "sitemap",
        lambda _last: sitemap_chunks(current_app._get_current_object(), pages),
        "application/xml",
    )


@feeds_bp.route("/feeds/fact-checks.atom")
def atom():
    """New, corrected and retracted fact-checks, most recently changed first (the latest 50)."""

    def body(last):
        # Retracted fact-checks stay in the Atom feed as an updated entry that says so:
        # a reader who saw the verdict must learn it no longer stands (the DataFeed and
        # the sitemap drop them instead).
        publications = db.session.scalars(
            select(Publication)
            .order_by(Publication.date_modified.desc(), Publication.id.desc())
            .limit(ATOM_ENTRIES)
        ).all()
        notes: dict[int, PublicationChange] = {}
        if publications:
            for change in db.session.scalars(
                select(PublicationChange)
                .where(PublicationChange.publication_id.in_([p.id for p in publications]),
                       PublicationChange.kind.in_(("corrected", "updated")))
                .order_by(PublicationChange.created_at, PublicationChange.id)
            ):
                notes[change.publication_id] = change  # the latest one wins
        return render_template(
            "publishing/public/atom.xml", publications=publications, notes=notes, updated=last,
            iso=iso_datetime,
        )

    return _conditional("atom", body, "application/atom+xml")


@feeds_bp.route("/robots.txt")
def robots():
    """Crawlers may read the public site; the sitemap is named with its absolute URL."""
    site_url = current_app.config["SITE_URL"]
    text = f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/sitemap.xml\n"
    response = Response(text, mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@feeds_bp.app_template_filter("xml_text")
def xml_text(value: object) -> str:
    """Text with the characters XML 1.0 cannot hold removed (escaping happens after)."""
    return _XML_INVALID.sub("", "" if value is None else str(value))
