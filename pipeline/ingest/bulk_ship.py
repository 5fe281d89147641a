"""Tracking numbers for many orders at once (批量发货): read them, check them, record them.

Read from the platforms' bulk-shipping file (CSV in any encoding the importer reads, or XLSX)
with the columns 订单编号 / order_id, 物流公司 / courier and 运单号 / 物流单号 / tracking_no (an
optional 店铺 / shop column picks the shop of an id found in several), or from pasted lines
"ORDER_ID COURIER TRACKING_NO". Each row becomes the desk's `courier` action on its order (text
"COURIER TRACKING_NO"), which also marks it processed. `check` says per row whether the order
was found and whether its state allows it; `apply` records every row or none.

Parcels (DESIGN §12, pipeline/desk/parcels.py): a row for any order of a merged parcel gives the
whole parcel its courier and tracking number (every order of it an event; rows for several of
its orders must agree). A split order takes one row a parcel, its id written `ORDER_ID#N`
(N from 1, as its slips number them): recorded as the parcel's courier, `#N COURIER
TRACKING_NO`; the order is shipped once every parcel has its number.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from pipeline.base import canonical as C
from pipeline.base.labels import label
from pipeline.base.roles import require
from pipeline.db.states import refresh_states
from pipeline.db.store import Store
from pipeline.desk import actions, parcels
from pipeline.desk.actions import Event
from pipeline.ingest.formats.reading import read_sheet
from pipeline.ingest.formats.values import clean_id, clean_text, norm_header

# Headers read for each field, compared trimmed and case-insensitive (norm_header).
HEADERS = {
    "order_id": ("订单编号", "订单号", "主订单编号", "order_id", "order id", "order"),
    "courier": ("物流公司", "快递公司", "courier", "carrier", "shipping company"),
    "tracking_no": ("运单号", "物流单号", "快递单号", "运单号码", "tracking_no", "tracking number",
                    "tracking"),
    "shop": ("店铺", "店铺名称", "shop"),
}
REQUIRED = ("order_id", "courier", "tracking_no")
ROW_COLUMNS = ["line", "order_id", "courier", "tracking_no", "shop", "problem", "detail"]
CHECK_COLUMNS = ["line", "order_id", "courier", "tracking_no", "platform", "shop", "state",
                 "found", "ok", "problem", "detail", "parcel_no"]
MAX_ROWS = 20_000
_SPLIT = re.compile(r"[\s,，;；]+")
_BLANK = re.compile(r"\s")
_ROUNDED_ID = re.compile(r"^[0-9](?:[.][0-9]+)?[eE][+][0-9]+$")  # 3.51531E+16: digits lost

# Why a row cannot be recorded; each code has the label `bulk_why_<code>` ({detail} inside).
PROBLEMS = ("bad_line", "no_id", "id_rounded", "no_courier", "no_tracking", "courier_blank",
            "duplicate", "not_found", "ambiguous", "state", "parcel_needed", "no_parcel",
            "parcel_differs", "parcel_state")

MATCH_SQL = """
with wanted as (
    select line, order_id, shop from bulk_rows
),

final as (
    select w.line, o.platform, o.shop, o.order_id, s.state, s.waiting_to_ship
    from wanted as w
    join orders as o
        on o.order_id = w.order_id and (w.shop is null or o.shop = w.shop)
    left join order_state as s
        on s.platform = o.platform and s.shop = o.shop and s.order_id = o.order_id
)

