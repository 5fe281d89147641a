"""The overview page on a small store: KPIs, states, filters."""

from __future__ import annotations

from datetime import date

import pytest

from tests.apptest import fresh_app, metric, store_file
from tests.factories import OVERVIEW_ORDERS as ORDERS


@pytest.fixture
def db(tmp_path):
    return store_file(tmp_path / "app.duckdb", ORDERS)


def test_overview_shows_kpis_of_the_latest_day(db, monkeypatch):
    at = fresh_app(db, monkeypatch)
    assert not at.exception
    assert metric(at, "订单数").value == "2"
    assert metric(at, "付款金额").value == "CNY 150.00"  # no currency stated: the desk default
    assert at.dataframe[0].value["订单"].sum() == 3


def test_overview_respects_the_shop_filter_and_language(db, monkeypatch):
    at = fresh_app(db, monkeypatch, state={"f_shops": ["s2"]})
    assert metric(at, "订单数").value == "1"
    assert at.dataframe[0].value["订单"].sum() == 1
    at = fresh_app(db, monkeypatch, state={"f_shops": ["s2"], "lang": "en"})
    assert not at.exception
    assert metric(at, "Orders").value == "1"
    assert at.dataframe[0].value["Orders"].sum() == 1


def test_overview_day_picker_moves_the_kpis(db, monkeypatch):
    at = fresh_app(db, monkeypatch)
    at.date_input(key="overview_day").set_value(date(2026, 11, 19)).run()
    assert not at.exception
    assert metric(at, "订单数").value == "1"
    assert metric(at, "付款订单").value == "0"


def test_every_state_is_listed_with_zeros(db, monkeypatch):
    at = fresh_app(db, monkeypatch)
    table = at.dataframe[0].value
    assert len(table) == 9
    assert table["订单"].tolist().count(0) == 6


def test_today_is_compared_with_yesterday_up_to_the_same_time(tmp_path, monkeypatch):
    from datetime import timedelta

    from pipeline.db.settings import local_now
    from pipeline.db.store import Store

    s = Store(tmp_path / "today.duckdb")
    now = local_now(s.cursor())
    s.close()
    earlier_today = now - timedelta(minutes=1)
    later_yesterday = now - timedelta(days=1) + timedelta(minutes=30)
    if later_yesterday.date() != (now - timedelta(days=1)).date():
        later_yesterday = now - timedelta(days=1)  # just before midnight: nothing is later
    db = store_file(tmp_path / "today2.duckdb", [
        {"order_id": "t", "created_at": earlier_today.strftime("%Y-%m-%d %H:%M:%S")},
        {"order_id": "y", "created_at": later_yesterday.strftime("%Y-%m-%d %H:%M:%S")},
    ])
    at = fresh_app(db, monkeypatch)
    assert not at.exception
    assert any("今日截至" in c.value for c in at.caption)
    orders = metric(at, "订单数")
    assert orders.value == "1"
    # yesterday's order came later in the day than now: not counted against today so far
    if later_yesterday != now - timedelta(days=1):
        assert orders.help.endswith("较前一天：0")


