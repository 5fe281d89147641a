"""Parcels (DESIGN §12): orders merged into one parcel, and an order split into several.

Nothing here is a table of its own: parcels are read from the desk's events, like every other
action's effect, so an import never touches them and an undo takes one back.

- **Merging**: a `merge` event on the parcel's first order (its *head*) whose text is the other
  orders' ids, separated by blanks (`1002 1003`). The orders must be §6 merge candidates of one
  another: the same platform and shop, the same buyer and full address (none masked or
  missing), open (not shipped, closed or refunded) and not being refunded; and none processed
  yet, split, or in another parcel. A second merge on the head adds orders to its parcel. The
  parcel is named by its head's order id; it is one pick, one slip and one courier with one
  tracking number: the `courier` action on any of its orders records that courier and number on
  every one of them, each order an event of its own, all sharing one batch id (so the orders
  stay alike, and an undo of that courier takes it back from all of them).
- **Splitting**: a `split` event whose text is the parcels as JSON, parcel 1 first:
  `[{"lines": {"1": 1}}, {"lines": {"1": 1, "2": 3}}]` (line id -> pieces; every piece of every
  line still to pack in exactly one parcel, at least two parcels). A parcel is named
  `ORDER_ID#N`. Its courier and tracking number are a `courier` event on the order whose text
  names the parcel first: `#N COURIER TRACKING_NO`. The order is shipped once every parcel has
  its tracking number (sql/states.sql in pipeline/db).
- A merged order is never split, a split order never merged; neither happens once the order is
  processed (its waybill printed or a courier recorded): undo that first.

`parcels(con)` lists every parcel the desk made; an order neither merged nor split is its own
parcel, named by its id, and is not listed there (`order_parcels` gives any order's).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from pipeline.base import canonical as C
from pipeline.base.labels import STATES
from pipeline.base.reasons import Reason
from pipeline.db.cache import shared
from pipeline.db.queries import sql

PARCEL_ACTIONS = ("merge", "split")
PARCEL_KINDS = ("order", "merged", "split")
PARCEL_COLUMNS = ["parcel_id", "platform", "shop", "order_id", "line_id", "quantity", "courier",
                  "tracking_no", "kind"]
MEMBER_COLUMNS = ["platform", "shop", "parcel_id", "order_id", "member_no"]
SPLIT_EXAMPLE = '[{"lines": {"1": 1}}, {"lines": {"2": 1}}]'

_IDS = re.compile(r"[\s,，;；]+")
_PARCEL_TEXT = re.compile(r"^#([0-9]+)(?:\s+(.*))?$", re.S)
_PARCEL_ID = re.compile(r"^(.+)#([0-9]+)$")

FIND_ORDER_SQL = "select platform, shop from orders where order_id = $order_id order by all"

# The lines of one order still to pack (a line refunded in full leaves with its money).
PACKABLE_LINES_SQL = """
select line_id, coalesce(quantity, 0)::bigint as quantity
from order_lines
where platform = $platform and shop = $shop and order_id = $order_id
  and refund_norm is distinct from 'success'
order by try_cast(line_id as integer) nulls last, line_id
"""

Key = tuple[str, str, str]


# ---------------------------------------------------------------------------------------------
# Reading


def merged_members(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every order of every merged parcel in effect (MEMBER_COLUMNS, head first, and the
    `merge_event` that put it in), read now; safe inside a write."""
    return con.execute(sql("parcel_merges")).df()[[*MEMBER_COLUMNS, "merge_event"]]


