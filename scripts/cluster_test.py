"""``make cluster-test``: the desk as several processes on several "machines", under load.

PostgreSQL, Redis, two gunicorn app servers on different ports and two job
workers. A bounded Python load client plays reviewers, editors and readers for
``CLUSTER_SECONDS`` (60): text and URL imports (from a local test server),
triage, metadata and claim-wording edits with versions, submit, approve,
publishing, public pages and feeds; each client alternates between the
servers. Reviewers research the claims assigned to them (reword, submit);
editors read the approval page and approve the content hash shown there, then
publish: every step goes through HTTP, as a person would. Mid-run one worker
and one app server are killed (SIGKILL) and started again. Then it checks and
prints requests per second and p95 per kind, errors, every job done exactly
once, every 409 accounted for, audit rows matching changes (imports, metadata
and wording edits, submits, approvals, publications), the login limit across
both servers and the public pages across servers. Exit status 0 only if all
hold.

Needs PostgreSQL at 127.0.0.1:5432 (user postgres) and Redis at
127.0.0.1:6379 (``CLUSTER_REDIS_URL``, default db 2).
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("CLUSTER_SECONDS", 60))
LEASE_SECONDS = 20  # the workers' job lease here (FACTCHECK_JOB_LEASE_SECONDS)
# How long a job may wait, by the queue's own rules, when its message was taken by the
# killed worker before it claimed the job: it is dispatched again at the first minute
# tick after twice the lease (jobs/queue.py, recover). Plus time to fetch and detect.
URL_IMPORT_WAIT = 2 * LEASE_SECONDS + 60 + 30
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/2")
PG = os.environ.get("CLUSTER_PG", "postgresql://postgres@127.0.0.1:5432")
PASSWORD = "cluster password 1234"  # noqa: S105  (a throwaway database)
SEED = (ROOT / "factcheck" / "demo_data" / "seed-article.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p for p in SEED.split("\n\n") if p.strip()]
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
# The approve form on the approval page: the version and content hash the editor saw.
APPROVE_FORM = re.compile(r'action="/claims/\d+/approve">.*?name="version" value="(\d+)".*?'
                          r'name="content_hash" value="([0-9a-f]+)"', re.S)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the local "newspaper" the URL imports fetch from -------------------------------------------


class Newspaper(BaseHTTPRequestHandler):
    def do_GET(self):
        name = self.path.strip("/")
        paragraphs = random.Random(name).sample(PARAGRAPHS, k=min(3, len(PARAGRAPHS)))
        body = ("<html><head><title>Story " + name + "</title></head><body><article><h1>Story "
                + name + "</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs)
                + f"<p>Reference {name}.</p></article></body></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


# --- processes ----------------------------------------------------------------------------------


class Cluster:
    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder = env, folder
        self.ports = [free_port(), free_port()]
        self.web: list[subprocess.Popen | None] = [None, None]
        self.workers: list[subprocess.Popen | None] = [None, None]

    def _spawn(self, argv: list[str], log: str) -> subprocess.Popen:
        with (self.folder / log).open("ab") as out:
            return subprocess.Popen(argv, env=self.env, stdout=out, stderr=out,
                                    start_new_session=True)

    def start_web(self, i: int) -> None:
        self.web[i] = self._spawn(
            [str(BIN / "gunicorn"), "--workers", "2", "--threads", "4", "--bind",
             f"127.0.0.1:{self.ports[i]}", "--graceful-timeout", "5", "factcheck:create_app()"],
            f"web{i}.log")

    def start_worker(self, i: int) -> None:
        self.workers[i] = self._spawn(
            [sys.executable, "-m", "factcheck.cli", "worker", "-c", "2"], f"worker{i}.log")

    @staticmethod
    def kill(process: subprocess.Popen | None) -> None:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def wait_up(self, i: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.ports[i]}/health",
                                timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"app server {i} did not start; see {self.folder}/web{i}.log")

    def stop_all(self) -> None:
        for process in [*self.web, *self.workers]:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.web, *self.workers]:
            if process is not None:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.kill(process)


# --- the load client ----------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.retried = 0
        self.conflicts: list[tuple[str, int, int]] = []  # (kind, object id, seen version)
        self.edits_ok: dict[int, int] = defaultdict(int)
        self.wording_ok: dict[int, int] = defaultdict(int)  # claim id -> saved wording edits
        self.submitted: list[int] = []
        self.approved: list[int] = []
        self.transitions_ok = 0
        self.published: list[int] = []
        self.url_jobs: list[str] = []
        self.url_jobs_in_flight: set[str] = set()  # submitted again after a cut-off first try
        self.in_flight_repeats: list[str] = []
        # (request kind, object id) -> saves whose first try was cut off by the killed
        # server and whose retry met a newer version: the first try may have been stored.
        self.maybe_saved: Counter = Counter()

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)


class Client:
    """One person: a session, alternating between the two app servers."""

    def __init__(self, cluster: Cluster, stats: Stats, email: str | None) -> None:
        self.cluster, self.stats = cluster, stats
        self.http = requests.Session()
        self.turn = random.randrange(2)
        self.token = ""
        self.email = email
        if email:
            page = self.request("login page", "GET", "/login")
            self.token = CSRF.search(page.text)[1]
            response = self.request("login", "POST", "/login",
                                    data={"email": email, "password": PASSWORD,
                                          "csrf_token": self.token})
            assert response.status_code == 302, response.status_code
            self.token = CSRF.search(self.request("desk", "GET", "/").text)[1]

    def request(self, kind: str, method: str, path: str, *, expect=(200, 302),
                **kwargs) -> requests.Response:
        """Send to the next server; a refused connection (a killed server) goes to the other."""
        in_flight = False
        for attempt in range(4):
            port = self.cluster.ports[self.turn]
            self.turn = 1 - self.turn
            start = time.perf_counter()
            try:
                response = self.http.request(method, f"http://127.0.0.1:{port}{path}",
                                             allow_redirects=False, timeout=60, **kwargs)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
                # Refused (the server is down) or cut off mid-answer (killed in flight).
                in_flight = in_flight or not isinstance(error, requests.ConnectionError) \
                    or "Connection refused" not in str(error)
                with self.stats.lock:
                    self.stats.retried += 1
                time.sleep(0.1 * attempt)
                continue
            self.stats.add(kind, time.perf_counter() - start)
            response.in_flight = in_flight  # the first try may have been stored
            if response.status_code not in expect:
                with self.stats.lock:
                    if in_flight and (response.status_code in (400, 409) or (
                            kind == "save import" and response.status_code == 404)):
                        # The killed server may have stored the first try: the retry then
                        # meets its own change (a duplicate import, a newer version, or
                        # its draft already saved: only this client held the draft's
                        # token). The article counts below check it was stored once.
                        self.stats.in_flight_repeats.append(f"{kind} {path}")
                    else:
                        self.stats.errors.append(
                            f"{kind} {method} {path}: {response.status_code}"
                            f"{' (in flight first)' if in_flight else ''} {_said(response)}")
            return response
        raise RuntimeError(f"{kind}: both servers refused")

    def post(self, kind: str, path: str, data: dict, **kwargs) -> requests.Response:
        return self.request(kind, "POST", path, data={**data, "csrf_token": self.token},
                            **kwargs)


def _said(response: requests.Response) -> str:
    """What an unexpected answer told the user (its refusal and first findings), in brief."""
    text = re.sub(r"<[^>]+>", " ", response.text)
    found = re.search(r"Not published\.(.{0,400})", text, re.S) or re.search(
        r"<title>(.*?)</title>", response.text, re.S)
    return " ".join(found[1].split())[:400] if found else ""


def _conflict_or(client: Client, response, table: str, object_id: int, version: int,
                 ok: list | dict, kind: str) -> None:
    """Count a save (302) or a real conflict (409) of ``object_id`` seen at ``version``.

    A 409 after a try cut off by the killed server may be the retry meeting its
    own first try: that save is counted as maybe stored.
    """
    with client.stats.lock:
        if response.status_code == 409:
            client.stats.conflicts.append((table, object_id, version))
            if response.in_flight:
                client.stats.maybe_saved[(kind, object_id)] += 1
        elif response.status_code == 302:
            if isinstance(ok, dict):
                ok[object_id] += 1
            else:
                ok.append(object_id)


def research_step(client: Client, db_read) -> None:
    """Work on one's own claim in research: change its wording, or submit it."""
    found = db_read("SELECT c.id, c.version FROM claims c JOIN users u ON u.id = c.assignee_id "
                    f"WHERE c.state = 'in_research' AND u.email = '{client.email}' "
                    "ORDER BY random() LIMIT 1")
    if not found:
        return
    claim_id, version = found[0]
    if random.random() < 0.6:
        response = client.post("edit wording", f"/claims/{claim_id}/wording",
                               {"claim_reviewed": f"Claim {claim_id}, reworded "
                                                  f"{uuid.uuid4().hex[:8]}",
                                "version": version}, expect=(302, 409))
        _conflict_or(client, response, "claims", claim_id, version, client.stats.wording_ok,
                     "edit wording")
    else:
        response = client.post("submit", f"/claims/{claim_id}/move/submit",
                               {"version": version}, expect=(302, 409))
        _conflict_or(client, response, "claims", claim_id, version, client.stats.submitted,
                     "submit")


