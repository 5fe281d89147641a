"""Stock allocation of DESIGN §6 on hand-made orders, stock and bundles."""

from __future__ import annotations

import pandas as pd

from pipeline.desk.allocation import order_coverage, out_of_stock_skus, short_orders, sku_demand
from tests.conftest import load
from tests.factories import put


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
        "allocatable": pd.array([3, 1, 1], dtype="Int64"),
        "basis": ["available"] * 3,
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


def test_missing_stock_is_untracked_and_never_out_of_stock(store):
    load(store, [paid("a", "2026-11-20 10:00"), paid("b", "2026-11-20 11:00"),
                 paid("c", "2026-11-20 12:00")],
         [line("a", "A", 1), line("b", "B", 1), line("c", "A", 5)])
    # No stock export imported: nothing is out of stock.
    assert coverage(store) == {"a": (True, []), "b": (True, []), "c": (True, [])}
    assert out_of_stock_skus(store.cursor()).empty
    assert sku_demand(store.cursor())["allocatable"].isna().all()
    # Stock imported without B: B is untracked and never blocks; A is counted.
    put(store, [{"sku": "A", "available": 5}])
    assert coverage(store) == {"a": (True, []), "b": (True, []), "c": (False, ["A"])}
    assert out_of_stock_skus(store.cursor())["sku"].tolist() == ["A"]
    demand = sku_demand(store.cursor()).set_index("sku")
    assert demand.loc["B", "basis"] == "untracked" and pd.isna(demand.loc["B", "allocatable"])
    assert demand.loc["B", "shortfall"] == 0 and demand.loc["A", "shortfall"] == 1


def test_no_waiting_orders(store):
    got = order_coverage(store.cursor())
    assert got.empty and got.columns.tolist()[-2:] == ["covered", "short_skus"]


def test_short_orders_are_the_uncovered_rows_of_the_whole_allocation(store):
    # A is short (4 wanted, 2 there); B fits (3 wanted, 3 there) whatever the order; C is absent
    # from the stock: untracked, it blocks nothing
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
    assert got["order_id"].tolist() == ["b", "d"]
    assert got["short_skus"].tolist() == [["A"], ["A"]]


def test_short_orders_without_stock_are_none(store):
    load(store, [paid("a", "2026-11-20 10:00")], [line("a", "A", 2)])
    assert short_orders(store.cursor()).empty


# The figure the waiting orders take from (DESIGN §6): exports write available = on hand −
# reserved, and reserved already holds these orders. 55 on hand, 38 held by the waiting orders.
THIRTY_EIGHT = [paid("a", "2026-11-20 10:00"), paid("b", "2026-11-20 11:00"),  # need 38
                paid("c", "2026-11-20 12:00")]                                   # 20 more
THIRTY_EIGHT_LINES = [line("a", "LIP", 20), line("b", "LIP", 18), line("c", "LIP", 20)]


def figures(store):
    d = sku_demand(store.cursor()).set_index("sku")
    return {s: (int(r.allocatable), r.basis, int(r.shortfall)) for s, r in d.iterrows()}


def test_allocation_takes_from_on_hand_where_the_export_gives_it(store):
    load(store, THIRTY_EIGHT, THIRTY_EIGHT_LINES)
    put(store, [{"sku": "LIP", "on_hand": 40, "reserved": 28, "available": 12, "warehouse": "w1"},
                {"sku": "LIP", "on_hand": 15, "reserved": 10, "available": 5, "warehouse": "w2"}])
    # 55 on hand: a (20) and b (18) are covered, c (20 more) is not
    assert coverage(store) == {"a": (True, []), "b": (True, []), "c": (False, ["LIP"])}
    assert figures(store) == {"LIP": (55, "on_hand", 3)}


def test_allocation_takes_available_plus_reserved_without_on_hand(store):
    load(store, THIRTY_EIGHT, THIRTY_EIGHT_LINES)
    put(store, [{"sku": "LIP", "reserved": 38, "available": 17}])
    assert coverage(store) == {"a": (True, []), "b": (True, []), "c": (False, ["LIP"])}
    assert figures(store) == {"LIP": (55, "available_reserved", 3)}


def test_allocation_takes_available_alone_from_the_template(store):
    # The template's `available` is what is free before the waiting orders take theirs.
    load(store, THIRTY_EIGHT, THIRTY_EIGHT_LINES)
    put(store, [{"sku": "LIP", "available": 18}])
    assert coverage(store) == {"a": (False, ["LIP"]), "b": (True, []), "c": (False, ["LIP"])}
    assert figures(store) == {"LIP": (18, "available", 40)}


