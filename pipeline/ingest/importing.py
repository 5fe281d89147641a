"""Imports: one file read, staged, validated and upserted in one transaction, and logged."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.base import canonical as C
from pipeline.base.roles import require
from pipeline.db.queries import sql
from pipeline.db.settings import local_now
from pipeline.db.shops import clean_name, register
from pipeline.db.states import DERIVED_TABLES, refresh_states
from pipeline.db.store import Store, release_unused_memory
from pipeline.ingest import formats
from pipeline.ingest.formats.reading import read_ahead, survey


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
    notes: list[str] = field(default_factory=list)   # what the reader noted of the file
    shop: str | None = None                          # the shop the import was given, if any
    clash: ShopClash | None = None                   # why it was refused: two stores' orders

    @property
    def exit_code(self) -> int:
        return {"imported": 0, "skipped": 0, "partial": 1}.get(self.status, 2)

    def rejects_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(self.file_name, r.row, r.column, r.reason, r.value) for r in self.rejects],
            columns=["file", "row", "column", "reason", "value"],
        )


class ShopClash(Exception):  # noqa: N818 - a refusal, raised inside the transaction
    """A file whose order ids belong to stored orders of the same shop created at other times:
    another store's orders (two stores' `#1001` are different orders, DESIGN §13)."""

    SHOWN = 5  # clashing orders named in the message

    def __init__(self, platform: str, shop: str, count: int,
                 examples: list[tuple[str, object, object]]):
        super().__init__(f"{count} order id(s) clash in shop {shop!r}")
        self.platform, self.shop, self.count = platform, shop, count
        self.examples = examples  # (order id, created as stored, created in the file)

    def message(self, file_name: str) -> str:
        shown = ", ".join(f"{oid} (stored: created {_moment(was)}; this file: created "
                          f"{_moment(now)})" for oid, was, now in self.examples)
        more = f", and {self.count - len(self.examples)} more" if self.count > len(
            self.examples) else ""
        shop = f"shop {self.shop!r}" if self.shop else "the unnamed shop"
        return (f"{file_name}: refused, nothing was imported: {self.count} order id(s) of this "
                f"file already belong to other orders of {shop} ({self.platform}), created at "
                f"other times: {shown}{more}. Another store's orders: import the file under "
                "its own shop (the Import page's shop, `import --shop NAME`, or an inbox "
                "subfolder named after the shop)")


def _moment(value: object) -> str:
    return "—" if value is None else str(value)[:19]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_bytes(store: Store, file_name: str, data: bytes, by: str = "cli",
                 role: str | None = None, slice_rows: int | None = None,
                 shop: str | None = None) -> ImportResult:
    """Detect the layout of one file, then stage, validate and upsert it in one transaction.
    `role`: a manager's (None: the CLI); others raise roles.NotAllowed. A large CSV is read
    in slices of `slice_rows` records (default: see `formats.plan_slices`). `shop`: the shop
    of the rows the file does not name one for (DESIGN §13); None: the shop of the stored
    order with that id, else the platform's unnamed shop ('')."""
    require(role, "import")
    return _import(store, file_name, [data], by, slice_rows, shop)


def _import(store: Store, file_name: str, held: list[bytes | Path], by: str,
            slice_rows: int | None = None, shop: str | None = None) -> ImportResult:
    """`import_bytes` on the bytes (or the file) in `held`, which it lets go of once read."""
    shop = clean_name(shop) or None
    result = _import_as(store, file_name, held, by, slice_rows, shop)
    result.shop = shop
    return result