def reviewer_step(client: Client, db_read, newspaper: str) -> None:
    action = random.choice(["text", "url", "triage", "triage", "edit", "edit",
                            "research", "research"])
    if action == "research":
        research_step(client, db_read)
        return
    if action == "text":
        text = "\n\n".join(random.sample(PARAGRAPHS, k=2)) + f"\n\nNote {uuid.uuid4()}."
        review = client.post("import text", "/articles/new?tab=text",
                             {"text": text, "title": "Pasted"}).headers["Location"]
        client.post("save import", review, {"headline": "Pasted story"})
    elif action == "url":
        url = f"{newspaper}/{uuid.uuid4().hex}"
        with client.stats.lock:
            client.stats.url_jobs.append(url)
        submitted = client.post("import url", "/articles/new?tab=url", {"url": url})
        if submitted.in_flight:  # the killed server may have queued the first try's job too
            with client.stats.lock:
                client.stats.url_jobs_in_flight.add(url)
        job_page = submitted.headers["Location"]
        deadline = time.monotonic() + URL_IMPORT_WAIT
        while time.monotonic() < deadline:
            response = client.request("job page", "GET", job_page)
            if response.status_code == 302:
                client.post("save import", response.headers["Location"],
                            {"headline": "Fetched story"})
                return
            time.sleep(1.0)  # the page's own polling interval
        with client.stats.lock:
            client.stats.errors.append(f"URL import {url} not ready after {URL_IMPORT_WAIT} s")
    elif action == "triage":
        found = db_read("SELECT id, version FROM claims WHERE state = 'detected' "
                        "ORDER BY random() LIMIT 1")
        if found:
            claim_id, version = found[0]
            response = client.post("triage", f"/triage/claims/{claim_id}/state/mark_checkable",
                                   {"version": version, "next": "/claims"},
                                   expect=(200, 302, 409))
            with client.stats.lock:
                if response.status_code == 409:
                    client.stats.conflicts.append(("claims", claim_id, version))
                else:
                    client.stats.transitions_ok += 1
    else:
        # A few "hot" articles, so that editors collide on purpose.
        found = db_read("SELECT id, version FROM articles ORDER BY id LIMIT 3")
        if found:
            article_id, version = random.choice(found)
            response = client.post("edit metadata", f"/articles/{article_id}/edit",
                                    {"headline": f"Edited {uuid.uuid4().hex[:8]}",
                                     "version": version, "language": "en"},
                                    expect=(302, 409))
            with client.stats.lock:
                if response.status_code == 409:
                    client.stats.conflicts.append(("articles", article_id, version))
                else:
                    client.stats.edits_ok[article_id] += 1


