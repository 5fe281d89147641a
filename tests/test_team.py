"""Who did what: the Team figures against events made by hand, the orders behind a figure,
the week's download, and the page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipeline.accounts.users import ensure_ready
from pipeline.base.filters import Filters
from pipeline.db.states import refresh_states
from pipeline.db.store import Store
from pipeline.desk import team
from pipeline.outputs.export import csv_bytes
from tests.apptest import fresh_app
from tests.conftest import load

WEEK = date(2026, 11, 18)  # a Wednesday: its week starts on Monday 16 November
D16, D17, D18 = (pd.Timestamp(f"2026-11-{d}") for d in (16, 17, 18))
LONG = "0012345678901234567"  # a 19-digit id with leading zeros

ORDERS = [
    {"order_id": "o1", "created_at": "2026-11-16 07:00", "status_norm": "paid",
     "paid_at": "2026-11-16 08:00"},
    {"order_id": LONG, "created_at": "2026-11-16 08:30", "status_norm": "shipped",
     "paid_at": "2026-11-16 09:00", "shipped_at": "2026-11-17 09:00"},
    {"order_id": "o3", "created_at": "2026-11-16 09:00", "status_norm": "paid",
     "paid_at": "2026-11-16 09:30"},
    {"order_id": "o4", "created_at": "2026-11-16 09:00", "status_norm": "paid",
     "paid_at": "2026-11-16 09:30"},
]

# (author, role, action, order, at, text, kind, target) - event ids follow this order, from 1
EVENTS = [
    ("Ann", "clerk", "process", "o1", "2026-11-16 10:00", None, None, None),
    ("Ann", "clerk", "courier", LONG, "2026-11-16 11:00", "SF 123", None, None),
    ("Bob", "clerk", "flag", "o3", "2026-11-17 09:00", "破损", "manual", None),
    ("Bob", "clerk", "resolve", "o3", "2026-11-17 12:00", "补发", "manual", None),
    ("Ann", "clerk", "resolve", "o1", "2026-11-18 10:00", "地址已确认", "address", None),
    ("Bob", "clerk", "note", LONG, "2026-11-18 15:00", "=1+2", None, None),
    ("Mia", "manager", "undo", LONG, "2026-11-18 16:00", None, None, 6),
    ("Ann", "clerk", "process", "o4", "2026-11-23 10:00", None, None, None),  # next week
]


def make(store: Store) -> Store:
    load(store, ORDERS)
    ensure_ready(store.cursor())
    with store.write() as cur:
        for author, role, action, order, at, text, kind, target in EVENTS:
            cur.execute(
                "insert into events (event_id, platform, shop, order_id, action, text, kind, "
                "target_event, author, acted_at, role) values (nextval('event_seq'), 'taobao', "
                "'s1', ?, ?, ?, ?, ?, ?, ?, ?)",
                [order, action, text, kind, target, author, at, role])
        refresh_states(cur)
    return store


@pytest.fixture
def desk(store: Store) -> Store:
    return make(store)


def rows(frame: pd.DataFrame, *cols: str) -> list[tuple]:
    return [tuple(r) for r in frame[list(cols)].itertuples(index=False)]


def test_actions_per_person_per_day_and_hour(desk):
    con = desk.cursor()
    assert team.week_of(WEEK) == date(2026, 11, 16)
    daily = team.actions_per_day(con, WEEK)
    assert rows(daily, "author", "day", "actions") == [
        ("Ann", D16, 2), ("Bob", D17, 2),
        ("Ann", D18, 1), ("Bob", D18, 1),
        ("Mia", D18, 1)]
    hourly = team.actions_per_hour(con, WEEK)
    assert rows(hourly, "author", "hour", "actions") == [
        ("Bob", 9, 1), ("Ann", 10, 2), ("Ann", 11, 1), ("Bob", 12, 1), ("Bob", 15, 1),
        ("Mia", 16, 1)]


def test_per_person_actions_undos_and_problems_resolved(desk):
    people = team.people(desk.cursor(), WEEK)
    assert rows(people, "author", "role", "actions", "orders", "undos", "undone", "resolved") == [
        ("Ann", "clerk", 3, 2, 0, 0, 1),
        ("Bob", "clerk", 3, 2, 0, 1, 1),
        ("Mia", "manager", 0, 1, 1, 0, 0)]


def test_time_to_resolve_from_the_flag_or_else_the_payment(desk):
    detail = team.resolved(desk.cursor(), WEEK)
    assert rows(detail, "author", "order_id", "kind", "start_source", "hours") == [
        ("Bob", "o3", "manual", "flag", 3.0),        # flagged 09:00, resolved 12:00
        ("Ann", "o1", "address", "paid", 50.0)]      # paid 16th 08:00, resolved 18th 10:00
    summary = team.resolved_summary(desk.cursor(), WEEK)
    assert rows(summary, "author", "kind", "resolved", "hours_median") == [
        ("Ann", "address", 1, 50.0), ("Bob", "manual", 1, 3.0)]


def test_payment_to_processed_and_to_shipped_per_person_and_shop(desk):
    detail = team.processed(desk.cursor(), WEEK)
    assert rows(detail, "author", "order_id", "hours_to_processed") == [
        ("Ann", "o1", 2.0), ("Ann", LONG, 2.0)]  # o4 was processed the week after
    summary = team.fulfil_summary(desk.cursor(), WEEK)
    assert rows(summary, "author", "shop", "processed", "hours_to_processed", "shipped",
                "hours_to_shipped") == [("Ann", "s1", 2, 2.0, 1, 24.0)]
    next_week = team.fulfil_summary(desk.cursor(), date(2026, 11, 23))
    assert rows(next_week, "author", "processed") == [("Ann", 1)]


def test_the_orders_behind_a_figure(desk):
    con = desk.cursor()
    assert team.behind(con, WEEK, "undone", "Bob")["order_id"].tolist() == [LONG]
    assert team.behind(con, WEEK, "undos", "Mia")["target_event"].tolist() == [6]
    assert team.behind(con, WEEK, "actions", "Ann")["order_id"].tolist() == ["o1", LONG, "o1"]
    assert team.behind(con, WEEK, "resolved", "Bob")["order_id"].tolist() == ["o3"]
    assert team.behind(con, WEEK, "processed", "Ann", shop="s1")["order_id"].tolist() == [
        "o1", LONG]
    with pytest.raises(ValueError):
        team.behind(con, WEEK, "everything", "Ann")


def test_the_shop_filter_and_an_empty_week(desk):
    assert team.people(desk.cursor(), WEEK, Filters(shops=("s2",))).empty
    assert team.week_events(desk.cursor(), date(2026, 10, 1)).empty


def test_the_weeks_download_keeps_ids_and_escapes_cells(desk):
    data = csv_bytes(team.week_events(desk.cursor(), WEEK))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert LONG in text and "'=1+2" in text and "=1+2," not in text.replace("'=1+2", "")


def test_history_shows_who_did_each_step_with_their_role(desk):
    from pipeline.desk.actions import history

    h = history(desk.cursor(), "taobao", "s1", LONG)
    events = h[h["source"] == "event"]
    assert rows(events, "action", "author", "role", "undone") == [
        ("courier", "Ann", "clerk", False), ("note", "Bob", "clerk", True),
        ("undo", "Mia", "manager", False)]


def test_the_team_page(tmp_path, monkeypatch):
    db = tmp_path / "team.duckdb"
    make(Store(db)).close()
    at = fresh_app(db, monkeypatch, "pages/team.py", state={"lang": "en", "team_week": WEEK})
    assert not at.exception
    people = next(d.value for d in at.dataframe if "Undos" in d.value.columns)
    assert people["Person"].tolist() == ["Ann", "Bob", "Mia"]
    assert people["Role"].tolist() == ["clerk", "clerk", "manager"]
    pick = at.selectbox(key="team_pick_en")
    undone = next(o for o in pick.options if o.startswith("Bob's actions — Undone"))
    assert undone.endswith(": 1")
    pick.select_index(pick.options.index(undone)).run()
    assert not at.exception
    listed = next(d.value for d in at.dataframe if "Detail" in d.value.columns
                  and "Action" in d.value.columns)
    assert listed["Order"].tolist() == [LONG]
    assert at.get("plotly_chart")


def test_team_tables_show_no_none_no_platform_code_and_times_to_the_minute():
    from ui.team import labelled

    summary = pd.DataFrame({"author": ["Ann", "Bob"], "shop": ["s1", "s1"], "processed": [2, 1],
                            "hours_to_processed": [3.5, 2.0], "shipped": [1, 0],
                            "hours_to_shipped": [24.0, None]})
    shown = labelled(summary)
    assert shown["付款到发货（小时，中位数）"].tolist() == ["24", "—"]
    assert shown["处理订单"].tolist() == [2, 1]                 # whole columns stay numbers
    events = pd.DataFrame({"order_id": [LONG], "platform": ["taobao"], "kind": [None],
                           "acted_at": [pd.Timestamp("2026-11-16 10:00:07.123")],
                           "text": [None]})
    shown = labelled(events)
    assert shown.iloc[0].tolist() == [LONG, "淘宝/天猫", "—", "2026-11-16 10:00", "—"]


def test_the_day_chart_has_a_tick_per_day_of_the_week_as_dates():
    """One day of actions drew ticks at times of day (00:00:00, 23:59:59.9996) and English
    month names: the axis is the week's seven days, written as numbers."""
    from ui.team import actions_chart

    per = pd.DataFrame({"author": ["Ann"], "day": [D18], "actions": [3], "orders": [3]})
    fig = actions_chart(per, "day", {"day": "日期", "actions": "操作数"})
    ticks = [pd.Timestamp(v) for v in fig.layout.xaxis.tickvals]
    assert [f"{v:%Y-%m-%d %H:%M}" for v in ticks] == [
        f"2026-11-{d} 00:00" for d in range(16, 23)]
    assert fig.layout.xaxis.tickformat == "%m-%d"
    assert fig.data[0].width == 0.7 * 86_400_000     # most of a day wide, not a hairline
    new_year = pd.DataFrame({"author": ["Ann"], "day": [pd.Timestamp("2026-12-31")],
                             "actions": [1], "orders": [1]})
    assert actions_chart(new_year, "day", {}).layout.xaxis.tickformat == "%Y-%m-%d"


def test_the_figure_picker_is_one_widget_per_language(tmp_path, monkeypatch):
    """The picker keeps its choice as the words shown: one widget for both languages still read
    "Wang 的操作: 12" after a switch to English. Each language has its own."""
    db = tmp_path / "team.duckdb"
    make(Store(db)).close()
    for lang, first in (("en", "Ann's actions: 3"), ("zh", "Ann 的操作: 3")):
        at = fresh_app(db, monkeypatch, "pages/team.py", state={"lang": lang, "team_week": WEEK})
        assert not at.exception
        pick = at.selectbox(key=f"team_pick_{lang}")
        assert pick.options[0] == first
