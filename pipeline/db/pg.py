"""PostgreSQL as the desk's system of record (DESIGN §14): its tables, the change sequence, and
moving rows between it and DuckDB.

The tables are those of the store's schema files (pipeline/db/queries.py `schema_files`:
sql/schema.sql, the accounts' users_schema.sql, the alerts' alerts_schema.sql) that hold what
was imported, done and set — not the tables each DuckDB copy derives for itself
(LOCAL_TABLES). Each has a `_seq` column from one global sequence, `orderdesk_seq`: a new row
takes the next value (a column default: a COPY of a million rows runs no trigger per row), an
updated one by a trigger. A deleted row is logged in `orderdesk_deletions` (table, key, _seq) by a
trigger, so that a copy knows which rows went; a bulk replace by the desk itself logs the keys
it did not put back in one statement instead (`orderdesk.bulk`). Every statement on these tables
takes the desk's transaction-level advisory lock first, so writers, the desk's and anyone's,
commit one after another, in `_seq` order: a reader that saw `_seq` N has seen everything below.

Rows move as CSV through a temporary file: PostgreSQL's COPY on one side, DuckDB's COPY and
read_csv on the other (an empty text quoted, a null bare), in the column types of DuckDB's schema.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import duckdb
import psycopg
from psycopg import sql

from pipeline.db.faults import StoreBusy, StoreFault, StoreUnreachable, first_line
from pipeline.db.queries import schema_files
from pipeline.db.queries import sql as store_sql

log = logging.getLogger(__name__)

# The advisory lock every write to the desk's tables holds until its transaction ends: one writer
# at a time across every process, as one DuckDB file has one writer.
LOCK_KEY = 0x6F72646572646B   # "orderdk"
CONNECT_SECONDS = 3
LOCK_WAIT_SECONDS = 60   # a write waits this long for another's (an import of 1M orders)

# Tables each copy derives or keeps for itself: never in PostgreSQL.
LOCAL_TABLES = ("meta", "order_state", "state_scope", "open_orders", "waiting_lines",
                "order_type_facts")
# Large tables, caught up row by row: their key (unique by the import's care where DuckDB has no
# constraint, like orders and order_lines).
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "orders": ("platform", "shop", "order_id"),
    "order_lines": ("platform", "shop", "order_id", "line_id"),
    "cases": ("platform", "shop", "case_id"),
    "stock": ("sku", "warehouse"),
    "events": ("event_id",),
    "imports": ("import_id",),
}
# Large tables without a key, caught up by group (an import's rejects together).
GROUP_KEYS: dict[str, tuple[str, ...]] = {"import_rejects": ("import_id",)}
# Tables no page reads (sign-ins): a change to them moves no version.
BOOKKEEPING_TABLES = ("sign_in_attempts", "sign_in_sessions", "sign_in_secret")
# Every other table is small (settings, shops, promotions, bundles, accounts, …) and moves whole.

ORDER_KEY = ("platform", "shop", "order_id")

_PG_TYPES = {
    "VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "SMALLINT": "smallint",
    "BOOLEAN": "boolean", "TIMESTAMP": "timestamp", "DATE": "date", "DOUBLE": "double precision",
    "FLOAT": "real", "TIME": "time", "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "HUGEINT": "numeric(39)", "UBIGINT": "numeric(20)", "UINTEGER": "bigint",
}


@dataclass(frozen=True)
class Table:
    """One table of the store as DuckDB's schema has it."""

    name: str
    columns: tuple[tuple[str, str, bool], ...]          # (name, DuckDB type, nullable)
    primary_key: tuple[str, ...] = ()
    keys: tuple[str, ...] = field(default=())           # the row key (ROW_KEYS) or group
    kind: str = "whole"                                  # row | group | whole

    @property
    def names(self) -> list[str]:
        return [c for c, _, _ in self.columns]

    @property
    def types(self) -> dict[str, str]:
        return {c: t for c, t, _ in self.columns}

    @property
    def has_order(self) -> bool:
        return all(k in self.names for k in ORDER_KEY)


# ---------------------------------------------------------------------------------------------
# Addresses and faults


