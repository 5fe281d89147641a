"""Scan to verify (验货): the packing bench, where a packer scans a parcel's slip and then each
item going into it, and the desk records that the parcel was packed.

- `find_parcel(con, code)`: the slip's barcode — an order id, a parcel id (`ORDER_ID#N`, a
  split order's parcel: pipeline/desk/parcels.py) or a tracking number (the desk's, a split
  parcel's own, or as exported) — to the parcel and its items to pack. An order of a merged
  parcel brings the whole parcel; a bundle is split into its components as the pick list does
  (the `bundles` table), each item with the pieces needed.
- `refusal(con, parcel)`: why the parcel may not be packed, as a `Reason` (a label key with its
  figures): an order refunded or being refunded (refunded since the slip was printed), closed,
  unpaid, shipped, not processed yet, held by an open problem (DESIGN §6, the queue's own
  marks: pipeline/desk/problems.py), or packed already.
- `scan(state, code)`: one item scanned, matched by its SKU code or by a barcode of the stock
  export (`stock.barcode`, read into the parcel once). The outcome is `counted`, `wrong` (not
  in the parcel), `extra` (its items are all counted already) or `complete` (the last piece).
  A bundle is taken as the whole set (its own SKU: every component of one set counted at
  once) or component by component. The scans are kept in the state, a list the page keeps in
  its session; nothing is written until the parcel is complete.
- `record_packed(store, state, by, role)`: the `packed` action (pipeline/desk/actions.py) on
  each order of the parcel, its text what was scanned for that order (`A×2, SET1×1`; a split
  order's parcel first: `#2 A×1`); `undo_packed` takes it back. Packing changes no state: a
  packed order waits to ship until it ships, under the same time rule (`ship_paid`, DESIGN
  §4); the queue shows it packed, the Team page counts it, the order's history lists it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

import duckdb
import pandas as pd

from pipeline.base.filters import Filters
from pipeline.base.labels import STATES
from pipeline.base.reasons import Reason
from pipeline.db.queries import sql
from pipeline.db.settings import get_settings, now_in
from pipeline.db.store import Store
from pipeline.desk import actions, parcels
from pipeline.desk.problems import open_problems

OUTCOMES = ("counted", "wrong", "extra", "complete")
ITEM_COLUMNS = ["platform", "shop", "order_id", "line_id", "sku", "title", "needed",
                "bundle_sku", "bundle_title", "per_set", "is_gift"]
UNPAID = ("unconfirmed_unpaid", "confirmed_unpaid")
_BLANKS = re.compile(r"\s+")

Key = tuple[str, str, str]


class PackRefused(Exception):
    """The code cannot be packed as it is; the message (a Reason) says why and what to scan."""


@dataclass(frozen=True)
class Item:
    """One thing to count: a line's SKU, or one component of a bundle line."""

    key: Key
    line_id: str
    sku: str
    title: str | None
    needed: int
    bundle_sku: str | None = None     # the bundle line it is a component of
    bundle_title: str | None = None
    per_set: int | None = None        # pieces of it in one set of the bundle
    is_gift: bool = False


@dataclass(frozen=True)
class Parcel:
    """A parcel at the bench: what was scanned, its id (an order id, a merged parcel's first
    order's id, `ORDER_ID#N`), its kind (`order`, `merged`, `split`), its parcel number (split
    only), its orders, its items and the barcodes of their SKUs (barcode -> SKU, upper case)."""

    code: str
    parcel_id: str
    kind: str
    parcel_no: int | None
    keys: tuple[Key, ...]
    items: tuple[Item, ...]
    codes: dict[str, str] = field(default_factory=dict)
    courier: str | None = None
    tracking_no: str | None = None


@dataclass(frozen=True)
class Scan:
    """One code scanned: its outcome (one of OUTCOMES), the SKU it was read as, whether it was
    a bundle's own SKU counted as the whole set, and the order it counted for."""

    code: str
    outcome: str
    sku: str | None = None
    as_set: bool = False
    key: Key | None = None


@dataclass(frozen=True)
class PackState:
    """A parcel being packed: its pieces counted so far (one figure per item) and the scans."""

    parcel: Parcel
    counted: tuple[int, ...]
    scans: tuple[Scan, ...] = ()

    @property
    def complete(self) -> bool:
        return all(c >= i.needed for c, i in zip(self.counted, self.parcel.items, strict=True))

    @property
    def pieces(self) -> tuple[int, int]:
        """(pieces counted, pieces needed)."""
        return sum(self.counted), sum(i.needed for i in self.parcel.items)