def test_the_alarm_row_counts_per_rule_held_and_stale_each_a_link(tmp_path, monkeypatch):
    from pipeline.db.store import Store
    from pipeline.desk import actions as A
    from tests.conftest import load

    # s1's data ends on 11-20 09:00 (stale today): its orders are timed as of that moment
    s = Store(tmp_path / "alarms.duckdb")
    load(s, [
        {"order_id": "late", "created_at": "2026-11-15 08:00", "paid_at": "2026-11-15 09:00",
         "status_norm": "paid"},
        {"order_id": "flagged", "created_at": "2026-11-19 08:00", "paid_at": "2026-11-19 09:00",
         "status_norm": "paid"},
        {"order_id": "unpaid", "created_at": "2026-11-17 08:00", "status_norm": "unpaid",
         "is_paid": False},
        {"order_id": "done", "created_at": "2026-11-18 08:00", "status_norm": "completed",
         "paid_at": "2026-11-18 09:00", "completed_at": "2026-11-20 09:00"},
    ], [{"order_id": o, "line_id": "1", "sku": "A", "quantity": 1}
        for o in ("late", "flagged", "unpaid", "done")])
    A.record(s, ("taobao", "s1", "flagged"), "flag", by="Li", text="check")
    s.close()
    at = fresh_app(tmp_path / "alarms.duckdb", monkeypatch, state={"lang": "en"})
    assert not at.exception
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    assert links == [
        ("Chase unpaid: 1 overdue · 0 due soon", "overdue"),
        ("Ship paid orders: 1 overdue · 0 due soon", "overdue"),
        ("Out of stock: 0 overdue · 0 due soon", "overdue"),
        # s1's export gives no address: its 3 open orders cannot be judged, counted apart
        ("Address: 0 overdue · 0 due soon · 3 not judged", "overdue"),
        ("Held by a problem: 1", "queue"),
        ("Shops with stale data: 1", "overdue"),
    ]
    # the Overdue page counts the same
    at.switch_page("pages/overdue.py").run()
    assert metric(at, "Chase unpaid · overdue").value == "1"


def test_the_chosen_day_stays_across_a_refresh(db, monkeypatch):
    at = fresh_app(db, monkeypatch)
    at.date_input(key="overview_day").set_value(date(2026, 11, 19)).run()
    at.run()  # what the minute's refresh does to the page: widgets kept by their keys
    assert not at.exception
    assert at.date_input(key="overview_day").value == date(2026, 11, 19)
    assert metric(at, "订单数").value == "1"


def test_platforms_are_named_as_people_name_them(db, monkeypatch):
    """Never the raw code `taobao` on screen: the filter and the data-moment note say 淘宝/天猫
    (Taobao/Tmall in English)."""
    at = fresh_app(db, monkeypatch)
    assert at.sidebar.multiselect(key="f_platforms").options == ["淘宝/天猫"]
    notes = " ".join(c.value for c in at.caption)
    assert "淘宝" in notes and "taobao" not in notes
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    assert at.sidebar.multiselect(key="f_platforms").options == ["Taobao/Tmall"]


def test_a_money_change_carries_its_currency_and_its_sign_first():
    from ui.fmt import kpi_texts

    assert kpi_texts("paid_amount", 100.0, 150.5, "CNY") == (
        "CNY 100.00", "-CNY 50.50", "CNY 150.50")
    assert kpi_texts("aov", 20.0, 10.0, "USD")[1] == "+USD 10.00"
    assert kpi_texts("orders", 5, 7)[1] == "-2"


def test_the_chosen_day_follows_the_filters(tmp_path, monkeypatch):
    """Filtered to a shop whose last orders are older, the day moves to that shop's last day
    (it stayed on a day without its orders: every KPI 0)."""
    db = store_file(tmp_path / "shops.duckdb", ORDERS + [
        {"order_id": "d", "created_at": "2026-11-15 10:00", "paid_at": "2026-11-15 10:01",
         "status_norm": "paid", "order_total": 70, "paid": 70, "shop": "s3"},
        {"order_id": "e", "created_at": "2026-11-15 11:00", "status_norm": "unpaid",
         "is_paid": False, "order_total": 20, "paid": 0, "shop": "s3"}])
    at = fresh_app(db, monkeypatch)
    assert at.date_input(key="overview_day").value == date(2026, 11, 20)
    at.session_state["f_shops"] = ["s3"]       # the shop filter changed
    at.run()
    assert not at.exception
    assert at.date_input(key="overview_day").value == date(2026, 11, 15)
    assert metric(at, "订单数").value == "2"
    assert metric(at, "付款金额").value == "CNY 70.00"
    at.date_input(key="overview_day").set_value(date(2026, 11, 14)).run()   # chosen by hand
    at.run()
    assert at.date_input(key="overview_day").value == date(2026, 11, 14)
    at.session_state["f_shops"] = []           # all shops again
    at.run()
    assert at.date_input(key="overview_day").value == date(2026, 11, 20)
