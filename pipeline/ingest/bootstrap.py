"""First start and the demo: the demo shop lives in its own store, apart from the desk's data.

- The desk's own store is `data/orderdesk.duckdb` (`ORDERDESK_DB`, `--db`); the demo store is
  `demo.duckdb` beside it (`ORDERDESK_DEMO_DB` overrides).
- While the own store holds no import, the app shows the demo store, filled with the demo shop
  on first start. The first file imported goes to the own store, and the app switches to it:
  no demo order is ever in the desk's own data.
- A store made by an older version that holds nothing but the demo is moved aside to the demo
  store's place, so that the desk's first import starts clean.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipeline.accounts.users import has_accounts
from pipeline.db.open import open_store as open_at
from pipeline.db.store import Store, default_db, default_db_path, is_database_url, marker_path
from pipeline.ingest.importing import ImportResult, import_path

DEMO_AUTHOR = "demo"


def store_is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("select count(*) from imports").fetchall()[0][0] == 0


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True while everything in the store came from the bundled demo."""
    n_demo, n_all = con.execute(
        "select count(*) filter (where imported_by = ?), count(*) from imports", [DEMO_AUTHOR]
    ).fetchall()[0]
    return n_all > 0 and n_demo == n_all


def has_demo_imports(con: duckdb.DuckDBPyConnection) -> bool:
    """True when any import of the store came from the bundled demo."""
    return con.execute("select count(*) from imports where imported_by = ?",
                       [DEMO_AUTHOR]).fetchall()[0][0] > 0


def own_db_path() -> Path:
    """The desk's own store: `ORDERDESK_DB`, else `data/orderdesk.duckdb`."""
    return default_db_path()


def demo_db_path() -> Path:
    """The demo store: `ORDERDESK_DEMO_DB`, else `demo.duckdb` beside the own store."""
    env = os.environ.get("ORDERDESK_DEMO_DB")
    return Path(env) if env else own_db_path().parent / "demo.duckdb"


def is_demo_store(store: Store) -> bool:
    """True when `store` is the demo store (not the desk's own)."""
    return store.path.resolve() == demo_db_path().resolve()


def _own_state() -> str:
    """'none' (no own store, or nothing imported and no account), 'demo' (an older store
    holding only the demo) or 'own'. A store with accounts is the desk's own even before its
    first import: sign-in is always read from it, never from the demo's."""
    path = own_db_path()
    if not path.exists() and not marker_path(path).exists():
        return "none"   # never made (a store that was made and is gone: Store refuses it)
    store = Store(path)
    try:
        con = store.cursor()
        if store_is_empty(con) and not has_accounts(con):
            return "none"   # nothing imported and nobody to sign in: the demo may show
        return "demo" if is_demo(con) else "own"
    finally:
        store.close()


def _move_aside(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", ".wal", ".id"):   # the store, its log and its marker go together
        s, d = Path(f"{src}{suffix}"), Path(f"{dst}{suffix}")
        if s.exists():
            os.replace(s, d)
        elif d.exists() and suffix:
            d.unlink()


def open_store() -> Store:
    """The store to show: the own store once it holds an import, else the demo store; a
    PostgreSQL store (DESIGN §14: `ORDERDESK_DB=postgresql://…`) is the desk's, never a demo."""
    if is_database_url(default_db()):
        return open_at(default_db())
    state = _own_state()
    if state == "own":
        return Store(own_db_path())
    if state == "demo":
        _move_aside(own_db_path(), demo_db_path())
    return Store(demo_db_path())


def own_store() -> Store:
    """The desk's own store, opened (and made) for an import."""
    return open_at(default_db() if is_database_url(default_db()) else own_db_path())


def load_demo(store: Store, orders: int | None = None, seed: int = 7,
              out_dir: Path | None = None) -> list[ImportResult]:
    """Write the demo exports (ORDERDESK_DEMO_ORDERS orders, default 20,000) and import them.

    The last, a later order report, comes after the desk processed its orders (by the demo's
    staff), so that what it edited shows as changed after the desk acted (DESIGN §12); it is
    left out when it holds no order. The exports go to `out_dir`, by default the folder
    `demo/` beside the demo store (`data/demo/`)."""
    from pipeline.ingest.demo import write_demo

    n = orders or int(os.environ.get("ORDERDESK_DEMO_ORDERS", "20000"))
    out = out_dir or (demo_db_path().parent / "demo")
    *paths, later = write_demo(out, orders=n, seed=seed)
    results = [import_path(store, p, by=DEMO_AUTHOR) for p in paths]
    if _process_first(store, later):
        results.append(import_path(store, later, by=DEMO_AUTHOR))
    return results


def _process_first(store: Store, later: Path) -> int:
    """Record `process` on the orders of the later export, as the demo's staff did before it
    came, in one go (one by one when the desk refuses one: that one is left as it is); how
    many were processed."""
    from pipeline.base.canonical import ORDER_KEY
    from pipeline.desk.actions import ActionError, record, record_many
    from pipeline.ingest.demo import DEMO_STAFF
    from pipeline.ingest.formats import read_export

    orders = read_export(later.name, later.read_bytes()).frames.get("orders")
    if orders is None or orders.empty:
        return 0
    keys = list(orders[ORDER_KEY].itertuples(index=False, name=None))
    try:
        return len(record_many(store, keys, "process", DEMO_STAFF))
    except ActionError:
        pass
    done = 0
    for key in keys:
        try:
            record(store, key, "process", DEMO_STAFF)
        except ActionError:
            continue
        done += 1
    return done