# ---------------------------------------------------------------------------------------------
# The slip


def find_parcel(con: duckdb.DuckDBPyConnection, code: str) -> Parcel | None:
    """The parcel a slip's barcode names, with its items to pack; None when the code is no
    order id, parcel id or tracking number. PackRefused when it names orders of several shops
    (the same order id), a split order without its parcel, or a parcel the order does not
    have."""
    code = _BLANKS.sub("", str(code or ""))
    if not code:
        return None
    order_id, parcel_no = parcels.read_parcel_id(code)
    found = con.execute(sql("pack_find"), {"order_id": order_id, "code": code}).fetchall()
    keys = [(p, s, o) for p, s, o, _ in found]
    by_id = bool(found) and found[0][3] == "order_id"
    if found and not by_id:   # a tracking number: a `#N` in it is its own
        parcel_no = None
    if not by_id and parcel_no is None:   # a split order's parcel has a tracking number of its own
        split = parcels.split_lines(con)
        mine = split[split["tracking_no"].fillna("").str.upper() == code.upper()]
        if len(mine):
            keys = [(mine["platform"].iloc[0], mine["shop"].iloc[0], mine["order_id"].iloc[0])]
            parcel_no = int(mine["parcel_no"].iloc[0])
    if not keys:
        return None
    index = parcels.parcel_index(con)
    heads = list(dict.fromkeys(index.head(k) or k for k in keys))
    if len(heads) > 1:
        shops = ", ".join(f"{p}/{s or '—'}" for p, s, _ in heads)
        raise PackRefused(Reason("pack_ambiguous", code=code, n=len(heads), listed=shops))
    key = keys[0]
    n_parcels = index.splits.get(key)
    if n_parcels is not None and parcel_no is None:
        raise PackRefused(Reason("pack_split_needs_parcel", order=key[2], n=n_parcels))
    if parcel_no is not None and not 1 <= parcel_no <= (n_parcels or 0):
        raise PackRefused(Reason("pack_no_parcel", order=key[2], no=parcel_no))
    rows = parcels.order_parcels(con, key)
    if n_parcels is not None:
        kind, parcel_id, members = "split", f"{key[2]}#{parcel_no}", (key,)
    elif index.head(key) is not None:
        kind, parcel_id, members = "merged", index.head(key)[2], index.members[key]
    else:
        kind, parcel_id, members = "order", key[2], (key,)
    rows = rows[rows["parcel_id"] == parcel_id].reset_index(drop=True)
    items = _items(con, rows)
    return Parcel(code, parcel_id, kind, parcel_no, tuple(members), items, _codes(con, items),
                  _first(rows["courier"]), _first(rows["tracking_no"]))


