"""Import time and peak memory of a known fact-checks DataFeed (generated here, never committed).

Each size is imported by a fresh child process into a fresh, migrated SQLite
database (``FACTCHECK_BENCH_DATABASE_URL`` names another, e.g. PostgreSQL,
which is emptied first), so its peak RSS is the import's own. Flat memory
means the 10,000-item peak stays near the 1,000-item one: the feed is read by
ijson one item at a time, spooled to a temporary file, and stored in batches.
A second run of the same feed measures a re-import (every item unchanged).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1_000, 10_000)


def write_feed(path: Path, count: int) -> None:
    """A DataFeed of ``count`` ClaimReviews shaped like real ones (about 1 kB each)."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"@context": "https://schema.org", "@type": "DataFeed", '
                  '"name": "Bench feed", "dataFeedElement": [')
        for number in range(count):
            review = {
                "@type": "ClaimReview",
                "url": f"https://bench.example/fact-checks/{number}",
                "claimReviewed": f"Claim number {number}: the minister said unemployment fell "
                                 f"by {number % 17} percent in {2000 + number % 24}",
                "datePublished": f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}",
                "author": {"@type": "Organization", "name": f"Checker {number % 40}",
                           "url": f"https://checker{number % 40}.example/"},
                "reviewRating": {"@type": "Rating", "ratingValue": 1 + number % 5,
                                 "bestRating": 5, "worstRating": 1,
                                 "alternateName": ["False", "Mostly false", "Half true",
                                                   "Mostly true", "True"][number % 5]},
                "itemReviewed": {"@type": "Claim", "datePublished": "2024-01-01",
                                 "author": {"@type": "Person", "name": f"Person {number % 300}"},
                                 "appearance": [{"@type": "CreativeWork",
                                                 "url": f"https://social.example/p/{number}"}]},
            }
            item = {"@type": "DataFeedItem", "dateCreated": "2024-01-01T00:00:00Z",
                    "url": review["url"], "item": [review]}
            out.write(("," if number else "") + json.dumps(item))
        out.write("]}")


def _child(feed: str, database_url: str) -> None:
    """Import ``feed`` twice into ``database_url``; print one JSON line of figures."""
    from flask_migrate import upgrade

    from factcheck import create_app
    from factcheck.extensions import db
    from factcheck.factchecks.importing import ReadSettings, import_source

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("DELETE FROM known_fact_checks"))
            db.session.commit()
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        first = import_source(db.session, feed, settings=ReadSettings())
        first_time = time.perf_counter() - start
        start = time.perf_counter()
        second = import_source(db.session, feed, settings=ReadSettings())
        second_time = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"added": first.added, "unchanged": second.unchanged,
                          "first": first_time, "second": second_time,
                          "baseline_kb": baseline, "peak_kb": peak,
                          "engine": db.engine.dialect.name}))


def run() -> None:
    """Print import time and peak memory for each size."""
    print(f"{'items':>7}{'engine':>12}{'import s':>10}{'items/s':>9}{'re-import s':>13}"
          f"{'peak MB':>9}{'over start MB':>15}")
    with tempfile.TemporaryDirectory(prefix="fc-bench-") as folder:
        for count in SIZES:
            feed = Path(folder) / f"feed-{count}.json"
            write_feed(feed, count)
            url = os.environ.get("FACTCHECK_BENCH_DATABASE_URL") or \
                f"sqlite:///{Path(folder) / f'bench-{count}.sqlite3'}"
            env = {**os.environ, "FACTCHECK_INSTANCE_PATH": folder}
            done = subprocess.run(  # noqa: S603 (this module, fixed arguments)
                [sys.executable, "-m", "bench.bench_factchecks_import", str(feed), url],
                capture_output=True, text=True, check=True, env=env,
                cwd=Path(__file__).resolve().parents[1])
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            assert figures["added"] == count, figures
            assert figures["unchanged"] == count, figures
            print(f"{count:>7}{figures['engine']:>12}{figures['first']:>10.1f}"
                  f"{count / figures['first']:>9.0f}{figures['second']:>13.1f}"
                  f"{figures['peak_kb'] / 1024:>9.0f}"
                  f"{(figures['peak_kb'] - figures['baseline_kb']) / 1024:>15.1f}")
            feed.unlink()
    print("(memory is flat when the 10,000-item row's peak is close to the 1,000-item one)")


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
