"""The DuckDB store: opening it, the single write path, the derived order states.

One `Store` per process holds one connection; readers take a `cursor()` each, writers go
through `Store.write()`, which serialises them on one lock, runs a transaction, refreshes what
is derived and bumps the data version that UI caches are keyed by.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline import canonical as C
from pipeline.settings import get_settings, local_now

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = Path(__file__).resolve().parent / "sql"
DEFAULT_DB = ROOT / "data" / "orderdesk.duckdb"


def sql(name: str) -> str:
    """The text of `pipeline/sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def default_db_path() -> Path:
    """`ORDERDESK_DB` if set, else `data/orderdesk.duckdb`."""
    return Path(os.environ.get("ORDERDESK_DB") or DEFAULT_DB)


class StoreBusy(Exception):
    """Another process holds the database file."""


class Conflict(Exception):
    """The order changed under the caller since it was read."""


class Store:
    """The database file, one connection, one write lock."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreBusy(
                    f"the store {self.path} is open in another program (the dashboard or a "
                    "running import); close it or wait for it to finish, then try again"
                ) from exc
            raise
        self._lock = threading.RLock()
        if not read_only:
            with self._lock:
                self.con.execute(sql("schema"))
                self.con.execute(
                    "insert into meta values ('data_version', 0) on conflict do nothing"
                )

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for this thread's reads."""
        return self.con.cursor()

    def close(self) -> None:
        self.con.close()

    def data_version(self) -> int:
        """Bumped by every committed write; UI caches key on it."""
        rows = self.cursor().execute("select value from meta where key = 'data_version'").fetchall()
        return int(rows[0][0]) if rows else 0

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction under the store's lock; bumps the data version on commit."""
        with self._lock:
            cur = self.con.cursor()
            cur.execute("begin transaction")
            try:
                yield cur
                cur.execute("update meta set value = value + 1 where key = 'data_version'")
                cur.execute("commit")
            except BaseException:
                cur.execute("rollback")
                raise
            finally:
                cur.close()

    def run_write(self, work: Callable[[duckdb.DuckDBPyConnection], Any], tries: int = 3) -> Any:
        """`work(cur)` inside `write()`, retried on a transaction conflict."""
        for attempt in range(tries):
            try:
                with self.write() as cur:
                    return work(cur)
            except duckdb.TransactionException:
                if attempt == tries - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def settings(self) -> dict[str, Any]:
        return get_settings(self.cursor())

    def now(self) -> datetime:
        """The current moment as a naive time in the desk's time zone."""
        return local_now(self.cursor())


# Tables derived from the orders and their states, each computed by the table macro
# `<name>_of(everything)` in sql/schema.sql; refreshed after `order_state`, for the same keys.
DERIVED_TABLES = ("open_orders", "waiting_lines", "order_type_facts")


def refresh_states(cur: duckdb.DuckDBPyConnection, keys: pd.DataFrame | None = None) -> None:
    """Recompute `order_state` and the tables derived with it (DERIVED_TABLES) for every
    order, or only for `keys` (platform, shop, order_id)."""
    params = {"confirmed_tag": get_settings(cur)["confirmed_tag"]}
    if keys is None:
        cur.execute("delete from order_state")
        cur.execute("insert into order_state " + sql("states"), {**params, "all": True})
        for table in DERIVED_TABLES:  # identifiers from a fixed list
            cur.execute(f"delete from {table}")  # noqa: S608
            cur.execute(f"insert into {table} select * from {table}_of(true)")  # noqa: S608
        return
    cur.execute("delete from state_scope")
    cur.register("scope_keys", keys[C.ORDER_KEY].drop_duplicates())
    cur.execute("insert into state_scope select platform, shop, order_id from scope_keys")
    cur.unregister("scope_keys")
    for table in ("order_state", *DERIVED_TABLES):
        cur.execute(
            f"""
            delete from {table} as s
            where exists (
                select 1 from state_scope as k
                where k.platform = s.platform and k.shop = s.shop and k.order_id = s.order_id
            )
            """  # noqa: S608 - a table name from a fixed list
        )
    cur.execute("insert into order_state " + sql("states"), {**params, "all": False})
    for table in DERIVED_TABLES:
        cur.execute(f"insert into {table} select * from {table}_of(false)")  # noqa: S608
    cur.execute("delete from state_scope")