def _import_as(store: Store, file_name: str, held: list[bytes | Path], by: str,
               slice_rows: int | None, shop: str | None) -> ImportResult:
    source = held[0]
    try:
        info = survey(source)
    except OSError as exc:
        return ImportResult(file_name, "refused",
                            message=f"{source}: cannot be read ({exc.strerror})")
    digest = info.sha256
    seen = _already_imported(store.cursor(), file_name, digest)
    if seen is not None:
        return seen
    timezone = store.settings()["timezone"]
    slices = formats.plan_slices(file_name, source, info, timezone, slice_rows)
    import_id = None
    if slices is not None:
        try:
            return _guarded(lambda: apply_slices(store, slices, file_name, digest, by, shop),
                            file_name, slices.layout)
        except formats.ReadWhole as exc:
            # rolled back: the whole-file reader reads it (and says what it found), under the
            # import id drawn for it
            import_id = getattr(exc, "import_id", None)
    slices = source = None  # the bytes are held by `held` alone again
    if isinstance(held[0], Path):
        path = held.pop()
        try:
            held.append(path.read_bytes())
        except OSError as exc:
            return ImportResult(file_name, "refused",
                                message=f"{path}: cannot be read ({exc.strerror})")
    try:
        parsed = formats.read_export(file_name, held.pop(), timezone=timezone)
    except C.FileRefused as exc:
        return ImportResult(file_name, "refused", message=str(exc))
    return _guarded(lambda: apply_parsed(store, parsed, file_name, digest, by, import_id, shop),
                    file_name, parsed.layout, parsed.rows_read)


class _AlreadyImported(Exception):  # noqa: N818 - a signal: the same bytes went in meanwhile
    """Raised inside an import's transaction (rolled back) when the same bytes were imported
    while this file was read: another upload, the inbox."""

    def __init__(self, result: ImportResult):
        super().__init__(result.message)
        self.result = result


def _already_imported(con: duckdb.DuckDBPyConnection, file_name: str,
                      digest: str) -> ImportResult | None:
    """The result of a file whose bytes (`digest`) were imported before: skipped."""
    seen = next(iter(con.execute(
        "select import_id, file_name from imports where sha256 = ? order by import_id limit 1",
        [digest],
    ).fetchall()), None)
    if seen is None:
        return None
    return ImportResult(
        file_name, "skipped", import_id=seen[0],
        message=f"{file_name}: already imported (same content as import #{seen[0]} "
                f"'{seen[1]}'); nothing changed",
    )


def _write_once(store: Store, file_name: str, digest: str,
                work: Callable[[duckdb.DuckDBPyConnection], ImportResult]) -> ImportResult:
    """`work` in the import's one transaction, unless the same bytes went in since the look
    before reading (writes are serialised): then it is rolled back before writing anything,
    the data version unmoved, and the file is skipped."""
    def once(cur: duckdb.DuckDBPyConnection) -> ImportResult:
        seen = _already_imported(cur, file_name, digest)
        if seen is not None:
            raise _AlreadyImported(seen)
        return work(cur)

    try:
        return store.run_write(once)
    except _AlreadyImported as done:
        return done.result


def _guarded(write, file_name: str, layout: str, rows_read: int = 0) -> ImportResult:
    """`write()`, or the file refused when the store would not take it (rolled back)."""
    try:
        return write()
    except ShopClash as clash:
        # rolled back before anything was written: two stores' orders under one shop
        return ImportResult(file_name, "refused", layout, rows_read,
                            message=clash.message(file_name), clash=clash)
    except (duckdb.Error, ValueError) as exc:
        # The transaction was rolled back: the store is as it was before this file.
        return ImportResult(file_name, "refused", layout, rows_read, message=(
            f"{file_name}: could not be stored, nothing was imported ({exc})"))


def apply_parsed(
    store: Store, parsed: C.Parsed, file_name: str, digest: str, by: str = "cli",
    import_id: int | None = None, shop: str | None = None,
) -> ImportResult:
    """Stage, validate and upsert what a reader returned, and log the import: one transaction.
    `import_id`: one drawn for the file before (by an attempt rolled back), else a new one;
    `shop`: the shop of the rows the file names none for."""

    def work(cur: duckdb.DuckDBPyConnection) -> ImportResult:
        staging = _Staging(cur, import_id=import_id, shop=shop)
        staging.add(parsed)
        return staging.finish(parsed.layout, file_name, digest, by)

    return _write_once(store, file_name, digest, work)