def masked(url: str) -> str:
    """The database a URL names, for messages: host, port and name, never the password."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    name = unquote(parts.path.lstrip("/")) or "(default)"
    return f"postgresql://{host}{port}/{name}"


def without_password(url: str) -> str:
    """The URL with its password left out (in the user part or as a `password` parameter), for
    a command shown to a person: PGPASSWORD or ~/.pgpass gives it when the command runs."""
    parts = urlsplit(url)
    user, at, host = parts.netloc.rpartition("@")
    netloc = f"{user.split(':', 1)[0]}@{host}" if at and user.split(":", 1)[0] else host
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if k != "password"])
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def fault(exc: BaseException, where: str, doing: str = "write") -> StoreFault:
    """A psycopg failure as a StoreFault in the desk's words."""
    outcome = "it was not opened" if doing == "open" else "nothing was recorded"
    if isinstance(exc, StoreFault):
        return exc
    if isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
        return StoreBusy(f"the store {where} is busy: another dashboard or import is writing to "
                         f"it; {outcome}, try again in a moment")
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) or \
            getattr(exc, "sqlstate", "") in ("57P01", "57P02", "57P03"):
        return StoreUnreachable(f"the database {where} cannot be reached ({first_line(exc)}); "
                                f"{outcome}; the desk reconnects by itself, try again in a moment")
    return StoreFault(f"the database {where} refused this ({first_line(exc)}); {outcome}")


def connect(url: str, where: str, doing: str = "write") -> psycopg.Connection:
    """An autocommit connection (transactions are begun by hand) in ISO dates and UTF-8."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_SECONDS,
                               application_name="orderdesk")
    except psycopg.Error as exc:
        raise fault(exc, where, doing) from exc
    conn.execute("set datestyle = 'ISO, YMD'")
    conn.execute("set client_encoding = 'UTF8'")
    conn.execute("set intervalstyle = 'postgres'")
    return conn


def is_broken(conn: psycopg.Connection | None) -> bool:
    return conn is None or conn.closed or conn.broken


# ---------------------------------------------------------------------------------------------
# The schema


@functools.cache
def canonical_tables() -> dict[str, Table]:
    """The tables PostgreSQL keeps, read from the store's schema files as DuckDB makes them."""
    con = duckdb.connect()
    try:
        for name in schema_files():
            con.execute(store_sql(name))
        return tables_of(con)
    finally:
        con.close()


def tables_of(con: duckdb.DuckDBPyConnection) -> dict[str, Table]:
    """The replicated tables of a DuckDB store (`con`), with their columns and keys."""
    rows = con.execute(
        """
        select c.table_name, c.column_name, c.data_type, c.is_nullable
        from duckdb_columns() as c
        join duckdb_tables() as t using (database_name, schema_name, table_name)
        where c.database_name = current_database() and c.schema_name = 'main'
          and not t.temporary
        order by c.table_name, c.column_index
        """
    ).fetchall()
    pks = {
        table: tuple(cols)
        for table, cols in con.execute(
            """
            select table_name, constraint_column_names from duckdb_constraints()
            where database_name = current_database() and schema_name = 'main'
              and constraint_type = 'PRIMARY KEY'
            """
        ).fetchall()
    }
    columns: dict[str, list[tuple[str, str, bool]]] = {}
    for table, column, dtype, nullable in rows:
        columns.setdefault(table, []).append((column, dtype, bool(nullable)))
    out = {}
    for name in sorted(columns):
        if name in LOCAL_TABLES:
            continue
        if name in ROW_KEYS:
            keys, kind = ROW_KEYS[name], "row"
        elif name in GROUP_KEYS:
            keys, kind = GROUP_KEYS[name], "group"
        else:
            keys, kind = (), "whole"
        out[name] = Table(name, tuple(columns[name]), pks.get(name, ()), keys, kind)
    return out


def pg_type(duck_type: str) -> str:
    t = duck_type.upper()
    if t.startswith("DECIMAL"):
        return "numeric" + t[len("DECIMAL"):]
    if t not in _PG_TYPES:
        raise ValueError(f"no PostgreSQL type for DuckDB's {duck_type}")
    return _PG_TYPES[t]


_BASE_DDL = """
create sequence if not exists orderdesk_seq;
create table if not exists orderdesk_meta (key text primary key, value bigint not null);
create table if not exists orderdesk_deletions (
    _seq bigint primary key default nextval('orderdesk_seq'),
    tbl text not null,
    key jsonb,
    at timestamptz not null default now()
);
create or replace function orderdesk_key(r jsonb, cols text[]) returns jsonb
language sql immutable as $$ select jsonb_object_agg(c, r -> c) from unnest(cols) as c $$;
create or replace function orderdesk_lock() returns trigger language plpgsql as $$
begin
    perform pg_advisory_xact_lock(LOCK_KEY);
    return null;
end $$;
create or replace function orderdesk_stamp() returns trigger language plpgsql as $$
declare
    a text;
    was jsonb;
    now_ jsonb;
begin
    new._seq := nextval('orderdesk_seq');
    if tg_nargs > 0 then
        was := to_jsonb(old);
        now_ := to_jsonb(new);
        foreach a in array tg_argv loop
            if was -> a is distinct from now_ -> a then
                insert into orderdesk_deletions (tbl, key)
                values (tg_table_name, orderdesk_key(was, tg_argv));
                exit;
            end if;
        end loop;
    end if;
    return new;
end $$;
create or replace function orderdesk_deleted() returns trigger language plpgsql as $$
begin
    if current_setting('orderdesk.bulk', true) is distinct from 'on' then
        insert into orderdesk_deletions (tbl, key)
        values (tg_table_name,
                case when tg_nargs > 0 then orderdesk_key(to_jsonb(old), tg_argv) end);
    end if;
    return old;
end $$;
create or replace function orderdesk_truncated() returns trigger language plpgsql as $$
begin
    insert into orderdesk_deletions (tbl, key) values (tg_table_name, null);
    return null;
end $$;
""".replace("LOCK_KEY", str(LOCK_KEY))


