"""The work queue (DESIGN §5): what to process next, and in which batches.

The queue is every order waiting to ship, in the desk's order: the earliest deadline first
(the platform's promised ship-by, or payment + `ship_paid_hours` when earlier), then first paid
first, then simple orders (one line, one piece) before complex ones, then same SKU set and same
courier together. Each order carries the courier it goes with and the rule that chose it
(pipeline.desk.couriers: a courier set by hand or in the export, else the first courier rule
that matches; none for an address too vague). Batches are the waves a packing desk prints and
packs: one courier a wave (that proposed courier);
inside it single-item orders by SKU and the others by SKU set, each group cut at a size cap;
groups of fewer than MIN_GROUP orders merged into mixed batches of the wave (singles apart
from the others), cut at the same cap; the most urgent batch first. An order with an open problem mark (pipeline.desk.problems)
is held out of the batches, in its own list with the reason, until the mark is resolved.
Processed orders (audited, waybill printed, courier assigned) stay in the queue until they
ship, but leave the batches: their processing is done. An order checked and packed at the
bench (pipeline/desk/packing.py) is shown `packed`, in its place: it still waits to ship. A shop whose data is stale
(pipeline.desk.freshness) is timed as of its data moment and queued after every fresh shop.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.base.filters import Filters
from pipeline.db.cache import remembered, shared
from pipeline.db.queries import sql
from pipeline.db.settings import get_settings
from pipeline.desk.courier_proposals import propose
from pipeline.desk.freshness import MOMENT_COLUMNS, shop_moments
from pipeline.desk.info import first_orders
from pipeline.desk.parcels import merge_groups
from pipeline.desk.problems import export_facts, marks_moment, open_problems

MARK_COLUMNS = ["platform", "shop", "order_id", "problem", "reason", "since"]
# A group of fewer orders than this is merged with the wave's other small groups.
MIN_GROUP = 3
BATCH_KINDS = ("single", "set", "mixed_single", "mixed")
HELD_COLUMNS = ["rank", "platform", "shop", "order_id", "problems", "reason", "deadline",
                "hours_left", "due", "sku_set", "courier", "pieces", "state", "stale",
                "data_as_of"]


@shared
def work_queue(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pd.DataFrame:
    """Orders waiting to ship, in processing order.

    Columns: rank, platform, shop, order_id, state, processed, held, problems, reason, paid_at
    (payment, or the confirmation of a cash-on-delivery order), ship_by, deadline, hours_left,
    due (overdue | due_soon | ok | not_judged: its shop's exports carry no shipping fact),
    stale, data_as_of (the moment it is timed at: its shop's data moment when stale), sku_set,
    courier (set by hand or in the export), lines, pieces, simple, proposed_courier (the courier
    it goes with: the one set, else the courier rules'; null: none), courier_rule (the id of the
    rule that chose it), courier_rule_kind (the rule's kind, or hand | export | vague_address:
    pipeline.desk.couriers), courier_why (what matched), urgent (a message rule puts it first: DESIGN §12),
    packed (checked and packed at the bench; a split order: every parcel), packed_at, packed_by
    (the latest packing, of a packed order).
    """
    _, rows, moments = _untimed(con, f, as_of)
    return _timed(con, rows, moments, as_of)


@shared
def batch_members(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
                  max_size: int | None = None) -> pd.DataFrame:
    """Every order proposed in a batch, with its batch_id, in queue order."""
    _, rows, moments = _members(con, f, as_of, _size(con, max_size))
    return _timed(con, rows, moments, as_of)


@shared
def batches(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
            max_size: int | None = None) -> pd.DataFrame:
    """Proposed batches, the most urgent first: batch_id, kind (one of BATCH_KINDS), sku_set
    (none for a mixed batch), sku_sets, courier (the proposed courier of all its orders),
    courier_rules (the kinds of rule that chose it, a list), orders, pieces, deadline.

    `max_size` defaults to the setting `batch_size`.
    """
    key, rows, _ = _members(con, f, as_of, _size(con, max_size))

    def compute() -> pd.DataFrame:
        con.register("members", rows)
        try:
            return con.execute(sql("queue_batches")).df()
        finally:
            con.unregister("members")

    return remembered(con, "queue.batches", key, compute).copy()


@shared
def batch_orders(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime, batch_id: str,
                 max_size: int | None = None) -> pd.DataFrame:
    """The orders of one batch, in queue order (empty when the batch no longer exists)."""
    members = batch_members(con, f, as_of, max_size)
    return members[members["batch_id"] == batch_id].reset_index(drop=True)


@shared
def held_orders(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pd.DataFrame:
    """Orders waiting to ship held out of batches by an open problem mark, with the reason."""
    q = work_queue(con, f, as_of)
    return q.loc[q["held"], HELD_COLUMNS].reset_index(drop=True)


@shared
def queue_counts(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
                 max_size: int | None = None) -> dict[str, int]:
    """The page's headline numbers: waiting, to_process, batched, batches, held, processed,
    packed, overdue, due_soon."""
    q = work_queue(con, f, as_of)
    b = batches(con, f, as_of, max_size)
    return {
        "waiting": len(q),
        "to_process": int((~q["processed"]).sum()),
        "batched": int(b["orders"].sum()) if len(b) else 0,
        "batches": len(b),
        "held": int(q["held"].sum()),
        "processed": int(q["processed"].sum()),
        "packed": int(q["packed"].sum()),
        "overdue": int((q["due"] == "overdue").sum()),
        "due_soon": int((q["due"] == "due_soon").sum()),
    }


def _size(con: duckdb.DuckDBPyConnection, max_size: int | None) -> int:
    size = int(max_size or get_settings(con)["batch_size"])
    if size < 1:
        raise ValueError("the batch size must be at least 1")
    return size


def _untimed(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime
             ) -> tuple[tuple, pa.Table, pd.DataFrame]:
    """The queue's rows as queue_orders.sql gives them, with the shops' moments to time them.

    Apart from their timing (queue_timing.sql), the rows depend on the data, the filters, the
    marks' moment (`as_of` cut at the newest data: pipeline.desk.problems) and which shops are
    stale: remembered under those, so that a new minute only times them again."""
    moments = shop_moments(con, as_of)[MOMENT_COLUMNS]
    moment = marks_moment(con, as_of)
    key = (f, moment, tuple(moments[["platform", "shop", "stale"]].itertuples(index=False,
                                                                               name=None)))

    def compute() -> pa.Table:
        settings = get_settings(con)
        marks = open_problems(con, f, moment)
        marks = marks[MARK_COLUMNS].astype({"problem": str, "reason": object}).assign(
            since=pd.to_datetime(marks["since"]))
        couriers = propose(con, f, moment, settings["courier_rules"], marks, settings)
        first = first_orders(con, f)[["platform", "shop", "order_id"]]
        con.register("queue_marks", marks)
        con.register("queue_couriers", couriers)
        con.register("queue_first", _keys(first))
        con.register("shop_moments", moments)
        try:
            return con.sql(sql("queue_orders"), params={
                **f.params(),
                "as_of": moment,
                "ship_hours": settings["ship_paid_hours"],
            }).to_arrow_table()
        finally:
            con.unregister("queue_marks")
            con.unregister("queue_couriers")
            con.unregister("queue_first")
            con.unregister("shop_moments")

    return key, remembered(con, "queue.untimed", key, compute), moments


def _members(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime, size: int
             ) -> tuple[tuple, pa.Table, pd.DataFrame]:
    """The batch members (queue_batch_members.sql) of the untimed queue, remembered with it."""
    key, queue, moments = _untimed(con, f, as_of)

    def compute() -> pa.Table:
        merged = merge_groups(con)
        followers = merged[merged["member_no"] > 0]
        con.register("queued", queue)
        con.register("merge_followers", _keys(followers, "parcel_id"))
        try:
            return con.sql(sql("queue_batch_members"),
                           params={"max_size": size, "min_group": MIN_GROUP}).to_arrow_table()
        finally:
            con.unregister("queued")
            con.unregister("merge_followers")

    key = (key, size)
    return key, remembered(con, "queue.members", key, compute), moments


def _keys(frame: pd.DataFrame, *more: str) -> pa.Table:
    """The order keys (and `more` columns) of `frame` as text columns, typed even when empty."""
    columns = ["platform", "shop", "order_id", *more]
    return pa.table({c: pa.array(frame[c].astype(str).tolist(), pa.string()) for c in columns})


def _timed(con: duckdb.DuckDBPyConnection, rows: pa.Table, moments: pd.DataFrame,
           as_of: datetime) -> pd.DataFrame:
    """`rows` timed as of each shop's moment (queue_timing.sql)."""
    con.register("untimed", rows)
    con.register("shop_moments", moments)
    try:
        timed = con.execute(sql("queue_timing"), {
            "as_of": as_of, "due_soon_hours": get_settings(con)["due_soon_hours"],
        }).df()
    finally:
        con.unregister("untimed")
        con.unregister("shop_moments")
    # a shop whose exports carry no shipping fact cannot be judged under ship_paid (DESIGN §4):
    # its orders keep their place in the queue but are neither overdue nor due soon
    facts = export_facts(con)
    blind = facts.loc[~facts["ships_known"].astype(bool), ["platform", "shop"]]
    if len(blind) and len(timed):
        unknown = pd.MultiIndex.from_frame(timed[["platform", "shop"]]).isin(
            pd.MultiIndex.from_frame(blind))
        timed.loc[unknown, "due"] = "not_judged"
    return timed


# ---------------------------------------------------------------------------------------------
# Batches once processed: their id names their orders for good


BATCH_STATUSES = ("in_effect", "undone", "later_action", "moved_on")


def batch_log(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """The batch actions taken in [start, end), the newest first: batch (the events' batch
    number), queue_batch (the work queue's batch it processed, if any), action, acted_at,
    author, orders, status (one of BATCH_STATUSES; only `in_effect` can be undone)."""
    return con.execute(sql("queue_batch_log"), {"from": start, "to": end}).df()


def processed_batch_orders(con: duckdb.DuckDBPyConnection, queue_batch: str) -> pd.DataFrame:
    """The orders (platform, shop, order_id) the queue's batch `queue_batch` was processed with,
    in their order then (empty when it never was): what its pick list and slips name, always."""
    return con.execute(sql("queue_batch_orders"), {"queue_batch": queue_batch}).df()
