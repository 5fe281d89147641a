"""The overview's chart builders, tested on the figures they return."""

from __future__ import annotations

import pandas as pd

from ui.charts import daily_chart, state_bar


def test_daily_chart_puts_orders_in_bars_and_paid_on_a_second_axis():
    series = pd.DataFrame({
        "day": pd.to_datetime(["2026-11-10", "2026-11-11", "2026-11-11"]),
        "measure": ["orders", "orders", "paid_amount"],
        "value": [10.0, 80.0, 5000.0],
    })
    fig = daily_chart(series, {"orders": "订单", "paid_amount": "付款金额"})
    bars, line = fig.data
    assert (bars.type, bars.name, list(bars.y)) == ("bar", "订单", [10.0, 80.0])
    assert (line.type, line.name, list(line.y), line.yaxis) == ("scatter", "付款金额", [5000.0], "y2")
    assert fig.layout.yaxis.rangemode == "tozero"


def test_state_bar_keeps_the_display_order_and_labels():
    counts = pd.DataFrame({"state": ["unconfirmed_unpaid", "shipped"], "orders": [3, 7]})
    fig = state_bar(counts, {"unconfirmed_unpaid": "未确认未付款", "shipped": "已发货"})
    (bar,) = fig.data
    assert list(bar.y) == ["未确认未付款", "已发货"]
    assert list(bar.x) == [3, 7]
    assert fig.layout.yaxis.autorange == "reversed"