def approve_step(client: Client, claim_id: int) -> None:
    """Read the approval page as an editor would, and approve the content shown there."""
    page = client.request("approval page", "GET", f"/claims/{claim_id}/approval")
    form = APPROVE_FORM.search(page.text)
    if form is None:  # approved or sent on by the other editor meanwhile
        return
    version = int(form[1])
    response = client.post("approve", f"/claims/{claim_id}/approve",
                           {"version": version, "content_hash": form[2]}, expect=(302, 409))
    _conflict_or(client, response, "claims", claim_id, version, client.stats.approved,
                 "approve")


def editor_step(client: Client, db_read) -> None:
    waiting = db_read("SELECT id FROM claims WHERE state = 'submitted' ORDER BY random() LIMIT 1")
    if waiting and random.random() < 0.5:
        approve_step(client, waiting[0][0])
        return
    found = db_read("SELECT id, version FROM claims WHERE state = 'approved' "
                    "ORDER BY id LIMIT 2")
    if not found:
        client.request("publishing list", "GET", "/publishing")
        time.sleep(0.5)  # nothing left to publish: an editor reads the list now and then
        return
    claim_id, version = random.choice(found)
    response = client.post("publish", f"/publishing/claims/{claim_id}/publish",
                           # Its verdicts are random: one may differ from a matched published
                           # copy's, which publishing refuses (422) without a recorded reason.
                           {"version": version, "change_kind": "corrected",
                            "conflict_reason": "Load test: verdicts are chosen at random."},
                           expect=(302, 409))
    with client.stats.lock:
        if response.status_code == 409:
            client.stats.conflicts.append(("claims", claim_id, version))
        elif response.status_code == 302:
            client.stats.published.append(claim_id)


