"""Imports: one file read, staged, validated and upserted in one transaction, and logged."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import canonical as C
from pipeline import formats
from pipeline.settings import local_now
from pipeline.store import Store, refresh_states


@dataclass
class ImportResult:
    """What happened to one file."""

    file_name: str
    status: str                     # imported | partial | skipped | refused
    layout: str = ""
    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    rejects: list[C.Reject] = field(default_factory=list)
    message: str = ""
    import_id: int | None = None

    @property
    def exit_code(self) -> int:
        return {"imported": 0, "skipped": 0, "partial": 1}.get(self.status, 2)

    def rejects_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(self.file_name, r.row, r.column, r.reason, r.value) for r in self.rejects],
            columns=["file", "row", "column", "reason", "value"],
        )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_bytes(store: Store, file_name: str, data: bytes, by: str = "cli") -> ImportResult:
    """Detect the layout of one file, then stage, validate and upsert it in one transaction."""
    digest = sha256(data)
    seen = next(iter(store.cursor().execute(
        "select import_id, file_name from imports where sha256 = ? order by import_id limit 1",
        [digest],
    ).fetchall()), None)
    if seen:
        return ImportResult(
            file_name, "skipped", import_id=seen[0],
            message=f"{file_name}: already imported (same content as import #{seen[0]} "
                    f"'{seen[1]}'); nothing changed",
        )
    try:
        parsed = formats.read_export(file_name, data, timezone=store.settings()["timezone"])
    except C.FileRefused as exc:
        return ImportResult(file_name, "refused", message=str(exc))
    try:
        return apply_parsed(store, parsed, file_name, digest, by)
    except (duckdb.Error, ValueError) as exc:
        # The transaction was rolled back: the store is as it was before this file.
        return ImportResult(file_name, "refused", parsed.layout, parsed.rows_read, message=(
            f"{file_name}: could not be stored, nothing was imported ({exc})"))


def apply_parsed(
    store: Store, parsed: C.Parsed, file_name: str, digest: str, by: str = "cli"
) -> ImportResult:
    """Stage, validate and upsert what a reader returned, and log the import: one transaction."""

    def work(cur: duckdb.DuckDBPyConnection) -> ImportResult:
        import_id = cur.execute("select nextval('import_seq')").fetchall()[0][0]
        rejects = list(parsed.rejects)
        touched: list[pd.DataFrame] = []
        for table in C.TABLE_COLUMNS:  # orders before lines: lines may take their shop
            frame = parsed.frames.get(table)
            if frame is None:
                continue
            if table in ("orders", "order_lines"):
                frame = _resolve_shops(cur, frame)
            frame, dup_rejects = _drop_duplicate_keys(table, frame)
            rejects.extend(dup_rejects)
            if frame.empty:
                continue
            _upsert(cur, table, frame, import_id)
            if table == "orders":
                _adopt_orphan_lines(cur, frame)
            if table in ("orders", "order_lines"):
                touched.append(frame[C.ORDER_KEY])
        if touched:
            refresh_states(cur, pd.concat(touched, ignore_index=True))
        rejected_rows = len({r.row for r in rejects})
        imported = max(parsed.rows_read - rejected_rows, 0)
        cur.execute(
            "insert into imports values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, file_name, digest, parsed.layout, parsed.rows_read, imported,
             rejected_rows, local_now(cur), by, "; ".join(parsed.notes) or None],
        )
        if rejects:
            cur.executemany(
                "insert into import_rejects values (?, ?, ?, ?, ?)",
                [[import_id, r.row, r.column, r.reason, (r.value or "")[:200]] for r in rejects],
            )
        status = "partial" if rejects else "imported"
        msg = f"{file_name}: {parsed.layout}, {imported} of {parsed.rows_read} rows imported"
        if rejects:
            msg += f", {rejected_rows} rejected"
        return ImportResult(file_name, status, parsed.layout, parsed.rows_read, imported,
                            rejected_rows, rejects, msg, import_id)

    return store.run_write(work)


def refuse_too_big(file_name: str, size: int, limit: int) -> ImportResult:
    """An upload over the size limit, refused before it is read."""
    return ImportResult(file_name, "refused", message=(
        f"{file_name}: {size / 2**20:.1f} MB is over the {limit / 2**20:.0f} MB limit; "
        "split the export or import it with `python -m pipeline import`"))


def import_history(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The latest imports, newest first."""
    return con.execute(
        """
        select import_id, imported_at, file_name, layout, rows_read, rows_imported,
               rows_rejected, imported_by, sha256
        from imports
        order by import_id desc
        limit ?
        """,
        [limit],
    ).df()


