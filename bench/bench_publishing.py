"""Publishing: the ClaimReview DataFeed for 10,000 fact-checks, and public page throughput.

1. The feed. A throw-away SQLite database (built by the real migrations) gets
   N published fact-checks with realistic snapshots; the feed is read through
   the test client chunk by chunk, as a client would. Printed: time, size,
   and the peak of Python allocations (tracemalloc) while streaming, for 1,000
   and 10,000 fact-checks: a streamed feed should peak at about the same
   figure for both (one batch), far under 100 MB.
2. Requests per second. gunicorn (2 sync workers) serves the app on
   127.0.0.1; ``wrk`` (Debian's, another process) loads one public
   fact-check page, then a bare Flask "hello world" under the same gunicorn
   settings, alternately, each for a few seconds; the ratio page / hello is
   printed, and ``/robots.txt`` of the same app (no database, a few bytes) as
   the floor that the app's shared middleware (login gate, rate limiter,
   session, security headers) sets before any page does its own work.
   Without ``wrk`` a bounded Python load loop in a subprocess is used instead.

Loopback only; every server and load run has a time limit.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
import urllib.request
from datetime import date, timedelta
from pathlib import Path

FEED_SIZES = (1_000, 10_000)
LOAD_SECONDS = 5
WARMUP_SECONDS = 1
WORKERS = 2
CONNECTIONS = 8
WRK_THREADS = 1  # one load thread leaves the servers most of the 2 CPUs
ROUNDS = 2


# --- data ---------------------------------------------------------------------------------------


def _settings(instance: Path) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-secret-key",
        "SITE_URL": "https://checks.example.org",
        "ORG_NAME": "Bench Checkers",
        "ORG_URL": "https://checks.example.org",
    }


def _build_database(instance: Path, count: int):
    """A migrated database with ``count`` published fact-checks; returns the app and a slug."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from factcheck import create_app
    from factcheck.claimreview.builder import FactCheck, Rating, build_claim_review
    from factcheck.claims.models import Claim
    from factcheck.extensions import db
    from factcheck.intake.models import Article
    from factcheck.publishing.models import Publication
    from factcheck.publishing.slugs import fact_check_url, slugify
    from factcheck.publishing.snapshot import rating_tone

    os.environ["FACTCHECK_INSTANCE_PATH"] = str(instance)
    app = create_app(_settings(instance))
    with app.app_context():
        upgrade()
        text = "Chinese President Shi Jinping received the Taliban ambassador in Beijing."
        original = text.encode()
        db.session.execute(insert(Article), [{
            "id": 1, "headline": "Bench article", "original": original,
            "original_type": "text/plain", "sha256": hashlib.sha256(original).hexdigest(),
            "text": text}])
        claims, publications = [], []
        start = db.session.get(Article, 1).captured_at
        for number in range(1, count + 1):
            wording = f"Claim number {number} about the Taliban ambassador in Beijing"
            slug = slugify(wording)
            url = fact_check_url(app.config["SITE_URL"], slug)
            moment = start - timedelta(minutes=count - number)
            review = build_claim_review(FactCheck(
                claim_reviewed=wording, rating=Rating("False", 1, 5, 1), url=url,
                date_published=moment, organisation_name="Bench Checkers",
                organisation_url="https://checks.example.org", claimant_name="Example News",
                claim_date=date(2024, 1, 28),
                appearances=("https://news.example.com/russia-taliban",),
                summary="China's president is Xi Jinping, not Shi Jinping.", language="en"))
            claims.append({"id": number, "article_id": 1, "start_offset": 0,
                           "end_offset": len(text), "sentence": text,
                           "claim_reviewed": wording, "state": "published"})
            publications.append({
                "id": number, "claim_id": number, "slug": slug, "state": "published",
                "content_hash": "0" * 64, "rating_label": "False", "date_published": moment,
                "date_modified": moment,
                "snapshot": {
                    "schema": 1, "url": url, "claim_reviewed": wording,
                    "claimant": {"name": "Example News", "url": None},
                    "claim_date": "2024-01-28",
                    "appearance_url": "https://news.example.com/russia-taliban",
                    "first_appearance_url": None,
                    "rating": {"label": "False", "value": 1, "best": 5, "worst": 1,
                               "meaning": "The claim is not accurate.",
                               "tone": rating_tone(1, 5, 1)},
                    "summary": "China's president is Xi Jinping, not Shi Jinping.",
                    "write_up": "The president of China is **Xi Jinping**. " * 20,
                    "sources": [{"url": "https://en.wikipedia.org/wiki/Xi_Jinping",
                                 "title": "Xi Jinping", "publisher": "Wikipedia",
                                 "quote": "", "accessed_on": None, "stance": "contradicts"}],
                    "claim_review": review,
                },
            })
        db.session.execute(insert(Claim), claims)
        db.session.execute(insert(Publication), publications)
        db.session.commit()
        db.engine.dispose()
    return app, publications[-1]["slug"]


# --- 1. the feed --------------------------------------------------------------------------------


