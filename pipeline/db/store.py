"""The DuckDB store: opening it, the single write path, the derived order states.

One `Store` per process holds one connection; readers take a `cursor()` each, writers go
through `Store.write()`, which serialises them on one lock, runs a transaction, refreshes what
is derived and bumps the data version that UI caches are keyed by.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.db.faults import (  # noqa: F401 - the store's callers name its faults here too
    FAULT_KINDS,
    FAULT_MESSAGES,
    Conflict,
    Fault,
    Outage,
    StoreBusy,
    StoreFault,
    StoreGone,
    StoreUnreachable,
    as_fault,
    classify,
    first_line,
)
from pipeline.db.queries import schema_files, sql
from pipeline.db.settings import get_settings, local_now
from pipeline.db.states import DERIVED_RULES, refresh_states

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = ROOT / "data" / "orderdesk.duckdb"


def default_db_path() -> Path:
    """`ORDERDESK_DB` if set, else `data/orderdesk.duckdb`."""
    return Path(os.environ.get("ORDERDESK_DB") or DEFAULT_DB)


DATABASE_URL_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(target: str | Path | None) -> bool:
    """True when `target` names a PostgreSQL database (`postgresql://…`) rather than a file."""
    return isinstance(target, str) and target.strip().lower().startswith(DATABASE_URL_SCHEMES)


def default_db() -> str | Path:
    """What `ORDERDESK_DB` names: a PostgreSQL URL as it is, else the file
    (`default_db_path()`)."""
    named = os.environ.get("ORDERDESK_DB") or ""
    return named.strip() if is_database_url(named) else default_db_path()


NEW_STORE_ENV = "ORDERDESK_NEW_STORE"
MEMORY = ":memory:"

# The data version last read per store file (path and store id), and a count of the commits seen per file (a read
# that raced a commit is not kept). See `Store.data_version`.
_versions: dict[tuple[str, int | None], int] = {}
_generations: dict[tuple[str, int | None], int] = {}
_versions_lock = threading.Lock()
log = logging.getLogger(__name__)


def marker_path(path: str | Path) -> Path:
    """The file next to the store that says a store was kept here: `<db>.id`, its store id."""
    p = Path(path)
    return p.with_name(p.name + ".id")


def fresh_store_allowed() -> bool:
    """True when `ORDERDESK_NEW_STORE=1`: a missing or different store file may be taken as
    the store, in spite of the marker."""
    return os.environ.get(NEW_STORE_ENV, "").strip().lower() in ("1", "true", "yes")


# ---------------------------------------------------------------------------------------------
# The store


class Store:
    """The database file, one connection, one write lock.

    The store keeps a random id in `meta` ('store_id') and in a marker next to the file
    (`<db>.id`). A marker without its file, or a file with another id, is refused: the desk
    never silently starts over on a new, empty store. `create=True` (or ORDERDESK_NEW_STORE=1)
    takes a missing or different file as the store on purpose. Every write checks that the
    file on disk is still the one opened (device and inode), before the transaction and
    around the commit, and refuses with `StoreGone` when it is not.

    `read_only=True` opens the file without writing anything: no schema, no marker.

    A store on PostgreSQL (DESIGN §14) is a `PgStore` (pipeline/db/mirror.py) with a file like
    this one as its local copy; `open_store` (pipeline/db/open.py) opens either by what a
    location names.
    """

    remote = False   # the record is kept here, not on a server that can be out of reach

    def __init__(self, path: str | Path | None = None, read_only: bool = False,
                 create: bool | None = None):
        self.path = Path(path) if path else default_db_path()
        if str(self.path).lower().startswith(("postgresql:", "postgres:")):
            # `Path("postgresql://…")`: a database's address made into a file name on the way
            raise StoreFault("the store named is a PostgreSQL address that was taken for a file "
                             "name; nothing was opened; name it as it is (ORDERDESK_DB or --db "
                             "postgresql://…)")
        self.read_only = read_only
        self.memory = str(self.path) == MEMORY
        self.store_id: int | None = None
        self._identity: tuple[int, int] | None = None
        self._schema_pending = False
        self._lock = threading.RLock()
        # Called after every committed write and on close (pipeline/db/warm.py listens); they
        # must be quick and must not raise.
        self.on_change: list[Callable[[], None]] = []
        self.closed = False
        create = fresh_store_allowed() if create is None else create
        if not self.memory:
            private_files()
            self._refuse_a_missing_store(create)
        self.con = self._connect()
        if not self.memory and not self.read_only:
            _owner_only(self.path)
        try:
            self._open(create)
        except BaseException as exc:
            self.con.close()
            fault = as_fault(exc, self.path, "open")
            if fault is not None:
                raise fault from exc
            raise

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """The connection; a file this process may not write is opened read-only (reads work,
        writes are refused as read-only)."""
        try:
            if not self.memory and not self.read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            return duckdb.connect(str(self.path), read_only=self.read_only and not self.memory)
        except (duckdb.Error, OSError) as exc:
            if "lock" in str(exc).lower():
                raise StoreBusy(
                    f"the store {self.path} is open in another program (the dashboard or a "
                    "running import); close it or wait for it to finish, then try again"
                ) from exc
            fault = as_fault(exc, self.path, "open")
            if fault is None:
                raise
            if fault.kind == "read_only" and not self.read_only and self.path.exists():
                log.warning("store %s cannot be written; opened read-only (%s)", self.path,
                            first_line(exc))
                self.read_only = True
                return self._connect()
            raise fault from exc

    def _refuse_a_missing_store(self, create: bool) -> None:
        """A marker says a store was kept here but its file is missing: refuse, unless asked
        to start fresh (the orphaned write-ahead log, if any, is kept aside)."""
        marker = marker_path(self.path)
        if self.path.exists() or not marker.exists():
            return
        if not create or self.read_only:
            raise StoreGone(
                f"the store file {self.path} is gone (a store was kept here, says {marker.name}); "
                f"nothing was opened; put it back, or start a fresh store on purpose with "
                f"{NEW_STORE_ENV}=1"
            )
        wal = self.path.with_name(self.path.name + ".wal")
        if wal.exists():
            aside = wal.with_name(f"{wal.name}.orphaned-{time.strftime('%Y%m%d%H%M%S')}")
            wal.rename(aside)
            log.warning("store %s: a write-ahead log without its store was moved to %s",
                        self.path, aside)
        log.warning("store %s: the file was missing; a fresh store is made (asked for)", self.path)

    def _open(self, create: bool) -> None:
        """Schema, store id and marker (writable), then the file's identity."""
        # DuckDB's allocator gives freed memory back to the system in the background: a large
        # import does not leave the process holding its peak for good.
        self.con.execute("set allocator_background_threads = true")
        if not self.read_only:
            try:
                self._run_schema()
            except (duckdb.Error, OSError) as exc:
                # The schema rewrites its views and macros on every start; on a full disk the
                # store still opens for reading, and the schema is run before the next write.
                if classify(exc).kind != "disk_full" or not self._has_schema():
                    raise
                log.warning("store %s: the disk is full; opened without refreshing the schema "
                            "(%s)", self.path, first_line(exc))
                self._schema_pending = True
        rows = self.con.execute("select value from meta where key = 'store_id'").fetchall()
        self.store_id = int(rows[0][0]) if rows else None
        if self.memory:
            return
        marker = marker_path(self.path)
        kept = _read_marker(marker)
        if kept is not None and self.store_id is not None and kept != self.store_id and not create:
            raise StoreGone(
                f"the store file {self.path} is not the store kept here (its id differs from "
                f"{marker.name}): it was replaced; nothing was opened; put the right file back, "
                f"or take this one as the store on purpose with {NEW_STORE_ENV}=1"
            )
        if not self.read_only and self.store_id is not None and kept != self.store_id:
            _write_marker(marker, self.store_id)
        self._identity = _file_identity(self.path)

    def _run_schema(self) -> None:
        with self._lock:
            for name in schema_files():   # the store's tables, the accounts', the alerts', …
                self.con.execute(sql(name))
            self.con.execute("insert into meta values ('data_version', 0) on conflict do nothing")
            self.con.execute("insert into meta values ('facts_version', 0) on conflict do nothing")
            self.con.execute("insert into meta values ('store_id', ?) on conflict do nothing",
                             [secrets.randbits(62)])
            self._rederive_if_rules_changed()
        self._schema_pending = False

    def _rederive_if_rules_changed(self) -> None:
        """A store whose derived tables were built by older rules (DERIVED_RULES) gets them
        rebuilt once, in one transaction."""
        rows = self.con.execute("select value from meta where key = 'derived_rules'").fetchall()
        if rows and int(rows[0][0]) >= DERIVED_RULES:
            return
        if not self.con.execute("select count(*) from orders").fetchall()[0][0]:
            self.con.execute("insert or replace into meta values ('derived_rules', ?)",
                             [DERIVED_RULES])
            return
        cur = self.con.cursor()
        cur.execute("begin transaction")
        try:
            refresh_states(cur)
            cur.execute("insert or replace into meta values ('derived_rules', ?)", [DERIVED_RULES])
            cur.execute(BUMP_SQL)
            cur.execute("commit")
            self._forget_version()
        except BaseException:
            cur.execute("rollback")
            raise
        finally:
            cur.close()

    def _has_schema(self) -> bool:
        return bool(self.con.execute(
            "select count(*) from duckdb_tables() where table_name = 'meta' and schema_name = 'main'"
        ).fetchall()[0][0])

    def check_identity(self, committed: bool = False) -> None:
        """Refuse (StoreGone) when the file on disk is no longer the one this store opened."""
        if self._identity is None:
            return
        try:
            now = _file_identity(self.path)
        except FileNotFoundError:
            now = None
        if now == self._identity:
            return
        what = "was removed" if now is None else "was replaced by another file"
        if committed:
            raise StoreGone(
                f"the store file {self.path} {what} while this was being recorded; it is not "
                "in the store; put the file back or restart the desk"
            )
        log.warning("store %s %s since it was opened", self.path, what)
        raise StoreGone(
            f"the store file {self.path} is gone or was replaced; nothing was recorded; "
            "put it back or restart the desk"
        )

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for this thread's reads."""
        return self.con.cursor()

    @property
    def where(self) -> str:
        """Where the store is, as a person is shown it: the file's path."""
        return str(self.path)

    def outage(self) -> Outage | None:
        """The store's database out of reach (where, since when), None while it answers; a
        file store has no database apart from itself: always None."""
        return None

    def close(self) -> None:
        """Close the connection. Another thread's brief call on it (making a cursor) makes
        DuckDB refuse the close: it is tried again for up to a few seconds."""
        self.closed = True
        for attempt in range(100):
            try:
                self.con.close()
                break
            except duckdb.ResourceInUseException:
                if attempt == 99:
                    raise
                time.sleep(0.05)
        self._changed()

    def _changed(self) -> None:
        self._forget_version()
        for hook in list(self.on_change):
            hook()

    def data_version(self) -> int:
        """Bumped by every committed write; UI caches key on it. Remembered per file until
        the next commit through any `Store` of this process on it: while the desk holds the
        file no other program can write it (they hand their writes over, pipeline/db/handoff.py),
        so every page's many asks per view cost one read, not one each."""
        if self.memory or self.read_only:
            return self._read_version()
        key = (str(self.path), self.store_id)
        with _versions_lock:
            known = _versions.get(key)
            generation = _generations.get(key, 0)
        if known is not None:
            return known
        version = self._read_version()
        with _versions_lock:
            if _generations.get(key, 0) == generation:   # no commit came in meanwhile
                _versions[key] = version
        return version

    def _read_version(self) -> int:
        rows = self.cursor().execute("select value from meta where key = 'data_version'").fetchall()
        return int(rows[0][0]) if rows else 0

    def _forget_version(self) -> None:
        key = (str(self.path), self.store_id)
        with _versions_lock:
            _versions.pop(key, None)
            _generations[key] = _generations.get(key, 0) + 1

    @contextmanager
    def write(self, events_only: bool = False,
              bookkeeping: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction under the store's lock; bumps the data version on commit, and the
        facts version too unless the write records the desk's events and nothing else
        (`events_only`: actions, whose order states are refreshed with them; see BUMP_SQL).
        `bookkeeping`: a write of sign-in attempts and sessions, which no page reads: no
        version is bumped, nothing cached is let go of.

        The file's identity is checked before the transaction, before the commit and after
        it. A failure rolls back (only while a transaction is open) and is raised as it was,
        or as a StoreFault when the file itself is the trouble (full, read-only, gone)."""
        with self._lock:
            self.check_identity()
            if self._schema_pending:
                try:
                    self._run_schema()
                except (duckdb.Error, OSError) as exc:
                    fault = as_fault(exc, self.path)
                    if fault is None:
                        raise
                    raise fault from exc
            cur = self.con.cursor()
            active = False
            try:
                cur.execute("begin transaction")
                active = True
                yield cur
                if not bookkeeping:
                    cur.execute(EVENTS_BUMP_SQL if events_only else BUMP_SQL)
                self._before_commit(cur)
                self.check_identity()
                active = False  # a commit that fails ends the transaction itself
                cur.execute("commit")
            except BaseException as exc:
                if active:
                    _rollback(cur)
                fault = as_fault(exc, self.path)
                if fault is not None:
                    raise fault from exc
                raise
            finally:
                cur.close()
            if not bookkeeping:
                self._changed()
            self.check_identity(committed=True)

    def _before_commit(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Called by `write()` after the work, before the commit; raising rolls the write back.
        The file store has nothing to do here; the PostgreSQL store records the write there
        (pipeline/db/mirror.py)."""

    def run_write(self, work: Callable[[duckdb.DuckDBPyConnection], Any], tries: int = 3,
                  events_only: bool = False, bookkeeping: bool = False) -> Any:
        """`work(cur)` inside `write(events_only, bookkeeping)`, retried on a transaction
        conflict."""
        for attempt in range(tries):
            try:
                with self.write(events_only, bookkeeping) as cur:
                    return work(cur)
            except duckdb.TransactionException:
                if attempt == tries - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
            except StoreBusy:
                if attempt == tries - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def settings(self) -> dict[str, Any]:
        return get_settings(self.cursor())

    def now(self) -> datetime:
        """The current moment as a naive time in the desk's time zone."""
        return local_now(self.cursor())


def release_unused_memory() -> None:
    """Give back what a large import leaves behind: Python garbage, the unused memory of
    Arrow's pool and (with glibc) the free pages at the top of the heap."""
    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()
    with suppress(OSError, AttributeError):  # not glibc: its allocator keeps its own counsel
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _rollback(cur: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction; a failure to do so is logged, never raised over the
    error that caused it."""
    try:
        cur.execute("rollback")
    except duckdb.Error as exc:
        log.warning("rollback after a failed write also failed (%s)", first_line(exc))


def private_files() -> None:
    """From now on, files and folders this process makes are its owner's only (the store, its
    write-ahead file, the marker, workbooks and downloads written to disk), whatever the umask
    it was started with. The mask is only ever tightened, never loosened for a moment."""
    os.umask(os.umask(0o077) | 0o077)


def _owner_only(path: Path) -> None:
    """The store's files made before (0644 by an older version) made the owner's only."""
    for p in (path, path.with_name(path.name + ".wal"), marker_path(path)):
        with suppress(FileNotFoundError, PermissionError):
            if p.stat().st_mode & 0o077:
                os.chmod(p, 0o600)


def _file_identity(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _read_marker(marker: Path) -> int | None:
    try:
        text = marker.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    try:
        return int(text.split()[0])
    except (ValueError, IndexError):
        log.warning("store marker %s is unreadable (%r); taken as absent", marker, text[:40])
        return None


def _write_marker(marker: Path, store_id: int) -> None:
    """Write the marker whole or not at all."""
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(f"{store_id}\n", encoding="utf-8")
    os.replace(tmp, marker)


# Every committed write bumps `meta.data_version`; every one but a write of the desk's events
# alone also bumps `meta.facts_version`, the version of what was imported and set (orders,
# lines, stock, bundles, promotions, settings, accounts). A result that reads nothing the events
# change (pipeline/db/cache.py, `facts=True`) is kept under the facts version, so an action does not
# make it new.
BUMP_SQL = ("update meta set value = value + 1 "
            "where key in ('data_version', 'facts_version')")
EVENTS_BUMP_SQL = "update meta set value = value + 1 where key = 'data_version'"