def apply_slices(store: Store, slices: formats.Slices, file_name: str, digest: str,
                 by: str = "cli", shop: str | None = None) -> ImportResult:
    """`apply_parsed` for a file read slice by slice: each slice is staged as it is read, and
    the whole file is validated and upserted in the same one transaction. Raises
    `formats.ReadWhole` (rolled back) when the file must be read whole after all."""

    def work(cur: duckdb.DuckDBPyConnection) -> ImportResult:
        staging = _Staging(cur, sliced=True,
                           grouped=formats.SLICED[slices.layout] is not None, shop=shop)
        try:
            # the next slice is read and parsed while this one is staged (both mostly outside
            # the interpreter's lock: Arrow's kernels and DuckDB's statements)
            with closing(read_ahead(slices)) as parsed_slices:
                for parsed in parsed_slices:
                    staging.add(parsed)
                    del parsed
                    release_unused_memory()  # what a slice held goes back before the next
            staging.check_groups()
        except formats.ReadWhole as exc:
            exc.import_id = staging.import_id
            raise
        return staging.finish(slices.layout, file_name, digest, by)

    return _write_once(store, file_name, digest, work)


class _Staging:
    """One import as it goes: each slice (or the whole file) staged, checked against what the
    file gave before and upserted; what the file says is gathered for its log."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, sliced: bool = False,
                 grouped: bool = False, import_id: int | None = None, shop: str | None = None):
        self.cur = cur
        self.shop = shop                                     # for rows naming no shop
        self.sliced = sliced                                 # more slices may follow
        self.seen_tables: list[str] = []                     # tables with keys kept
        if import_id is None:
            import_id = cur.execute("select nextval('import_seq')").fetchall()[0][0]
        self.import_id = import_id
        self.staged: dict[str, int] = {}                     # table -> rows staged so far
        self.dups: dict[str, list[tuple[int, C.Reject]]] = {}  # table -> (position, reject)
        self.rejects: list[C.Reject] = []
        self.notes: list[list[str]] = []
        self.rows_read = 0
        self.rows_skipped = 0
        self.slices = 0
        self.touched = False
        # whether the store held orders and lines before this import: rows of its own earlier
        # slices never match a staged key (repeated keys are rejected first), so with none
        # before, no slice needs to look for stored rows it would update or replace
        self.held = {table: bool(_count(cur, table)) for table in _COUNTED}
        self.grouped = grouped
        if grouped:
            cur.execute("create or replace temp table slice_groups (key varchar, slice integer)")

    def add(self, parsed: C.Parsed) -> None:
        """One slice (or the whole file) staged and upserted, orders before lines: lines may
        take their shop."""
        cur = self.cur
        for table in C.TABLE_COLUMNS:
            frame = parsed.frames.get(table)
            if frame is None or frame.empty:
                continue
            cols, stage = _stage(cur, table, frame, self.staged.get(table, 0), self.import_id,
                                 self.shop)
            self.staged[table] = self.staged.get(table, 0) + len(frame)
            del frame
            # a key the file gave in an earlier slice first, then one repeated in this slice
            for check in (self._repeated_keys, lambda t, s: _duplicate_keys(cur, t, s)):
                found = check(table, stage)
                if found:
                    self.dups.setdefault(table, []).extend(found)
                    drop = pa.array([pos for pos, _ in found], pa.int64())
                    stage = stage.filter(pc.invert(pc.is_in(stage["_pos"], value_set=drop)))
            if self.sliced:
                self._keep_keys(table, stage)
            if stage.num_rows:
                if table == "orders" and self.held["orders"]:
                    if "created_at" in cols:   # an after-sales file updates known orders
                        _refuse_clashes(cur, stage, self.import_id)
                    _adopt_shopless_orders(cur, stage, "created_at" in cols)
                _upsert(cur, table, cols, self.import_id, stage, self.held.get(table, True))
                if table == "orders":
                    _adopt_orphan_lines(cur, stage)
                self.touched |= table in _SHOPPED
            del stage
        if self.grouped and parsed.groups is not None:
            slice_keys = pa.table({"key": parsed.groups})  # noqa: F841 - read by the statement
            cur.execute("insert into slice_groups select key, ? from slice_keys", [self.slices])
        self.rejects.extend(parsed.rejects)
        self.notes.append(list(parsed.notes))
        self.rows_read += parsed.rows_read
        self.rows_skipped += parsed.rows_skipped
        self.slices += 1

    def _repeated_keys(self, table: str, stage: pa.Table) -> list[tuple[int, C.Reject]]:
        """Staged rows repeating a key an earlier slice of the file gave (written by this
        import), to be rejected: the first one stands. The rows whose key hashes as one kept
        before are the candidates (the hash of each key kept with its row names the first
        row); only those are matched with the written rows, key by key."""
        if table not in self.seen_tables:
            return []
        keys = _KEYS[table]
        candidates = f"""
            select s._pos, s._row, cast(s.{keys[-1]} as varchar) as value,
                   {', '.join('s.' + k for k in keys)}, k._row as first
            from stage as s
            join {_SEEN[table]} as k on k.h = hash({', '.join('s.' + k for k in keys)})
            """  # noqa: S608 - identifiers from the fixed lists only (_SEEN, _KEYS)
        if not self.cur.execute(f"select count(*) from ({candidates})").fetchall()[0][0]:  # noqa: S608
            return []
        match = " and ".join(f"t.{k} = c.{k}" for k in keys)
        rows = self.cur.execute(
            f"""
            select c._pos, c._row, c.value, min(c.first)
            from ({candidates}) as c
            semi join {table} as t on {match} and t.import_id = $import_id
            group by all
            order by c._pos
            """,  # noqa: S608
            {"import_id": self.import_id},
        ).fetchall()
        return [(pos, _duplicate(keys, row, value, first)) for pos, row, value, first in rows]

    def _keep_keys(self, table: str, stage: pa.Table) -> None:
        """The hash of each staged key and its row, for the slices after this one."""
        if table not in ("orders", "order_lines"):
            raise formats.ReadWhole(f"{table} are not read in slices")
        # identifiers from the fixed lists only (_SEEN, _KEYS), never from a file
        keys, seen = ", ".join("s." + k for k in _KEYS[table]), _SEEN[table]
        if table not in self.seen_tables:
            self.cur.execute(f"create or replace temp table {seen} "  # noqa: S608
                             "(h ubigint, _row integer)")
            self.seen_tables.append(table)
        self.cur.execute(f"insert into {seen} select hash({keys}), s._row "  # noqa: S608
                         "from stage as s")

    def check_groups(self) -> None:
        """Rows of one order in more than one slice (apart from each other in the file): the
        file is read whole, as an order's first row and its line numbers are over all its rows."""
        if not self.grouped:
            return
        split = self.cur.execute(
            "select count(*) from (select key from slice_groups group by key "
            "having count(distinct slice) > 1)").fetchall()[0][0]
        self.cur.execute("drop table slice_groups")
        if split:
            raise formats.ReadWhole(f"{split} order(s) have rows apart from each other")

    def finish(self, layout: str, file_name: str, digest: str, by: str) -> ImportResult:
        """The file-wide readings set, the touched orders' states refreshed, the import logged."""
        cur = self.cur
        import_id = self.import_id
        notes = C.merge_notes(self.notes)
        for flag in (n for n in notes if isinstance(n, C.FileFlag)):
            if flag.table in self.staged and flag.column in C.TABLE_COLUMNS[flag.table]:
                # names from the fixed canonical lists only
                cur.execute(f"update {flag.table} set {flag.column} = true "  # noqa: S608
                            "where import_id = ?", [import_id])
        for table in self.seen_tables:
            cur.execute(f"drop table if exists {_SEEN[table]}")  # noqa: S608 - a name from _SEEN
        rejects = sorted(self.rejects, key=lambda r: r.row)
        for table in C.TABLE_COLUMNS:
            rejects.extend(reject for _, reject in self.dups.get(table, []))
        if self.touched:
            _refresh_touched(cur, import_id)
            register(cur, import_id, self.shop)
        rows_read = self.rows_read
        rejected_rows = len({r.row for r in rejects})
        imported = max(rows_read - rejected_rows - self.rows_skipped, 0)
        cur.execute(
            "insert into imports values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, file_name, digest, layout, rows_read, imported,
             rejected_rows, local_now(cur), by, "; ".join(notes) or None],
        )
        if rejects:
            cur.executemany(
                "insert into import_rejects values (?, ?, ?, ?, ?)",
                [[import_id, r.row, r.column, r.reason, (r.value or "")[:200]] for r in rejects],
            )
        status = "partial" if rejects else "imported"
        msg = f"{file_name}: {layout}, {imported} of {rows_read} rows imported"
        if rejects:
            msg += f", {rejected_rows} rejected"
        if self.rows_skipped:
            msg += f", {self.rows_skipped} skipped"
        if notes:
            msg += f" ({'; '.join(notes)})"
        return ImportResult(file_name, status, layout, rows_read, imported, rejected_rows,
                            rejects, msg, import_id, [str(n) for n in notes])


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


