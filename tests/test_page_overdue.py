"""The Overdue page: counts per rule against yesterday, the list with its filters, aging."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.apptest import fresh_app, metric, store_file
from tests.factories import ADDR

PAGE = "pages/overdue.py"
ORDERS = [
    # overdue under ship_paid (paid 11-19 09:00 -> due 11-22 09:00), courier set, message
    {"order_id": "3515313147329357912", "status_norm": "paid", "created_at": "2026-11-19 08:00",
     "paid_at": "2026-11-19 09:00", "courier": "顺丰", "buyer_message": "请尽快", **ADDR},
    # overdue under chase_unpaid (created 11-20 10:00 -> due 11-22 10:00), other shop
    {"order_id": "u1", "shop": "s2", "status_norm": "unpaid", "is_paid": False,
     "created_at": "2026-11-20 10:00", **ADDR},
    # due soon under ship_paid (due 11-23 14:00)
    {"order_id": "soon", "status_norm": "paid", "created_at": "2026-11-20 14:00",
     "paid_at": "2026-11-20 14:00", **ADDR},
    # on time
    {"order_id": "fine", "status_norm": "paid", "created_at": "2026-11-23 09:00",
     "paid_at": "2026-11-23 09:00", **ADDR},
]


@pytest.fixture
def db(tmp_path):
    return store_file(tmp_path / "overdue.duckdb", ORDERS)


def at_moment(at, day, moment):
    at.toggle(key="od_live").set_value(False).run()
    at.date_input(key="od_day").set_value(day)
    at.time_input(key="od_time").set_value(moment)
    at.run()
    assert not at.exception
    return at


def listed(at):
    return at.dataframe[0].value


def test_counts_list_and_filters(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state={"lang": "en"})
    assert not at.exception
    at_moment(at, date(2026, 11, 23), time(12, 0))
    assert metric(at, "Ship paid orders · overdue").value == "1"
    assert metric(at, "Ship paid orders · due soon").value == "1"
    assert metric(at, "Chase unpaid · overdue").value == "1"
    assert metric(at, "Out of stock · overdue").value == "0"
    # yesterday at 12:00 the first was already late; "soon" was not yet due soon
    assert metric(at, "Ship paid orders · overdue").delta == "0"
    assert metric(at, "Ship paid orders · due soon").delta == "1"
    assert not any("Nothing is overdue" in s.value for s in at.success)
    table = listed(at)
    assert table["Order id"].tolist() == ["3515313147329357912", "u1", "soon"]
    assert table["Time left / late"].tolist() == ["1 d 3 h late", "1 d 2 h late", "2 h left"]
    assert table["Problem marks"].tolist()[0] == "Buyer message"
    assert table["Courier"].tolist()[0] == "顺丰"

    at.multiselect(key="od_rule").set_value(["chase_unpaid"]).run()
    assert listed(at)["Order id"].tolist() == ["u1"]
    at.multiselect(key="od_rule").set_value([]).run()
    at.multiselect(key="od_courier").set_value(["顺丰"]).run()
    assert listed(at)["Order id"].tolist() == ["3515313147329357912"]
    at.multiselect(key="od_courier").set_value([]).run()
    at.multiselect(key="od_shop").set_value(["s2"]).run()
    assert listed(at)["Order id"].tolist() == ["u1"]
    at.multiselect(key="od_shop").set_value([]).run()
    at.multiselect(key="od_mark").set_value(["buyer_message"]).run()
    assert listed(at)["Order id"].tolist() == ["3515313147329357912"]
    at.multiselect(key="od_mark").set_value([]).run()
    at.pills(key="od_status").set_value(["ok"]).run()
    assert listed(at)["Order id"].tolist() == ["fine"]
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1


def test_says_clearly_when_nothing_is_overdue(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state={"lang": "en"})
    at_moment(at, date(2026, 11, 20), time(12, 0))
    assert any("Nothing is overdue" in s.value for s in at.success)
    assert metric(at, "Ship paid orders · overdue").value == "0"


def test_page_in_chinese_by_default(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE)
    assert not at.exception
    assert at.title[0].value == "超时预警"


def test_human_time_left_and_late():
    from ui.overdue import human_left

    assert human_left(-(3 * 3600 + 20 * 60), "en") == "3 h 20 min late"
    assert human_left(-(3 * 3600 + 20 * 60), "zh") == "超时 3小时20分"
    assert human_left(2 * 86400 + 5 * 3600, "en") == "2 d 5 h left"
    assert human_left(59, "en") == "0 min left"
    assert human_left(-86400, "en") == "1 d late"


def test_aging_chart_stacks_one_trace_per_group():
    import pandas as pd

    from ui.overdue import aging_chart

    frame = pd.DataFrame({"bucket": ["<4h", "4-24h", "<4h", "4-24h"],
                          "rule": ["chase_unpaid", "chase_unpaid", "ship_paid", "ship_paid"],
                          "orders": [1, 0, 2, 3]})
    fig = aging_chart(frame, "rule", {"chase_unpaid": "Chase", "ship_paid": "Ship"},
                      {"<4h": "超时4小时内", "4-24h": "超时4–24小时"})
    assert [tr.name for tr in fig.data] == ["Chase", "Ship"]
    assert list(fig.data[0].x) == ["超时4小时内", "超时4–24小时"]    # never the raw codes
    assert list(fig.data[1].y) == [2, 3]
    assert fig.layout.barmode == "stack"


def test_overview_offers_the_daily_workbook(db, monkeypatch):
    at = fresh_app(db, monkeypatch, "pages/overview.py", state={"lang": "en"})
    assert not at.exception
    buttons = at.get("download_button")
    assert any("daily workbook" in b.proto.label for b in buttons)


def test_two_sessions_at_one_moment_share_the_list_its_filters_and_aging(db, monkeypatch):
    import functools

    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP
    from ui import overdue

    calls = []
    original = overdue.list_view

    @functools.wraps(original)
    def counted(*args, **kwargs):
        calls.append(args[1:])
        return original(*args, **kwargs)

    monkeypatch.setattr(overdue, "list_view", counted)
    chosen = datetime(2026, 11, 23, 12, 0)

    def of_chosen() -> int:     # the live minute before the choice may tick over meanwhile
        return sum(1 for c in calls if c[1] == chosen)

    first = at_moment(fresh_app(db, monkeypatch, page=PAGE), date(2026, 11, 23), time(12, 0))
    asked = of_chosen()
    assert asked >= 1
    second = AppTest.from_file(APP, default_timeout=60)   # another session, caches kept
    second.run()
    second.switch_page(PAGE)
    second.run()
    second = at_moment(second, date(2026, 11, 23), time(12, 0))
    assert of_chosen() == asked          # the list of that moment was worked out once
    assert listed(second).equals(listed(first))
