"""Moving a desk's store between a DuckDB file and PostgreSQL (DESIGN §14), nothing lost:
`python -m pipeline store copy FROM TO`.

Every table the store keeps (pipeline/db/pg.py: what was imported, done and set, the accounts
and the sign-in key; not the tables derived from them, which the destination rebuilds) is copied
as CSV in one transaction, with the store's id and its id sequences. The destination must be
new: a file that does not exist yet, or a database without a desk's rows. Afterwards each
table's rows are counted and their checksum (a sum of row hashes, computed by DuckDB on the rows
as each side returns them) compared, and both are printed.

Stop the dashboards and jobs on the source first: a copy is of one moment, and what they record
meanwhile would not be in it.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from pipeline.db import pg
from pipeline.db.faults import StoreFault
from pipeline.db.mirror import drawn_in, local_sequences, record_drawn, sync_sequences
from pipeline.db.pg import Table, idents, quoted
from pipeline.db.states import refresh_states
from pipeline.db.store import MEMORY, Store, _write_marker, is_database_url, marker_path

EXIT_OK, EXIT_DIFFERS, EXIT_REFUSED = 0, 1, 2


class CopyRefused(Exception):  # noqa: N818 - a refusal, said in one line
    """The copy cannot be made; nothing was written."""


@dataclass
class TableCopy:
    """One table as the source and the destination hold it after the copy."""

    name: str
    rows_from: int
    sum_from: int
    rows_to: int
    sum_to: int

    @property
    def equal(self) -> bool:
        return (self.rows_from, self.sum_from) == (self.rows_to, self.sum_to)


def copy_store(src: str | Path, dst: str | Path,
               say: Callable[[str], None] = print) -> list[TableCopy]:
    """Copy the store at `src` (a file or `postgresql://…`) to `dst` (a new file or an empty
    database); each table's counts and checksums, as printed by `say`."""
    tables = pg.canonical_tables()
    with tempfile.TemporaryDirectory(prefix="orderdesk-copy-") as tmp:
        folder = Path(tmp)
        source = _PgSource(str(src)) if is_database_url(str(src)) else _FileSource(Path(src))
        try:
            dest = _PgDest(str(dst)) if is_database_url(str(dst)) else _FileDest(Path(dst))
            try:
                say(f"copying {source.name} to {dest.name}")
                columns = {name: [c for c in t.names if c in source.columns(name)]
                           for name, t in tables.items()}
                dest.begin()
                for name, t in tables.items():
                    path = folder / f"{name}.csv"
                    source.to_csv(t, columns[name], path)
                    dest.from_csv(t, columns[name], path)
                    path.unlink()
                dest.finish(source.store_id(), source.sequences())
                before = source.checksums(tables, columns, folder)
                after = dest.checksums(tables, columns, folder)
            finally:
                dest.close()
        finally:
            source.close()
    result = [TableCopy(name, *before[name], *after[name]) for name in tables]
    _print(result, say)
    return result


def store_copy_main(src: str, dst: str) -> int:
    """`store copy FROM TO`: the copy, its table of counts and checksums; 0 when every count
    and checksum is equal, 1 when one differs, 2 when it was refused (one line on stderr)."""
    try:
        result = copy_store(src, dst)
    except (CopyRefused, StoreFault) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK if all(t.equal for t in result) else EXIT_DIFFERS


def _print(result: list[TableCopy], say: Callable[[str], None]) -> None:
    width = max(len(t.name) for t in result)
    say(f"{'table':<{width}}  {'rows':>10}  {'checksum':<16}  copied")
    for t in result:
        copied = "equal" if t.equal else f"DIFFERS: {t.rows_to} rows, {_hex(t.sum_to)}"
        say(f"{t.name:<{width}}  {t.rows_from:>10}  {_hex(t.sum_from)}  {copied}")
    rows = sum(t.rows_from for t in result)
    differ = [t.name for t in result if not t.equal]
    say(f"{len(result)} tables, {rows} rows: " + (
        "every count and checksum equal" if not differ else f"{', '.join(differ)} differ"))


def _hex(total: int) -> str:
    return f"{total & (2**64 - 1):016x}"


# ---------------------------------------------------------------------------------------------
# The two kinds of store, as a source and as a destination


