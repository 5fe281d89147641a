"""Hours to clear count what keeps coming in (issue 34, point 4): at 15:00 on 双11, 150 orders
waiting, the desk clearing 10 an hour and 15 an hour still arriving until midnight. Figures by
hand."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.desk import forecast
from pipeline.outputs.report import build_report
from tests.conftest import load, load_tables

AS_OF = datetime(2026, 11, 11, 15, 0)


def build(store, shipped: int):
    # the baseline day, 11-10: 2 orders every hour (48), shipped that evening
    base = [{"order_id": f"b{h}-{i}", "created_at": f"2026-11-10 {h:02d}:{10 + 20 * i}",
             "paid_at": f"2026-11-10 {h:02d}:{10 + 20 * i}", "shipped_at": "2026-11-10 23:59",
             "status_norm": "shipped", "is_paid": True, "order_total": 10, "paid": 10}
            for h in range(24) for i in range(2)]
    # 双11 so far: 15 orders an hour from 00:00 to 15:00 (225), not paid yet
    day = [{"order_id": f"p{h}-{i}", "created_at": f"2026-11-11 {h:02d}:{i * 4:02d}",
            "status_norm": "unpaid", "is_paid": False, "order_total": 10, "paid": 0}
           for h in range(15) for i in range(15)]
    # 150 waiting to ship, paid 11-09 10:00 (due 11-12 10:00)
    waiting = [{"order_id": f"w{i}", "created_at": "2026-11-09 09:00",
                "paid_at": "2026-11-09 10:00", "status_norm": "paid", "is_paid": True,
                "order_total": 10, "paid": 10} for i in range(150)]
    # shipped every 6 min from 12:06 (placed 11-09): the desk's rate
    sent = [{"order_id": f"s{i}", "created_at": "2026-11-09 08:00",
             "paid_at": "2026-11-09 08:00",
             "shipped_at": f"2026-11-11 {12 + (i + 1) // 10}:{((i + 1) % 10) * 6:02d}",
             "status_norm": "shipped", "is_paid": True, "order_total": 10, "paid": 10}
            for i in range(shipped)]
    load(store, base + day + waiting + sent)
    load_tables(store, promotions=[{"name": "双11 2026", "start_at": "2026-11-11 00:00",
                                    "end_at": "2026-11-12 00:00"}])
    return store


def test_the_backlog_is_projected_hour_by_hour_with_what_keeps_coming(store):
    build(store, shipped=30)
    grid, cap, packers = forecast.breach_forecast(store.cursor(), AS_OF)
    # 30 shipped in 3 h: 10 an hour
    assert (cap.backlog, cap.rate_per_hour) == (150, 10.0)
    # the day: 225 so far; the baseline day had 30 of its 48 by 15:00, so 225 × 48 / 30 = 360;
    # the 135 left spread by its shape, 2 of 48 an hour: 15 an hour until midnight, then the
    # usual 48 / 24 = 2 an hour
    assert grid["intake"].head(9).tolist() == pytest.approx([15.0] * 9)
    assert grid["intake"].iloc[9:12].tolist() == pytest.approx([2.0] * 3)
    # the line grows 5 an hour to 195 at midnight, then falls 8 an hour: 195 / 8 = 24.375 h
    assert grid["backlog"].iloc[[0, 8, 9]].tolist() == pytest.approx([155.0, 195.0, 187.0])
    # cleared 9 + 24.375 = 33.375 h from now, 11-13 00:22:30 (before: 150 / 10 = 15 h)
    assert cap.hours_to_clear == pytest.approx(33.375)
    assert int(grid["breaches"].sum()) == 0
    assert packers == 1   # at most 150 / 19 h ≈ 7.9 an hour: one packer at 40
    rep = build_report(store, AS_OF)["forecast"]
    assert rep["hours_to_clear"] == 33.4
    assert rep["backlog_by_hour"][:2] == [155.0, 160.0]
    assert rep["intake_by_hour"][8:10] == [15.0, 2.0]


def test_a_backlog_growing_faster_than_the_desk_is_never_cleared(store):
    build(store, shipped=3)
    grid, cap, _ = forecast.breach_forecast(store.cursor(), AS_OF)
    # 3 shipped in 3 h: 1 an hour, below the usual 2 an hour: never cleared (before: 150 h)
    assert cap.rate_per_hour == 1.0
    assert cap.hours_to_clear is None
    assert grid["backlog"].iloc[-1] == pytest.approx(150 + 9 * 14 + 63 * 1)


def test_the_war_room_says_when_the_backlog_is_cleared(store, monkeypatch):
    from tests.apptest import fresh_app, metric

    build(store, shipped=30)
    path = store.path
    store.close()
    monkeypatch.setattr("ui.data.now_in", lambda settings: AS_OF)
    at = fresh_app(path, monkeypatch, page="pages/warroom.py", state={"lang": "en"})
    assert not at.exception
    assert metric(at, "Hours to clear the backlog").value == "33.4"
    # in the next 24 h: 9 × 15 + 15 × 2 = 165
    assert ("Counting the orders still coming in (today's projection, then the baseline day's "
            "usual rate: about 165 in the next 24 h), the backlog is cleared at 11-13 00:22 at "
            "this rate.") in [c.value for c in at.caption]
