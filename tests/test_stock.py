"""Stock: bundles exploded, buildable bundles, days of cover, short SKUs and the orders they block."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from pipeline.base.filters import ALL, Filters
from pipeline.desk import allocation, stock
from tests.conftest import load, load_tables
from tests.factories import SHORT_LINES, SHORT_ORDERS, line, waiting

AS_OF = datetime(2026, 11, 20, 12, 0)


@pytest.mark.parametrize(("c_quantity", "want"), [(1, [2, 2, 2]), (2, [2, 2, 4])])
def test_two_sets_of_three_components_explode(store, c_quantity, want):
    load(store, [waiting("o1", "2026-11-20 09:00")], [line("o1", "SET", 2)])
    load_tables(store, bundles=[{"bundle_sku": "SET", "component_sku": "A", "quantity": 1},
                                {"bundle_sku": "SET", "component_sku": "B", "quantity": 1},
                                {"bundle_sku": "SET", "component_sku": "C",
                                 "quantity": c_quantity}])
    got = stock.stock_status(store.cursor(), AS_OF).sort_values("sku")
    assert got["sku"].tolist() == ["A", "B", "C"]
    assert got["open_demand"].tolist() == want
    assert allocation.sku_demand(store.cursor())["demand"].tolist() == want
    assert got["available"].isna().all() and got["shortfall"].isna().all()


def test_bundle_buildable_and_limiting_component(store):
    load_tables(
        store,
        bundles=[{"bundle_sku": "SET", "component_sku": "A", "quantity": 1},
                 {"bundle_sku": "SET", "component_sku": "B", "quantity": 1},
                 {"bundle_sku": "SET", "component_sku": "C", "quantity": 2},
                 {"bundle_sku": "DUO", "component_sku": "A", "quantity": 2},
                 {"bundle_sku": "DUO", "component_sku": "D", "quantity": 1},
                 {"bundle_sku": "TIE", "component_sku": "B", "quantity": 1},
                 {"bundle_sku": "TIE", "component_sku": "E", "quantity": 3}],
        stock=[{"sku": "A", "warehouse": "w1", "available": 3},
               {"sku": "A", "warehouse": "w2", "available": 2},
               {"sku": "B", "warehouse": "w1", "available": 3},
               {"sku": "C", "warehouse": "w1", "available": 5},
               {"sku": "E", "warehouse": "w1", "available": 9}],
    )
    got = stock.bundle_buildable(store.cursor())
    want = pd.DataFrame({
        "bundle_sku": ["DUO", "SET", "TIE"],
        # D is untracked and never limits: A builds 5 // 2; C builds 5 // 2; B and E tie
        "buildable": [2, 2, 3],
        "limiting_component": ["A", "C", "B"],
        "limiting_allocatable": [5, 5, 3],
        "limiting_quantity": [2, 2, 1],
        "bundle_demand": [0, 0, 0],
    })
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_days_of_cover_at_7_day_and_promotion_rates(store):
    load(store, [
        waiting("r1", "2026-11-14 10:00", status_norm="shipped"),   # inside the last 7 days
        waiting("r2", "2026-11-19 10:00", status_norm="shipped"),
        waiting("old", "2026-11-13 11:59", status_norm="shipped"),  # 7 days and a minute ago
        waiting("p1", "2026-11-11 08:00", status_norm="completed"),  # in the promotion
        waiting("open", "2026-11-20 11:00"),                        # waits to ship
        {"order_id": "unpaid", "created_at": "2026-11-19 10:00", "status_norm": "unpaid",
         "is_paid": False},
    ], [
        line("r1", "A", 6), line("r2", "SET", 4), line("old", "A", 50), line("p1", "A", 12),
        line("open", "A", 10), line("unpaid", "A", 99),
    ])
    load_tables(
        store,
        bundles=[{"bundle_sku": "SET", "component_sku": "A", "quantity": 2}],
        stock=[{"sku": "A", "warehouse": "", "available": 30, "safety_stock": 40},
               {"sku": "Z", "warehouse": "", "available": 5, "safety_stock": 2}],
        promotions=[{"name": "双11", "start_at": "2026-11-11", "end_at": "2026-11-12"}],
    )
    got = stock.stock_status(store.cursor(), AS_OF).set_index("sku")
    a = got.loc["A"]
    # 7 days: 6 + 4 sets × 2 + 10 (open, paid today) = 24 units → 24/7 a day
    assert a["units_7d"] == 24
    assert a["rate_7d"] == pytest.approx(24 / 7)
    assert a["open_demand"] == 10 and a["shortfall"] == 0
    assert a["cover_days_7d"] == pytest.approx((30 - 10) / (24 / 7))
    assert a["promo_rate"] == 12
    assert a["cover_days_promo"] == pytest.approx(20 / 12)
    assert bool(a["below_safety"]) is True
    z = got.loc["Z"]
    assert pd.isna(z["cover_days_7d"]) and not z["below_safety"] and z["open_demand"] == 0
    assert stock.reference_promotion(store.cursor(), AS_OF) == (
        "双11", datetime(2026, 11, 11), datetime(2026, 11, 12))
    # while a promotion runs, its rate is over the hours it has run so far
    running = stock.reference_promotion(store.cursor(), datetime(2026, 11, 11, 12))
    assert running == ("双11", datetime(2026, 11, 11), datetime(2026, 11, 11, 12))
    assert stock.reference_promotion(store.cursor(), datetime(2026, 1, 1)) is None


@pytest.fixture
def shortage(store):
    load(store, SHORT_ORDERS, SHORT_LINES)
    load_tables(store,
                bundles=[{"bundle_sku": "SET", "component_sku": "A", "quantity": 1},
                         {"bundle_sku": "SET", "component_sku": "B", "quantity": 1}],
                stock=[{"sku": "A", "warehouse": "", "available": 3, "name": "精华液"},
                       {"sku": "B", "warehouse": "", "available": 0},
                       {"sku": "C", "warehouse": "", "available": 10}])
    return store


def test_short_skus_with_the_orders_they_block(shortage):
    got = stock.short_skus(shortage.cursor())
    # w1 takes 2 A; w2 wants 2 of the 1 left: blocked; w3's set lacks B: blocked, takes nothing;
    # so w4 gets the last A.
    want = pd.DataFrame({
        "kind": ["sku", "sku", "bundle"],
        "sku": ["A", "B", "SET"],
        "name": pd.Series(["精华液", None, None], dtype=object),
        "demand": [6, 1, 1],
        "allocatable": [3, 0, 0],
        "basis": ["available", "available", "available"],
        "shortfall": [3, 1, 1],
        "orders_blocked": [1, 1, 1],
        "blocked_orders": ["w2", "w3", "w3"],
        "limiting_component": pd.Series([None, None, "B"], dtype=object),
    })
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_stock_status_agrees_with_allocation(shortage):
    got = stock.stock_status(shortage.cursor(), AS_OF)
    assert got["sku"].tolist()[:2] == ["A", "B"]        # short SKUs first
    short = got[got["shortfall"] > 0]
    oos = allocation.out_of_stock_skus(shortage.cursor())
    assert short["sku"].tolist() == oos["sku"].tolist()
    assert short["shortfall"].tolist() == oos["shortfall"].tolist()
    assert got.set_index("sku").loc["C", "open_demand"] == 0
    assert len(stock.stock_by_warehouse(shortage.cursor())) == 3


def test_no_stock_imported(store):
    load(store, SHORT_ORDERS, SHORT_LINES)
    assert not stock.has_stock(store.cursor())
    assert stock.short_skus(store.cursor()).empty
    assert stock.bundle_buildable(store.cursor()).empty
    got = stock.stock_status(store.cursor(), AS_OF)
    assert got["available"].isna().all() and got["shortfall"].isna().all()
    assert not got["below_safety"].any()


def test_component_demand_from_open_orders_and_the_period(store):
    load(store, [
        waiting("p1", "2026-11-11 01:00"),                          # open, in the period
        waiting("p2", "2026-11-11 02:00", status_norm="shipped", shop="s2"),
        waiting("x", "2026-11-12 01:00"),                           # open, after the period
    ], [line("p1", "SET", 2), line("p2", "A", 3, shop="s2"), line("x", "B", 1)])
    load_tables(store,
                bundles=[{"bundle_sku": "SET", "component_sku": "A", "quantity": 1},
                         {"bundle_sku": "SET", "component_sku": "B", "quantity": 2}],
                stock=[{"sku": "A", "warehouse": "", "available": 100}],
                promotions=[{"name": "P", "start_at": "2026-11-11 00:00",
                             "end_at": "2026-11-11 12:00"}])
    got = stock.component_demand(store.cursor(), ALL, "P")
    want = pd.DataFrame({
        "sku": ["A", "B"],
        "name": [None, None],
        "in_bundles": [True, True],
        "open_demand": [2, 5],
        "period_units": [5, 4],
        "period_per_day": [10.0, 8.0],
        "allocatable": [100, None],             # B is not in the stock: untracked
        "cover_days_at_period_rate": [9.8, None],
    })
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    s1 = stock.component_demand(store.cursor(), Filters(shops=("s1",)), "P")
    assert s1.set_index("sku").loc["A", "period_units"] == 2


def test_cover_bar_shows_the_skus_that_run_out_first():
    from ui.promo import cover_bar

    status = pd.DataFrame({
        "sku": ["A", "B", "C", "D"],
        "cover_days_7d": [10.0, 2.0, None, None],
        "cover_days_promo": [1.0, None, 0.5, None],
    })
    fig = cover_bar(status, {"rate_7d": "7d", "promo_rate": "promo", "days": "days"})
    seven, promo_rate = fig.data
    assert list(seven.y) == ["B", "A", "C"]          # D never moved: left out
    assert list(seven.x)[:2] == [2.0, 10.0]
    assert list(promo_rate.x)[1:] == [1.0, 0.5]
    assert (seven.name, promo_rate.name) == ("7d", "promo")
    assert fig.layout.barmode == "group"


def test_stock_status_takes_from_on_hand_and_lists_untracked_skus(store):
    load(store, [waiting("w1", "2026-11-20 09:00"), waiting("w2", "2026-11-20 10:00"),
                 waiting("w3", "2026-11-20 11:00")],
         [line("w1", "LIP", 20), line("w2", "LIP", 18), line("w3", "NEW", 4),
          line("w3", "GIFT", 1, line_id="2", is_gift=True)])
    load_tables(store, stock=[
        # 可用 = 实际 − 占用: the 38 the waiting orders hold are inside 占用
        {"sku": "LIP", "warehouse": "w1", "on_hand": 40, "reserved": 28, "available": 12,
         "safety_stock": 10},
        {"sku": "LIP", "warehouse": "w2", "on_hand": 15, "reserved": 10, "available": 5},
        {"sku": "GIFT", "warehouse": "w1", "reserved": 1, "available": 2, "safety_stock": 3},
        {"sku": "NS", "warehouse": "w1"},                          # `not stocked`: no figure
    ])
    got = stock.stock_status(store.cursor(), AS_OF).set_index("sku")
    assert got.loc["LIP", ["available", "allocatable", "basis", "open_demand", "shortfall"]] \
        .tolist() == [17, 55, "on_hand", 38, 0]
    assert not got.loc["LIP", "below_safety"]                # 55 − 38 = 17 left, safety 10
    assert got.loc["GIFT", ["allocatable", "basis", "shortfall"]].tolist() == [
        3, "available_reserved", 0]
    assert got.loc["GIFT", "below_safety"]                   # 3 − 1 = 2 left, safety 3
    for sku, in_file in (("NEW", False), ("NS", True)):
        row = got.loc[sku]
        assert row["basis"] == "untracked" and bool(row["in_stock_file"]) is in_file
        assert pd.isna(row["allocatable"]) and pd.isna(row["shortfall"])
        assert not row["below_safety"]
    assert allocation.out_of_stock_skus(store.cursor()).empty
    assert stock.short_skus(store.cursor()).empty
    counts = stock.basis_counts(stock.stock_status(store.cursor(), AS_OF))
    assert counts.to_dict("list") == {"basis": ["on_hand", "available_reserved", "untracked"],
                                      "skus": [1, 1, 2]}
    untracked = stock.untracked_skus(stock.stock_status(store.cursor(), AS_OF))
    assert untracked[["sku", "open_demand", "in_stock_file"]].to_dict("list") == {
        "sku": ["NEW"], "open_demand": [4], "in_stock_file": [False]}


def test_days_of_cover_count_from_on_hand_less_open_demand(store):
    load(store, [waiting("r1", "2026-11-19 10:00", status_norm="shipped"),
                 waiting("open", "2026-11-20 11:00")],
         [line("r1", "A", 14), line("open", "A", 10)])
    load_tables(store, stock=[{"sku": "A", "warehouse": "", "on_hand": 30, "reserved": 10,
                               "available": 20}])
    a = stock.stock_status(store.cursor(), AS_OF).set_index("sku").loc["A"]
    # 7 days: 14 + 10 = 24 units; left after the open orders: 30 − 10 = 20 (= available)
    assert a["cover_days_7d"] == pytest.approx(20 / (24 / 7))


def test_bundles_with_an_untracked_component(store):
    load(store, [waiting("w1", "2026-11-20 09:00"), waiting("w2", "2026-11-20 10:00")],
         [line("w1", "SET", 2), line("w2", "PAIR", 1)])
    load_tables(store,
                bundles=[{"bundle_sku": "SET", "component_sku": "A", "quantity": 2},
                         {"bundle_sku": "SET", "component_sku": "U", "quantity": 1},
                         {"bundle_sku": "PAIR", "component_sku": "U", "quantity": 1},
                         {"bundle_sku": "PAIR", "component_sku": "V", "quantity": 1}],
                stock=[{"sku": "A", "warehouse": "", "on_hand": 3, "reserved": 4,
                        "available": -1}])
    got = stock.bundle_buildable(store.cursor())
    want = pd.DataFrame({
        "bundle_sku": ["SET", "PAIR"],
        "buildable": pd.array([1, None], dtype="Int64"),      # U never limits; PAIR: no count
        "limiting_component": pd.Series(["A", None], dtype="str"),
        "limiting_allocatable": pd.array([3, None], dtype="Int64"),
        "limiting_quantity": pd.array([2, None], dtype="Int64"),
        "bundle_demand": [2, 1],
    })
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # w1's two sets need 4 A of the 3 on hand: A is short, SET is listed with it; U is not
    short = stock.short_skus(store.cursor())
    assert short[["kind", "sku", "allocatable", "basis", "shortfall", "blocked_orders"]] \
        .to_dict("list") == {"kind": ["sku", "bundle"], "sku": ["A", "SET"],
                             "allocatable": [3, 1], "basis": ["on_hand", "on_hand"],
                             "shortfall": [1, 1], "blocked_orders": ["w1", "w1"]}
    status = stock.stock_status(store.cursor(), AS_OF)
    assert stock.untracked_skus(status)["sku"].tolist() == ["U", "V"]