def _table_ddl(t: Table) -> list[sql.Composable]:
    name = sql.Identifier(t.name)
    cols = [sql.SQL("{} {}{}").format(sql.Identifier(c), sql.SQL(pg_type(d)),
                                      sql.SQL("" if null else " not null"))
            for c, d, null in t.columns]
    cols.append(sql.SQL("_seq bigint not null default nextval('orderdesk_seq')"))
    if t.primary_key:
        cols.append(sql.SQL("primary key ({})").format(
            sql.SQL(", ").join(map(sql.Identifier, t.primary_key))))
    out: list[sql.Composable] = [
        sql.SQL("create table if not exists {} ({})").format(name, sql.SQL(", ").join(cols))]
    out += [sql.SQL("alter table {} add column if not exists {} {}").format(
        name, sql.Identifier(c), sql.SQL(pg_type(d))) for c, d, _ in t.columns]
    out.append(sql.SQL("create index if not exists {} on {} (_seq)").format(
        sql.Identifier(f"{t.name}__seq"), name))
    if t.keys and tuple(t.keys) != tuple(t.primary_key):
        out.append(sql.SQL("create index if not exists {} on {} ({})").format(
            sql.Identifier(f"{t.name}__key"), name,
            sql.SQL(", ").join(map(sql.Identifier, t.keys))))
    args = sql.SQL(", ").join(map(sql.Literal, t.keys))
    for trigger, when, each, function in (
        ("orderdesk_lock", "before insert or update or delete or truncate", "statement",
         sql.SQL("orderdesk_lock()")),
        ("orderdesk_stamp", "before update", "row", sql.SQL("orderdesk_stamp({})").format(args)),
        ("orderdesk_deleted", "after delete", "row", sql.SQL("orderdesk_deleted({})").format(args)),
        ("orderdesk_truncated", "after truncate", "statement", sql.SQL("orderdesk_truncated()")),
    ):
        out.append(sql.SQL("drop trigger if exists {} on {}").format(sql.Identifier(trigger), name))
        out.append(sql.SQL("create trigger {} {} on {} for each {} execute function {}").format(
            sql.Identifier(trigger), sql.SQL(when), name, sql.SQL(each), function))
    return out


def ensure_schema(conn: psycopg.Connection, tables: dict[str, Table], where: str) -> int:
    """Make (or bring up to date) the desk's tables in PostgreSQL; the store's id. One
    transaction under the desk's lock; skipped when the schema is the one made before."""
    statements = [sql.SQL(_BASE_DDL)] + [s for t in tables.values() for s in _table_ddl(t)]
    text = ";\n".join(s.as_string(conn) for s in statements)
    fingerprint = int.from_bytes(hashlib.sha256(text.encode()).digest()[:7], "big")
    try:
        if _schema_of(conn) == fingerprint:   # made before: no lock (a writer may hold it long)
            return meta_value(conn, "store_id")
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(%s)", [LOCK_KEY])
            if _schema_of(conn) != fingerprint:
                for statement in statements:
                    conn.execute(statement)
                conn.execute("insert into orderdesk_meta values ('schema', %s) "
                             "on conflict (key) do update set value = excluded.value",
                             [fingerprint])
            conn.execute(
                "insert into orderdesk_meta values ('store_id', (random() * 4e18)::bigint), "
                "('commits', 0), ('pruned_seq', 0) on conflict do nothing")
            return int(conn.execute(
                "select value from orderdesk_meta where key = 'store_id'").fetchone()[0])
    except psycopg.Error as exc:
        raise fault(exc, where, "open") from exc


def _schema_of(conn: psycopg.Connection) -> int | None:
    """The fingerprint of the desk's schema as made in the database, None before."""
    if not has_store(conn):
        return None
    row = conn.execute("select value from orderdesk_meta where key = 'schema'").fetchone()
    return int(row[0]) if row else None