class _FileSource:
    def __init__(self, path: Path):
        if str(path) == MEMORY or not path.exists():
            raise CopyRefused(f"no store at {path}; nothing was copied")
        self.name = str(path)
        self.store = Store(path, read_only=True)
        self.con = self.store.con

    def columns(self, table: str) -> set[str]:
        return {r[0] for r in self.con.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = 'main' and table_name = ?", [table]).fetchall()}

    def to_csv(self, t: Table, names: list[str], path: Path) -> None:
        query = (f"select {quoted(names)} from {quoted([t.name])}"  # noqa: S608
                 if names else "select 1 where false")
        pg.duck_to_csv(self.con, query, path)

    def store_id(self) -> int | None:
        return self.store.store_id

    def sequences(self) -> dict[str, int]:
        return local_sequences(self.con)

    def checksums(self, tables: dict[str, Table], columns: dict[str, list[str]],
                  folder: Path) -> dict[str, tuple[int, int]]:
        return _duck_sums(self.con, tables, columns)

    def close(self) -> None:
        self.store.close()


class _PgSource:
    """A database read in one repeatable-read snapshot."""

    def __init__(self, url: str):
        self.name = pg.masked(url)
        self.conn = pg.connect(url, self.name, "open")
        if not pg.has_store(self.conn):
            self.conn.close()
            raise CopyRefused(f"{self.name} holds no desk's store; nothing was copied")
        self.conn.execute("begin isolation level repeatable read read only")
        self._columns = {t: set(pg.columns_in_pg(self.conn, t)) for t in pg.canonical_tables()}

    def columns(self, table: str) -> set[str]:
        return self._columns.get(table, set())

    def to_csv(self, t: Table, names: list[str], path: Path) -> None:
        query = (sql.SQL("select {} from {}").format(idents(names), sql.Identifier(t.name))
                 if names else sql.SQL("select 1 where false"))
        pg.pg_to_csv(self.conn, query, path)

    def store_id(self) -> int | None:
        return pg.meta_value(self.conn, "store_id")

    def sequences(self) -> dict[str, int]:
        return drawn_in(self.conn)

    def checksums(self, tables: dict[str, Table], columns: dict[str, list[str]],
                  folder: Path) -> dict[str, tuple[int, int]]:
        return _pg_sums(self.conn, tables, columns, folder)

    def close(self) -> None:
        with suppress(psycopg.Error, duckdb.Error):
            self.conn.execute("rollback")
        self.conn.close()


class _FileDest:
    def __init__(self, path: Path):
        if str(path) == MEMORY or path.exists() or marker_path(path).exists():
            raise CopyRefused(f"{path} exists already: a copy goes to a new file; nothing was "
                              "copied")
        self.name = str(path)
        self.path = path
        self.store: Store | None = None
        self.cur: duckdb.DuckDBPyConnection | None = None

    def begin(self) -> None:
        self.store = Store(self.path, create=True)
        self.cur = self.store.con.cursor()
        self.cur.execute("begin transaction")

    def from_csv(self, t: Table, names: list[str], path: Path) -> None:
        if names:
            self.cur.execute(f"insert into {quoted([t.name])} ({quoted(names)}) "  # noqa: S608
                             f"select * from {pg.read_csv_sql(path, t, names)}")

    def finish(self, store_id: int | None, sequences: dict[str, int]) -> None:
        cur = self.cur
        refresh_states(cur)
        if store_id is not None:
            cur.execute("insert or replace into meta values ('store_id', ?)", [store_id])
        cur.execute("commit")
        self.cur = None
        sync_sequences(self.store.con, sequences)
        if store_id is not None:
            self.store.store_id = store_id
            _write_marker(marker_path(self.path), store_id)

    def checksums(self, tables: dict[str, Table], columns: dict[str, list[str]],
                  folder: Path) -> dict[str, tuple[int, int]]:
        return _duck_sums(self.store.con, tables, columns)

    def close(self) -> None:
        if self.cur is not None:   # a copy that failed half way: the file is not left behind
            with suppress(psycopg.Error, duckdb.Error):
                self.cur.execute("rollback")
        if self.store is not None:
            self.store.close()
        if self.cur is not None:
            for p in (self.path, self.path.with_name(self.path.name + ".wal"),
                      marker_path(self.path)):
                p.unlink(missing_ok=True)


class _PgDest:
    """A database without a desk's rows, written in one transaction under the desk's lock."""

    def __init__(self, url: str):
        self.name = pg.masked(url)
        self.conn = pg.connect(url, self.name, "open")
        self.open = False

    def begin(self) -> None:
        conn = self.conn
        pg.ensure_schema(conn, pg.canonical_tables(), self.name)
        conn.execute("begin")
        self.open = True
        conn.execute("select pg_advisory_xact_lock(%s)", [pg.LOCK_KEY])
        held = [name for name in pg.canonical_tables() if conn.execute(
            sql.SQL("select exists (select 1 from {})").format(sql.Identifier(name))
        ).fetchone()[0]]
        if held:
            raise CopyRefused(f"{self.name} holds a desk's data already ({', '.join(held)}): "
                              "a copy goes to an empty database; nothing was copied")

    def from_csv(self, t: Table, names: list[str], path: Path) -> None:
        if names:
            pg.csv_to_pg(self.conn, t.name, names, path)

    def finish(self, store_id: int | None, sequences: dict[str, int]) -> None:
        conn = self.conn
        if store_id is not None:
            conn.execute("update orderdesk_meta set value = %s where key = 'store_id'",
                         [store_id])
        record_drawn(conn, sequences, drawn_in(conn))
        conn.execute("update orderdesk_meta set value = value + 1 where key = 'commits'")
        conn.execute("commit")
        self.open = False

    def checksums(self, tables: dict[str, Table], columns: dict[str, list[str]],
                  folder: Path) -> dict[str, tuple[int, int]]:
        self.conn.execute("begin isolation level repeatable read read only")
        try:
            return _pg_sums(self.conn, tables, columns, folder)
        finally:
            self.conn.execute("rollback")

    def close(self) -> None:
        if self.open:
            with suppress(psycopg.Error, duckdb.Error):
                self.conn.execute("rollback")
        self.conn.close()


def _duck_sums(con: duckdb.DuckDBPyConnection, tables: dict[str, Table],
               columns: dict[str, list[str]]) -> dict[str, tuple[int, int]]:
    return {name: (tuple(map(int, con.execute(pg.checksum_sql(name, columns[name])).fetchall()[0]))
                   if columns[name] else (0, 0))
            for name in tables}


def _pg_sums(conn: psycopg.Connection, tables: dict[str, Table], columns: dict[str, list[str]],
             folder: Path) -> dict[str, tuple[int, int]]:
    present = {name: t for name, t in tables.items() if columns[name]}
    narrowed = {name: Table(name, tuple(c for c in t.columns if c[0] in columns[name]))
                for name, t in present.items()}
    sums = pg.pg_checksums(conn, narrowed, folder)
    return {name: sums.get(name, (0, 0)) for name in tables}
