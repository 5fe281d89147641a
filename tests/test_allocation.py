"""Stock allocation of DESIGN §6 on hand-made orders, stock and bundles."""

from __future__ import annotations

import hashlib

import pandas as pd

from pipeline import canonical as C
from pipeline.allocation import order_coverage, out_of_stock_skus, short_orders, sku_demand
from pipeline.importing import apply_parsed
from tests.conftest import frame, load


def put(store, stock=(), bundles=()):
    """Import stock rows (sku, available[, warehouse]) and bundle rows as one file would."""
    frames = {}
    if stock:
        frames["stock"] = frame([{"warehouse": "", **r} for r in stock])
    if bundles:
        frames["bundles"] = frame(list(bundles))
    digest = hashlib.sha256(repr((stock, bundles)).encode()).hexdigest()
    apply_parsed(store, C.Parsed("test", frames, rows_read=len(stock) + len(bundles)),
                 "stock", digest, "test")


def paid(order_id, paid_at, created_at=None, **kw):
    return {"order_id": order_id, "status_norm": "paid", "created_at": created_at or paid_at,
            "paid_at": paid_at, **kw}


def line(order_id, sku, quantity, line_id="1", **kw):
    return {"order_id": order_id, "line_id": line_id, "sku": sku, "quantity": quantity, **kw}


def coverage(store):
    got = order_coverage(store.cursor())
    return {r.order_id: (bool(r.covered), list(r.short_skus)) for r in got.itertuples()}


def test_first_paid_first_served_and_an_uncovered_order_takes_nothing(store):
    load(store, [
        paid("a", "2026-11-20 10:00"),
        paid("b", "2026-11-20 11:00"),   # needs 3 A: only 1 left after a -> not covered
        paid("c", "2026-11-20 12:00"),   # needs 1 A: still there because b took nothing
        paid("d", "2026-11-20 13:00"),   # needs 1 A: none left
    ], [line("a", "A", 2), line("b", "A", 3), line("c", "A", 1), line("d", "A", 1)])
    put(store, [{"sku": "A", "available": 2, "warehouse": "w1"},
                {"sku": "A", "available": 1, "warehouse": "w2"}])
    got = order_coverage(store.cursor())
    assert got["order_id"].tolist() == ["a", "b", "c", "d"]
    assert coverage(store) == {
        "a": (True, []), "b": (False, ["A"]), "c": (True, []), "d": (False, ["A"])}
    assert got.columns.tolist() == ["platform", "shop", "order_id", "paid_at", "covered",
                                    "short_skus"]


def test_ties_on_payment_go_by_creation_then_order_id(store):
    load(store, [
        paid("z", "2026-11-20 10:00", created_at="2026-11-20 09:00"),
        paid("y", "2026-11-20 10:00", created_at="2026-11-20 09:30"),
        paid("x", "2026-11-20 10:00", created_at="2026-11-20 09:30"),
    ], [line("z", "A", 1), line("y", "A", 1), line("x", "A", 1)])
    put(store, [{"sku": "A", "available": 2}])
    assert order_coverage(store.cursor())["order_id"].tolist() == ["z", "x", "y"]
    assert coverage(store) == {"z": (True, []), "x": (True, []), "y": (False, ["A"])}


