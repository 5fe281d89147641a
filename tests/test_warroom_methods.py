"""The War room shows each projection method's figure and which is used, and why (issue 34,
point 3): never a min–max "range" that the figure used sits on by construction. At 15:00 on
双11, figures worked by hand."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.desk import forecast
from tests.conftest import load, load_tables

AS_OF = datetime(2026, 11, 11, 15, 0)


def order(oid: str, at: str) -> dict:
    return {"order_id": oid, "created_at": at, "paid_at": at, "status_norm": "paid",
            "is_paid": True, "order_total": 100, "paid": 100, "currency": "CNY"}


# 双11 so far: 12 orders, one in each of hours 0..11
TODAY = [order(f"t{h}", f"2026-11-11 {h:02d}:20") for h in range(12)]
# the baseline day (11-10): 4 of its 16 orders by 15:00 → 12 × 16 / 4 = 48
BASELINE = ([order(f"b{h}", f"2026-11-10 {h:02d}:30") for h in (2, 6, 9, 13)]
            + [order(f"c{i}", f"2026-11-10 {15 + i % 9:02d}:40") for i in range(12)])
# last year's 双11: 8 of its 20 orders by 15:00 → 12 × 20 / 8 = 30
LAST_YEAR = ([order(f"y{h}", f"2025-11-11 {h:02d}:10") for h in (0, 0, 1, 2, 8, 10, 12, 14)]
             + [order(f"z{i}", f"2025-11-11 {15 + i % 9:02d}:50") for i in range(12)])
# the flat rate so far: 12 / 15 × 24 = 19.2. The figure used (30) is neither the lowest (19.2)
# nor the highest (48).


@pytest.fixture
def double11(store):
    # ids must differ across days: y0 twice would be one order
    rows = TODAY + BASELINE + [dict(o, order_id=f"{o['order_id']}-{i}")
                               for i, o in enumerate(LAST_YEAR)]
    load(store, rows, [])
    load_tables(store, promotions=[
        {"name": "双11 2026", "start_at": "2026-11-11 00:00", "end_at": "2026-11-12 00:00"},
        {"name": "双11 2025", "start_at": "2025-11-11 00:00", "end_at": "2025-11-12 00:00"}])
    return store


def test_each_methods_figure_and_the_one_used(double11):
    it = forecast.intake(double11.cursor(), AS_OF)
    p = it.projection["orders"]
    assert (p["method"], p["reason"]) == ("last_year", "last_year_known")
    assert p["value"] == pytest.approx(30.0)
    assert p["estimates"] == pytest.approx({"last_year": 30.0, "baseline": 48.0, "flat": 19.2})
    assert "low" not in p and "high" not in p          # no min–max range any more
    paid = it.projection["paid"]   # 100 CNY each: 1,200 so far
    assert paid["estimates"] == pytest.approx({"last_year": 3000.0, "baseline": 4800.0,
                                               "flat": 1920.0})


def test_without_last_years_promotion_the_baseline_is_used_and_says_why(double11):
    cur = double11.cursor()
    cur.execute("delete from promotions where name = '双11 2025'")
    p = forecast.intake(cur, AS_OF).projection["orders"]
    assert (p["method"], p["reason"], p["value"]) == ("baseline", "no_last_year",
                                                       pytest.approx(48.0))
    assert set(p["estimates"]) == {"baseline", "flat"}


def _page(store, monkeypatch, lang):
    from tests.apptest import fresh_app

    path = store.path
    store.close()
    monkeypatch.setattr("ui.data.now_in", lambda settings: AS_OF)
    at = fresh_app(path, monkeypatch, page="pages/warroom.py", state={"lang": lang})
    assert not at.exception
    return at


def test_the_war_room_lists_each_methods_figure_and_marks_the_one_used(double11, monkeypatch):
    from tests.apptest import metric

    at = _page(double11, monkeypatch, "en")
    assert metric(at, "Projected orders today").value == "30"
    captions = [c.value for c in at.caption]
    assert ("So far 12 · from last year's hourly shape: the same promotion a year before "
            "is known") in captions
    assert ("Each method: last year's hourly shape 30 (used) · the baseline day's hourly "
            "shape 48 · the flat rate so far 19") in captions
    assert ("Each method: last year's hourly shape CNY 3,000.00 (used) · the baseline day's "
            "hourly shape CNY 4,800.00 · the flat rate so far CNY 1,920.00") in captions
    assert not any("range" in c for c in captions)


def test_the_war_room_in_chinese(double11, monkeypatch):
    at = _page(double11, monkeypatch, "zh")
    captions = [c.value for c in at.caption]
    assert "目前 12 · 采用去年同期的分时形状：去年同一促销的那天已知" in captions
    assert "各算法预计：去年同期的分时形状 30（采用） · 基准日的分时形状 48 · 按目前速度平推 19" in captions
    assert not any("区间" in c for c in captions)