def has_store(conn: psycopg.Connection) -> bool:
    """True when the database holds a desk's tables."""
    return bool(conn.execute("select to_regclass('orderdesk_meta') is not null").fetchone()[0])


def meta_value(conn: psycopg.Connection, key: str, default: int = 0) -> int:
    row = conn.execute("select value from orderdesk_meta where key = %s", [key]).fetchone()
    return int(row[0]) if row else default


def sequence_value(conn: psycopg.Connection) -> int:
    """The last value `orderdesk_seq` gave (0 before its first)."""
    last, called = conn.execute("select last_value, is_called from orderdesk_seq").fetchone()
    return int(last) if called else 0


def columns_in_pg(conn: psycopg.Connection, table: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "select column_name from information_schema.columns "
        "where table_schema = current_schema() and table_name = %s order by ordinal_position",
        [table]).fetchall()]


# ---------------------------------------------------------------------------------------------
# Moving rows


def quoted(names: Iterable[str]) -> str:
    """Column names for DuckDB's SQL (names from the schema, never from a file)."""
    return ", ".join('"' + n.replace('"', '""') + '"' for n in names)


def idents(names: Iterable[str]) -> sql.Composable:
    return sql.SQL(", ").join(map(sql.Identifier, names))


def pg_to_csv(conn: psycopg.Connection, query: sql.Composable, path: Path) -> None:
    """The rows of `query` in PostgreSQL written to `path` as CSV."""
    with conn.cursor() as cur, path.open("wb") as out, \
            cur.copy(sql.SQL("copy ({}) to stdout (format csv)").format(query)) as copy:
        for chunk in copy:
            out.write(chunk)


def csv_to_pg(conn: psycopg.Connection, table: str, columns: list[str], path: Path) -> None:
    """The CSV at `path` appended to `table` (its `columns`, in that order)."""
    with conn.cursor() as cur, path.open("rb") as src, cur.copy(
            sql.SQL("copy {} ({}) from stdin (format csv)").format(
                sql.Identifier(table), idents(columns))) as copy:
        while chunk := src.read(1 << 20):
            copy.write(chunk)


def duck_to_csv(cur: duckdb.DuckDBPyConnection, query: str, path: Path,
                params: dict | None = None) -> int:
    """The rows of `query` in DuckDB written to `path` as CSV; how many."""
    done = cur.execute(f"copy ({query}) to '{_path_literal(path)}' (format csv, header false)",
                       params or {}).fetchall()
    return int(done[0][0]) if done else 0


def read_csv_sql(path: Path, table: Table, names: list[str] | None = None) -> str:
    """A DuckDB relation over a CSV written by either side, in `table`'s column types."""
    types = table.types
    cols = ", ".join(f"'{n}': '{types[n]}'" for n in (names or table.names))
    return (f"read_csv('{_path_literal(path)}', columns = {{{cols}}}, header = false, "
            "auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            "allow_quoted_nulls = false, max_line_size = 67108864)")


def _path_literal(path: Path) -> str:
    return str(path).replace("'", "''")


def scratch_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


# ---------------------------------------------------------------------------------------------
# Checksums: one sum of row hashes per table, computed by DuckDB on either side's rows


def checksum_sql(table: str, names: Iterable[str]) -> str:
    cols = quoted(sorted(names))
    return (f"select count(*), coalesce(sum(hash({cols})), 0)::hugeint "  # noqa: S608
            f"from {quoted([table])}")


def duck_checksums(con: duckdb.DuckDBPyConnection,
                   tables: dict[str, Table]) -> dict[str, tuple[int, int]]:
    """(rows, checksum) of each table in a DuckDB store."""
    return {name: tuple(map(int, con.execute(checksum_sql(name, t.names)).fetchall()[0]))
            for name, t in tables.items()}


def pg_checksums(conn: psycopg.Connection, tables: dict[str, Table],
                 folder: Path) -> dict[str, tuple[int, int]]:
    """(rows, checksum) of each table in PostgreSQL, its rows read into DuckDB first."""
    con = duckdb.connect()
    try:
        out = {}
        for name, t in tables.items():
            path = folder / f"{scratch_name(name)}.csv"
            pg_to_csv(conn, sql.SQL("select {} from {}").format(idents(t.names),
                                                                 sql.Identifier(name)), path)
            con.execute(f"create table {quoted([name])} as "  # noqa: S608 - names from the schema
                        f"select * from {read_csv_sql(path, t)}")
            path.unlink()
            out[name] = tuple(map(int, con.execute(checksum_sql(name, t.names)).fetchall()[0]))
        return out
    finally:
        con.close()