def _items(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> tuple[Item, ...]:
    parcel = pd.DataFrame({
        "pos": range(len(rows)),
        "platform": rows["platform"].astype(str), "shop": rows["shop"].astype(str),
        "order_id": rows["order_id"].astype(str), "line_id": rows["line_id"].astype(str),
        "quantity": rows["quantity"].astype("int64")})
    con.register("pack_parcel", parcel)
    try:
        found = con.execute(sql("pack_items")).df()
    finally:
        con.unregister("pack_parcel")
    return tuple(Item(
        key=(r["platform"], r["shop"], r["order_id"]), line_id=str(r["line_id"]),
        sku=str(r["sku"]), title=_text(r["title"]), needed=int(r["needed"]),
        bundle_sku=_text(r["bundle_sku"]), bundle_title=_text(r["bundle_title"]),
        per_set=None if pd.isna(r["per_set"]) else int(r["per_set"]),
        is_gift=bool(r["is_gift"])) for r in found.to_dict("records") if int(r["needed"]) > 0)


def _codes(con: duckdb.DuckDBPyConnection, items: tuple[Item, ...]) -> dict[str, str]:
    """The stock's barcodes of the parcel's SKUs (a bundle's own included), upper case."""
    skus = sorted({i.sku for i in items} | {i.bundle_sku for i in items if i.bundle_sku})
    con.register("pack_skus", pd.DataFrame({"sku": pd.Series(skus, dtype=object)}))
    try:
        found = con.execute(sql("pack_codes")).fetchall()
    finally:
        con.unregister("pack_skus")
    codes: dict[str, str] = {}
    for barcode, sku in found:
        codes.setdefault(str(barcode).upper(), str(sku))
    return codes


def identify(con: duckdb.DuckDBPyConnection, code: str) -> tuple[str, str | None] | None:
    """(SKU, name) of the stock item whose code or barcode `code` is, or None: a wrong item
    named to the packer."""
    found = con.execute(sql("pack_identify"), {"code": _BLANKS.sub("", str(code))}).fetchall()
    return (found[0][0], found[0][1]) if found else None


# ---------------------------------------------------------------------------------------------
# Whether it may be packed


def refusal(con: duckdb.DuckDBPyConnection, parcel: Parcel,
            as_of: datetime | None = None) -> Reason | None:
    """Why the parcel may not be packed now, or None: the first of its orders refused, with
    the reason (refunded or refunding, closed, unpaid, shipped, not processed, held by an open
    problem as of `as_of` — default now —, packed already); a parcel with nothing to pack."""
    moment = as_of or now_in(get_settings(con))
    for key in parcel.keys:
        order = actions.order_context(con, *key)
        why = _order_refusal(con, order, key, parcel, moment)
        if why is not None:
            return Reason("pack_refused", order=key[2], why=why)
    if not parcel.items:
        return Reason("pack_nothing_to_pack", order=parcel.parcel_id)
    return None


def _order_refusal(con: duckdb.DuckDBPyConnection, order: dict, key: Key, parcel: Parcel,
                   moment: datetime) -> Reason | None:
    state = order.get("state")
    if state == "refunded":
        return Reason("pack_why_refunded")
    if state == "refunding":
        return Reason("pack_why_refunding")
    if state == "closed":
        return Reason("pack_why_closed")
    if state in ("shipped", "completed"):
        return Reason("pack_why_shipped")
    if state in UNPAID and not order.get("waiting_to_ship"):
        return Reason("pack_why_unpaid")
    if not order.get("waiting_to_ship"):
        return Reason("why_state_ship", state=Reason(state) if state in STATES else state,
                      done=Reason("why_done_packed"))
    if not order.get("processed"):
        return Reason("why_pack_not_processed")
    marks = open_problems(con, Filters(shops=(key[1],), platforms=(key[0],)), moment)
    marks = marks[marks["order_id"] == key[2]]
    if len(marks):
        reasons = [str(r) for r in marks["reason"] if isinstance(r, str) and r.strip()]
        return Reason("pack_why_held",
                      problems=[Reason(f"problem_{p}") for p in marks["problem"]],
                      reason=Reason("pack_why_reason", reason="; ".join(reasons))
                      if reasons else "")
    if parcel.parcel_no in actions.packed_parcels(order):
        return Reason("pack_why_packed", author=order.get("packed_by"),
                      at=f"{pd.Timestamp(order['packed_at']):%Y-%m-%d %H:%M}")
    return None


# ---------------------------------------------------------------------------------------------
# The items


def start(parcel: Parcel) -> PackState:
    """A parcel's packing before any item is scanned."""
    return PackState(parcel, tuple(0 for _ in parcel.items))


def scan(state: PackState, code: str) -> tuple[PackState, Scan]:
    """One item scanned: the state after it, and what it did. A code is read as an SKU of the
    parcel (case aside), else as a barcode of one. A single SKU counts one piece on the first
    of its items not yet complete (plain lines before bundle components); a bundle's own SKU
    counts one whole set (every component of one set) on the first of its lines with room
    for it. Anything else is `wrong`; an SKU of the parcel with no room left is `extra`."""
    code = _BLANKS.sub("", str(code or ""))
    items, counted = state.parcel.items, list(state.counted)
    sku = _read(state.parcel, code)
    result: Scan
    if state.complete:
        result = Scan(code, "extra" if sku else "wrong", sku)
    elif sku is None:
        result = Scan(code, "wrong")
    else:
        single = [n for n, i in enumerate(items) if i.sku.upper() == sku.upper()]
        single.sort(key=lambda n: items[n].bundle_sku is not None)   # plain lines first
        room = [n for n in single if counted[n] < items[n].needed]
        if room:
            counted[room[0]] += 1
            result = Scan(code, "counted", items[room[0]].sku, key=items[room[0]].key)
        else:
            result = _whole_set(items, counted, code, sku)
    after = replace(state, counted=tuple(counted))
    if result.outcome == "counted" and after.complete:
        result = replace(result, outcome="complete")
    return replace(after, scans=(*state.scans, result)), result


def _whole_set(items: tuple[Item, ...], counted: list[int], code: str, sku: str) -> Scan:
    """A bundle's own SKU: one set counted on the first of its lines with room for one (its
    components each `per_set` short at least); `extra` when none has, `wrong` when the parcel
    has no such bundle."""
    sets: dict[tuple, list[int]] = {}
    for n, i in enumerate(items):
        if i.bundle_sku is not None and i.bundle_sku.upper() == sku.upper():
            sets.setdefault((i.key, i.line_id), []).append(n)
    if not sets:   # an SKU of the parcel whose items are all counted
        return Scan(code, "extra", sku)
    for members in sets.values():
        if all(items[n].needed - counted[n] >= (items[n].per_set or 1) for n in members):
            for n in members:
                counted[n] += items[n].per_set or 1
            first = items[members[0]]
            return Scan(code, "counted", first.bundle_sku, as_set=True, key=first.key)
    return Scan(code, "extra", items[next(iter(sets.values()))[0]].bundle_sku, as_set=True)


def _read(parcel: Parcel, code: str) -> str | None:
    """The parcel's SKU (or bundle SKU) a code names: itself, else through the barcodes."""
    upper = code.upper()
    for i in parcel.items:
        for sku in (i.sku, i.bundle_sku):
            if sku and sku.upper() == upper:
                return sku
    return parcel.codes.get(upper)


def restart(state: PackState) -> PackState:
    """The same parcel, nothing counted."""
    return start(state.parcel)


def lines(state: PackState) -> pd.DataFrame:
    """The items with what is counted: ITEM_COLUMNS, counted, left (pieces still to scan)."""
    rows = [{"platform": i.key[0], "shop": i.key[1], "order_id": i.key[2],
             "line_id": i.line_id, "sku": i.sku, "title": i.title, "needed": i.needed,
             "bundle_sku": i.bundle_sku, "bundle_title": i.bundle_title, "per_set": i.per_set,
             "is_gift": i.is_gift, "counted": c, "left": max(i.needed - c, 0)}
            for i, c in zip(state.parcel.items, state.counted, strict=True)]
    return pd.DataFrame(rows, columns=[*ITEM_COLUMNS, "counted", "left"])


# ---------------------------------------------------------------------------------------------
# Recording


def packed_text(state: PackState, key: Key) -> str:
    """What was scanned for the order `key`, as recorded: `A×2, SET1×1` (each SKU read, in the
    order first scanned; a bundle scanned as a set by its own SKU); a split order's parcel
    first (`#2 A×1`)."""
    counted = Counter(s.sku for s in state.scans
                      if s.outcome in ("counted", "complete") and s.key == key)
    text = ", ".join(f"{sku}×{n}" for sku, n in counted.items())
    if state.parcel.kind == "split":
        return parcels.parcel_courier_text(state.parcel.parcel_no, text) if text \
            else f"#{state.parcel.parcel_no}"
    return text


def record_packed(store: Store, state: PackState, by: str,
                  role: str | None = None) -> list[actions.Event]:
    """Record `packed` on every order of a complete parcel (one event each; a merged parcel's
    together, sharing a batch id), each with what was scanned for it. Refused (ActionError)
    when the parcel is not complete or the action's checks refuse it."""
    if not state.complete:
        raise actions.ActionError(Reason("pack_record_failed", why=Reason(
            "pack_progress", done=state.pieces[0], total=state.pieces[1])))
    keys = list(state.parcel.keys)
    texts = {k: packed_text(state, k) for k in keys}
    if len(keys) == 1:
        return [actions.record(store, keys[0], "packed", by=by, text=texts[keys[0]],
                               role=role)]
    return actions.record_many(store, keys, "packed", by=by, role=role, texts=texts)


def undo_packed(store: Store, events: list[actions.Event], by: str,
                role: str | None = None) -> list[actions.Event]:
    """Take back the packing `events` recorded (`record_packed`): one order's while it is still
    its last action (else Conflict, saying what came after), a merged parcel's as its batch."""
    if len(events) == 1:
        e = events[0]
        return [actions.record(store, (e.platform, e.shop, e.order_id), "undo", by=by,
                               expected_last_event=e.event_id, role=role)]
    return actions.undo_batch(store, events[0].batch_id, by=by, role=role)


def _text(v: object) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return str(v)


def _first(values: pd.Series) -> str | None:
    present = [str(v) for v in values if _text(v)]
    return present[0] if present else None