def import_path(store: Store, path: str | Path, by: str = "cli",
                role: str | None = None, slice_rows: int | None = None,
                shop: str | None = None) -> ImportResult:
    """`import_bytes` on a file on disk, which a large CSV is read from in slices (never held
    whole); an unreadable path is refused."""
    require(role, "import")
    p = Path(path)
    return _import(store, p.name, [p], by, slice_rows, shop)


_KEYS = {
    "orders": C.ORDER_KEY,
    "order_lines": C.LINE_KEY,
    "stock": C.STOCK_KEY,
    "bundles": ["bundle_sku", "component_sku"],
    "promotions": ["name"],
    "cases": C.CASE_KEY,
}
# The tables whose rows name an order, and take a shop as the order's (DESIGN §13)
_SHOPPED = ("orders", "order_lines", "cases")


def _stage(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, start: int = 0,
           import_id: int | None = None, shop: str | None = None) -> tuple[list[str], pa.Table]:
    """The frame as `stage`, an Arrow table the statements read: typed canonical columns, the
    file's row (`_row`) and the position in the file (`_pos`, from `start`); orders and lines
    get their shop resolved: the file's, else `shop` (the one the import was given), else the
    shop of the stored order (stored before import `import_id`; lines and cases also from its
    own).
    Returns the canonical columns the file gave, and the table."""
    types = C.TABLE_COLUMNS[table]
    shops = table in _SHOPPED
    cols = [c for c in types if c in frame.columns or (c == "shop" and shops)]
    missing = [k for k in _KEYS[table] if k not in cols]
    if missing:
        raise ValueError(f"{table} frame lacks key columns {missing}")
    # Identifiers below come from the fixed canonical lists only, never from a file.
    typed = ", ".join(
        f"cast({'i.' + c if c in frame.columns else 'null'} as {types[c]}) as {c}" for c in cols
    )
    row = "i._row" if "_row" in frame.columns else "0"
    frame = frame.assign(_pos=np.arange(start, start + len(frame), dtype=np.int64))
    try:  # Arrow-backed columns pass to DuckDB without a copy
        incoming = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        incoming = frame  # mixed values in a column: DuckDB's casts name the bad one
    if shops:
        # A row without a shop takes the shop the import was given, else the shop of the
        # stored order with the same id (when exactly one shop has it), else ''.
        query = f"""
            with rows as (
                select {typed}, cast({row} as integer) as _row, i._pos
                from incoming as i
            ),
            shopless as (
                select distinct platform, order_id from rows where shop is null
            ),
            known as (
                select o.platform, o.order_id, min(o.shop) as known_shop
                from orders as o
                join shopless as k using (platform, order_id)
                where $lines or o.first_import_id is distinct from $import_id
                group by all
                having count(*) = 1
            )
            select r.* replace (coalesce(r.shop, $shop, k.known_shop, '') as shop)
            from rows as r
            left join known as k
                on r.shop is null and k.platform = r.platform and k.order_id = r.order_id
            """  # noqa: S608
        params = {"lines": table != "orders", "import_id": import_id, "shop": shop}
    else:
        query = (f"select {typed}, cast({row} as integer) as _row, i._pos "  # noqa: S608
                 "from incoming as i")
        params = {}
    # The statements read `incoming` and `stage` as Python variables: neither a table dropped
    # nor a frame registered inside the transaction would let go of its memory before the
    # commit, slice after slice.
    staged = cur.sql(query, params=params).to_arrow_table()
    del incoming
    return [c for c in cols if c in frame.columns or c == "shop"], staged