def _read_feed(app) -> tuple[int, float]:
    client = app.test_client()
    started = time.perf_counter()
    response = client.get("/feeds/claimreview.json", buffered=False)
    size = 0
    for chunk in response.response:
        size += len(chunk)
    response.close()
    return size, time.perf_counter() - started


def _bench_feed() -> str | None:
    slug = None
    for count in FEED_SIZES:
        with tempfile.TemporaryDirectory(prefix="bench-publishing-") as folder:
            app, slug = _build_database(Path(folder), count)
            _read_feed(app)  # warm: imports, connection pool, statement cache
            size, seconds = _read_feed(app)
            tracemalloc.start()
            tracemalloc.reset_peak()
            _read_feed(app)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"feed  {count:>6} fact-checks  {size / 1e6:6.1f} MB  {seconds:6.2f} s  "
                  f"{count / seconds:8.0f} items/s  peak Python memory {peak / 1e6:5.1f} MB",
                  flush=True)
    return slug


# --- 2. requests per second ---------------------------------------------------------------------

HELLO = textwrap.dedent('''
    from flask import Flask

    app = Flask(__name__)


    @app.route("/")
    def hello():
        return "Hello, World!"
''')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, deadline: float) -> None:
    """Until ``url`` answers 200 (the workers have loaded the app)."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def _serve(target: str, cwd: Path, env: dict, path: str) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on a free loopback port; return it and the URL of ``path``.

    ``--preload`` loads the app once before forking, so both workers are ready
    together and no load run measures a worker still importing the app (the
    app opens no database connection while it is created).
    """
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [str(gunicorn), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--preload", "--log-level", "warning", target],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}{path}"
    try:
        _wait_until_up(url, time.monotonic() + 60)
    except RuntimeError:
        process.kill()
        raise
    return process, url


def _load(url: str, seconds: int) -> float:
    """Requests per second at ``url`` from another process (wrk, else a Python loop)."""
    wrk = shutil.which("wrk")
    if wrk:
        output = subprocess.run(  # noqa: S603
            [wrk, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", url],
            capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if non_2xx:
            raise RuntimeError(f"{non_2xx.group(1)} failed requests at {url}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    loop = textwrap.dedent(f'''
        import concurrent.futures, time, urllib.request
        end = time.monotonic() + {seconds}
        def worker():
            done = 0
            while time.monotonic() < end:
                with urllib.request.urlopen({url!r}, timeout=10) as response:
                    response.read()
                done += 1
            return done
        with concurrent.futures.ThreadPoolExecutor({CONNECTIONS}) as pool:
            total = sum(pool.map(lambda _: worker(), range({CONNECTIONS})))
        print(total / {seconds})
    ''')
    output = subprocess.run([sys.executable, "-c", loop], capture_output=True,  # noqa: S603
                            text=True, timeout=seconds + 60, check=True).stdout
    return float(output.strip())


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _bench_throughput() -> None:
    """Both servers up at once, idle in turn; loaded alternately, ROUNDS times; best kept.

    Alternating and keeping the best of each spreads out the noise of a
    machine that is doing other work at the same time.
    """
    with tempfile.TemporaryDirectory(prefix="bench-publishing-") as folder:
        instance = Path(folder)
        _app, slug = _build_database(instance, 100)
        env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(instance)}
        env.update({f"FACTCHECK_{key}": value for key, value in _settings(instance).items()})
        (instance / "hello_app.py").write_text(HELLO)
        servers = []
        try:
            page_server = _serve("factcheck:create_app()", instance, env, f"/fact-checks/{slug}")
            servers.append(page_server)
            servers.append(_serve("hello_app:app", instance, env, "/"))
            urls = {
                "public fact-check page": page_server[1],
                "robots.txt, same app": page_server[1].split("/fact-checks/")[0] + "/robots.txt",
                "bare Flask hello world": servers[1][1],
            }
            best = dict.fromkeys(urls, 0.0)
            for _round in range(ROUNDS):
                for name, url in urls.items():
                    _load(url, WARMUP_SECONDS)
                    best[name] = max(best[name], _load(url, LOAD_SECONDS))
        finally:
            for process, _url in servers:
                _stop(process)
    tool = f"wrk -t{WRK_THREADS} -c{CONNECTIONS}" if shutil.which("wrk") else \
        f"a Python load loop ({CONNECTIONS} threads)"
    print(f"gunicorn, {WORKERS} sync workers; load from {tool}; best of {ROUNDS} runs of "
          f"{LOAD_SECONDS} s; {os.cpu_count()} CPUs shared with the load generator")
    for name, rps in best.items():
        print(f"{name:<24}{rps:8.0f} requests/s")
    ratio = best["public fact-check page"] / best["bare Flask hello world"]
    floor = best["robots.txt, same app"] / best["bare Flask hello world"]
    print(f"ratio page / hello      {ratio:8.2f}  (expected at least 0.5; the app's own "
          f"middleware alone, robots.txt / hello: {floor:.2f})", flush=True)


def run() -> None:
    """Print the feed figures, then the throughput figures."""
    _bench_feed()
    _bench_throughput()


if __name__ == "__main__":
    run()