def test_bundles_are_exploded_and_gifts_take_stock_and_all_lines_must_be_covered(store):
    load(store, [
        paid("a", "2026-11-20 10:00"),   # 1 bundle SET = 2 A + 1 B, plus a gift G
        paid("b", "2026-11-20 11:00"),   # 1 A + 1 G: A is there, G is gone -> not covered
        paid("c", "2026-11-20 12:00"),   # 1 A: covered (b took nothing)
    ], [
        line("a", "SET", 1), line("a", "G", 1, line_id="2", is_gift=True, unit_price=0),
        line("b", "A", 1), line("b", "G", 1, line_id="2", is_gift=True),
        line("c", "A", 1),
    ])
    put(store, [{"sku": "A", "available": 3}, {"sku": "B", "available": 1},
                {"sku": "G", "available": 1}],
        [{"bundle_sku": "SET", "component_sku": "A", "quantity": 2},
         {"bundle_sku": "SET", "component_sku": "B", "quantity": 1}])
    assert coverage(store) == {"a": (True, []), "b": (False, ["G"]), "c": (True, [])}
    demand = sku_demand(store.cursor())
    want = pd.DataFrame({
        "sku": ["A", "B", "G"], "demand": [4, 1, 2],
        "available": pd.array([3, 1, 1], dtype="Int64"),
        "shortfall": [1, 0, 1], "orders_blocked": [0, 0, 1],
    })
    pd.testing.assert_frame_equal(demand, want, check_dtype=False)
    assert out_of_stock_skus(store.cursor())["sku"].tolist() == ["A", "G"]


def test_only_orders_waiting_to_ship_take_stock(store):
    load(store, [
        paid("shipped", "2026-11-20 09:00", status_norm="shipped"),
        {"order_id": "unpaid", "status_norm": "unpaid", "is_paid": False,
         "created_at": "2026-11-20 09:00"},
        paid("refund", "2026-11-20 09:30"),
        {"order_id": "cod", "status_norm": "cod_confirmed", "is_paid": False, "is_cod": True,
         "created_at": "2026-11-20 09:45"},
        paid("late", "2026-11-20 10:00"),
    ], [line("shipped", "A", 5), line("unpaid", "A", 5),
        line("refund", "A", 1, refund_norm="requested"), line("cod", "A", 1),
        line("late", "A", 1)])
    put(store, [{"sku": "A", "available": 1}])
    assert coverage(store) == {"cod": (True, []), "late": (False, ["A"])}


def test_missing_stock(store):
    load(store, [paid("a", "2026-11-20 10:00"), paid("b", "2026-11-20 11:00")],
         [line("a", "A", 1), line("b", "B", 1)])
    # No stock export imported: nothing is out of stock.
    assert coverage(store) == {"a": (True, []), "b": (True, [])}
    assert out_of_stock_skus(store.cursor()).empty
    assert sku_demand(store.cursor())["available"].isna().all()
    # Stock imported: an SKU absent from it has none available.
    put(store, [{"sku": "A", "available": 5}])
    assert coverage(store) == {"a": (True, []), "b": (False, ["B"])}
    assert out_of_stock_skus(store.cursor())["sku"].tolist() == ["B"]


def test_no_waiting_orders(store):
    got = order_coverage(store.cursor())
    assert got.empty and got.columns.tolist()[-2:] == ["covered", "short_skus"]


def test_short_orders_are_the_uncovered_rows_of_the_whole_allocation(store):
    # A is short (4 wanted, 2 there); B fits (3 wanted, 3 there) whatever the order; C is absent
    load(store, [
        paid("a", "2026-11-20 10:00"),
        paid("b", "2026-11-20 11:00"),
        paid("c", "2026-11-20 12:00"),
        paid("d", "2026-11-20 13:00"),
    ], [line("a", "A", 2), line("a", "B", 1, line_id="2"), line("b", "A", 1),
        line("b", "B", 1, line_id="2"), line("c", "B", 1), line("c", "C", 1, line_id="2"),
        line("d", "A", 1)])
    put(store, [{"sku": "A", "available": 2}, {"sku": "B", "available": 3}])
    whole = order_coverage(store.cursor())
    want = whole[~whole["covered"]].reset_index(drop=True)
    got = short_orders(store.cursor())
    pd.testing.assert_frame_equal(got, want)
    assert got["order_id"].tolist() == ["b", "c", "d"]
    assert got["short_skus"].tolist() == [["A"], ["C"], ["A"]]


def test_short_orders_without_stock_are_none(store):
    load(store, [paid("a", "2026-11-20 10:00")], [line("a", "A", 2)])
    assert short_orders(store.cursor()).empty
