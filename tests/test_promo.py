"""Promotions: order types, periods against their baseline, top sellers, gifts, period CRUD."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from pipeline.base.filters import ALL, Filters
from pipeline.desk import promo
from pipeline.outputs.report import build_report
from tests.conftest import load, load_tables
from tests.factories import PERIOD_LINES, PERIOD_ORDERS, TYPE_LINES, TYPE_ORDERS

# ---------------------------------------------------------------------------------------------
# Order types

@pytest.fixture
def typed(store):
    load(store, TYPE_ORDERS, TYPE_LINES)
    load_tables(store, bundles=[{"bundle_sku": "SET1", "component_sku": "A", "quantity": 1},
                                {"bundle_sku": "SET1", "component_sku": "B", "quantity": 2}],
                promotions=[{"name": "双11", "start_at": "2026-11-11 00:00",
                             "end_at": "2026-11-12 00:00"}])
    return store


def test_order_types_on_hand_made_orders(typed):
    got = promo.order_types(typed.cursor(), ALL).set_index("order_id")
    want = pd.DataFrame(
        [("o1", False, False, False, True),
         ("o10", False, False, False, False),
         ("o2", False, True, False, False),
         ("o3", False, False, True, False),
         ("o4", True, False, False, False),
         ("o5", True, False, False, False),
         ("o6", True, False, False, False),
         ("o7", True, False, False, False),
         ("o8", False, False, False, True),
         ("o9", False, True, False, False)],
        columns=["order_id", "promotion", "bundle", "combo", "gift"],
    ).set_index("order_id")
    pd.testing.assert_frame_equal(got[list(promo.ORDER_TYPES)].sort_index(), want.sort_index())


def test_order_type_counts_include_zeros_and_follow_filters(typed):
    counts = promo.order_type_counts(typed.cursor(), ALL)
    assert counts.to_dict("list") == {"order_type": ["promotion", "bundle", "combo", "gift"],
                                      "orders": [4, 2, 1, 2]}
    none = promo.order_type_counts(typed.cursor(), Filters(shops=("nobody",)))
    assert none["orders"].tolist() == [0, 0, 0, 0]
    s2 = promo.order_type_counts(typed.cursor(), Filters(shops=("s2",)))
    assert s2["orders"].tolist() == [0, 1, 0, 0]


def test_report_order_types(typed):
    rep = build_report(typed.cursor(), datetime(2026, 11, 12, 9, 0))
    assert rep["order_types"] == {"promotion": 4, "bundle": 2, "combo": 1, "gift": 2}


# ---------------------------------------------------------------------------------------------
# A period against its baseline

@pytest.fixture
def period(store):
    load(store, PERIOD_ORDERS, PERIOD_LINES)
    load_tables(
        store,
        bundles=[{"bundle_sku": "SET1", "component_sku": "A", "quantity": 1},
                 {"bundle_sku": "SET1", "component_sku": "B", "quantity": 2}],
        promotions=[{"name": "P", "start_at": "2026-11-11 00:00", "end_at": "2026-11-11 04:00"}],
        stock=[{"sku": "A", "warehouse": "w1", "available": 10, "name": "面霜"},
               {"sku": "A", "warehouse": "w2", "available": 3},
               {"sku": "B", "warehouse": "w1", "available": 4},
               {"sku": "G", "warehouse": "w1", "available": 5, "name": "小样"}],
    )
    return store


def test_period_against_baseline(period):
    got = promo.period_vs_baseline(period.cursor(), ALL, "P")
    want = pd.DataFrame({
        "measure": list(promo.MEASURES),
        "period": [4, 3, 180, 6, 60, 1, 45, 24, 1080],
        "baseline": [2, 1, 60, 1, 60, 0.5, 15, 12, 360],
    }).astype({"period": "float64", "baseline": "float64"})
    want["uplift"] = [1.0, 2.0, 2.0, 5.0, 0.0, 1.0, 2.0, 1.0, 2.0]
    pd.testing.assert_frame_equal(got, want)


def test_running_period_is_cut_at_as_of(period):
    # at 01:30 the period has run 1.5 h; its baseline is the same 1.5 h of the 4 h before it
    # (20:00 to 21:30, b1 at 21:00), not the 1.5 h just before the start
    got = promo.period_vs_baseline(period.cursor(), ALL, "P", datetime(2026, 11, 11, 1, 30))
    got = got.set_index("measure")
    assert got.loc["orders"].tolist() == [2.0, 1.0, 1.0]
    assert got.loc["paid_amount", "period"] == 150
    assert got.loc["paid_amount", "baseline"] == 60
    assert got.loc["paid_amount", "uplift"] == 1.5


def test_period_uses_shop_filter_not_dates(period):
    got = promo.period_vs_baseline(period.cursor(), Filters(shops=("other",)), "P")
    assert got["period"].sum() == 0
    dated = promo.period_vs_baseline(
        period.cursor(), Filters(date_from=datetime(2020, 1, 1).date(),
                                 date_to=datetime(2020, 1, 2).date()), "P")
    assert dated.set_index("measure").loc["orders", "period"] == 4


def test_hourly_curve_and_peak_hour(period):
    curve = promo.hourly_curve(period.cursor(), ALL, "P")
    assert curve["series"].tolist() == ["period"] * 4 + ["baseline"] * 4
    assert curve["hour"].tolist() == [0, 1, 2, 3] * 2
    assert curve["orders"].tolist() == [1, 2, 0, 1, 0, 1, 0, 1]
    assert curve["paid"].tolist() == [100, 50, 0, 30, 0, 60, 0, 0]
    assert curve["hour_start"].iloc[4] == pd.Timestamp("2026-11-10 20:00")
    peak = promo.peak_hour(period.cursor(), ALL, "P")
    assert peak.to_dict("records") == [{"hour": 1, "hour_start": pd.Timestamp("2026-11-11 01:00"),
                                        "orders": 2, "paid": 50.0}]


def test_period_order_type_shares(period):
    got = promo.period_order_types(period.cursor(), ALL, "P")
    assert got["order_type"].tolist() == list(promo.ORDER_TYPES)
    # every order placed in the period is a promotion order; p1 holds a bundle, p4 a gift
    assert got["orders"].tolist() == [4, 1, 0, 1]
    assert got["share"].tolist() == [1.0, 0.25, 0.0, 0.25]


def test_top_skus_as_sold_and_exploded(period):
    sold = promo.top_skus(period.cursor(), ALL, "P")
    assert sold.to_dict("list") == {"sku": ["A", "SET1"], "name": ["面霜", "套装"],
                                    "units": [3, 2], "orders": [2, 1]}
    exploded = promo.top_skus(period.cursor(), ALL, "P", exploded=True)
    # A: 1 (p2) + 2 (p4) + 2 sets × 1; B: 2 sets × 2
    assert exploded[["sku", "units", "orders"]].to_dict("list") == {
        "sku": ["A", "B"], "units": [5, 4], "orders": [3, 1]}


def test_top_bundles_and_gifts(period):
    bundles = promo.top_bundles(period.cursor(), ALL, "P")
    assert bundles.to_dict("list") == {"sku": ["SET1"], "name": ["套装"], "units": [2],
                                       "orders": [1], "components": ["A ×1, B ×2"]}
    gifts = promo.gifts(period.cursor(), ALL, "P")
    # p4 waits to ship and holds the only gift: 5 available, 1 wanted, 4 left
    assert gifts.to_dict("list") == {"sku": ["G"], "name": ["小样"], "units": [1], "orders": [1],
                                     "allocatable": [5], "open_demand": [1],
                                     "left_after_open": [4]}



def test_the_period_boards_share_one_reading_of_the_periods_lines(period, monkeypatch):
    """The top SKUs (as sold and exploded), top bundles, gifts and the components' demand of
    one period and set of shops read the period's paid lines once per data version; other
    shops read their own."""
    from pipeline.desk import stock

    asked = []
    real = promo.sql
    monkeypatch.setattr(promo, "sql", lambda name: asked.append(name) or real(name))
    cur = period.cursor()
    before = {board: promo.top_skus(cur, ALL, "P", exploded=board == "exploded")
              for board in ("sold", "exploded")}
    promo.top_bundles(cur, ALL, "P")
    promo.gifts(cur, ALL, "P")
    stock.component_demand(cur, ALL, "P")
    assert asked.count("promo_paid_lines") == 1
    promo.top_skus(cur, Filters(shops=("s2",)), "P")
    assert asked.count("promo_paid_lines") == 2
    # the figures are those above, read from the shared lines
    assert before["sold"]["units"].tolist() == [3, 2]
    assert before["exploded"]["units"].tolist() == [5, 4]

def test_workbook_sheet(period):
    sheet = promo.workbook_sheet(period.cursor(), datetime(2026, 11, 12, 8, 0))
    row = sheet.iloc[0]
    assert (row["name"], row["orders"], row["baseline_orders"], row["orders_uplift"]) == \
        ("P", 4, 2, 1.0)
    assert (row["paid_amount"], row["paid_uplift"], row["units_uplift"]) == (180, 2.0, 5.0)
    assert not row["running"]
    assert promo.workbook_sheet(period.cursor(), datetime(2026, 11, 1)).empty


# ---------------------------------------------------------------------------------------------
# Editing periods

def test_period_crud_with_validation(store):
    start, end = datetime(2026, 6, 18), datetime(2026, 6, 19)
    promo.add_period(store, " 618 ", start, end, by="li")
    got = promo.periods(store.cursor())
    assert got[["name", "start_at", "end_at", "updated_by"]].to_dict("records") == [
        {"name": "618", "start_at": pd.Timestamp(start), "end_at": pd.Timestamp(end),
         "updated_by": "li"}]

    with pytest.raises(promo.PeriodInvalid, match="already exists"):
        promo.add_period(store, "618", start, end, by="li")
    with pytest.raises(promo.PeriodInvalid, match="after the start"):
        promo.add_period(store, "bad", end, start, by="li")
    with pytest.raises(promo.PeriodInvalid, match="after the start"):
        promo.add_period(store, "empty", start, start, by="li")
    with pytest.raises(promo.PeriodInvalid, match="name"):
        promo.add_period(store, "  ", start, end, by="li")

    promo.add_period(store, "双11", datetime(2026, 11, 11), datetime(2026, 11, 12), by="li")
    promo.update_period(store, "618", "618 大促", start, datetime(2026, 6, 20), by="wang")
    with pytest.raises(promo.PeriodInvalid, match="already exists"):
        promo.update_period(store, "618 大促", "双11", start, end, by="wang")
    with pytest.raises(promo.PeriodInvalid, match="after the start"):
        promo.update_period(store, "618 大促", "618 大促", end, start, by="wang")
    with pytest.raises(KeyError):
        promo.update_period(store, "nope", "nope", start, end, by="wang")
    got = promo.periods(store.cursor())
    assert got["name"].tolist() == ["双11", "618 大促"]
    assert got.set_index("name").loc["618 大促", "end_at"] == pd.Timestamp("2026-06-20")
    assert got.set_index("name").loc["618 大促", "updated_by"] == "wang"

    promo.delete_period(store, "双11", by="wang")
    with pytest.raises(KeyError):
        promo.delete_period(store, "双11", by="wang")
    assert promo.periods(store.cursor())["name"].tolist() == ["618 大促"]


# ---------------------------------------------------------------------------------------------
# Chart builders

def test_hourly_overlay_lays_the_baseline_over_the_period(period):
    from ui.promo import hourly_overlay

    curve = promo.hourly_curve(period.cursor(), ALL, "P")
    fig = hourly_overlay(curve, "orders", {"period": "活动", "baseline": "基准", "hour": "h"})
    bars, line = fig.data
    assert (bars.type, line.type) == ("bar", "scatter")
    assert list(bars.x) == [0, 1, 2, 3] and list(bars.y) == [1, 2, 0, 1]
    assert list(line.x) == [0, 1, 2, 3] and list(line.y) == [0, 1, 0, 1]
    assert (bars.name, line.name) == ("活动", "基准")
    assert list(bars.customdata) == ["11-11 00:00", "11-11 01:00", "11-11 02:00", "11-11 03:00"]
    paid = hourly_overlay(curve, "paid", {"period": "p", "baseline": "b", "hour": "h"})
    assert list(paid.data[0].y) == [100, 50, 0, 30]


def test_order_type_bar_and_units_bar(period):
    from ui.promo import order_type_bar, units_bar

    types = promo.period_order_types(period.cursor(), ALL, "P")
    fig = order_type_bar(types, {"promotion": "促销订单"})
    bar = fig.data[0]
    assert list(bar.x) == [4, 1, 0, 1]
    assert list(bar.y) == ["促销订单", "bundle", "combo", "gift"]
    assert bar.text[0] == "4 (100%)" and bar.text[1] == "1 (25%)"
    top = promo.top_skus(period.cursor(), ALL, "P")
    units = units_bar(top).data[0]
    assert list(units.y) == ["A 面霜", "SET1 套装"] and list(units.x) == [3, 2]


def test_default_period_is_the_running_one_else_the_last_ended(store):
    load_tables(store, promotions=[
        {"name": "618", "start_at": "2026-06-18", "end_at": "2026-06-19"},
        {"name": "双11", "start_at": "2026-11-11", "end_at": "2026-11-12"},
        {"name": "双12", "start_at": "2026-12-12", "end_at": "2026-12-13"},
    ])
    con = store.cursor()
    assert promo.default_period(con, datetime(2026, 11, 11, 9))[0] == "双11"
    assert promo.default_period(con, datetime(2026, 11, 11, 9))[2] == datetime(2026, 11, 11, 9)
    assert promo.default_period(con, datetime(2026, 12, 1))[0] == "双11"
    assert promo.default_period(con, datetime(2026, 7, 1))[0] == "618"
    assert promo.default_period(con, datetime(2026, 1, 1)) is None
