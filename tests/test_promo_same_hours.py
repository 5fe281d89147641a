"""A running 双11 compared with the same elapsed hours of its baseline (issue 34, point 1):
the cards, the hourly chart and the page's caption read one baseline. Figures by hand."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from pipeline.base.filters import ALL
from pipeline.desk import promo
from tests.conftest import load, load_tables

AS_OF = datetime(2026, 11, 11, 15, 0)   # 双11 (00:00 to 24:00) has run 15 h


def order(oid: str, at: str, paid: float = 100) -> dict:
    return {"order_id": oid, "created_at": at, "paid_at": at, "status_norm": "paid",
            "is_paid": True, "order_total": paid, "paid": paid}


# the baseline day, 11-10: four orders before 15:00, three after
BASELINE = [order("b1", "2026-11-10 02:00"), order("b2", "2026-11-10 08:00"),
            order("b3", "2026-11-10 09:30"), order("b4", "2026-11-10 14:30"),
            order("b5", "2026-11-10 16:00"), order("b6", "2026-11-10 20:00"),
            order("b7", "2026-11-10 22:00")]
# 双11 so far: twelve orders, 50 each, one an hour from 00:10 to 11:10
DAY = [order(f"p{h}", f"2026-11-11 {h:02d}:10", 50) for h in range(12)]


@pytest.fixture
def double11(store):
    load(store, BASELINE + DAY)
    load_tables(store, promotions=[{"name": "双11 2026", "start_at": "2026-11-11 00:00",
                                    "end_at": "2026-11-12 00:00"}])
    return store


def test_a_running_promotion_is_compared_with_the_same_hours_of_its_baseline(double11):
    w = promo.window(double11.cursor(), "双11 2026", AS_OF)
    # the baseline is the day before, cut at the same 15 h: 00:00 to 15:00 of 11-10
    # (before: the 15 h just before the start, 11-10 09:00 to 24:00)
    assert (w.baseline_start, w.baseline_end) == (datetime(2026, 11, 10), datetime(2026, 11, 10, 15))
    assert w.running
    got = promo.period_vs_baseline(double11.cursor(), ALL, "双11 2026", AS_OF).set_index("measure")
    # 12 orders against b1–b4 (4): +200 %; before, against b3–b7 (5): +140 %
    assert got.loc["orders"].tolist() == [12.0, 4.0, 2.0]
    # paid 12 × 50 = 600 against 4 × 100 = 400: +50 %
    assert got.loc["paid_amount"].tolist() == [600.0, 400.0, 0.5]
    # per hour: 12 / 15 = 0.8 against 4 / 15
    assert got.loc["orders_per_hour", "period"] == pytest.approx(0.8)
    assert got.loc["orders_per_hour", "baseline"] == pytest.approx(4 / 15)


def test_the_hourly_chart_lays_the_same_hours_of_the_baseline_under_the_day(double11):
    curve = promo.hourly_curve(double11.cursor(), ALL, "双11 2026", AS_OF)
    base = curve[curve["series"] == "baseline"]
    day = curve[curve["series"] == "period"]
    # 15 hours each (00 to 14); before: 24 hours and the baseline's whole day (7 orders)
    assert base["hour"].tolist() == list(range(15)) and day["hour"].tolist() == list(range(15))
    assert base.loc[base["orders"] > 0, "hour"].tolist() == [2, 8, 9, 14]
    assert base["orders"].sum() == 4 and day["orders"].sum() == 12
    assert base["hour_start"].iloc[0] == pd.Timestamp("2026-11-10 00:00")


def test_an_ended_promotion_keeps_its_whole_baseline(double11):
    w = promo.window(double11.cursor(), "双11 2026", datetime(2026, 11, 12, 9, 0))
    assert (w.baseline_start, w.baseline_end, w.running) == (
        datetime(2026, 11, 10), datetime(2026, 11, 11), False)
    got = promo.period_vs_baseline(double11.cursor(), ALL, "双11 2026",
                                   datetime(2026, 11, 12, 9, 0)).set_index("measure")
    assert got.loc["orders", "baseline"] == 7.0


def test_the_page_says_which_hours_it_compares(double11, tmp_path, monkeypatch):
    from tests.apptest import fresh_app, metric

    path = double11.path
    double11.close()
    monkeypatch.setattr("ui.data.now_in", lambda settings: AS_OF)
    at = fresh_app(path, monkeypatch, page="pages/promotions.py", state={"lang": "en"})
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert ("Baseline: 2026-11-10 00:00 – 2026-11-10 15:00 (the same 15 h elapsed)"
            in captions)
    assert metric(at, "Orders").value == "12"
    assert metric(at, "Orders").delta == "+200.0%"


def test_the_war_room_and_the_report_read_the_same_hours(double11, tmp_path, monkeypatch):
    from pipeline.outputs.report import build_report
    from tests.apptest import fresh_app

    got = build_report(double11, AS_OF)["promotion"]
    assert got == {
        "name": "双11 2026", "start": "2026-11-11 00:00", "end": "2026-11-11 15:00",
        "running": True, "baseline_start": "2026-11-10 00:00",
        "baseline_end": "2026-11-10 15:00", "orders": 12, "baseline_orders": 4,
        "uplift_orders": 2.0, "paid": {"CNY": 600.0}, "baseline_paid": {"CNY": 400.0}}
    path = double11.path
    double11.close()
    monkeypatch.setattr("ui.data.now_in", lambda settings: AS_OF)
    at = fresh_app(path, monkeypatch, page="pages/warroom.py", state={"lang": "en"})
    assert not at.exception
    assert ("The promotion so far: 12 orders against 4 in the same hours of its baseline "
            "(11-10 00:00 – 11-10 15:00) (+200.0%), the Promotions page's baseline."
            in [x.value for x in at.text])