def reader_step(client: Client, db_read) -> None:
    slugs = db_read("SELECT slug FROM publications ORDER BY random() LIMIT 1")
    paths = ["/fact-checks", "/feeds/claimreview.json", "/feeds/fact-checks.atom",
             "/sitemap.xml"]
    if slugs:
        paths.append(f"/fact-checks/{slugs[0][0]}")
    path = random.choice(paths)
    client.request("public " + path.split("/")[1].split(".")[0], "GET", path)


# --- set-up and checks --------------------------------------------------------------------------


def main() -> int:
    import psycopg

    run_id = f"{os.getpid()}"
    database = f"fc_cluster_{run_id}"
    folder = Path(os.environ.get("CLUSTER_DIR", f"/tmp/factcheck-cluster-{run_id}"))
    folder.mkdir(parents=True, exist_ok=True)
    admin = psycopg.connect(f"{PG}/postgres", autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {database}")
    admin.execute(f"CREATE DATABASE {database}")
    newspaper = ThreadingHTTPServer(("127.0.0.1", 0), Newspaper)
    threading.Thread(target=newspaper.serve_forever, daemon=True).start()
    env = {**os.environ,
           "FACTCHECK_DATABASE_URL": f"{PG}/{database}",
           "FACTCHECK_QUEUE_URL": REDIS_URL, "FACTCHECK_QUEUE_NAME": f"cluster-{run_id}",
           "FACTCHECK_RATELIMIT_STORAGE_URI": REDIS_URL,
           "FACTCHECK_SECRET_KEY": uuid.uuid4().hex, "FACTCHECK_INSTANCE_PATH": str(folder),
           "FACTCHECK_SITE_URL": "http://127.0.0.1", "FACTCHECK_FETCH_ALLOW_PRIVATE": "1",
           "FACTCHECK_FETCH_ALLOWED_PORTS": f"80,443,{newspaper.server_address[1]}",
           "FACTCHECK_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
           "FACTCHECK_JOB_RETRY_DELAY_SECONDS": "1"}
    os.environ.update({k: v for k, v in env.items() if k.startswith("FACTCHECK_")})
    cluster = Cluster(env, folder)
    stats = Stats()
    try:
        subprocess.run([sys.executable, "-m", "factcheck.cli", "db", "upgrade"], env=env,
                       check=True, capture_output=True)
        emails = seed(database)
        for i in (0, 1):
            cluster.start_web(i)
            cluster.start_worker(i)
        for i in (0, 1):
            cluster.wait_up(i)
        print(f"cluster: app servers on {cluster.ports}, 2 workers, PostgreSQL {database}, "
              f"Redis {REDIS_URL}; load for {SECONDS:.0f} s", flush=True)
        reader = psycopg.connect(f"{PG}/{database}", autocommit=True)
        read_lock = threading.Lock()

        def db_read(sql: str):
            with read_lock:
                return reader.execute(sql).fetchall()

        started = time.monotonic()
        stop = threading.Event()
        paper = f"http://127.0.0.1:{newspaper.server_address[1]}"

        def play(role: str, email: str | None) -> None:
            client = Client(cluster, stats, email)
            while not stop.is_set():
                try:
                    if role == "reviewer":
                        reviewer_step(client, db_read, paper)
                    elif role == "editor":
                        editor_step(client, db_read)
                    else:
                        reader_step(client, db_read)
                except Exception as error:  # counted, never hidden
                    with stats.lock:
                        stats.errors.append(f"{role}: {type(error).__name__}: {error}")

        players = ([("reviewer", e) for e in emails["reviewer"]]
                   + [("editor", e) for e in emails["editor"]] + [("reader", None)] * 2)
        threads = [threading.Thread(target=play, args=p, daemon=True) for p in players]
        for thread in threads:
            thread.start()
        time.sleep(SECONDS / 3)
        print(f"t={time.monotonic() - started:.0f}s: killing worker 0 and app server 0",
              flush=True)
        cluster.kill(cluster.workers[0])
        cluster.kill(cluster.web[0])
        time.sleep(SECONDS / 6)
        print(f"t={time.monotonic() - started:.0f}s: starting them again", flush=True)
        cluster.start_worker(0)
        cluster.start_web(0)
        time.sleep(max(0.0, SECONDS - (time.monotonic() - started)))
        stop.set()
        for thread in threads:
            thread.join(timeout=URL_IMPORT_WAIT + 30)
        elapsed = time.monotonic() - started
        return check(stats, elapsed, db_read, cluster, emails)
    finally:
        cluster.stop_all()
        newspaper.shutdown()
        try:
            from factcheck import create_app
            from factcheck.jobs import get_queue

            with create_app().app_context():
                get_queue().huey.flush()
        except Exception as error:
            print(f"(queue not flushed: {error})")
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def seed(database: str) -> dict[str, list[str]]:
    """Users, and approved claims for the editors to publish (as the review would leave them)."""
    from factcheck import create_app
    from factcheck.accounts import operations as accounts
    from factcheck.accounts.models import Role
    from factcheck.extensions import db
    from tests.publishing_web.publishing_factory import make_claim, publish

    app = create_app()
    emails: dict[str, list[str]] = {"reviewer": [], "editor": []}
    with app.app_context():
        users = {}
        for role, count in (("reviewer", 3), ("editor", 2)):
            for n in range(count):
                email = f"{role}{n}@cluster.example"
                users[email] = accounts.create_user(db.session, email=email, name=email,
                                                    role=Role(role), password=PASSWORD,
                                                    actor=None)
                emails[role].append(email)
        accounts.create_user(db.session, email="limit@cluster.example", name="Limit",
                             role=Role.REVIEWER, password=PASSWORD, actor=None)
        db.session.commit()
        reviewer, editor = users[emails["reviewer"][0]], users[emails["editor"][0]]
        for n in range(20):
            make_claim(reviewer=reviewer, editor=editor,
                       wording=f"Claim {n} for the cluster run, checked and approved")
        # Claims in research, each with its reviewer's sources and verdict, ready to be
        # reworded and submitted through the desk, then approved and published there.
        for email in emails["reviewer"]:
            for n in range(8):
                make_claim(reviewer=users[email], state="in_research", approve=False,
                           wording=f"Claim {n} researched by {email}")
        publish(make_claim(reviewer=reviewer, editor=editor, wording="Already published"),
                editor)
        os.environ["CLUSTER_SEEDED_ARTICLES"] = str(db.session.scalar(
            db.select(db.func.count()).select_from(db.metadata.tables["articles"])))
        db.session.remove()
        db.engine.dispose()
    return emails


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def check(stats: Stats, elapsed: float, db_read, cluster: Cluster, emails) -> int:
    failures: list[str] = []
    total = sum(len(v) for v in stats.times.values())
    print(f"\n{total} requests in {elapsed:.0f} s ({total / elapsed:.1f} req/s); "
          f"{stats.retried} refused by the killed server and retried on the other")
    print(f"{'kind':22} {'count':>6} {'req/s':>7} {'p95 ms':>8}")
    for kind in sorted(stats.times):
        values = stats.times[kind]
        print(f"{kind:22} {len(values):6d} {len(values) / elapsed:7.2f} "
              f"{p95(values) * 1000:8.0f}")
    print(f"errors: {len(stats.errors)} (in-flight requests of the killed server, retried and "
          f"meeting their own first try: {len(stats.in_flight_repeats)})")
    for error in stats.errors[:20]:
        print("  ", error)
    if stats.errors:
        failures.append(f"{len(stats.errors)} errors")

    # Every job done, exactly once.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        left = db_read("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')")[0][0]
        if not left:
            break
        time.sleep(1)
    states = dict(db_read("SELECT state, count(*) FROM jobs GROUP BY state"))
    retried = db_read("SELECT count(*) FROM jobs WHERE attempts > 1")[0][0]
    print(f"jobs: {states} ({retried} ran again after a worker was killed or failed once)")
    if set(states) - {"done"}:
        failures.append(f"jobs not all done: {states}")
        for row in db_read("SELECT id, kind, state, substr(error, 1, 200) FROM jobs "
                           "WHERE state != 'done' LIMIT 5"):
            print("  ", row)
    url_jobs = db_read("SELECT payload->>'url', count(*) FROM jobs "
                       "WHERE kind = 'intake.fetch_url' GROUP BY 1")
    # A submission cut off by the killed server and sent again may have queued two jobs
    # (an import form has no idempotency key yet); each job must still store once.
    duplicated = [url for url, count in url_jobs
                  if count != 1 and not (count == 2 and url in stats.url_jobs_in_flight)]
    stored = dict(db_read(
        "SELECT source_url, count(*) FROM (SELECT source_url FROM import_drafts UNION ALL "
        "SELECT source_url FROM articles WHERE source_url IS NOT NULL) AS s GROUP BY 1"))
    missing = [url for url, count in url_jobs if stored.get(url, 0) != count]
    print(f"URL imports: {len(url_jobs)} jobs, each stored once: {not duplicated and not missing}")
    if duplicated or missing:
        failures.append(f"URL imports stored not exactly once: {(duplicated + missing)[:5]}")
    detected = (db_read("SELECT count(*) FROM articles")[0][0]
                - int(os.environ["CLUSTER_SEEDED_ARTICLES"]))
    detections = db_read("SELECT count(*) FROM audit_records "
                         "WHERE action = 'article.claims_detected'")[0][0]
    imported = db_read("SELECT count(*) FROM audit_records "
                       "WHERE action = 'article.imported'")[0][0]
    # One answer per save (a try cut off in flight gives none; its retry gives one: a
    # redirect if the first try was lost, a 404 if it was stored): one article each.
    saves = len(stats.times["save import"])
    print(f"imported articles: {detected} for {saves} saves; audit 'article.imported' "
          f"{imported}, 'article.claims_detected' {detections}")
    if not (saves == detected == imported == detections):
        failures.append("saves, articles and their audit records differ")

    # Every 409 accounted for: the object really had moved past the version the user saw.
    unexplained = []
    for table, object_id, seen in stats.conflicts:
        current = db_read(f"SELECT version FROM {table} WHERE id = {int(object_id)}")
        if not current or current[0][0] <= seen:
            unexplained.append((table, object_id, seen))
    print(f"409 answers: {len(stats.conflicts)}, each a real conflict: {not unexplained}")
    if unexplained:
        failures.append(f"409s without a newer version: {unexplained[:5]}")
    # No lost update: each successful edit is one audit row and one version step.
    for article_id, ok in stats.edits_ok.items():
        version = db_read(f"SELECT version FROM articles WHERE id = {int(article_id)}")[0][0]
        audits = db_read("SELECT count(*) FROM audit_records WHERE action = "
                         f"'article.metadata_edited' AND object_id = {int(article_id)}")[0][0]
        if not (audits == version - 1 >= ok):
            failures.append(f"article {article_id}: {ok} edits, {audits} audits, v{version}")
    print(f"metadata edits: {sum(stats.edits_ok.values())} saved, audit rows and versions agree: "
          f"{not any(f.startswith('article ') for f in failures)}")
    # Research through the desk: each saved wording, submit and approval is one audit row.
    # A save cut off by the killed server and met by its own retry (409) may be stored once:
    # those are allowed for, and only those.
    def maybe(kind: str, object_id: int | None = None) -> int:
        return sum(n for (k, o), n in stats.maybe_saved.items()
                   if k == kind and object_id in (None, o))

    for action, kind, saved in (("claim.edit_wording", "edit wording",
                                 sum(stats.wording_ok.values())),
                                ("claim.submit", "submit", len(stats.submitted)),
                                ("approval.approved", "approve", len(stats.approved))):
        rows = db_read(f"SELECT count(*) FROM audit_records WHERE action = '{action}'")[0][0]
        print(f"{action}: {saved} saved through the desk, {rows} audit rows "
              f"({maybe(kind)} cut off by the killed server, maybe stored)")
        if not saved <= rows <= saved + maybe(kind):
            failures.append(f"{action}: {saved} saves but {rows} audit rows")
    for claim_id, ok in stats.wording_ok.items():
        audits = db_read("SELECT count(*) FROM audit_records WHERE action = "
                         f"'claim.edit_wording' AND object_id = {int(claim_id)}")[0][0]
        if not ok <= audits <= ok + maybe("edit wording", claim_id):
            failures.append(f"claim {claim_id}: {ok} wording edits, {audits} audit rows")
    if not (stats.submitted and stats.approved):
        failures.append(f"the load submitted {len(stats.submitted)} and approved "
                        f"{len(stats.approved)} claims: both must happen")
    published = db_read("SELECT count(*) FROM publications")[0][0]
    print(f"published: {len(stats.published)} by editors (+1 seeded), "
          f"{published} publications")
    if published != len(set(stats.published)) + 1:
        failures.append("publications do not match successful publishes")

    # Login limits across both servers: 10 failures per minute for one account, in total.
    client = Client(cluster, stats, None)
    token = CSRF.search(client.request("login page", "GET", "/login").text)[1]
    codes = [client.request("login limit", "POST", "/login", expect=(200, 429),
                            data={"email": "limit@cluster.example", "password": "wrong one",
                                  "csrf_token": token}).status_code for _ in range(12)]
    print(f"login limit across servers: {codes}")
    if codes[:10] != [200] * 10 or codes[10:] != [429, 429]:
        failures.append(f"login limit not shared: {codes}")

    # Public pages across servers: every publication is served by both.
    slugs = [row[0] for row in db_read("SELECT slug FROM publications")]
    for port in cluster.ports:
        for slug in slugs:
            status = requests.get(f"http://127.0.0.1:{port}/fact-checks/{slug}",
                                  timeout=10).status_code
            if status != 200:
                failures.append(f"{slug} is {status} on port {port}")
    print(f"public pages: {len(slugs)} fact-checks served by both servers: "
          f"{not any(' on port ' in f for f in failures)}")
    print("\nCLUSTER TEST " + ("PASSED" if not failures else "FAILED: " + "; ".join(failures)))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
