"""Opening the store a location names: a DuckDB file (pipeline/db/store.py), or PostgreSQL for a
`postgresql://…` address (pipeline/db/mirror.py, DESIGN §14). The one place that chooses
between the two; the dashboard, the command line and the jobs open their store through it.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.db.mirror import PgStore
from pipeline.db.store import MEMORY, Store, default_db, is_database_url, marker_path


def open_store(where: str | Path | None = None, read_only: bool = False,
               create: bool | None = None, cache: str | Path | None = None,
               poll: bool | None = None) -> Store:
    """The store at `where` (default: what ORDERDESK_DB names, else data/orderdesk.duckdb): a
    `PgStore` for a PostgreSQL address, else the file store. `cache` and `poll` are the
    PostgreSQL store's (where its mirror is kept, whether a thread keeps it caught up); a file
    store has neither."""
    named = where if where else default_db()
    if is_database_url(named):
        return PgStore(str(named).strip(), read_only=read_only, create=create, cache=cache,
                       poll=poll)
    return Store(named, read_only=read_only, create=create)


def open_for_reading(where: str | Path | None = None) -> Store:
    """The store opened read-only, writing nothing to disk; a file store that never existed
    here (no file, no marker) reads as an empty one, held in memory."""
    named = where if where else default_db()
    if is_database_url(named):
        return open_store(named, read_only=True)
    p = Path(named)
    if str(p) == MEMORY or (not p.exists() and not marker_path(p).exists()):
        return Store(MEMORY)
    return Store(p, read_only=True)
