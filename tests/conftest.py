"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from factcheck import create_app
from factcheck.accounts import operations as account_operations
from factcheck.accounts.models import Role, User
from factcheck.extensions import db
from tests.live_server import serve_in_thread

REPO_ROOT = Path(__file__).resolve().parents[1]

# Property tests check behaviour, not speed: on a busy 2-core machine (CI runs
# the suite beside other work) Hypothesis' "too slow" health check and its
# per-example deadline fail tests that are correct.
settings.register_profile(
    "factcheck", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("factcheck")
# The suite's own small fixtures (pages, feeds, labelled sentences), written for it.
FIXTURES = REPO_ROOT / "tests" / "fixtures"
SHARED_DIR = Path(os.environ.get("FACTCHECK_SHARED_DIR", REPO_ROOT.parent / "shared"))


def _shared_required() -> bool:
    """In CI (or with FACTCHECK_REQUIRE_SHARED) a missing shared folder fails; else it skips."""
    return bool(os.environ.get("CI") or os.environ.get("FACTCHECK_REQUIRE_SHARED"))


SHARED_MISSING_REASON = (
    f"needs the shared folder at {SHARED_DIR} (outside corpora); "
    "set FACTCHECK_SHARED_DIR to use another place"
)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``shared`` read outside corpora: skip them when the folder is absent.

    A newcomer's clone has no ``../shared`` beside it and must still pass; CI
    always has it, so there a missing folder is a failure, never a skip.
    """
    if (SHARED_DIR / "fixtures" / "pages").is_dir() or _shared_required():
        return
    skip = pytest.mark.skip(reason=SHARED_MISSING_REASON)
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


def require_redis() -> None:
    """Redis at 127.0.0.1:6379, or a skip with the reason (a failure in CI, which starts it)."""
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return
    except OSError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared folder (outside corpora: real pages, ClaimBuster, CLEF).

    Only tests marked ``shared`` may use it; without the folder they are
    skipped at collection (see above), and in CI a missing folder fails.
    """
    if not (SHARED_DIR / "fixtures" / "pages").is_dir():
        if _shared_required():
            pytest.fail(f"shared folder not found at {SHARED_DIR}; set FACTCHECK_SHARED_DIR")
        pytest.skip(SHARED_MISSING_REASON)
    return SHARED_DIR


# --- The application and its database ---------------------------------------------------------
#
# The schema is built once per run by the real migrations (never create_all),
# on SQLite by default or on the database FACTCHECK_DATABASE_URL names (CI runs
# the suite again on PostgreSQL). Each test gets a fresh app; afterwards every
# table is emptied, so tests never see each other's rows.


TEST_PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """Hash test passwords with tiny argon2id parameters: the suite creates hundreds.

    The production parameters are tested on their own in test_passwords.py.
    """
    from argon2 import PasswordHasher

    from factcheck.accounts import passwords

    production = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords._hasher = production


@pytest.fixture(scope="session")
def suite_database_url(tmp_path_factory) -> str:
    """The database the suite runs on, migrated to the newest revision."""
    url = os.environ.get("FACTCHECK_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )
    _migrate(url)
    return url


def _migrate(url: str) -> None:
    from flask_migrate import downgrade, upgrade

    app = create_app(_test_settings(url))
    with app.app_context():
        downgrade(revision="base")  # a database left over from an earlier run
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(suite_database_url) -> str:
    """The database ``app`` uses; matching's modules also run on pgvector (VECTOR_BACKENDS)."""
    return suite_database_url


@pytest.fixture(scope="session")
def pgvector_database_url() -> Iterator[str]:
    """A migrated database on a private PostgreSQL with pgvector (tests/pgvector_server.py).

    Started once per run, on a Unix socket in a temporary folder, and removed
    at the end. Where it cannot run it is a skip with the reason, and in CI a
    failure: CI installs the dev extra, so the pgvector path is always tested there.
    """
    from tests import pgvector_server

    reason = pgvector_server.unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the pgvector tests must run in CI: {reason}")
        pytest.skip(reason)
    with pgvector_server.running() as server:
        url = pgvector_server.create_database(server, "factcheck_test")
        _migrate(url)
        yield url


# The vector backends a matching test module runs on: the suite's own database
# (SQLite, or PostgreSQL without pgvector: vectors searched in this process) and
# the private pgvector server (vectors searched in the database). A module opts in:
#     @pytest.fixture(scope="module", params=VECTOR_BACKENDS)
#     def database_url(request): return backend_database_url(request)
VECTOR_BACKENDS = ["suite", pytest.param("pgvector", marks=pytest.mark.pgvector)]


def backend_database_url(request) -> str:
    """The URL for a ``VECTOR_BACKENDS`` parameter."""
    if request.param == "pgvector":
        return request.getfixturevalue("pgvector_database_url")
    return request.getfixturevalue("suite_database_url")


def _test_settings(url: str) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "SITE_URL": "http://localhost",
        "ORG_NAME": "Test Checkers",
        "ORG_URL": "http://localhost",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Jobs run in the process that commits them; tests/jobs also runs real workers.
        "QUEUE_URL": "immediate",
        "JOB_RETRY_DELAY_SECONDS": 0,
    }


@pytest.fixture
def app_settings(database_url) -> dict:
    """Settings of the test app; a test may change them before asking for ``app``."""
    return _test_settings(database_url)


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The test itself holds an app context (to use the database directly); without
    this, requests would share its ``g`` (the signed-in user) and its session.
    Before each request the test's own transaction is ended, because SQLite's
    BEGIN IMMEDIATE would make the request wait for the test's write lock.
    """

    def open(self, *args, **kwargs):
        session = db.session()
        if session.new or session.dirty or session.deleted:
            raise AssertionError("commit your test data before sending a request")
        session.rollback()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_settings) -> Iterator:
    """A fresh application on the migrated test database, emptied after the test."""
    application = create_app(dict(app_settings))
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of ``app``."""
    return app.test_cli_runner()


def make_user(role: Role, email: str, name: str | None = None) -> User:
    """Create and commit a user through the same operation the admin page uses."""
    user = account_operations.create_user(
        db.session, email=email, name=name or email.split("@")[0], role=role,
        password=TEST_PASSWORD, actor=None,
    )
    db.session.commit()
    return user


@pytest.fixture
def users(app) -> dict[str, User]:
    """One user of each role, plus a second reviewer and a second editor."""
    return {
        "reviewer": make_user(Role.REVIEWER, "reviewer@example.org", "Rita Reviewer"),
        "reviewer2": make_user(Role.REVIEWER, "reviewer2@example.org", "Rob Reviewer"),
        "editor": make_user(Role.EDITOR, "editor@example.org", "Edna Editor"),
        "editor2": make_user(Role.EDITOR, "editor2@example.org", "Ed Editor"),
        "admin": make_user(Role.ADMIN, "admin@example.org", "Adam Admin"),
    }


class AuthActions:
    """Sign in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str = "reviewer@example.org", password: str = TEST_PASSWORD):
        """Sign in; returns the response of the login POST."""
        return self._client.post("/login", data={"email": email, "password": password})

    def login_as(self, user: User):
        """Sign in as ``user`` (created with the test password)."""
        response = self.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        """Sign out."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    """Sign-in helper bound to ``client``."""
    return AuthActions(client)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve ``app`` on a free local port in a thread; yields the base URL."""
    db.session.commit()  # the server's requests must not wait for the test's transaction
    with serve_in_thread(app) as url:
        yield url
