"""A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary folder, a free port on
127.0.0.1, started with `pg_ctl` and stopped at the end (the folder removed).

The binaries are looked for on PATH, then in /usr/local/bin and /usr/lib/postgresql/*/bin (the
newest version first). Without them the tests that need a cluster are skipped, saying why; under
CI=1 they fail instead (`.ci/run` installs Debian's `postgresql`). PostgreSQL refuses to run as
root: a root test run starts the cluster as the `postgres` user (made by Debian's package), else
as `nobody`.

`pg_cluster` (one cluster per test process) and `pg_url` (a fresh database on it per test) are
the fixtures; tests/conftest.py registers them.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SEARCH = ("/usr/local/bin", *sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")),
                                    key=lambda p: int(Path(p).parent.name)
                                    if Path(p).parent.name.isdigit() else 0, reverse=True))
SUPERUSER = "orderdesk"
START_SECONDS = 60


def find_binary(name: str) -> Path | None:
    """`name` on PATH, else in /usr/local/bin or /usr/lib/postgresql/<newest>/bin."""
    found = shutil.which(name)
    if found:
        return Path(found)
    for folder in SEARCH:
        candidate = Path(folder) / name
        if candidate.exists():
            return candidate
    return None


def binaries_or_skip() -> tuple[Path, Path]:
    """(initdb, pg_ctl), or the test skipped (failed under CI=1) when they are not installed."""
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    reason = ("PostgreSQL is not installed (no initdb/pg_ctl on PATH, in /usr/local/bin or "
              "/usr/lib/postgresql/*/bin; apt-get install postgresql)")
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: the PostgreSQL tests must run in CI")
    pytest.skip(reason)
    raise AssertionError("unreachable")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> tuple[int, int] | None:
    """(uid, gid) to run the server as when this process is root, else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


@dataclass
class Cluster:
    """One running cluster: its folder, port and binaries."""

    folder: Path
    port: int
    initdb: Path
    pg_ctl: Path
    owner: tuple[int, int] | None
    created: int = 0

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        kwargs = {}
        if self.owner is not None:
            kwargs = {"user": self.owner[0], "group": self.owner[1], "extra_groups": []}
        return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                              check=check, cwd=self.folder, env={**os.environ, "LC_ALL": "C"},
                              **kwargs)

    def init(self) -> None:
        if self.owner is not None:
            os.chown(self.folder, *self.owner)
        self._run(self.initdb, "-D", self.data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                  "--no-sync", "--locale=C")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=60")
        done = self._run(self.pg_ctl, "-D", self.data, "-l", self.log, "-o", options, "-w",
                         "-t", str(START_SECONDS), "start", check=False)
        if done.returncode != 0:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {done.stderr}\n{tail}")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", self.data, "-m", "fast", "-w", "stop", check=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        self.created += 1
        name = f"desk_{os.getpid()}_{self.created}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'create database "{name}"')
        return self.url(name)


@contextlib.contextmanager
def running_cluster() -> Iterator[Cluster]:
    """A cluster started in a temporary folder, stopped and removed at the end."""
    initdb, pg_ctl = binaries_or_skip()
    folder = Path(tempfile.mkdtemp(prefix="orderdesk-pg-"))
    cluster = Cluster(folder, _free_port(), initdb, pg_ctl, _run_as())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway cluster per test process."""
    with running_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """The URL of a fresh database on the throwaway cluster."""
    return pg_cluster.new_database()


def wait_until(check, seconds: float = 5.0, every: float = 0.05) -> float:
    """Seconds until `check()` is true; raises AssertionError after `seconds`."""
    start = time.monotonic()
    while True:
        if check():
            return time.monotonic() - start
        if time.monotonic() - start > seconds:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(every)
