"""Background jobs: jobs per second (no-op and detection) on the SQLite and Redis queues,
and the time from submitting a URL import to its claims being visible.

Run with ``.venv/bin/python -m bench jobs``. A real ``factcheck worker`` (2 threads) runs
against a fresh SQLite database in a temporary folder; Redis is skipped when it is not
running (db 2, queue name ``bench``). Wall-clock times, printed, never asserted.
"""

from __future__ import annotations

import http.server
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

NOOP_JOBS = 200
DETECT_JOBS = 20
SEED = (Path(__file__).resolve().parents[1] / "factcheck" / "demo_data"
        / "seed-article.txt").read_text(encoding="utf-8")
REDIS_URL = os.environ.get("FACTCHECK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


class _Page(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_args):
        pass


def _wait_done(db, job_ids: list[int], timeout: float = 600) -> float:
    from sqlalchemy import func, select

    from factcheck.jobs.models import Job

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        left = db.session.scalar(select(func.count()).where(
            Job.id.in_(job_ids), Job.state.in_(["queued", "running"])))
        db.session.rollback()  # never wait holding SQLite's lock
        if not left:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise RuntimeError("jobs did not finish")


def _backend(name: str, queue_url: str, folder: Path, port: int) -> None:
    from factcheck import create_app
    from factcheck.extensions import db
    from factcheck.intake.operations import import_article, inspection_values
    from factcheck.intake.reading.inspect import inspect_text
    from factcheck.jobs import enqueue, get_queue

    env = {**os.environ, "FACTCHECK_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
           "FACTCHECK_INSTANCE_PATH": str(folder), "FACTCHECK_SECRET_KEY": "bench",
           "FACTCHECK_QUEUE_URL": queue_url, "FACTCHECK_QUEUE_NAME": "bench",
           "FACTCHECK_FETCH_ALLOW_PRIVATE": "1",
           "FACTCHECK_FETCH_ALLOWED_PORTS": f"80,443,{port}"}
    os.environ.update({k: v for k, v in env.items() if k.startswith("FACTCHECK_")})
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        get_queue().huey.flush()
        worker = subprocess.Popen([sys.executable, "-m", "factcheck.cli", "worker", "-c", "2"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            warm = enqueue("jobs.noop", {})
            db.session.commit()
            _wait_done(db, [warm.id])  # the worker is up

            ids = [enqueue("jobs.noop", {}).id for _ in range(NOOP_JOBS)]
            db.session.commit()
            seconds = _wait_done(db, ids)
            print(f"{name:7} no-op jobs:      {NOOP_JOBS / seconds:7.1f} jobs/s "
                  f"({NOOP_JOBS} in {seconds:.2f} s)")

            articles = []
            for n in range(DETECT_JOBS):
                values = inspection_values(inspect_text(f"{SEED}\n\n({name} copy {n})"),
                                           source="text")
                articles.append(import_article(db.session, values, actor=None))
            db.session.commit()
            ids = [enqueue("claims.detect", {}, target=article).id for article in articles]
            db.session.commit()
            seconds = _wait_done(db, ids)
            print(f"{name:7} detection jobs:  {DETECT_JOBS / seconds:7.1f} jobs/s "
                  f"(seed article, {DETECT_JOBS} in {seconds:.2f} s)")
            _url_import(app, db, name, port)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            get_queue().huey.flush()
            db.session.remove()
            db.engine.dispose()


def _url_import(app, db, name: str, port: int) -> None:
    """Submit a URL import, wait for its draft, save it: time until its claims are listed."""
    from factcheck.accounts import operations as accounts
    from factcheck.accounts.models import Role

    email = f"bench-{name}@example.org"
    accounts.create_user(db.session, email=email, name="Bench", role=Role.REVIEWER,
                         password="bench password 123", actor=None)  # noqa: S106
    db.session.commit()
    client = app.test_client()
    # Each request in an app context of its own, as in production: sharing the bench's
    # context would share its session, and its open SQLite transaction would lock out the
    # worker.
    real_open = client.open

    def isolated_open(*args, **kwargs):
        with app.app_context():
            return real_open(*args, **kwargs)

    client.open = isolated_open
    client.post("/login", data={"email": email, "password": "bench password 123"})
    _Page.body = ("<html><head><title>Seed</title></head><body><article><h1>Seed</h1>"
                  + "".join(f"<p>{p}</p>" for p in SEED.split("\n\n"))
                  + f"<p>{name}</p></article></body></html>").encode()
    start = time.perf_counter()
    job_page = client.post("/articles/new?tab=url",
                           data={"url": f"http://127.0.0.1:{port}/{name}"}).headers["Location"]
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        response = client.get(job_page)
        if response.status_code == 302:
            break
        time.sleep(0.5)  # as the page polls (every second); faster only starves SQLite's lock
    else:
        print(f"{name:7} URL import:      did not finish: "
              + re.sub(r"\s+", " ", response.get_data(as_text=True))[-300:])
        return
    drafted = time.perf_counter() - start
    review = response.headers["Location"]
    saved = client.post(review, data={"headline": "Seed"})
    article_page = client.get(saved.headers["Location"]).get_data(as_text=True)
    total = time.perf_counter() - start
    claims = len(re.findall(r'id="claim-\d+"', article_page))
    print(f"{name:7} URL import:      draft ready in {drafted:.2f} s, "
          f"{claims} claims visible after {total:.2f} s (submit → fetch job → save)")


def run() -> None:
    """Print the figures for each backend."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    saved_env = dict(os.environ)
    try:
        backends = [("sqlite", None), ("redis", REDIS_URL)]
        for name, url in backends:
            if name == "redis" and not _redis_up():
                print("redis   skipped: Redis is not running on 127.0.0.1:6379")
                continue
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                subprocess.run([sys.executable, "-m", "factcheck.cli", "db", "upgrade"],
                               env={**os.environ,
                                    "FACTCHECK_DATABASE_URL":
                                        f"sqlite:///{folder / 'bench.sqlite3'}",
                                    "FACTCHECK_INSTANCE_PATH": str(folder)},
                               check=True, capture_output=True)
                _backend(name, url or f"sqlite:///{folder / 'queue.sqlite3'}", folder, port)
                os.environ.clear()
                os.environ.update(saved_env)
    finally:
        server.shutdown()