_COUNTED = ("orders", "order_lines")
# the temporary tables of the keys a sliced import has written, per table
_SEEN = {"orders": "seen_orders", "order_lines": "seen_order_lines"}


def _count(cur: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows in one of the tables the import works on (names from _COUNTED only)."""
    if table not in _COUNTED:
        raise ValueError(f"not a counted table: {table!r}")
    return cur.execute(f"select count(*) from {table}").fetchall()[0][0]  # noqa: S608


def _duplicate_keys(cur: duckdb.DuckDBPyConnection, table: str,
                    stage: pa.Table) -> list[tuple[int, C.Reject]]:
    """Staged rows repeating a key of the stage, to be rejected (with their position); the
    first one stands."""
    keys = _KEYS[table]
    key_list = ", ".join(keys)
    dups = cur.execute(
        f"""
        with dup_keys as (
            select {key_list} from stage group by all having count(*) > 1
        ),
        ranked as (
            select
                s._pos,
                s._row,
                cast(s.{keys[-1]} as varchar) as value,
                row_number() over (partition by {key_list} order by s._pos) as n,
                first_value(s._row) over (partition by {key_list} order by s._pos) as first_row
            from stage as s
            semi join dup_keys as d using ({key_list})
        )
        select _pos, _row, value, first_row from ranked where n > 1 order by _pos
        """  # noqa: S608
    ).fetchall()
    return [(pos, _duplicate(keys, row, value, first)) for pos, row, value, first in dups]


def _duplicate(keys: list[str], row: int, value: str | None, first: int) -> C.Reject:
    return C.Reject(row, keys[-1], f"duplicate {'/'.join(keys)} in this file (first at row "
                    f"{first}); this row is ignored", value or "")


# Every table keyed by an order (platform, shop, order_id): what moves with an order
_ORDER_TABLES = ("orders", "order_lines", "events", "order_state", "info_changes",
                 *DERIVED_TABLES)


def _refuse_clashes(cur: duckdb.DuckDBPyConnection, stage: pa.Table, import_id: int) -> None:
    """Raise `ShopClash` (the transaction rolls back: nothing of the file is kept) when staged
    orders have the ids of orders stored under the same platform and shop created at another
    time: another store's orders, which an upsert would silently replace (DESIGN §13)."""
    first = cur.sql(_CLASH_SQL, params={"import_id": import_id,
                                       "shown": ShopClash.SHOWN}).fetchall()
    if not first:
        return
    platform, shop, count = first[0][0], first[0][1], first[0][6]
    raise ShopClash(platform, shop, count,
                    [(oid, was, now) for p, s, oid, was, now, _, _ in first
                     if (p, s) == (platform, shop)])


# Staged orders whose ids are stored under the same platform and shop with another creation
# time (orders this import wrote are its own); the first few in file order, with how many
# clash in their shop. Inputs: stage, orders.
_CLASH_SQL = """
with clashes as (
    select s.platform, s.shop, s.order_id, o.created_at as stored_at,
           s.created_at as file_at, s._pos
    from stage as s
    join orders as o
        on o.platform = s.platform and o.shop = s.shop and o.order_id = s.order_id
    where s.created_at is not null and o.created_at is not null
      and s.created_at <> o.created_at
      and o.import_id is distinct from $import_id
),
final as (
    select *, count(*) over (partition by platform, shop) as n
    from clashes
)
select * from final
order by _pos
limit $shown
"""


def _adopt_shopless_orders(cur: duckdb.DuckDBPyConnection, stage: pa.Table,
                           timed: bool = True) -> None:
    """An order stored without a shop ('': an export that did not name it) that this file
    names with its shop, and that is not stored under that shop, moves under it with its
    lines, the desk's actions on it and its derived rows: one order with its history, not a
    second copy beside the first. (An order the file names in two shops moves to neither; one
    created at another time is another store's order, and stays where it is; `timed`: whether
    the file gives creation times.)"""
    if not cur.execute("select count(*) from orders where shop = ''").fetchall()[0][0]:
        return
    created = "min(created_at)" if timed else "null::timestamp"  # fixed text
    moves = cur.sql(
        f"""
        with named as (
            select platform, order_id, min(shop) as shop, {created} as created_at
            from stage
            where shop <> ''
            group by all
            having count(distinct shop) = 1
        )
        select n.platform, n.shop, n.order_id
        from named as n
        semi join orders as o
            on o.platform = n.platform and o.shop = '' and o.order_id = n.order_id
            and (o.created_at is null or n.created_at is null or o.created_at = n.created_at)
        anti join orders as t
            on t.platform = n.platform and t.shop = n.shop and t.order_id = n.order_id
        """  # noqa: S608 - fixed text
    ).to_arrow_table()
    if not moves.num_rows:
        return
    for table in _ORDER_TABLES:  # identifiers from the fixed list above
        cur.execute(
            f"update {table} as t set shop = m.shop from moves as m "  # noqa: S608
            "where t.platform = m.platform and t.shop = '' and t.order_id = m.order_id"
        )


def _adopt_orphan_lines(cur: duckdb.DuckDBPyConnection, stage: pa.Table) -> None:
    """Lines imported before their order (shop '') move under the order's shop."""
    orphans = cur.execute("select count(*) from order_lines where shop = ''").fetchall()[0][0]
    if not orphans:
        return
    cur.execute(
        """
        delete from order_lines as l
        where l.shop = ''
          and exists (
              select 1 from stage as a
              join order_lines as m
                on m.platform = a.platform and m.shop = a.shop and m.order_id = a.order_id
              where a.shop <> '' and a.platform = l.platform and a.order_id = l.order_id
          )
        """
    )
    cur.execute(
        """
        update order_lines as l
        set shop = a.shop
        from stage as a
        where l.shop = '' and a.shop <> '' and a.platform = l.platform
          and a.order_id = l.order_id
        """
    )


def _upsert(cur: duckdb.DuckDBPyConnection, table: str, cols: list[str], import_id: int,
            stage: pa.Table, held: bool = True) -> None:
    """Write the staged rows; only the columns the file gave are updated. `held`: whether
    the table held rows before this import (without, orders and lines are only inserted).

    Orders and lines carry no index (an index on millions of text keys costs more than the
    import): the keys stay unique because this is their only writer, duplicates in a file are
    dropped before, an order is updated in place and an order's lines are replaced together.
    """
    keys = _KEYS[table]
    extra_cols, extra_vals, extra_set = _bookkeeping(table)
    params = {"import_id": import_id, "now": local_now(cur)}
    non_keys = [c for c in cols if c not in keys]
    insert = (
        f"insert into {table} ({', '.join(cols + extra_cols)}) "  # noqa: S608
        f"select {', '.join('s.' + c for c in cols)}{extra_vals} from stage as s"
    )
    match = " and ".join(f"t.{k} = s.{k}" for k in keys)
    if table == "order_lines":
        # A newer export of an order replaces all of its lines.
        if held:
            cur.execute(
                "delete from order_lines as t using (select distinct platform, shop, order_id "
                "from stage) as s where t.platform = s.platform and t.shop = s.shop "
                "and t.order_id = s.order_id and t.import_id is distinct from ?",
                [import_id],
            )
        statement = insert
    elif table == "orders":
        if held and cur.execute(
                f"select count(*) from (select 1 from stage as s "  # noqa: S608
                f"semi join orders as t on {match} limit 1)").fetchall()[0][0]:
            _note_info_changes(cur, cols, stage, import_id, params["now"])
            updates = [f"{c} = s.{c}" for c in non_keys] + ["import_id = $import_id"]
            cur.execute(
                f"update orders as t set {', '.join(updates)} "  # noqa: S608
                f"from stage as s where {match}",
                {"import_id": import_id},
            )
            insert += f" where not exists (select 1 from orders as t where {match})"  # noqa: S608
        statement = insert
    else:
        if table == "bundles":
            cur.execute("delete from bundles where bundle_sku in (select bundle_sku from stage) "
                        "and import_id is distinct from ?", [import_id])
        updates = [f"{c} = excluded.{c}" for c in non_keys] + extra_set
        statement = (
            f"{insert} on conflict ({', '.join(keys)}) do "
            + (f"update set {', '.join(updates)}" if updates else "nothing")
        )
    cur.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})


