"""Overview numbers and the report's totals on hand-made orders."""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
import pytest

from pipeline.base.filters import ALL, Filters
from pipeline.desk import kpis
from pipeline.outputs.report import build_report
from tests.conftest import load

ORDERS = [
    # day 2026-11-20: 3 orders, 2 paid (100 + 50), one shipped within 72 h
    {"order_id": "a", "created_at": "2026-11-20 09:00", "paid_at": "2026-11-20 09:05",
     "shipped_at": "2026-11-21 10:00", "status_norm": "shipped", "order_total": 100, "paid": 100},
    {"order_id": "b", "created_at": "2026-11-20 12:00", "paid_at": "2026-11-20 12:01",
     "status_norm": "paid", "order_total": 50, "paid": 50, "refunded": 10, "shop": "s2"},
    {"order_id": "c", "created_at": "2026-11-20 22:00", "status_norm": "unpaid",
     "is_paid": False, "order_total": 30, "paid": 0},
    # day before: 1 paid order of 40
    {"order_id": "d", "created_at": "2026-11-19 08:00", "paid_at": "2026-11-19 08:10",
     "status_norm": "completed", "order_total": 40, "paid": 40},
]


def test_day_kpis_against_previous_day(store):
    load(store, ORDERS)
    got = kpis.day_kpis(store.cursor(), ALL, date(2026, 11, 20)).set_index("kpi")
    assert got.loc["orders"].tolist() == [3, 1]
    assert got.loc["paid_orders"].tolist() == [2, 1]
    assert got.loc["paid_amount"].tolist() == [150.0, 40.0]
    assert got.loc["aov"].tolist() == [75.0, 40.0]
    assert got.loc["refund_amount"].tolist() == [10.0, 0.0]
    assert got.loc["refund_rate", "value"] == 10 / 150
    assert got.loc["shipped_72h"].tolist() == [0.5, 0.0]
    assert got.loc["shipped"].tolist() == [0, 0]


def test_the_72h_share_waits_until_the_days_paid_orders_had_their_72_hours(store):
    load(store, ORDERS)
    day = date(2026, 11, 20)
    # 11-23 23:59: the orders paid late on 11-20 have not had 72 h yet; 11-19's have
    early = kpis.day_kpis(store.cursor(), ALL, day, as_of=datetime(2026, 11, 23, 23, 59))
    assert pd.isna(early.set_index("kpi").loc["shipped_72h", "value"])
    assert early.set_index("kpi").loc["shipped_72h", "previous"] == 0.0
    done = kpis.day_kpis(store.cursor(), ALL, day, as_of=datetime(2026, 11, 24, 0, 0))
    assert done.set_index("kpi").loc["shipped_72h"].tolist() == [0.5, 0.0]


def test_day_kpis_until_a_time_compare_with_the_same_time_the_day_before(store):
    load(store, ORDERS)
    got = kpis.day_kpis(store.cursor(), ALL, date(2026, 11, 20), until=time(10, 0)).set_index("kpi")
    assert got.loc["orders"].tolist() == [1, 1]          # a (09:00) against d (08:00)
    assert got.loc["paid_orders"].tolist() == [1, 1]
    assert got.loc["paid_amount"].tolist() == [100.0, 40.0]
    early = kpis.day_kpis(store.cursor(), ALL, date(2026, 11, 20), until=time(8, 5)).set_index("kpi")
    assert early.loc["orders"].tolist() == [0, 1]
    assert early.loc["paid_orders"].tolist() == [0, 0]  # d was paid at 08:10


def test_state_counts_respect_filters_and_list_every_state(store):
    load(store, ORDERS)
    everything = kpis.state_counts(store.cursor(), ALL)
    assert len(everything) == 9
    assert dict(zip(everything.state, everything.orders, strict=True)) == {
        "unconfirmed_unpaid": 1, "confirmed_unpaid": 0, "paid_unprocessed": 1,
        "paid_processed": 0, "shipped": 1, "completed": 1, "refunding": 0, "refunded": 0,
        "closed": 0}
    only_s2 = kpis.state_counts(store.cursor(), Filters(shops=("s2",)))
    assert only_s2.set_index("state")["orders"].sum() == 1
    one_day = kpis.state_counts(store.cursor(), Filters(date(2026, 11, 19), date(2026, 11, 19)))
    assert one_day.set_index("state").loc["completed", "orders"] == 1
    assert one_day["orders"].sum() == 1


def test_daily_series_is_tidy(store):
    load(store, ORDERS)
    got = kpis.daily_series(store.cursor(), ALL)
    want = pd.DataFrame({
        "day": pd.to_datetime(["2026-11-19", "2026-11-20", "2026-11-19", "2026-11-20"]),
        "measure": ["orders", "orders", "paid_amount", "paid_amount"],
        "value": [1.0, 3.0, 40.0, 150.0],
    })
    got["day"] = pd.to_datetime(got["day"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)


def test_report_totals(store):
    load(store, ORDERS, [{"order_id": "a", "line_id": "1", "sku": "X", "quantity": 1}])
    rep = build_report(store.cursor(), datetime(2026, 11, 21, 12, 0))
    assert rep["as_of"] == "2026-11-21 12:00"
    assert rep["orders"] == 4
    assert rep["order_lines"] == 1
    assert rep["amounts"] == {"order_total": 220.0, "paid": 190.0, "refunded": 10.0}
    assert rep["partial_refunds"] == 1
    assert set(rep["states"]) == {
        "unconfirmed_unpaid", "confirmed_unpaid", "paid_unprocessed", "paid_processed",
        "shipped", "completed", "refunding", "refunded", "closed"}
    assert rep["stock"] == {"skus": 0, "units_available": 0}


def test_the_report_worked_out_side_by_side_is_the_report_worked_out_one_by_one(
        store, monkeypatch):
    from pipeline.outputs import report

    load(store, ORDERS, [{"order_id": "a", "line_id": "1", "sku": "X", "quantity": 1}])
    at = datetime(2026, 11, 21, 12, 0)
    together = build_report(store.cursor(), at)
    monkeypatch.setattr(report, "SIDE_BY_SIDE", 1)
    alone = build_report(store.cursor(), at)
    assert together == alone
    assert list(together) == list(alone)        # the keys in the sections' order
    assert list(together)[:3] == ["as_of", "orders", "order_lines"]


def test_a_section_that_fails_fails_the_report(store, monkeypatch):
    from pipeline.outputs import report

    def broken(con, as_of):
        raise RuntimeError("section broke")

    monkeypatch.setattr(report, "SECTIONS", [*report.SECTIONS, broken])
    with pytest.raises(RuntimeError, match="section broke"):
        build_report(store.cursor(), datetime(2026, 11, 21, 12, 0))