def import_path(store: Store, path: str | Path, by: str = "cli") -> ImportResult:
    """`import_bytes` on a file on disk; an unreadable path is refused."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        return ImportResult(p.name, "refused", message=f"{p}: cannot be read ({exc.strerror})")
    return import_bytes(store, p.name, data, by)


_KEYS = {
    "orders": C.ORDER_KEY,
    "order_lines": C.LINE_KEY,
    "stock": C.STOCK_KEY,
    "bundles": ["bundle_sku", "component_sku"],
    "promotions": ["name"],
}


def _resolve_shops(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows without a shop take the shop of the stored order with the same id, else ''."""
    frame = frame.copy()
    if "shop" not in frame:
        frame["shop"] = None
    missing = frame["shop"].isna()
    if not missing.any():
        return frame
    cur.register("shopless", frame.loc[missing, ["platform", "order_id"]].drop_duplicates())
    known = cur.execute(
        """
        select o.platform, o.order_id, min(o.shop) as known_shop
        from orders as o
        join shopless as k using (platform, order_id)
        group by all
        having count(*) = 1
        """
    ).df()
    cur.unregister("shopless")
    looked_up = frame.loc[missing, ["platform", "order_id"]].merge(
        known, on=["platform", "order_id"], how="left"
    )["known_shop"]
    frame.loc[missing, "shop"] = looked_up.fillna("").to_numpy()
    return frame


def _adopt_orphan_lines(cur: duckdb.DuckDBPyConnection, orders: pd.DataFrame) -> None:
    """Lines imported before their order (shop '') move under the order's shop."""
    cur.register("adopting", orders.loc[orders["shop"] != "", C.ORDER_KEY])
    cur.execute(
        """
        delete from order_lines as l
        where l.shop = ''
          and exists (
              select 1 from adopting as a
              join order_lines as m
                on m.platform = a.platform and m.shop = a.shop and m.order_id = a.order_id
              where a.platform = l.platform and a.order_id = l.order_id
          )
        """
    )
    cur.execute(
        """
        update order_lines as l
        set shop = a.shop
        from adopting as a
        where l.shop = '' and a.platform = l.platform and a.order_id = l.order_id
        """
    )
    cur.unregister("adopting")


def _drop_duplicate_keys(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[C.Reject]]:
    """Rows repeating a key already seen in the same file are rejected; the first one stands."""
    keys = _KEYS[table]
    dup = frame.duplicated(keys, keep="first")
    if not dup.any():
        return frame, []
    first_row = frame.drop_duplicates(keys).set_index(keys)["_row"] if "_row" in frame else None
    rejects = []
    for _, r in frame[dup].iterrows():
        key = tuple(r[k] for k in keys)
        first = first_row.loc[key] if first_row is not None else "?"
        rejects.append(C.Reject(
            int(r.get("_row", 0)), keys[-1],
            f"duplicate {'/'.join(keys)} in this file (first at row {first}); this row is ignored",
            str(key[-1]),
        ))
    return frame[~dup], rejects


def _upsert(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, import_id: int) -> None:
    """Write one canonical frame; only the columns the file gave are updated."""
    types = C.TABLE_COLUMNS[table]
    keys = _KEYS[table]
    cols = [c for c in types if c in frame.columns]
    missing = [k for k in keys if k not in cols]
    if missing:
        raise ValueError(f"{table} frame lacks key columns {missing}")
    cur.register("stage", frame[cols])
    select = ", ".join(f"cast(stage.{c} as {types[c]}) as {c}" for c in cols)
    if table == "order_lines":
        # A newer export of an order replaces all of its lines.
        cur.execute(
            "delete from order_lines as l where exists (select 1 from stage as s "
            "where s.platform = l.platform and s.shop = l.shop and s.order_id = l.order_id)"
        )
    if table == "bundles":
        cur.execute("delete from bundles where bundle_sku in (select bundle_sku from stage)")
    extra_cols, extra_vals, extra_set = _bookkeeping(table)
    non_keys = [c for c in cols if c not in keys]
    updates = [f"{c} = excluded.{c}" for c in non_keys] + extra_set
    # Identifiers below come from the fixed canonical lists only, never from a file.
    statement = (
        f"insert into {table} ({', '.join(cols + extra_cols)}) "  # noqa: S608
        f"select {select}{extra_vals} from stage "
        f"on conflict ({', '.join(keys)}) do "
        + (f"update set {', '.join(updates)}" if updates else "nothing")
    )
    params = {"import_id": import_id, "now": local_now(cur)}
    cur.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
    cur.unregister("stage")


def _bookkeeping(table: str) -> tuple[list[str], str, list[str]]:
    """Extra columns each table records about the import that wrote it."""
    if table == "orders":
        return (["first_import_id", "import_id"], ", $import_id, $import_id",
                ["import_id = excluded.import_id"])
    if table in ("order_lines", "bundles"):
        return ["import_id"], ", $import_id", ["import_id = excluded.import_id"]
    if table == "stock":
        return (["snapshot_at", "import_id"], ", $now, $import_id",
                ["snapshot_at = excluded.snapshot_at", "import_id = excluded.import_id"])
    return ["updated_at"], ", $now", ["updated_at = excluded.updated_at"]