def split_lines(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every parcel of every split order in effect, a row per line: platform, shop, order_id,
    parcel_id, parcel_no, n_parcels, line_id, quantity, courier, tracking_no, split_event;
    read now, safe inside a write."""
    return con.execute(sql("parcel_splits")).df()


@shared
def merge_groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The merged parcels: one row per order, platform, shop, parcel_id (the head's order id),
    order_id, member_no (0 the head, then the others as merged). What the work queue keeps
    together in one batch."""
    return merged_members(con)[MEMBER_COLUMNS]


@shared
def parcels(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every parcel the desk made, a row per order line in it: parcel_id, platform, shop,
    order_id, line_id, quantity, courier, tracking_no, kind (`merged` or `split`)."""
    return _parcels(con)


def _parcels(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    con.register("parcel_members", merged_members(con))
    try:
        merged = con.execute(sql("parcel_merged_lines")).df().assign(kind="merged")
    finally:
        con.unregister("parcel_members")
    split = split_lines(con).assign(kind="split")
    frames = [f[PARCEL_COLUMNS] for f in (merged, split) if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "quantity" else object)
                             for c in PARCEL_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    out["quantity"] = out["quantity"].astype("int64")
    return out


def order_parcels(con: duckdb.DuckDBPyConnection, key: Key) -> pd.DataFrame:
    """The parcels the order `key` (platform, shop, order_id) goes in, a row per line
    (PARCEL_COLUMNS): its merged parcel (with the other orders' lines), its split parcels, or —
    neither — itself as one parcel (kind `order`, named by its id)."""
    platform, shop, order_id = (str(k) for k in key)
    every = _parcels(con)
    mine = every[(every["platform"] == platform) & (every["shop"] == shop)
                 & (every["order_id"] == order_id)]
    if len(mine):
        ids = set(mine["parcel_id"])
        return every[(every["platform"] == platform) & (every["shop"] == shop)
                     & every["parcel_id"].isin(ids)].reset_index(drop=True)
    lines = con.execute(PACKABLE_LINES_SQL, _params(key)).df()
    state = con.execute("select courier, tracking_no from order_state where platform = $platform "
                        "and shop = $shop and order_id = $order_id", _params(key)).fetchall()
    courier, tracking = state[0] if state else (None, None)
    return pd.DataFrame({"parcel_id": order_id, "platform": platform, "shop": shop,
                         "order_id": order_id, "line_id": lines["line_id"].astype(object),
                         "quantity": lines["quantity"].astype("int64"), "courier": courier,
                         "tracking_no": tracking, "kind": "order"})[PARCEL_COLUMNS]


@dataclass
class ParcelIndex:
    """Which parcel each order is in, read once: `members` (a merged order -> every order of
    its parcel, head first), `merged_by` (a merged order -> the merge event that put it in),
    `splits` (a split order -> its number of parcels)."""

    members: dict[Key, tuple[Key, ...]] = field(default_factory=dict)
    merged_by: dict[Key, int] = field(default_factory=dict)
    splits: dict[Key, int] = field(default_factory=dict)

    def head(self, key: Key) -> Key | None:
        """The head of the merged parcel `key` is in, or None."""
        group = self.members.get(key)
        return group[0] if group else None


def parcel_index(con: duckdb.DuckDBPyConnection) -> ParcelIndex:
    """The parcels in effect now (safe inside a write)."""
    index = ParcelIndex()
    members = merged_members(con)
    for (platform, shop, _), part in members.groupby(["platform", "shop", "parcel_id"],
                                                     sort=False):
        group = tuple((platform, shop, o) for o in part.sort_values("member_no")["order_id"])
        for k in group:
            index.members[k] = group
        for o, e in zip(part["order_id"], part["merge_event"], strict=True):
            index.merged_by[(platform, shop, o)] = int(e)
    split = split_lines(con)
    for (platform, shop, order_id), n in split.groupby(
            ["platform", "shop", "order_id"])["n_parcels"].max().items():
        index.splits[(platform, shop, order_id)] = int(n)
    return index


# ---------------------------------------------------------------------------------------------
# Texts


def merge_ids(text: str | None) -> list[str]:
    """The order ids a merge's text names (blanks, commas or semicolons between), each once."""
    return list(dict.fromkeys(p for p in _IDS.split((text or "").strip()) if p))


def read_split(text: str | None) -> list[dict[str, int]] | None:
    """The parcels of a split's text (line id -> pieces each), or None when it is not of the
    form `[{"lines": {"LINE_ID": PIECES, ...}}, ...]` with whole, positive pieces."""
    try:
        given = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(given, list):
        return None
    out = []
    for parcel in given:
        lines = parcel.get("lines") if isinstance(parcel, dict) else None
        if not isinstance(lines, dict):
            return None
        read = {}
        for line_id, pieces in lines.items():
            if isinstance(pieces, bool) or not isinstance(pieces, int | float) \
                    or pieces != int(pieces) or pieces <= 0:
                return None
            read[str(line_id).strip()] = int(pieces)
        out.append(read)
    return out


def split_text(split: list[dict[str, int]]) -> str:
    """A split's text as recorded: `[{"lines": {"1": 1}}, ...]`."""
    return json.dumps([{"lines": lines} for lines in split], ensure_ascii=False)


def read_parcel_courier(text: str | None) -> tuple[int | None, str]:
    """(the parcel number, the rest) of a courier text: `#2 SF 123` -> (2, "SF 123"); a text
    naming no parcel -> (None, the text)."""
    text = (text or "").strip()
    m = _PARCEL_TEXT.match(text)
    if not m:
        return None, text
    return int(m.group(1)), (m.group(2) or "").strip()


def parcel_courier_text(parcel_no: int, text: str) -> str:
    """The courier text of parcel `parcel_no` of a split order: `#N COURIER TRACKING_NO`."""
    return f"#{int(parcel_no)} {text.strip()}"


def read_parcel_id(text: str) -> tuple[str, int | None]:
    """(the order id, the parcel number) of `ORDER_ID#N`; any other id -> (it, None)."""
    m = _PARCEL_ID.match(text.strip())
    return (m.group(1), int(m.group(2))) if m else (text.strip(), None)


# ---------------------------------------------------------------------------------------------
# Checks (read inside the write that records the action)


def merge_refusal(con: duckdb.DuckDBPyConnection, head: Key, text: str | None,
                  index: ParcelIndex) -> tuple[Reason | None, list[Key]]:
    """Why the orders `text` names cannot be merged into the parcel of `head`, or None, and the
    keys of those orders (in the order named)."""
    platform, shop, head_id = head
    ids = merge_ids(text)
    if not ids:
        return Reason("why_needs_text", what=Reason("why_text_merge")), []
    if head_id in ids:
        return Reason("why_merge_self"), []
    others = [(platform, shop, i) for i in ids]
    keys = pd.DataFrame([head, *others], columns=C.ORDER_KEY)
    con.register("parcel_keys", keys)
    try:
        facts = con.execute(sql("parcel_order_facts")).df()
    finally:
        con.unregister("parcel_keys")
    rows = {(r["platform"], r["shop"], r["order_id"]): r for r in facts.to_dict("records")}
    for k in others:
        if not rows[k]["found"]:
            elsewhere = con.execute(FIND_ORDER_SQL, {"order_id": k[2]}).fetchall()
            if elsewhere:
                shops = ", ".join(f"{p}/{s or '—'}" for p, s in elsewhere)
                return Reason("why_merge_other_shop", order=k[2], shops=shops), []
            return Reason("why_merge_no_order", order=k[2]), []
    first = rows[head]
    if not _open(first):
        return Reason("why_merge_state_self", state=_state(first)), []
    for k in others:
        if not _open(rows[k]):
            return Reason("why_merge_state", order=k[2], state=_state(rows[k])), []
    if first["processed"]:
        return Reason("why_already_processed"), []
    for k in others:
        if rows[k]["processed"]:
            return Reason("why_merge_processed", order=k[2]), []
    if not first["buyer_key"] or not first["address_key"]:
        return Reason("why_merge_masked_self"), []
    for k in others:
        if not rows[k]["buyer_key"] or not rows[k]["address_key"]:
            return Reason("why_merge_masked", order=k[2]), []
    for k in others:
        if rows[k]["buyer_key"] != first["buyer_key"]:
            return Reason("why_merge_buyer", order=k[2]), []
        if rows[k]["address_key"] != first["address_key"]:
            return Reason("why_merge_address", order=k[2]), []
    parcel = index.head(head)
    if parcel is not None and parcel != head:
        return Reason("why_merge_member", parcel=parcel[2]), []
    for k in others:
        if index.head(k) is not None:
            return Reason("why_merge_in_parcel", order=k[2], parcel=index.head(k)[2]), []
    for k in (head, *others):
        if k in index.splits:
            return Reason("why_merge_split", order=k[2], n=index.splits[k]), []
    return None, others


def split_refusal(con: duckdb.DuckDBPyConnection, key: Key, text: str | None,
                  index: ParcelIndex) -> tuple[Reason | None, str | None]:
    """Why the order `key` cannot be split as `text` says, or None, and the text to record.
    Its state (waiting to ship, not processed) is checked with the other actions'."""
    split = read_split(text)
    if split is None:
        return Reason("why_split_text", example=SPLIT_EXAMPLE), None
    if len(split) < 2 or not all(split):
        return Reason("why_split_few"), None
    if index.head(key) is not None:
        return Reason("why_split_merged", parcel=index.head(key)[2]), None
    if key in index.splits:
        return Reason("why_split_again", n=index.splits[key]), None
    lines = con.execute(PACKABLE_LINES_SQL, _params(key)).df()
    have = {str(i): int(q) for i, q in zip(lines["line_id"], lines["quantity"], strict=True)
            if q > 0}
    given: dict[str, int] = {}
    for parcel in split:
        for line_id, pieces in parcel.items():
            if line_id not in have:
                return Reason("why_split_line", line=line_id), None
            given[line_id] = given.get(line_id, 0) + pieces
    for line_id, quantity in have.items():
        if given.get(line_id, 0) != quantity:
            return Reason("why_split_quantity", line=line_id, given=given.get(line_id, 0),
                          quantity=quantity), None
    return None, split_text(split)


def courier_targets(index: ParcelIndex, key: Key, text: str | None
                    ) -> tuple[Reason | None, list[tuple[Key, str]]]:
    """Where a courier text given on order `key` is recorded: on every order of its merged
    parcel, on the parcel `#N` it names of a split order, else on the order itself. Or why not
    (a split order's parcel not named, or named on an order that is not split)."""
    parcel_no, rest = read_parcel_courier(text)
    n = index.splits.get(key)
    if n is not None:
        if parcel_no is None:
            return Reason("why_parcel_needed", n=n), []
        if not 1 <= parcel_no <= n:
            return Reason("why_parcel_no", no=parcel_no, n=n), []
        if not rest:
            return Reason("why_needs_text", what=Reason("why_text_courier")), []
        return None, [(key, parcel_courier_text(parcel_no, rest))]
    if parcel_no is not None:
        return Reason("why_parcel_not_split", no=parcel_no), []
    group = index.members.get(key)
    if group:
        return None, [(key, rest), *((k, rest) for k in group if k != key)]
    return None, [(key, rest)]


def _open(row: dict) -> bool:
    """Open and not being refunded: what the §6 merge_candidate mark groups."""
    return bool(row["is_open"]) and row["state"] != "refunding"


def _state(row: dict) -> Reason | str:
    state = row["state"]
    return Reason(state) if state in STATES else str(state)


def _params(key: Key) -> dict[str, str]:
    platform, shop, order_id = (str(k) for k in key)
    return {"platform": platform, "shop": shop, "order_id": order_id}
