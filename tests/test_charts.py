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
    # 11-10 had orders and no payment: paid 0 that day, not a missing day
    assert (line.type, line.name, list(line.y), line.yaxis) == ("scatter", "付款金额",
                                                                [0.0, 5000.0], "y2")
    assert fig.layout.yaxis.rangemode == "tozero"


def test_state_bar_keeps_the_display_order_and_labels():
    counts = pd.DataFrame({"state": ["unconfirmed_unpaid", "shipped"], "orders": [3, 7]})
    fig = state_bar(counts, {"unconfirmed_unpaid": "未确认未付款", "shipped": "已发货"})
    (bar,) = fig.data
    assert list(bar.y) == ["未确认未付款", "已发货"]
    assert list(bar.x) == [3, 7]
    assert fig.layout.yaxis.autorange == "reversed"


def test_dates_are_numbers_in_every_language():
    """plotly names months in English ("Nov 15"): the axes write dates as numbers."""
    from ui.warroom import breach_chart

    series = pd.DataFrame({"day": pd.to_datetime(["2026-11-10"]), "measure": ["orders"],
                           "value": [1.0]})
    assert daily_chart(series, {"orders": "订单", "paid_amount": "付款金额"}).layout.xaxis.tickformat \
        == "%m-%d"
    grid = pd.DataFrame({"hour_start": pd.to_datetime(["2026-12-07 12:00"]), "deadlines": [2],
                         "breaches": [1]})
    assert breach_chart(grid, {"in_time": "按时", "breaches": "超时"}).layout.xaxis.tickformat \
        == "%m-%d %H:%M"


def test_a_sold_out_sku_shows_zero_days_of_cover():
    from ui.promo import cover_bar

    status = pd.DataFrame({"sku": ["GONE", "SLOW"], "cover_days_7d": [0.0, 12.34],
                           "cover_days_promo": [0.0, None]})
    fig = cover_bar(status, {"rate_7d": "近7天", "promo_rate": "活动", "days": "天"})
    assert list(fig.data[0].text) == [0.0, 12.3]


def test_names_from_files_are_text_in_charts_never_html():
    """plotly draws <a href>, <b>, <br> in labels: a SKU, product, shop or person named so is
    shown as those characters."""
    from ui.overdue import aging_chart
    from ui.promo import cover_bar, units_bar
    from ui.team import actions_chart

    evil = '<a href="http://x">x</a><b>'
    top = pd.DataFrame({"sku": [evil], "name": ["<br>name"], "units": [3]})
    assert "<" not in units_bar(top).data[0].y[0]
    status = pd.DataFrame({"sku": [evil], "cover_days_7d": [1.0], "cover_days_promo": [None]})
    assert "<" not in cover_bar(status, {"rate_7d": "a", "promo_rate": "b", "days": "d"}).data[0].y[0]
    aging = pd.DataFrame({"bucket": ["<4h"], "shop": [evil], "orders": [1]})
    assert "<" not in aging_chart(aging, "shop", {}, {"<4h": "4h"}).data[0].name
    per = pd.DataFrame({"author": [evil], "day": ["2026-11-20"], "actions": [1]})
    assert "<" not in actions_chart(per, "day", {}).data[0].name


def test_the_paid_line_breaks_over_missing_days():
    """No data on 11-12 and 11-13 (no export loaded): the line is broken there, never drawn
    from 11-11 to 11-14 as if the days between were data."""
    series = pd.DataFrame({
        "day": pd.to_datetime(["2026-11-11", "2026-11-14", "2026-11-11", "2026-11-14"]),
        "measure": ["orders", "orders", "paid_amount", "paid_amount"],
        "value": [3.0, 4.0, 300.0, 400.0],
    })
    _, line = daily_chart(series, {"orders": "订单", "paid_amount": "付款金额"}).data
    assert [f"{d:%m-%d}" for d in pd.to_datetime(list(line.x))] == [
        "11-11", "11-12", "11-13", "11-14"]
    assert [None if pd.isna(v) else v for v in line.y] == [300.0, None, None, 400.0]
    assert line.connectgaps is False


def test_a_date_axis_carries_the_year_when_the_days_span_years():
    series = pd.DataFrame({"day": pd.to_datetime(["2025-12-31", "2026-01-01"]),
                           "measure": ["orders", "orders"], "value": [1.0, 2.0]})
    fig = daily_chart(series, {"orders": "订单", "paid_amount": "付款金额"})
    assert fig.layout.xaxis.tickformat == "%Y-%m-%d"


def test_a_year_of_days_opens_on_the_last_90_and_a_season_on_all():
    names = {"orders": "订单", "paid_amount": "付款金额"}
    year = pd.DataFrame({"day": pd.to_datetime(["2025-11-11", "2026-10-01", "2026-11-30"]),
                         "measure": "orders", "value": [5, 3, 4]})
    shown = daily_chart(year, names).layout.xaxis.range
    # 2026-11-30 and 89 days before it, half a day of margin on each side
    assert [pd.Timestamp(x) for x in shown] == [pd.Timestamp("2026-09-01 12:00"),
                                                pd.Timestamp("2026-11-30 12:00")]
    season = year.iloc[1:]
    assert daily_chart(season, names).layout.xaxis.range is None   # every day shown
