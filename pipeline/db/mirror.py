"""The store on PostgreSQL (DESIGN §14): PostgreSQL holds the desk's record, and each process
keeps a DuckDB copy of it (the mirror) that the pages' SQL runs on, as on the file store.

- The mirror is a DuckDB file in a cache folder named after the database (data/pgcache/, or
  ORDERDESK_PG_CACHE; `:memory:` for none), with the store's schema: the same tables, macros and
  derived tables as the file store. A second process on the same machine takes the next free
  slot (`-1`, `-2`, …): one DuckDB file has one process.
- Catching up: the rows whose `_seq` is above the mirror's last (pipeline/db/pg.py), then the
  deletions, in one DuckDB transaction; the derived tables refreshed for the orders touched (all
  of them when most were); the data version bumped, so the pages' cache sees it; `on_change`
  hooks called. A thread does it every second (`POLL_SECONDS`) when PostgreSQL's commit counter
  moved.
- Writing (`write()`): a PostgreSQL transaction holding the desk's advisory lock (one writer
  across every process), the mirror caught up first (so `expected_last_event` sees every other
  dashboard's actions), the write run on the mirror in its DuckDB transaction as on the file
  store, then what it changed pushed to PostgreSQL (`_Push`), PostgreSQL committed, then DuckDB.
  PostgreSQL refusing or gone: DuckDB rolled back, nothing recorded, a StoreFault says so.
- PostgreSQL gone: the pages read the mirror as it was; writes fail with one sentence; the thread
  reconnects by itself and catches up.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import psycopg
from psycopg import sql

from pipeline.db import pg
from pipeline.db.faults import (
    Outage,
    StoreBusy,
    StoreFault,
    StoreUnreachable,
    as_fault,
    first_line,
)
from pipeline.db.pg import Table, idents, quoted
from pipeline.db.settings import get_settings
from pipeline.db.states import refresh_states
from pipeline.db.store import (
    BUMP_SQL,
    EVENTS_BUMP_SQL,
    MEMORY,
    ROOT,
    Store,
    _write_marker,
    marker_path,
    private_files,
)

log = logging.getLogger(__name__)

CACHE_ENV = "ORDERDESK_PG_CACHE"
VERIFY_ENV = "ORDERDESK_PG_VERIFY"   # compare every table after each write (tests)
DEFAULT_CACHE = ROOT / "data" / "pgcache"
POLL_SECONDS = 1.0
SLOTS = 8                 # mirror files per database on one machine (one per process at once)
PRUNE_EVERY = 256         # commits between prunings of the deletion log
PRUNE_AFTER = "7 days"    # deletions older than this are pruned (a copy further behind reloads)

# The id sequences of the store's schema and the column whose largest value they must pass.
_SEQUENCES = (("event_seq", "events", "event_id"), ("import_seq", "imports", "import_id"))

_stores: weakref.WeakSet[PgStore] = weakref.WeakSet()


def cache_folder(cache: str | Path | None) -> Path | str:
    """The folder of the mirrors, or MEMORY."""
    named = cache if cache is not None else os.environ.get(CACHE_ENV) or DEFAULT_CACHE
    return MEMORY if str(named) == MEMORY else Path(named)


def mirror_name(url: str, store_id: int) -> str:
    """The mirror's file name: the store's id and the database's address (two databases
    restored from one dump never share a mirror)."""
    where = hashlib.sha256(pg.masked(url).encode()).hexdigest()[:8]
    return f"{store_id & (2**63 - 1):016x}-{where}"


@dataclass
class _Marks:
    """What the mirror held before a write: what the write changed is told from it."""

    light: bool                      # the desk's events (or sign-ins) only
    max_event: int = 0
    max_import: int = 0
    whole: dict[str, tuple] = field(default_factory=dict)
    blank: dict[str, int] = field(default_factory=dict)


@dataclass
class _Writing:
    conn: psycopg.Connection
    marks: _Marks | None = None
    drawn: dict[str, int] = field(default_factory=dict)
    committed: bool = False


class PgStore(Store):
    """A store whose record is in PostgreSQL (`postgresql://…`), read through a DuckDB mirror.

    `cache`: the folder of the mirror files (default ORDERDESK_PG_CACHE, else data/pgcache),
    or ':memory:'. `poll`: keep the mirror caught up in a thread (default: unless read-only).
    `path` (what the pages' cache keys on) is the mirror file; `url` the database, `where` the
    database as a person is shown it (no password)."""

    remote = True

    def __init__(self, path: str | Path | None = None, read_only: bool = False,
                 create: bool | None = None, cache: str | Path | None = None,
                 poll: bool | None = None):
        self.url = str(path or os.environ.get("ORDERDESK_DB") or "").strip()
        self.tables = pg.canonical_tables()
        self.unreachable_since: float | None = None
        self._conn: psycopg.Connection | None = None
        self._writing: _Writing | None = None
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._said_at = -3600.0
        folder = cache_folder(cache)
        if folder != MEMORY:
            private_files()
            folder.mkdir(parents=True, exist_ok=True)
        # the rows in passage, as CSV: beside the mirrors (not in a memory-backed /tmp)
        self._tmp = tempfile.TemporaryDirectory(
            prefix="orderdesk-pg-", dir=None if folder == MEMORY else folder)
        try:
            store_id = pg.ensure_schema(self._connection("open"), self.tables, self.where)
            self._open_mirror(folder, store_id)
        except BaseException:
            self._close_pg()
            self._tmp.cleanup()
            raise
        try:
            self.read_only = read_only
            with self._lock:
                self._align(store_id)
                self._catch_up(self._connection("open"), locked=False, doing="open")
        except BaseException:
            self._close_pg()
            Store.close(self)
            self._tmp.cleanup()
            raise
        _stores.add(self)
        if poll if poll is not None else not read_only:
            self._poller = threading.Thread(target=self._poll, name=f"pg-poll {self.where}",
                                            daemon=True)
            self._poller.start()

    # -----------------------------------------------------------------------------------------
    # Opening

    def _open_mirror(self, folder: Path | str, store_id: int) -> None:
        """Store.__init__ on the first free mirror file (in memory when none is)."""
        if folder == MEMORY:
            Store.__init__(self, MEMORY)
            return
        name = mirror_name(self.url, store_id)
        for slot in range(SLOTS):
            path = Path(folder) / (f"{name}.duckdb" if slot == 0 else f"{name}-{slot}.duckdb")
            try:
                Store.__init__(self, path, create=True)
                return
            except StoreBusy:
                continue
            except (StoreFault, duckdb.Error) as exc:
                # a copy that cannot be opened is only a copy: made again from PostgreSQL
                log.warning("mirror %s cannot be opened (%s); it is made again", path,
                            first_line(exc))
                for p in (path, path.with_name(path.name + ".wal"), marker_path(path)):
                    with suppress(FileNotFoundError):
                        p.unlink()
                Store.__init__(self, path, create=True)
                return
        log.warning("every mirror of %s is in use; this process keeps one in memory", self.where)
        Store.__init__(self, MEMORY)

    def _align(self, store_id: int) -> None:
        """The mirror made to belong to this database: emptied when it holds another's rows, or
        rows PostgreSQL no longer has (restored from an older backup), or is too far behind
        for the deletion log."""
        conn = self._connection("open")
        cur = self.con.cursor()
        try:
            meta = dict(cur.execute("select key, value from meta").fetchall())
        finally:
            cur.close()
        try:
            stale = _gone_back(conn, int(meta.get("pg_seq", 0)))
        except psycopg.Error as exc:
            raise pg.fault(exc, self.where, "open") from exc
        if meta.get("pg_store") == store_id and not stale:
            self.store_id = store_id
            return
        if meta.get("pg_store") is not None:
            log.warning("mirror %s is made again from %s", self.path, self.where)
        self._empty(store_id)

    def _empty(self, store_id: int) -> None:
        """Every row the database keeps taken out of the mirror, which then loads afresh."""
        cur = self.con.cursor()
        try:
            cur.execute("begin transaction")
            for name in self.tables:
                cur.execute(f"delete from {quoted([name])}")  # noqa: S608 - names from the schema
            cur.execute("insert or replace into meta values ('pg_store', ?), ('pg_seq', 0), "
                        "('pg_commits', -1), ('store_id', ?)", [store_id, store_id])
            cur.execute(BUMP_SQL)   # nothing kept of what it held is read again
            cur.execute("commit")
        finally:
            cur.close()
        self.store_id = store_id
        self._forget_version()
        if not self.memory:
            _write_marker(marker_path(self.path), store_id)

    # -----------------------------------------------------------------------------------------
    # The connection

    def _connection(self, doing: str = "write") -> psycopg.Connection:
        """The connection to PostgreSQL (made again when it was lost)."""
        if pg.is_broken(self._conn):
            self._close_pg()
            self._conn = pg.connect(self.url, self.where, doing)
            if self.unreachable_since is not None:
                log.warning("%s is reachable again", self.where)
                self.unreachable_since = None
        return self._conn

    def _lost(self, exc: BaseException) -> None:
        """The connection failed: closed (made again on next use), the outage noted."""
        if isinstance(pg.fault(exc, self.where), StoreUnreachable) or pg.is_broken(self._conn):
            if self.unreachable_since is None:
                self.unreachable_since = time.time()
                log.warning("%s cannot be reached (%s); the pages show what was known, writes "
                            "wait for it", self.where, first_line(exc))
            self._close_pg()

    def _close_pg(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(Exception):
                conn.close()

    @property
    def where(self) -> str:
        """The database, as `postgresql://host:port/name` (never its password)."""
        return pg.masked(self.url)

    def outage(self) -> Outage | None:
        """Where the database is and since when (the desk's time zone, as the mirror's
        settings have it) it cannot be reached; None while it answers."""
        since = self.unreachable_since
        if since is None:
            return None
        zone = ZoneInfo(get_settings(self.cursor())["timezone"])
        return Outage(self.where, datetime.fromtimestamp(since, zone).replace(tzinfo=None))

    def status(self) -> str | None:
        """One sentence when PostgreSQL cannot be reached (since when), else None."""
        outage = self.outage()
        if outage is None:
            return None
        return (f"the database {outage.where} cannot be reached since "
                f"{outage.since:%Y-%m-%d %H:%M:%S}: the pages show what was known then, and "
                "nothing can be recorded until it is back")

    # -----------------------------------------------------------------------------------------
    # Catching up

    def _poll(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            if not self._lock.acquire(timeout=POLL_SECONDS):
                continue   # a write is running: it catches up itself
            try:
                if self.closed or self._stop.is_set():
                    return
                self._catch_up(self._connection("read"), locked=False)
            except (psycopg.Error, StoreUnreachable) as exc:
                self._lost(exc)
            except Exception as exc:   # the mirror's own trouble (its disk): said once a minute
                now = time.monotonic()
                if now - self._said_at > 60:
                    self._said_at = now
                    log.exception("catching up with %s failed (%s); tried again every second",
                                  self.where, first_line(exc))
            finally:
                self._lock.release()

    def catch_up(self) -> bool:
        """Bring the mirror up to PostgreSQL now; True when something changed."""
        with self._lock:
            try:
                return self._catch_up(self._connection("read"), locked=False)
            except psycopg.Error as exc:
                self._lost(exc)
                raise pg.fault(exc, self.where, "read") from exc

    def _catch_up(self, conn: psycopg.Connection, locked: bool, doing: str = "read") -> bool:
        """Apply what PostgreSQL committed since the mirror's last `_seq`. `locked`: inside a
        write's transaction holding the lock (nothing commits meanwhile); else the reads are one
        repeatable-read snapshot. Called under the store's lock."""
        cur = self.con.cursor()
        try:
            meta = dict(cur.execute(
                "select key, value from meta where key in ('pg_seq', 'pg_commits')").fetchall())
        finally:
            cur.close()
        last, seen = int(meta.get("pg_seq", 0)), int(meta.get("pg_commits", -1))
        commits = pg.meta_value(conn, "commits")
        if commits == seen:
            return False
        store_id = pg.meta_value(conn, "store_id")
        if store_id != self.store_id or _gone_back(conn, last):
            # the database was restored from a backup, or replaced, under the running desk
            log.warning("%s is not what the mirror %s copied (restored or replaced?); the mirror "
                        "is loaded again", self.where, self.path)
            self._empty(store_id)
            last = 0
            emptied = True
        else:
            emptied = False
        folder = Path(self._tmp.name)
        if not locked:
            conn.execute("begin isolation level repeatable read read only")
        try:
            commits = pg.meta_value(conn, "commits")
            changes = _fetch(conn, self.tables, last, folder)
        finally:
            if not locked:
                with suppress(psycopg.Error):
                    conn.execute("rollback")
        try:
            changed = self._apply(changes, last, commits)
        except (duckdb.Error, OSError) as exc:
            fault = as_fault(exc, self.path, doing)
            if fault is not None:
                raise fault from exc
            raise
        finally:
            changes.remove()
        if changed or emptied:
            self._changed()
        elif changed is not None:
            self._forget_version()
        return bool(changed or emptied)

    def _apply(self, changes: _Changes, last: int, commits: int) -> bool | None:
        """The fetched changes written to the mirror in one transaction; True when a page's
        data changed, False when only bookkeeping did, None when nothing did."""
        cur = self.con.cursor()
        fresh = last == 0
        try:
            cur.execute("begin transaction")
            tag_before = get_settings(cur)["confirmed_tag"]
            cur.execute("create or replace temp table _touched "
                        "(platform varchar, shop varchar, order_id varchar)")
            reload_states = fresh
            for name in changes.tables:
                t = self.tables[name]
                if fresh or name in changes.whole:
                    _reload(cur, t, changes.path(name))
                    reload_states |= t.has_order
                else:
                    _merge(cur, t, changes.path(name), changes.deleted.get(name, []))
            if changes.tables:
                if get_settings(cur)["confirmed_tag"] != tag_before:
                    reload_states = True
                touched = cur.execute("select distinct platform, shop, order_id "
                                      "from _touched").df()
                total = cur.execute("select count(*) from orders").fetchall()[0][0]
                if reload_states or 2 * len(touched) >= max(total, 1):
                    refresh_states(cur)
                elif len(touched):
                    refresh_states(cur, touched)
            cur.execute("drop table _touched")
            pages = [n for n in changes.tables if n not in pg.BOOKKEEPING_TABLES]
            if pages:
                cur.execute(EVENTS_BUMP_SQL if set(pages) <= {"events"} else BUMP_SQL)
            cur.execute("insert or replace into meta values ('pg_seq', ?), ('pg_commits', ?)",
                        [max(last, changes.newest), commits])
            cur.execute("commit")
        except BaseException:
            with suppress(duckdb.Error):
                cur.execute("rollback")
            raise
        finally:
            cur.close()
        if not changes.tables:
            return None
        return bool(pages)

    # -----------------------------------------------------------------------------------------
    # Writing

    @contextmanager
    def write(self, events_only: bool = False,
              bookkeeping: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """`Store.write` with PostgreSQL as the record: see the module's docstring."""
        if self.read_only:
            raise StoreFault(f"the store {self.where} was opened for reading; nothing was "
                             "recorded", "read_only")
        with self._lock:
            writing = None
            try:
                try:
                    conn = self._begin()
                    writing = _Writing(conn)
                    conn.execute("select set_config('lock_timeout', %s, true)",   # this transaction
                                 [f"{pg.LOCK_WAIT_SECONDS}s"])
                    conn.execute("select pg_advisory_xact_lock(%s)", [pg.LOCK_KEY])
                    self._catch_up(conn, locked=True, doing="write")
                    writing.drawn = drawn_in(conn)
                except (psycopg.Error, StoreUnreachable) as exc:
                    self._lost(exc)
                    raise pg.fault(exc, self.where) from exc
                sync_sequences(self.con, writing.drawn)
                writing.marks = _marks(self.con, self.tables, events_only or bookkeeping)
                self._writing = writing
                try:
                    with Store.write(self, events_only, bookkeeping) as cur:
                        yield cur
                except (duckdb.Error, OSError, StoreFault) as exc:
                    if not writing.committed:
                        raise
                    # recorded in PostgreSQL, which is the record; the mirror takes it from there
                    log.warning("recorded in %s, but the mirror %s could not commit it (%s); it "
                                "is caught up from the database", self.where, self.path,
                                first_line(exc))
                    with suppress(Exception):
                        self._catch_up(self._connection("read"), locked=False)
            finally:
                self._writing = None
                if writing is not None and not writing.committed \
                        and not pg.is_broken(writing.conn):
                    try:
                        writing.conn.execute("rollback")
                    except psycopg.Error as exc:
                        self._lost(exc)

    def _begin(self) -> psycopg.Connection:
        """The connection with a transaction begun; one found dead (PostgreSQL restarted while
        it was idle) is made again, once."""
        try:
            conn = self._connection("write")
            conn.execute("begin")
            return conn
        except psycopg.OperationalError:
            self._close_pg()
        conn = self._connection("write")
        conn.execute("begin")
        return conn

    def _verify(self, cur: duckdb.DuckDBPyConnection, conn: psycopg.Connection) -> None:
        """Every table PostgreSQL keeps compared with the mirror, before either commits; a
        difference refuses the write (ORDERDESK_PG_VERIFY=1: for tests and for checking a new
        write path, at the cost of reading every table)."""
        mine = pg.duck_checksums(cur, self.tables)
        theirs = pg.pg_checksums(conn, self.tables, Path(self._tmp.name))
        differ = sorted(name for name in self.tables if mine[name] != theirs[name])
        if differ:
            log.error("a write would leave %s differing from the mirror in %s", self.where,
                      ", ".join(differ))
            raise StoreFault(f"the write could not be copied to {self.where} as it is (the "
                             f"tables {', '.join(differ)} would differ); nothing was recorded")

    def check_identity(self, committed: bool = False) -> None:
        """The mirror is a copy: a mirror file removed or replaced is made again from the
        database at the next start, and never refuses a write PostgreSQL takes."""

    def _before_commit(self, cur: duckdb.DuckDBPyConnection) -> None:
        """What the write changed, recorded in PostgreSQL and committed there (the DuckDB
        commit follows)."""
        writing = self._writing
        if writing is None or writing.marks is None:
            return
        conn = writing.conn
        try:
            moved = _Push(cur, conn, self.tables, writing.marks, Path(self._tmp.name)).run()
            record_drawn(conn, local_sequences(cur), writing.drawn)
            if moved and os.environ.get(VERIFY_ENV):
                self._verify(cur, conn)
            if moved:
                commits = conn.execute("update orderdesk_meta set value = value + 1 "
                                       "where key = 'commits' returning value").fetchone()[0]
                cur.execute("insert or replace into meta values ('pg_seq', ?), "
                            "('pg_commits', ?)", [pg.sequence_value(conn), commits])
                if commits % PRUNE_EVERY == 0:
                    _prune(conn)
            conn.execute("commit")
            writing.committed = True
        except psycopg.Error as exc:
            self._lost(exc)
            raise pg.fault(exc, self.where) from exc

    def close(self) -> None:
        self._stop.set()
        poller = self._poller
        if poller is not None and poller is not threading.current_thread():
            poller.join(timeout=30)
        with self._lock:
            self._close_pg()
        Store.close(self)
        with suppress(OSError):
            self._tmp.cleanup()


# ---------------------------------------------------------------------------------------------
# Fetching and applying changes


@dataclass
class _Changes:
    """What PostgreSQL committed since a `_seq`: per table a CSV of rows (all of them for the
    tables in `whole`), the deleted keys, and the newest `_seq` seen."""

    folder: Path
    tables: list[str] = field(default_factory=list)
    whole: set[str] = field(default_factory=set)
    deleted: dict[str, list[dict]] = field(default_factory=dict)
    newest: int = 0

    def path(self, name: str) -> Path:
        return self.folder / f"in-{name}.csv"

    def remove(self) -> None:
        for name in self.tables:
            with suppress(FileNotFoundError):
                self.path(name).unlink()


def _gone_back(conn: psycopg.Connection, last: int) -> bool:
    """True when a mirror at `_seq` `last` holds what the database no longer has (its sequence
    is behind: restored from an older backup) or lacks deletions it pruned."""
    return last > 0 and (pg.sequence_value(conn) < last
                         or pg.meta_value(conn, "pruned_seq") > last)


def _fetch(conn: psycopg.Connection, tables: dict[str, Table], last: int,
           folder: Path) -> _Changes:
    out = _Changes(folder)
    counts = conn.execute(sql.SQL(" union all ").join(
        sql.SQL("select {}, max(_seq) from {} where _seq > {}").format(
            sql.Literal(name), sql.Identifier(name), sql.Literal(last))
        for name in tables)).fetchall()
    newest = {name: int(top) for name, top in counts if top is not None}
    # a mirror made from nothing takes every row as it is: the deletions are behind it
    deletions = [] if last == 0 else conn.execute(
        "select tbl, key, _seq from orderdesk_deletions where _seq > %s order by _seq",
        [last]).fetchall()
    for name, key, seq in deletions:
        if name not in tables:
            continue
        newest[name] = max(newest.get(name, 0), int(seq))
        if key is None or tables[name].kind != "row":
            out.whole.add(name)
        else:
            out.deleted.setdefault(name, []).append(key)
    out.newest = max(newest.values(), default=0)
    if last == 0:
        top = conn.execute("select max(_seq) from orderdesk_deletions").fetchone()[0]
        out.newest = max(out.newest, int(top or 0))
    for name in sorted(newest):
        t = tables[name]
        out.tables.append(name)
        cols, table = idents(t.names), sql.Identifier(name)
        if last == 0 or t.kind == "whole" or name in out.whole:
            out.whole.add(name)
            query = sql.SQL("select {} from {}").format(cols, table)
        elif t.kind == "group":
            group = idents(t.keys)
            query = sql.SQL("select {} from {} where ({}) in (select {} from {} where _seq > {})"
                            ).format(cols, table, group, group, table, sql.Literal(last))
        else:
            query = sql.SQL("select {} from {} where _seq > {}").format(cols, table,
                                                                       sql.Literal(last))
        pg.pg_to_csv(conn, query, out.path(name))
    return out


def _reload(cur: duckdb.DuckDBPyConnection, t: Table, path: Path) -> None:
    """Every row of `t` replaced by PostgreSQL's."""
    name = quoted([t.name])
    if t.has_order:
        cur.execute(f"insert into _touched select platform, shop, order_id from {name}")  # noqa: S608
    cur.execute(f"delete from {name}")  # noqa: S608 - names from the schema
    cur.execute(f"insert into {name} ({quoted(t.names)}) "  # noqa: S608
                f"select * from {pg.read_csv_sql(path, t)}")


def _merge(cur: duckdb.DuckDBPyConnection, t: Table, path: Path, deleted: list[dict]) -> None:
    """The changed rows of `t` put in place of the mirror's rows with their keys (their groups),
    and the deleted keys taken out."""
    name, keys = quoted([t.name]), quoted(t.keys)
    cur.execute(f"create or replace temp table _changed as "  # noqa: S608
                f"select * from {pg.read_csv_sql(path, t)}")
    cur.execute(f"create or replace temp table _keys as select distinct {keys} "  # noqa: S608
                "from _changed")
    if deleted:
        cur.register("_gone", pd.DataFrame(deleted, columns=list(t.keys)).astype(str))
        casts = ", ".join(f"cast({quoted([k])} as {t.types[k]}) as {quoted([k])}" for k in t.keys)
        cur.execute(f"insert into _keys select distinct {casts} from _gone")  # noqa: S608
        cur.unregister("_gone")
    match = " and ".join(f"t.{quoted([k])} = k.{quoted([k])}" for k in t.keys)
    if t.has_order:
        cur.execute(f"insert into _touched select t.platform, t.shop, t.order_id "  # noqa: S608
                    f"from {name} as t semi join _keys as k on {match}")
        cur.execute("insert into _touched select platform, shop, order_id from _changed")
    cur.execute(f"delete from {name} as t using _keys as k where {match}")  # noqa: S608
    cur.execute(f"insert into {name} ({quoted(t.names)}) "  # noqa: S608
                f"select {quoted(t.names)} from _changed")
    cur.execute("drop table _changed")
    cur.execute("drop table _keys")


def local_sequences(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The last value each id sequence of a DuckDB store gave (0 before its first)."""
    return {name: int(last or 0) for name, last in con.execute(
        "select sequence_name, last_value from duckdb_sequences() "
        "where database_name = current_database() and not temporary").fetchall()}


def sync_sequences(con: duckdb.DuckDBPyConnection, drawn: dict[str, int]) -> None:
    """The DuckDB store's id sequences moved past what PostgreSQL says was drawn (`drawn`,
    the last value per sequence) and past every event and import id it holds: ids are drawn
    from the copy writing, which the rows of other processes did not advance."""
    cur = con.cursor()
    try:
        floors = {name: last + 1 for name, last in drawn.items()}
        for seq, table, column in _SEQUENCES:
            need = cur.execute(f"select coalesce(max({column}), 0) + 1 "  # noqa: S608
                               f"from {table}").fetchall()[0][0]
            floors[seq] = max(floors.get(seq, 0), int(need))
        for name, start, last in cur.execute(
                "select sequence_name, start_value, last_value from duckdb_sequences() "
                "where database_name = current_database() and not temporary").fetchall():
            following = start if last is None else last + 1
            need = floors.get(name, 0)
            if following >= need:
                continue
            try:
                cur.execute(f"create or replace sequence {quoted([name])} start {int(need)}")
            except duckdb.DependencyException:   # a column's default: drawn up to it instead
                cur.execute(f"select max(nextval('{name}')) "  # noqa: S608 - a catalog name
                            "from range(?)", [int(need - following)])
    finally:
        cur.close()


def drawn_in(conn: psycopg.Connection) -> dict[str, int]:
    """The last id each sequence drew, as PostgreSQL keeps it (`seq:<name>` in orderdesk_meta)."""
    return {key[4:]: int(value) for key, value in conn.execute(
        "select key, value from orderdesk_meta where key like 'seq:%'").fetchall()}


def record_drawn(conn: psycopg.Connection, drawn: dict[str, int], before: dict[str, int]) -> None:
    """The ids the DuckDB store drew, kept in PostgreSQL (only those past `before`)."""
    for name, last in drawn.items():
        if last > before.get(name, 0):
            conn.execute("insert into orderdesk_meta values (%s, %s) on conflict (key) do "
                         "update set value = greatest(orderdesk_meta.value, excluded.value)",
                         [f"seq:{name}", last])


def _marks(con: duckdb.DuckDBPyConnection, tables: dict[str, Table], light: bool) -> _Marks:
    cur = con.cursor()
    try:
        marks = _Marks(light, *cur.execute(
            "select (select coalesce(max(event_id), 0) from events), "
            "(select coalesce(max(import_id), 0) from imports)").fetchall()[0])
        marks.whole = _whole_sums(cur, tables)
        if not light:
            marks.blank = _blank_counts(cur, tables)
        return marks
    finally:
        cur.close()


def _whole_sums(cur: duckdb.DuckDBPyConnection, tables: dict[str, Table]) -> dict[str, tuple]:
    """(rows, sum of row hashes) of each table that moves whole."""
    names = [n for n, t in tables.items() if t.kind == "whole"]
    query = " union all ".join(
        f"select '{n}', count(*), coalesce(sum(hash(t)), 0)::hugeint "  # noqa: S608
        f"from {quoted([n])} as t" for n in names)
    return {n: (rows, total) for n, rows, total in cur.execute(query).fetchall()}


def _blank_counts(cur: duckdb.DuckDBPyConnection, tables: dict[str, Table]) -> dict[str, int]:
    """Rows under the unnamed shop ('') per table keyed by order: an import that names their
    shop moves them (pipeline/ingest/importing.py), which the rules of `_Push` then follow."""
    names = [n for n, t in tables.items() if t.kind == "row" and "shop" in t.names]
    query = " union all ".join(
        f"select '{n}', count(*) from {quoted([n])} where shop = ''" for n in names)  # noqa: S608
    return dict(cur.execute(query).fetchall())


def _prune(conn: psycopg.Connection) -> None:
    """Deletions older than PRUNE_AFTER dropped from the log; a mirror behind them reloads."""
    top = conn.execute(
        "with gone as (delete from orderdesk_deletions where at < now() - %s::interval "
        "returning _seq) select max(_seq) from gone", [PRUNE_AFTER]).fetchone()[0]
    if top is not None:
        conn.execute("update orderdesk_meta set value = greatest(value, %s) "
                     "where key = 'pruned_seq'", [top])


# The rows an import wrote ($imp: the largest import id before the write).
_IMPORTED = {name: f"select * from {name} where import_id > $imp"  # noqa: S608 - fixed names
             for name in ("orders", "cases", "stock", "imports")}
# The orders whose lines an import wrote; with those of every order it wrote, when lines under
# the unnamed shop moved under their order's shop.
_LINE_ORDERS = "select platform, shop, order_id from order_lines where import_id > $imp"
_MOVED_LINE_ORDERS = """
select platform, shop, order_id from order_lines where import_id > $imp
union
select platform, shop, order_id from orders where import_id > $imp
"""
# The desk's earlier actions on the orders an import wrote, when some moved under their shop.
_MOVED_EVENTS = """
select e.*
from events as e
semi join (select platform, shop, order_id from orders where import_id > $imp) as o
    using (platform, shop, order_id)
where e.event_id <= $ev
"""


class _Push:
    """What one write changed on the mirror, recorded in PostgreSQL in its transaction.

    The rules follow the store's write paths: the desk's events are appended (ids above the
    largest before); an import's rows are those tagged with its import id (above the largest
    before): orders, cases, stock and the import log replace the rows with their keys, an order's
    lines replace all of that order's lines (a re-exported order's lines are replaced), the
    rejects are appended; rows under the unnamed shop that an import moved under their shop are
    taken out where they were; the small tables (settings, shops, promotions, bundles, accounts,
    sign-ins) are replaced whole when their sum of row hashes changed."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, conn: psycopg.Connection,
                 tables: dict[str, Table], marks: _Marks, folder: Path):
        self.cur, self.conn, self.tables, self.marks, self.folder = cur, conn, tables, marks, folder
        self.params = {"imp": marks.max_import, "ev": marks.max_event}

    def run(self) -> int:
        """Rows written to PostgreSQL (0: the write changed nothing it keeps)."""
        self.conn.execute("select set_config('orderdesk.bulk', 'on', true)")
        moved = 0
        if not self.marks.light:
            blank = _blank_counts(self.cur, self.tables)
            moved_blank = {n for n, count in blank.items() if count != self.marks.blank.get(n)}
            for name, rows_of in _IMPORTED.items():
                moved += self.replace_rows(name, rows_of)
            moved += self.replace_groups("order_lines", pg.ORDER_KEY,
                                         _MOVED_LINE_ORDERS if "order_lines" in moved_blank
                                         else _LINE_ORDERS)
            moved += self.append("import_rejects", "import_id > $imp")
            if "events" in moved_blank:
                moved += self.replace_rows("events", _MOVED_EVENTS)
            for name in sorted(moved_blank):
                moved += self.drop_blank(name)
        moved += self.append("events", "event_id > $ev")
        for name, sums in _whole_sums(self.cur, self.tables).items():
            if sums != self.marks.whole.get(name):
                moved += self.replace_whole(name)
        return moved

    # each returns the rows it wrote or took out

    def _csv(self, query: str, what: str) -> tuple[Path, int]:
        path = self.folder / f"{pg.scratch_name(what)}.csv"
        used = {k: v for k, v in self.params.items() if f"${k}" in query}
        return path, pg.duck_to_csv(self.cur, query, path, used)

    def _temp(self, columns: list[str], like: str, path: Path) -> str:
        """A temporary table in PostgreSQL (dropped at commit) holding the CSV at `path`."""
        name = pg.scratch_name("_push")
        self.conn.execute(sql.SQL("create temp table {} on commit drop as select {} from {} "
                                  "limit 0").format(sql.Identifier(name), idents(columns),
                                                    sql.Identifier(like)))
        pg.csv_to_pg(self.conn, name, columns, path)
        path.unlink()
        return name

    def append(self, name: str, where: str) -> int:
        t = self.tables[name]
        path, n = self._csv(f"select {quoted(t.names)} from {quoted([name])} "  # noqa: S608
                            f"where {where}", name)
        if n:
            pg.csv_to_pg(self.conn, name, t.names, path)
        path.unlink()
        return n

    def replace_rows(self, name: str, rows_of: str) -> int:
        """The rows `rows_of` selects from the mirror's table `name`, in place of PostgreSQL's
        rows with their keys."""
        t = self.tables[name]
        rows, n = self._csv(f"select {quoted(t.names)} from ({rows_of})", name)  # noqa: S608
        if not n:
            rows.unlink()
            return 0
        keys, _ = self._csv(f"select distinct {quoted(t.keys)} from ({rows_of})",  # noqa: S608
                            f"{name}-keys")
        temp = self._temp(list(t.keys), name, keys)
        self.conn.execute(sql.SQL("delete from {} as t using {} as k where {}").format(
            sql.Identifier(name), sql.Identifier(temp), _match("t", "k", t.keys)))
        pg.csv_to_pg(self.conn, name, t.names, rows)
        rows.unlink()
        return n

    def replace_groups(self, name: str, group: tuple[str, ...], groups: str) -> int:
        """All rows of the groups `groups` selects, in place of PostgreSQL's rows of those
        groups; the keys not put back are logged as deleted."""
        t = self.tables[name]
        keys, n_groups = self._csv(f"select distinct * from ({groups})", f"{name}-groups")  # noqa: S608
        if not n_groups:
            keys.unlink()
            return 0
        cols = ", ".join(f"t.{c}" for c in quoted(t.names).split(", "))
        on = " and ".join(f"t.{quoted([c])} = g.{quoted([c])}" for c in group)
        rows, n = self._csv(f"select {cols} from {quoted([name])} as t "  # noqa: S608
                            f"semi join ({groups}) as g on {on}", name)
        temp = self._temp(list(group), name, keys)
        gone = pg.scratch_name("_gone")
        self.conn.execute(sql.SQL(
            "create temp table {gone} on commit drop as "
            "with d as (delete from {t} as t using {g} as g where {match} returning {tkeys}) "
            "select * from d").format(
                gone=sql.Identifier(gone), t=sql.Identifier(name), g=sql.Identifier(temp),
                match=_match("t", "g", group),
                tkeys=sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(k))
                                         for k in t.keys)))
        if n:
            pg.csv_to_pg(self.conn, name, t.names, rows)
        rows.unlink()
        self.conn.execute(sql.SQL(
            "insert into orderdesk_deletions (tbl, key) "
            "select {name}, orderdesk_key(to_jsonb(g), {cols}) from {gone} as g "
            "where not exists (select 1 from {t} as t where {match})").format(
                name=sql.Literal(name), cols=sql.Literal(list(t.keys)),
                gone=sql.Identifier(gone), t=sql.Identifier(name),
                match=_match("t", "g", t.keys)))
        return n + n_groups

    def drop_blank(self, name: str) -> int:
        """PostgreSQL's rows under the unnamed shop that the mirror no longer has: taken out
        (and logged as deleted)."""
        t = self.tables[name]
        theirs = self.folder / f"{pg.scratch_name(name)}.csv"
        pg.pg_to_csv(self.conn, sql.SQL("select {} from {} where shop = ''").format(
            idents(t.keys), sql.Identifier(name)), theirs)
        gone, n = self._csv(
            f"select {quoted(t.keys)} from {pg.read_csv_sql(theirs, t, list(t.keys))} "  # noqa: S608
            f"except select {quoted(t.keys)} from {quoted([name])} where shop = ''",
            f"{name}-gone")
        theirs.unlink()
        if not n:
            gone.unlink()
            return 0
        temp = self._temp(list(t.keys), name, gone)
        self.conn.execute("select set_config('orderdesk.bulk', 'off', true)")
        self.conn.execute(sql.SQL("delete from {} as t using {} as k where {}").format(
            sql.Identifier(name), sql.Identifier(temp), _match("t", "k", t.keys)))
        self.conn.execute("select set_config('orderdesk.bulk', 'on', true)")
        return n

    def replace_whole(self, name: str) -> int:
        t = self.tables[name]
        path, n = self._csv(f"select {quoted(t.names)} from {quoted([name])}", name)  # noqa: S608
        self.conn.execute(sql.SQL("delete from {}").format(sql.Identifier(name)))
        self.conn.execute("insert into orderdesk_deletions (tbl, key) values (%s, null)", [name])
        if n:
            pg.csv_to_pg(self.conn, name, t.names, path)
        path.unlink()
        return n + 1


def _match(a: str, b: str, keys: tuple[str, ...]) -> sql.Composable:
    return sql.SQL(" and ").join(
        sql.SQL("{}.{} = {}.{}").format(sql.Identifier(a), sql.Identifier(k), sql.Identifier(b),
                                        sql.Identifier(k)) for k in keys)


@atexit.register
def _stop_all() -> None:
    """At exit every poller is stopped and waited for: a thread still inside DuckDB when the
    interpreter goes down takes the process with it."""
    for store in list(_stores):
        store._stop.set()
    for store in list(_stores):
        poller = store._poller
        if poller is not None and poller.is_alive():
            poller.join(timeout=30)


def mirror_checksums(store: PgStore) -> dict[str, tuple[int, int]]:
    """(rows, checksum) of each table PostgreSQL keeps, as the mirror holds it."""
    return pg.duck_checksums(store.cursor(), store.tables)


def database_checksums(store: PgStore) -> dict[str, tuple[int, int]]:
    """(rows, checksum) of each table as PostgreSQL holds it."""
    with store._lock:
        conn = store._connection("read")
        conn.execute("begin isolation level repeatable read read only")
        try:
            return pg.pg_checksums(conn, store.tables, Path(store._tmp.name))
        finally:
            conn.execute("rollback")