def test_the_figure_is_chosen_per_stock_row_and_summed(store):
    load(store, THIRTY_EIGHT, THIRTY_EIGHT_LINES)
    put(store, [{"sku": "LIP", "on_hand": 30, "reserved": 28, "available": 2, "warehouse": "w1"},
                {"sku": "LIP", "available": 10, "warehouse": "w2"},
                {"sku": "LIP", "available": -4, "reserved": 9, "warehouse": "w3"}])
    # 30 on hand + 10 available + (−4 + 9) = 45
    assert figures(store) == {"LIP": (45, "mixed", 13)}
    assert coverage(store) == {"a": (True, []), "b": (True, []), "c": (False, ["LIP"])}


def test_a_negative_total_counts_as_none(store):
    load(store, THIRTY_EIGHT[:1], THIRTY_EIGHT_LINES[:1])
    put(store, [{"sku": "LIP", "on_hand": -3, "reserved": 0, "available": -3}])
    assert figures(store) == {"LIP": (0, "on_hand", 20)}


SHOPIFY_HEADER = ("Handle,Title,Option1 Name,Option1 Value,SKU,Location,Incoming (not editable),"
                  "Unavailable (not editable),Committed (not editable),Available (not editable),"
                  "On hand (current),On hand (new)\n")


def test_a_shopify_inventory_export_allocates_from_on_hand(store):
    from pipeline.ingest.importing import import_bytes

    load(store, [paid("#1", "2026-11-20 10:00"), paid("#2", "2026-11-20 11:00"),
                 paid("#3", "2026-11-20 12:00"), paid("#4", "2026-11-20 13:00")],
         [line("#1", "SER-30", 2), line("#2", "SER-30", 1), line("#3", "SER-60", 4),
          line("#4", "CRM-1", 3)])
    text = SHOPIFY_HEADER + (
        # Committed 3 (#1 and #2), Available −1: On hand 2 covers #1 only
        "serum,Hair Serum,Size,30ml,SER-30,Shop,0,0,3,-1,2,\n"
        # stocked nowhere: no figure at all, so untracked
        "serum,Hair Serum,Size,60ml,SER-60,Shop,not stocked,not stocked,not stocked,"
        "not stocked,not stocked,\n"
        # not stocked at one location, 5 on hand at the other
        "cream,Cream,Title,Default Title,CRM-1,Shop,not stocked,not stocked,not stocked,"
        "not stocked,not stocked,\n"
        "cream,Cream,Title,Default Title,CRM-1,Depot,0,0,3,2,5,\n")
    result = import_bytes(store, "inventory_export.csv", text.encode())
    assert result.status == "imported"
    assert coverage(store) == {"#1": (True, []), "#2": (False, ["SER-30"]), "#3": (True, []),
                               "#4": (True, [])}
    d = sku_demand(store.cursor()).set_index("sku")
    assert d.loc["SER-30", "allocatable"] == 2 and d.loc["SER-30", "basis"] == "on_hand"
    assert d.loc["CRM-1", "allocatable"] == 5 and d.loc["CRM-1", "basis"] == "on_hand"
    assert d.loc["SER-60", "basis"] == "untracked" and d.loc["SER-60", "shortfall"] == 0
    assert out_of_stock_skus(store.cursor())["sku"].tolist() == ["SER-30"]


def test_an_untracked_bundle_component_never_blocks(store):
    load(store, [paid("a", "2026-11-20 10:00"), paid("b", "2026-11-20 11:00"),
                 paid("c", "2026-11-20 12:00")],
         [line("a", "SET", 1), line("b", "SET", 1), line("c", "PAIR", 3)])
    # SET = 2 A (tracked, 3 on hand) + 1 U (untracked); PAIR = U + V, both untracked
    put(store, [{"sku": "A", "on_hand": 3, "reserved": 4, "available": -1}],
        [{"bundle_sku": "SET", "component_sku": "A", "quantity": 2},
         {"bundle_sku": "SET", "component_sku": "U", "quantity": 1},
         {"bundle_sku": "PAIR", "component_sku": "U", "quantity": 1},
         {"bundle_sku": "PAIR", "component_sku": "V", "quantity": 1}])
    assert coverage(store) == {"a": (True, []), "b": (False, ["A"]), "c": (True, [])}
    assert out_of_stock_skus(store.cursor())["sku"].tolist() == ["A"]


def test_a_line_refunded_in_full_takes_no_stock(store):
    """An order still waiting to ship whose one line was refunded (退款成功): that line leaves
    with its money; only the rest of the order needs stock."""
    load(store, [paid("r1", "2026-11-20 08:00"), paid("r2", "2026-11-20 09:00")], [
        line("r1", "A", 1, refund_norm="success", refund_amount=100),
        line("r1", "B", 1, line_id="2", refund_norm="none"),
        line("r2", "A", 1, refund_norm="none"),
    ])
    put(store, [{"sku": "A", "available": 1}, {"sku": "B", "available": 1}])
    assert coverage(store) == {"r1": (True, []), "r2": (True, [])}
    demand = sku_demand(store.cursor())
    assert dict(zip(demand["sku"], demand["demand"], strict=True)) == {"A": 1, "B": 1}
    assert out_of_stock_skus(store.cursor()).empty