# What an import compares of the orders the desk acted on (DESIGN §12), and the parameter that
# says whether the file gives each column (info_changes_found.sql).
_INFO_COLUMNS = {"buyer_message": "with_message", "seller_note": "with_note",
                 "province": "with_province", "city": "with_city", "district": "with_district",
                 "address": "with_address"}
# The actions after which a changed message, note or address is news to the desk.
_ACTED_SQL = ("select count(*) from (select 1 from events "
              "where action in ('process', 'courier', 'print', 'review') limit 1)")
_ACTED_KEYS_SQL = ("select distinct platform, shop, order_id from events "
                   "where action in ('process', 'courier', 'print', 'review')")


def _note_info_changes(cur: duckdb.DuckDBPyConnection, cols: list[str], stage: pa.Table,
                       import_id: int, now: object) -> None:
    """Before the staged orders are written: for the orders the desk has acted on, what they
    change of the stored buyer message, seller note and address, kept in `info_changes` (old
    and new text, this import, now, the newest event id then)."""
    given = [c for c in _INFO_COLUMNS if c in cols]
    if not given or not cur.execute(_ACTED_SQL).fetchall()[0][0]:
        return
    # identifiers from the fixed list _INFO_COLUMNS only, never from a file; only the rows of
    # orders with an action (a large file's other rows are never copied)
    picked = ", ".join(f"s.{c}" if c in given else f"null::varchar as {c}" for c in _INFO_COLUMNS)
    incoming_info = cur.sql(  # noqa: F841 - read by the statement below
        f"select s.platform, s.shop, s.order_id, {picked} from stage as s "  # noqa: S608
        f"semi join ({_ACTED_KEYS_SQL}) as a using (platform, shop, order_id)"
    ).to_arrow_table()
    if not incoming_info.num_rows:
        return
    found = cur.sql(sql("info_changes_found"),
                    params={p: c in given for c, p in _INFO_COLUMNS.items()}).to_arrow_table()
    if not found.num_rows:
        return
    cur.execute(
        """
        insert into info_changes (platform, shop, order_id, field, old_text, new_text, import_id,
                                  detected_at, events_before)
        select platform, shop, order_id, field, old_text, new_text, $import_id, $now,
            (select coalesce(max(event_id), 0) from events)
        from found
        """,
        {"import_id": import_id, "now": now},
    )