select * from final order by line, platform, shop
"""


class BulkShipError(Exception):
    """Nothing was recorded; `rows` (a `check` frame) holds the refused rows, or `code` names
    why the file cannot be read (`bulk_file_<code>`)."""

    def __init__(self, message: str, rows: pd.DataFrame | None = None, code: str = "",
                 detail: str = "") -> None:
        super().__init__(message)
        self.rows = rows
        self.code = code
        self.detail = detail


# ---------------------------------------------------------------------------------------------
# Reading


def parse_file(file_name: str, data: bytes) -> pd.DataFrame:
    """The rows of a bulk-shipping file (columns ROW_COLUMNS; `line` as a spreadsheet shows it).

    Raises FileRefused for a file that cannot be read, BulkShipError when a column is missing.
    """
    sheet = read_sheet(file_name, data, _has_columns)
    found = _columns(sheet.headers)
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        names = " / ".join(HEADERS[missing[0]][:3])
        raise BulkShipError(f"{file_name}: no column {names}", code="missing_column",
                            detail=", ".join("/".join(HEADERS[f][:2]) for f in missing))
    cells = sheet.cells

    def column(field: str) -> pd.Series:
        if field not in found:
            return pd.Series([pd.NA] * len(cells), dtype="str")
        return cells[found[field]].reset_index(drop=True)

    rows = pd.DataFrame({
        "line": pd.Series(sheet.rows, dtype="int64"),
        "order_id": clean_id(column("order_id")),
        "courier": clean_text(column("courier")),
        "tracking_no": clean_id(column("tracking_no")),
        "shop": clean_text(column("shop")),
    })
    rows = rows[rows[list(REQUIRED)].notna().any(axis=1)]
    cut = pd.DataFrame([{"line": r.row, "problem": "bad_line", "detail": r.value[:80]}
                        for r in sheet.rejects])
    rows = pd.concat([rows, cut], ignore_index=True) if len(cut) else rows
    return _mark_missing(rows.head(MAX_ROWS))


def parse_text(text: str) -> pd.DataFrame:
    """Pasted lines "ORDER_ID COURIER TRACKING_NO" (blanks, tabs or commas between); a first
    line of headers is skipped."""
    records = []
    headers = {norm_header(h) for names in HEADERS.values() for h in names}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        parts = [p for p in _SPLIT.split(raw.strip()) if p]
        if not parts:
            continue
        if not records and all(norm_header(p) in headers for p in parts):
            continue
        if len(parts) != 3:
            records.append({"line": number, "problem": "bad_line", "detail": raw.strip()[:80]})
            continue
        records.append({"line": number, "order_id": parts[0], "courier": parts[1],
                        "tracking_no": parts[2]})
    rows = pd.DataFrame(records[:MAX_ROWS], columns=ROW_COLUMNS)
    for col in ("order_id", "courier", "tracking_no"):
        rows[col] = clean_id(rows[col].fillna("")) if col != "courier" else clean_text(
            rows[col].fillna(""))
    return _mark_missing(rows)


def _has_columns(headers: list[str]) -> bool:
    found = _columns(headers)
    return all(f in found for f in REQUIRED)


def _columns(headers: list[str]) -> dict[str, str]:
    """field -> the header naming it, the first one found in the order of HEADERS."""
    by_norm = {}
    for h in headers:
        by_norm.setdefault(norm_header(h), h)
    found = {}
    for field, names in HEADERS.items():
        for name in names:
            if norm_header(name) in by_norm:
                found[field] = by_norm[norm_header(name)]
                break
    return found


def _mark_missing(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.reindex(columns=ROW_COLUMNS).reset_index(drop=True)
    rows["line"] = rows["line"].astype("int64")
    for col in ("order_id", "courier", "tracking_no", "shop", "problem", "detail"):
        rows[col] = rows[col].astype(object).where(rows[col].notna(), None)
    checks = [
        ("no_id", rows["order_id"].isna()),
        ("id_rounded", rows["order_id"].map(lambda v: bool(v and _ROUNDED_ID.match(v)))),
        ("no_courier", rows["courier"].isna()),
        ("no_tracking", rows["tracking_no"].isna()),
        ("courier_blank", rows["courier"].map(lambda v: bool(v and _BLANK.search(v)))),
    ]
    for code, hit in checks:
        hit = hit.astype(bool) & rows["problem"].isna()
        rows.loc[hit, "problem"] = code
    return rows.sort_values("line", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Checking and recording


def check(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    """Per row: the order found (platform, shop, state), whether the courier action fits it
    (`ok`), else the `problem` (one of PROBLEMS) and its `detail`. Columns CHECK_COLUMNS.
    An id `ORDER_ID#N` names parcel N of a split order (an order with that very id first)."""
    out = rows.reindex(columns=ROW_COLUMNS).copy()
    for col in ("platform", "state"):
        out[col] = None
    out["found"] = False
    out["parcel_no"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    readable = out[out["problem"].isna()]
    by_line, parcel_of = _matches(con, readable)
    index = parcels.parcel_index(con)
    waiting = _waiting(con, index)
    seen: dict[tuple, int] = {}
    given: dict[tuple, tuple[int, str, str]] = {}     # a merged parcel's head -> its first row
    for i in readable.index:
        line = int(out.at[i, "line"])
        part = by_line.get(line)
        if part is None:
            out.loc[i, ["problem", "detail"]] = ["not_found", None]
            continue
        if len(part) > 1:
            shops = ", ".join(f"{p}/{s or '—'}" for p, s in zip(part["platform"], part["shop"],
                                                               strict=True))
            out.loc[i, ["problem", "detail"]] = ["ambiguous", shops]
            continue
        m = part.iloc[0]
        key = (m["platform"], m["shop"], m["order_id"])
        parcel_no = parcel_of.get(line)
        out.loc[i, ["platform", "shop", "state", "found"]] = [m["platform"], m["shop"],
                                                               m["state"], True]
        if parcel_no is not None:
            out.at[i, "parcel_no"] = parcel_no
        n = index.splits.get(key)
        if n is not None and parcel_no is None:
            out.loc[i, ["problem", "detail"]] = ["parcel_needed", str(n)]
            continue
        if parcel_no is not None and (n is None or not 1 <= parcel_no <= n):
            out.loc[i, ["problem", "detail"]] = ["no_parcel", out.at[i, "order_id"]]
            continue
        if (key, parcel_no) in seen:
            out.loc[i, ["problem", "detail"]] = ["duplicate", str(seen[(key, parcel_no)])]
            continue
        seen[(key, parcel_no)] = line
        head = index.head(key)
        if head is not None:
            number = (out.at[i, "courier"], out.at[i, "tracking_no"])
            first = given.setdefault(head, (line, *number))
            if first[1:] != number:
                out.loc[i, ["problem", "detail"]] = ["parcel_differs", str(first[0])]
                continue
        if not bool(m["waiting_to_ship"]):
            out.loc[i, ["problem", "detail"]] = ["state", m["state"]]
            continue
        stopped = [k for k in index.members.get(key, ()) if k != key and not waiting.get(k)]
        if stopped:
            out.loc[i, ["problem", "detail"]] = ["parcel_state", stopped[0][2]]
    out["ok"] = out["problem"].isna()
    return out[CHECK_COLUMNS].reset_index(drop=True)


def _matches(con: duckdb.DuckDBPyConnection, readable: pd.DataFrame
             ) -> tuple[dict[int, pd.DataFrame], dict[int, int]]:
    """The orders each row's id finds (line -> MATCH_SQL rows), and the parcel number of the
    rows whose id is found as `ORDER_ID#N` (line -> N)."""
    wanted = pd.DataFrame({"line": readable["line"].astype("int64"),
                           "order_id": readable["order_id"].astype(str),
                           "shop": readable["shop"].astype(object)})
    matches = _match(con, wanted)
    found = set(matches["line"])
    split_ids = [(line, *parcels.read_parcel_id(o)) for line, o in
                 zip(wanted["line"], wanted["order_id"], strict=True) if line not in found]
    split_ids = [(line, o, n) for line, o, n in split_ids if n is not None]
    parcel_of: dict[int, int] = {}
    if split_ids:
        bare = wanted.set_index("line").loc[[line for line, _, _ in split_ids]].reset_index()
        bare["order_id"] = [o for _, o, _ in split_ids]
        more = _match(con, bare)
        parcel_of = {line: n for line, _, n in split_ids if line in set(more["line"])}
        matches = pd.concat([matches, more], ignore_index=True)
    return {line: part for line, part in matches.groupby("line", sort=False)}, parcel_of


def _match(con: duckdb.DuckDBPyConnection, wanted: pd.DataFrame) -> pd.DataFrame:
    con.register("bulk_rows", wanted)
    try:
        return con.execute(MATCH_SQL).df()
    finally:
        con.unregister("bulk_rows")


def _waiting(con: duckdb.DuckDBPyConnection, index: parcels.ParcelIndex) -> dict[tuple, bool]:
    """Whether each order of a merged parcel waits to ship."""
    keys = pd.DataFrame(list(index.members), columns=C.ORDER_KEY, dtype=object)
    if keys.empty:
        return {}
    con.register("bulk_parcel_keys", keys)
    try:
        rows = con.execute("select platform, shop, order_id, waiting_to_ship from order_state "
                           "semi join bulk_parcel_keys using (platform, shop, order_id)").fetchall()
    finally:
        con.unregister("bulk_parcel_keys")
    return {(p, s, o): bool(w) for p, s, o, w in rows}


def apply(store: Store, checked: pd.DataFrame, by: str, role: str | None = None) -> list[Event]:
    """Record `courier` ("COURIER TRACKING_NO") on the order of every row, all or nothing: on
    every order of a merged parcel (one batch id a parcel), as `#N …` on parcel N of a split
    order. `role`: the signed-in user's (None: the command line's operator, a manager).

    The rows are checked again inside the transaction: an order whose state changed since the
    preview refuses the whole batch. Raises BulkShipError (rows: the refused rows).
    """
    require(role, "courier")
    author = (by or "").strip()
    if not author:
        raise actions.ActionError("say who acts: a name is required")
    if checked.empty:
        raise BulkShipError("no rows to record", rows=checked)
    if not checked["ok"].all():
        refused = checked[~checked["ok"]]
        raise BulkShipError(refused_message(refused, "en"), rows=refused)

    def work(cur: duckdb.DuckDBPyConnection) -> list[Event]:
        who, acting = actions.acting_role(cur, author, role, "courier")
        again = check(cur, checked[ROW_COLUMNS])
        if not again["ok"].all():
            refused = again[~again["ok"]]
            raise BulkShipError(refused_message(refused, "en"), rows=refused)
        index = parcels.parcel_index(cur)
        planned: list[tuple[tuple, str, int]] = []      # (order key, text, the row's position)
        done: set[tuple] = set()
        for pos, r in enumerate(again.itertuples()):
            parcel_no = None if pd.isna(r.parcel_no) else int(r.parcel_no)
            order_id = r.order_id if parcel_no is None else parcels.read_parcel_id(r.order_id)[0]
            text = f"{r.courier} {r.tracking_no}"
            if parcel_no is not None:
                text = parcels.parcel_courier_text(parcel_no, text)
            why, targets = parcels.courier_targets(index, (r.platform, r.shop, order_id), text)
            if why:  # the checks above cover it; kept so the parcel's rule has the last word
                raise BulkShipError(f"cannot give order {r.order_id} a courier: it {why}",
                                    rows=again.iloc[[pos]])
            for key, said in targets:
                if (key, said) not in done:
                    done.add((key, said))
                    planned.append((key, said, pos))
        keys = pd.DataFrame([k for k, _, _ in planned], columns=C.ORDER_KEY, dtype=object)
        cur.register("action_keys", keys)
        context = cur.execute(actions.ORDER_CONTEXT_SQL).df()
        cur.unregister("action_keys")
        for order, (_, text, pos) in zip(context.to_dict("records"), planned, strict=True):
            why = actions.refusal("courier", order, text, None)
            if why:  # the checks above cover it; kept so the action's own rule has the last word
                raise BulkShipError(f"cannot give order {order['order_id']} a courier: it {why}",
                                    rows=again.iloc[[pos]])
        first_batch = cur.execute(actions.NEXT_BATCH_SQL).fetchall()[0][0]
        batch_of: dict[tuple, int] = {}     # a merged parcel's head -> its events' batch id
        batch_ids = []
        for key, _, _ in planned:
            head = index.head(key)
            if head is not None:
                batch_of.setdefault(head, first_batch + len(batch_of))
            batch_ids.append(None if head is None else batch_of[head])
        new = pd.DataFrame({
            "platform": keys["platform"], "shop": keys["shop"], "order_id": keys["order_id"],
            "action": "courier", "text": pd.Series([t for _, t, _ in planned], dtype=object),
            "kind": None, "target_event": pd.array([None] * len(keys), dtype="Int64"),
            "author": who, "acted_at": store.now(), "role": acting,
            "batch_id": pd.array(batch_ids, dtype="Int64"), "queue_batch": None,
            "pos": range(len(keys)),
        })
        new["kind"] = new["kind"].astype(object)
        new["queue_batch"] = new["queue_batch"].astype(object)
        cur.register("new_events", new)
        written = cur.execute(actions.INSERT_BATCH_EVENTS_SQL).fetchall()
        cur.unregister("new_events")
        refresh_states(cur, keys)
        return [Event(int(r[0]), *r[1:7], None if r[7] is None else int(r[7]), *r[8:10],
                      None if r[10] is None else int(r[10]), r[11]) for r in written]

    return store.run_write(work, events_only=True)


def reason_text(problem: str | None, detail: str | None, lang: str = "zh") -> str:
    """Why a row is refused, in `lang` (empty for a row that can be recorded)."""
    if not isinstance(problem, str) or not problem:
        return ""
    if problem == "state" and isinstance(detail, str):
        detail = label(detail, lang)
    return label(f"bulk_why_{problem}", lang).format(detail=detail or "")


def refused_message(refused: pd.DataFrame, lang: str = "zh") -> str:
    """One sentence naming the refused rows' orders and reasons (the first 20)."""
    parts = [
        label("bulk_refused_row", lang).format(
            line=r.line, order=r.order_id or "—", reason=reason_text(r.problem, r.detail, lang))
        for r in refused.head(20).itertuples()
    ]
    more = len(refused) - 20
    tail = label("bulk_more", lang).format(n=more) if more > 0 else ""
    return label("bulk_nothing_recorded", lang).format(n=len(refused)) + "; ".join(parts) + tail
