"""The work queue: one hand-made case per principle of DESIGN §5, batches and held orders."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from pipeline.base.filters import ALL, Filters
from pipeline.desk import actions as A
from pipeline.desk import queue as Q
from tests.conftest import load

# Marks and events count up to the "as of" moment; actions are stamped with the real clock.
AS_OF = datetime(2030, 1, 1, 9, 0)
DAY = "2026-11-20"


def paid(order_id: str, paid_at: str, **facts) -> dict:
    return {"order_id": order_id, "created_at": f"{DAY} 08:00", "status_norm": "paid",
            "paid_at": f"{DAY} {paid_at}", **facts}


def lines(order_id: str, *items: tuple[str, int]) -> list[dict]:
    return [{"order_id": order_id, "line_id": str(i), "sku": sku, "quantity": qty}
            for i, (sku, qty) in enumerate(items, start=1)]


def rows(frame: pd.DataFrame, cols: list[str]) -> list[list]:
    """The cells of `cols`, nulls as None."""
    part = frame[cols].astype(object)
    return part.where(part.notna(), None).values.tolist()


def order_ids(frame: pd.DataFrame) -> list[str]:
    return frame["order_id"].tolist()


def test_earliest_promised_ship_by_first(store):
    load(store, [
        paid("first_paid", "09:00"),
        paid("promised_early", "12:00", ship_by=f"{DAY} 18:00"),
        paid("promised_late", "10:00", ship_by="2026-12-01 00:00"),
    ], lines("first_paid", ("A", 1)) + lines("promised_early", ("A", 1))
       + lines("promised_late", ("A", 1)))
    q = Q.work_queue(store.cursor(), ALL, AS_OF)
    assert order_ids(q) == ["promised_early", "first_paid", "promised_late"]
    assert q["deadline"].tolist() == [pd.Timestamp(f"{DAY} 18:00"), pd.Timestamp("2026-11-23 09:00"),
                                      pd.Timestamp("2026-11-23 10:00")]


def test_first_paid_first(store):
    load(store, [paid("b", "10:30"), paid("a", "10:00"), paid("c", "11:00")],
         lines("a", ("A", 1)) + lines("b", ("A", 1)) + lines("c", ("A", 1)))
    assert order_ids(Q.work_queue(store.cursor(), ALL, AS_OF)) == ["a", "b", "c"]


def test_simple_orders_before_complex_ones_on_the_same_deadline(store):
    load(store, [paid(o, "10:00") for o in ("two_lines", "two_pieces", "simple")],
         lines("two_lines", ("A", 1), ("B", 1)) + lines("two_pieces", ("A", 2))
         + lines("simple", ("A", 1)))
    q = Q.work_queue(store.cursor(), ALL, AS_OF)
    assert q[["order_id", "lines", "pieces", "simple"]].to_dict("records") == [
        {"order_id": "simple", "lines": 1, "pieces": 1, "simple": True},
        {"order_id": "two_pieces", "lines": 1, "pieces": 2, "simple": False},
        {"order_id": "two_lines", "lines": 2, "pieces": 2, "simple": False},
    ]


def test_ties_keep_same_sku_set_and_courier_together(store):
    load(store, [paid(o, "10:00", courier=c) for o, c in
                 (("o1", "ZTO"), ("o2", "SF"), ("o3", "ZTO"), ("o4", "SF"))],
         lines("o1", ("B", 1)) + lines("o2", ("A", 1)) + lines("o3", ("A", 1))
         + lines("o4", ("B", 1)))
    q = Q.work_queue(store.cursor(), ALL, AS_OF)
    assert rows(q, ["order_id", "sku_set", "courier"]) == [
        ["o2", "A", "SF"], ["o3", "A", "ZTO"], ["o4", "B", "SF"], ["o1", "B", "ZTO"]]


def test_queue_holds_only_orders_waiting_to_ship(store):
    load(store, [
        paid("paid", "10:00"),
        paid("processed", "10:30", tracking_no="SF1", courier="SF"),
        {"order_id": "cod", "created_at": f"{DAY} 07:00", "status_norm": "cod_confirmed",
         "is_cod": True, "is_paid": False},
        {"order_id": "unpaid", "created_at": f"{DAY} 07:00", "status_norm": "unpaid",
         "is_paid": False},
        paid("shipped", "09:00", status_norm="shipped"),
        paid("refunding", "09:00"),
    ], lines("paid", ("A", 1)) + lines("processed", ("A", 1)) + lines("cod", ("A", 1))
       + [{"order_id": "refunding", "line_id": "1", "sku": "A", "quantity": 1,
           "refund_norm": "requested"}])
    q = Q.work_queue(store.cursor(), ALL, AS_OF)
    assert q[["order_id", "state", "processed", "paid_at"]].to_dict("records") == [
        {"order_id": "cod", "state": "confirmed_unpaid", "processed": False,
         "paid_at": pd.Timestamp(f"{DAY} 07:00")},
        {"order_id": "paid", "state": "paid_unprocessed", "processed": False,
         "paid_at": pd.Timestamp(f"{DAY} 10:00")},
        {"order_id": "processed", "state": "paid_processed", "processed": True,
         "paid_at": pd.Timestamp(f"{DAY} 10:30")},
    ]


def test_due_and_hours_left_against_as_of(store):
    # "done" was completed on 11-23 08:00: the export was taken then, the shop is fresh at 09:00
    load(store, [paid("late", "08:00"), paid("soon", "10:00"), paid("fine", "20:00"),
                 {"order_id": "done", "created_at": f"{DAY} 07:00", "status_norm": "completed",
                  "completed_at": "2026-11-23 08:00"}],
         lines("late", ("A", 1)) + lines("soon", ("A", 1)) + lines("fine", ("A", 1)))
    q = Q.work_queue(store.cursor(), ALL, datetime(2026, 11, 23, 9, 0))
    assert rows(q, ["order_id", "due", "hours_left"]) == [
        ["late", "overdue", -1.0], ["soon", "due_soon", 1.0], ["fine", "ok", 11.0]]


@pytest.fixture
def shelf(store):
    """Five A orders (SF), two A orders without courier, one B+C order, paid in name order."""
    orders, items = [], []
    for i in range(1, 6):
        orders.append(paid(f"a{i}", f"10:0{i}", courier="SF"))
        items += lines(f"a{i}", ("A", 1))
    for i in (1, 2):
        orders.append(paid(f"n{i}", f"11:0{i}"))
        items += lines(f"n{i}", ("A", 1))
    orders.append(paid("bc", "09:00"))
    items += lines("bc", ("C", 1), ("B", 2))
    load(store, orders, items)
    return store


def test_batches_group_by_sku_per_courier_cut_at_the_cap_most_urgent_first(shelf):
    b = Q.batches(shelf.cursor(), ALL, AS_OF, max_size=2)
    assert rows(b, ["kind", "sku_set", "courier", "orders", "pieces"]) == [
        ["mixed", None, None, 1, 3],
        ["single", "A", "SF", 2, 2],
        ["single", "A", "SF", 2, 2],
        ["single", "A", "SF", 1, 1],
        ["mixed_single", None, None, 2, 2],
    ]
    assert b["deadline"].tolist() == [pd.Timestamp(f"2026-11-23 {t}") for t in
                                      ("09:00", "10:01", "10:03", "10:05", "11:01")]
    assert b["batch_id"].is_unique
    assert b["batch_id"].str.fullmatch(r"[0-9a-f]{6}-\d+").all()
    members = Q.batch_orders(shelf.cursor(), ALL, AS_OF, b["batch_id"][2], max_size=2)
    assert order_ids(members) == ["a3", "a4"]
    assert Q.batch_orders(shelf.cursor(), ALL, AS_OF, "gone-1", max_size=2).empty


def test_batch_size_defaults_to_the_setting(shelf):
    b = Q.batches(shelf.cursor(), ALL, AS_OF)
    assert rows(b, ["kind", "sku_set", "courier", "orders"]) == [
        ["mixed", None, None, 1], ["single", "A", "SF", 5], ["mixed_single", None, None, 2]]


@pytest.fixture
def wave(store):
    """One courier's wave: single-item orders of A (3) and of B, C (1 each); a one-line order of
    two A; B+G orders (3, G a gift line); one-off sets; and one single A for another courier."""
    specs = [("a1", ("A", 1)), ("a2", ("A", 1)), ("a3", ("A", 1)), ("b1", ("B", 1)),
             ("c1", ("C", 1)), ("aa", ("A", 2)),
             ("bg1", ("B", 1), ("G", 1)), ("bg2", ("B", 1), ("G", 1)), ("bg3", ("B", 1), ("G", 1)),
             ("bc", ("B", 1), ("C", 1)), ("ac", ("A", 1), ("C", 3))]
    orders, items = [], []
    for minute, (order_id, *skus) in enumerate(specs):
        orders.append(paid(order_id, f"10:{minute:02d}", courier="SF"))
        items += lines(order_id, *skus)
    orders.append(paid("zto_a", "09:00", courier="ZTO"))
    items += lines("zto_a", ("A", 1))
    load(store, orders, items)
    return store


def test_a_wave_groups_singles_by_sku_sets_by_sku_set_and_merges_small_groups(wave):
    con = wave.cursor()
    b = Q.batches(con, ALL, AS_OF)
    assert rows(b, ["kind", "sku_set", "sku_sets", "courier", "orders", "pieces"]) == [
        ["mixed_single", None, 1, "ZTO", 1, 1],   # another courier, another wave
        ["single", "A", 1, "SF", 3, 3],
        ["mixed_single", None, 2, "SF", 2, 2],    # b1 and c1: too few of each SKU
        ["mixed", None, 3, "SF", 3, 8],           # aa (one line, two pieces), bc, ac
        ["set", "B + G", 1, "SF", 3, 6],          # the gift line is part of the set
    ]
    member = Q.batch_members(con, ALL, AS_OF)
    by_batch = member.groupby("batch_id", sort=False)["order_id"].apply(list).tolist()
    assert by_batch == [["zto_a"], ["a1", "a2", "a3"], ["b1", "c1"], ["aa", "bc", "ac"],
                        ["bg1", "bg2", "bg3"]]


def test_a_mixed_batch_is_cut_at_the_cap_in_queue_order(wave):
    member = Q.batch_members(wave.cursor(), ALL, AS_OF, max_size=2)
    mixed = member[member["kind"] == "mixed"]
    assert mixed.groupby("batch_id", sort=False)["order_id"].apply(list).tolist() == [
        ["aa", "bc"], ["ac"]]


def test_problem_orders_are_held_out_of_batches_with_the_reason(shelf):
    A.record(shelf, ("taobao", "s1", "a2"), "flag", by="Li", text="买家要求改颜色")
    con = shelf.cursor()
    held = Q.held_orders(con, ALL, AS_OF)
    assert rows(held, ["order_id", "problems", "reason"]) == [
        ["a2", "manual", "买家要求改颜色"]]
    b = Q.batches(con, ALL, AS_OF, max_size=2)
    assert b.loc[b["courier"] == "SF", "orders"].tolist() == [2, 2]
    all_members = Q.batch_members(con, ALL, AS_OF, max_size=2)
    assert "a2" not in set(all_members["order_id"])
    A.record(shelf, ("taobao", "s1", "a2"), "resolve", by="Li", text="已确认颜色", kind="manual")
    assert Q.held_orders(shelf.cursor(), ALL, AS_OF).empty


def test_processing_a_batch_takes_it_out_of_the_batches_not_the_queue(shelf):
    con = shelf.cursor()
    first = Q.batches(con, ALL, AS_OF, max_size=2)["batch_id"][1]
    keys = Q.batch_orders(con, ALL, AS_OF, first, max_size=2)[["platform", "shop", "order_id"]]
    before = Q.queue_counts(con, ALL, AS_OF, max_size=2)
    A.record_many(shelf, keys, "process", by="Li")
    after = Q.queue_counts(shelf.cursor(), ALL, AS_OF, max_size=2)
    # the shop's data (11-20) is stale in 2030: its orders are timed as of 11-20 11:02, not late
    assert before == {"waiting": 8, "to_process": 8, "batched": 8, "batches": 5, "held": 0,
                      "processed": 0, "packed": 0, "overdue": 0, "due_soon": 0}
    assert after == {"waiting": 8, "to_process": 6, "batched": 6, "batches": 4, "held": 0,
                     "processed": 2, "packed": 0, "overdue": 0, "due_soon": 0}


def test_assigning_a_courier_moves_orders_out_of_batches(shelf):
    con = shelf.cursor()
    no_courier = Q.batches(con, ALL, AS_OF)
    batch = no_courier[no_courier["courier"].isna() & (no_courier["kind"] == "mixed_single")]
    keys = Q.batch_orders(con, ALL, AS_OF, batch["batch_id"].iloc[0])
    A.record_many(shelf, keys, "courier", by="Li", text="YTO")
    q = Q.work_queue(shelf.cursor(), ALL, AS_OF)
    assert q.loc[q["order_id"].isin(["n1", "n2"]), "courier"].tolist() == ["YTO", "YTO"]
    assert len(Q.batches(shelf.cursor(), ALL, AS_OF)) == 2


def test_filters_apply(shelf):
    load(shelf, [paid("other", "08:00", shop="s2")],
         [{**line, "shop": "s2"} for line in lines("other", ("A", 1))], name="s2")
    assert order_ids(Q.work_queue(shelf.cursor(), Filters(shops=("s2",)), AS_OF)) == ["other"]
    assert len(Q.work_queue(shelf.cursor(), ALL, AS_OF)) == 9


def test_a_stale_shops_orders_come_after_the_fresh_ones_timed_at_its_data_moment(store):
    # s_old's export ends on 2017-07-08; s1's on 2026-11-23 08:00 (as of 11-23 09:00)
    load(store, [{"order_id": "old", "shop": "s_old", "created_at": "2017-07-07 08:00",
                  "status_norm": "paid", "paid_at": "2017-07-07 09:00"},
                 {"order_id": "old_done", "shop": "s_old", "created_at": "2017-07-01 08:00",
                  "status_norm": "completed", "completed_at": "2017-07-08 09:00"}],
         lines("old", ("A", 1)), name="old export")
    load(store, [paid("fresh", "20:00"), {"order_id": "done", "created_at": f"{DAY} 07:00",
                                          "status_norm": "completed",
                                          "completed_at": "2026-11-23 08:00"}],
         lines("fresh", ("A", 1)), name="new export")
    q = Q.work_queue(store.cursor(), ALL, datetime(2026, 11, 23, 9, 0))
    assert rows(q, ["order_id", "stale", "data_as_of", "due", "hours_left"]) == [
        ["fresh", False, pd.Timestamp("2026-11-23 09:00"), "ok", 11.0],
        ["old", True, pd.Timestamp("2017-07-08 09:00"), "ok", 48.0],
    ]
    assert Q.batches(store.cursor(), ALL, datetime(2026, 11, 23, 9, 0))["deadline"].tolist() == [
        pd.Timestamp("2026-11-23 20:00"), pd.Timestamp("2017-07-10 09:00")]