def _refresh_touched(cur: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """The states of the orders import `import_id` wrote; of every order when that is most
    (counted in the store: a whole-store import's keys are never fetched)."""
    touched = """
        select platform, shop, order_id from orders where import_id = $import_id
        union
        select platform, shop, order_id from order_lines where import_id = $import_id
        union
        select c.platform, c.shop, c.order_id from cases as c
        semi join orders as o using (platform, shop, order_id)
        where c.import_id = $import_id
        """
    count = cur.execute(f"select count(*) from ({touched})",  # noqa: S608 - fixed text
                        {"import_id": import_id}).fetchall()[0][0]
    if 2 * count >= _count(cur, "orders"):
        refresh_states(cur)
    else:
        refresh_states(cur, cur.execute(touched, {"import_id": import_id}).df())


def _bookkeeping(table: str) -> tuple[list[str], str, list[str]]:
    """Extra columns each table records about the import that wrote it."""
    if table == "orders":
        return (["first_import_id", "import_id"], ", $import_id, $import_id",
                ["import_id = excluded.import_id"])
    if table in ("order_lines", "bundles", "cases"):
        return ["import_id"], ", $import_id", ["import_id = excluded.import_id"]
    if table == "stock":
        return (["snapshot_at", "import_id"], ", $now, $import_id",
                ["snapshot_at = excluded.snapshot_at", "import_id = excluded.import_id"])
    return ["updated_at"], ", $now", ["updated_at = excluded.updated_at"]
