"""Page data remembered per data version and shared (pipeline/db/cache.py): a write changes the
answer, two calls at one data version compute once, and what is remembered between moments
gives what a computation from scratch gives (an in-memory store remembers nothing)."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from pipeline.base.filters import ALL, Filters
from pipeline.db import cache
from pipeline.db.store import MEMORY, Store
from pipeline.desk import actions, forecast, freshness, kpis, problems, queue, sla, stock
from tests import sharing_probe
from tests.conftest import load, load_tables
from tests.factories import ADDR, event

NOW = datetime(2026, 11, 20, 12, 0)
VAGUE = {"province": "广东省", "city": "广州市", "district": "", "address": "不详"}

FRESH = [
    {"order_id": "p1", "status_norm": "paid", "created_at": "2026-11-17 08:00",
     "paid_at": "2026-11-17 08:10", "buyer": "ann", **ADDR},
    {"order_id": "p2", "status_norm": "paid", "created_at": "2026-11-19 20:00",
     "paid_at": "2026-11-19 20:05", "buyer": "ann", **ADDR},
    {"order_id": "p3", "status_norm": "paid", "created_at": "2026-11-20 09:00",
     "paid_at": "2026-11-20 09:30", "buyer": "bo", "buyer_message": "请发顺丰", **VAGUE},
    {"order_id": "p4", "status_norm": "paid", "created_at": "2026-11-20 11:00",
     "paid_at": "2026-11-20 11:50", "buyer": "cy", **ADDR},
    {"order_id": "u1", "status_norm": "unpaid", "is_paid": False,
     "created_at": "2026-11-18 10:00", "buyer": "di", **ADDR},
    # shipped after the day before: on the board as of then, not now
    {"order_id": "s1", "status_norm": "shipped", "created_at": "2026-11-18 09:00",
     "paid_at": "2026-11-18 09:05", "shipped_at": "2026-11-20 10:00", "buyer": "ed", **ADDR},
]
FRESH_LINES = [
    {"order_id": "p1", "line_id": "1", "sku": "A", "quantity": 2},
    {"order_id": "p2", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "p3", "line_id": "1", "sku": "B", "quantity": 1},
    {"order_id": "p4", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "p4", "line_id": "2", "sku": "B", "quantity": 1},
    {"order_id": "u1", "line_id": "1", "sku": "B", "quantity": 1},
    {"order_id": "s1", "line_id": "1", "sku": "A", "quantity": 1},
]
# a shop whose only export is days old: stale, timed as of its own data moment
OLD = [
    {"order_id": "o1", "shop": "old", "status_norm": "paid", "created_at": "2026-11-13 10:00",
     "paid_at": "2026-11-13 10:30", **ADDR},
]
MOMENTS = [NOW - timedelta(hours=3), NOW, NOW + timedelta(minutes=1),
           NOW + timedelta(minutes=7), NOW - timedelta(days=1), NOW + timedelta(days=1)]


def fill(store: Store) -> Store:
    load(store, OLD, name="old export")
    load(store, FRESH, FRESH_LINES, name="fresh export")
    load_tables(store, stock=[{"sku": "A", "available": 3}, {"sku": "B", "available": 5}])
    event(store, "p2", "flag", "2026-11-20 08:00", text="call the buyer")
    return store


@pytest.fixture
def filled(store: Store) -> Store:
    cache.clear()
    return fill(store)


@pytest.fixture
def scratch() -> Store:
    s = fill(Store(MEMORY))
    yield s
    s.close()


def board_calls(con, f, as_of):
    return {
        "sla_orders": sla.sla_orders(con, f, as_of),
        "sla_board": sla.sla_board(con, f, as_of),
        "sla_counts_vs": sla.sla_counts_vs(con, f, as_of),
        "work_queue": queue.work_queue(con, f, as_of),
        "batch_members": queue.batch_members(con, f, as_of, 2),
        "batches": queue.batches(con, f, as_of, 2),
        "queue_counts": queue.queue_counts(con, f, as_of),
        "open_problems": problems.open_problems(con, f, as_of),
        "stock_status": stock.stock_status(con, as_of),
        "stock_burn": forecast.stock_burn(con, as_of),
        "freshness": freshness.shop_freshness(con, as_of),
        # the 72-hour share of 11-17 (and 11-16) is known from 11-21 (11-20) on
        "day_kpis": kpis.day_kpis(con, f, date(2026, 11, 17), None, as_of),
    }


def same(a, b) -> None:
    if isinstance(a, pd.DataFrame):
        # the stock's snapshot is the moment of its import: another in each store
        pd.testing.assert_frame_equal(a.drop(columns="snapshot_at", errors="ignore"),
                                      b.drop(columns="snapshot_at", errors="ignore"))
    else:
        assert a == b


@pytest.mark.parametrize("f", [ALL, Filters(shops=("s1",))], ids=["all", "one shop"])
def test_every_moment_gives_what_a_computation_from_scratch_gives(filled, scratch, f):
    for as_of in MOMENTS:          # the same data, moments before, at and after the newest
        kept = board_calls(filled.cursor(), f, as_of)
        fresh = board_calls(scratch.cursor(), f, as_of)
        for name, got in kept.items():
            same(got, fresh[name])
    assert cache.computed["problems.marks"] >= 1


def test_two_calls_at_one_data_version_compute_once(filled):
    # counted for this store only: another test's store may still be warmed meanwhile
    names = ("pipeline.desk.sla.sla_board", "queue.untimed", "queue.members")
    before = {n: cache.computed_for(filled.cursor(), n) for n in names}
    first = sla.sla_board(filled.cursor(), ALL, NOW)
    second = sla.sla_board(filled.cursor(), ALL, NOW)
    pd.testing.assert_frame_equal(first, second)
    assert cache.computed_for(filled.cursor(), names[0]) - before[names[0]] == 1
    # the queue's functions at one moment share one queue, its members and its batches
    for fn in (queue.work_queue, queue.held_orders, queue.batches, queue.queue_counts,
               queue.batch_members):
        fn(filled.cursor(), ALL, NOW)
    assert cache.computed_for(filled.cursor(), names[1]) - before[names[1]] == 1
    assert cache.computed_for(filled.cursor(), names[2]) - before[names[2]] == 1


def test_the_overdue_counts_take_the_alarm_rows_counts_as_of_the_moment(filled, monkeypatch):
    # the Overview's alarm row asks sla_counts; the Overdue page at the same minute asks
    # sla_counts_vs, which evaluates only the day before again
    now = sla.sla_counts(filled.cursor(), ALL, NOW)
    evaluated = []
    evaluate = sla._evaluate

    def counting(con, f, as_of, *args, **kwargs):
        evaluated.append(as_of)
        return evaluate(con, f, as_of, *args, **kwargs)

    monkeypatch.setattr(sla, "_evaluate", counting)
    vs = sla.sla_counts_vs(filled.cursor(), ALL, NOW)
    assert evaluated == [NOW - timedelta(days=1)]
    pd.testing.assert_frame_equal(vs[now.columns], now)


def test_later_minutes_share_the_marks_and_the_clock_rules(filled):
    sla.sla_orders(filled.cursor(), ALL, NOW + timedelta(minutes=1))
    before = cache.computed.copy()
    later = sla.sla_orders(filled.cursor(), ALL, NOW + timedelta(minutes=2))
    queue.work_queue(filled.cursor(), ALL, NOW + timedelta(minutes=2))
    for name in ("problems.marks", "sla.clock_rows", "pipeline.desk.allocation.short_orders",
                 "problems.all_vague", "freshness.data_moments"):
        assert cache.computed[name] == before[name], name
    # ... and still time the rows as of the minute asked
    assert cache.computed["pipeline.desk.sla.sla_orders"] == before["pipeline.desk.sla.sla_orders"] + 1
    fresh = later[~later["stale"]]
    assert (fresh["as_of"] == pd.Timestamp(NOW + timedelta(minutes=2))).all()


def test_sessions_asking_at_once_wait_for_one_computation(filled):
    """Three sessions ask while a fourth computes (held until all three are seen waiting
    inside the shared result's lock): one computation, four equal answers."""
    sharing_probe.reset(hold=True)
    got: list[int] = []

    def ask() -> None:
        con = filled.cursor()
        got.append(cache.remembered(con, "test.held_board", ("k",),
                                   lambda: sharing_probe.slow_board(con, "m")))

    first = threading.Thread(target=ask)
    first.start()
    assert sharing_probe.STARTED.wait(60)
    others = [threading.Thread(target=ask) for _ in range(3)]
    for t in others:
        t.start()
    for t in others:
        assert sharing_probe.waits_inside(t, "_remember", "pipeline/db/cache.py")
    sharing_probe.RELEASE.set()
    for t in [first, *others]:
        t.join(60)
    assert len(got) == 4 and len(set(got)) == 1
    assert sharing_probe.CALLS == [("m",)]


def test_an_action_changes_the_answer(filled):
    now = filled.now() + timedelta(hours=1)   # the actions are recorded now: ask after them
    marks = problems.open_problems(filled.cursor(), ALL, now)
    assert ("p3", "buyer_message") in set(zip(marks["order_id"], marks["problem"], strict=True))
    counts = queue.queue_counts(filled.cursor(), ALL, now)
    actions.record(filled, ("taobao", "s1", "p3"), "review", "ann", text="请发顺丰")
    actions.record(filled, ("taobao", "s1", "p1"), "process", "ann")
    later = problems.open_problems(filled.cursor(), ALL, now)
    assert ("p3", "buyer_message") not in set(zip(later["order_id"], later["problem"],
                                                  strict=True))
    after = queue.queue_counts(filled.cursor(), ALL, now)
    assert after["processed"] == counts["processed"] + 1


def test_an_import_changes_the_answer(filled):
    waiting = queue.queue_counts(filled.cursor(), ALL, NOW)["waiting"]
    status = stock.stock_status(filled.cursor(), NOW).set_index("sku")
    load(filled, [{"order_id": "p5", "status_norm": "paid", "created_at": "2026-11-20 11:58",
                   "paid_at": "2026-11-20 11:59", **ADDR}],
         [{"order_id": "p5", "line_id": "1", "sku": "A", "quantity": 4}], name="later export")
    assert queue.queue_counts(filled.cursor(), ALL, NOW)["waiting"] == waiting + 1
    after = stock.stock_status(filled.cursor(), NOW).set_index("sku")
    assert after.loc["A", "open_demand"] == status.loc["A", "open_demand"] + 4
    assert "p5" in sla.sla_board(filled.cursor(), ALL, NOW)["order_id"].tolist()


def test_a_setting_saved_on_a_bare_cursor_is_seen(filled):
    from pipeline.db.settings import save_setting

    ok = sla.sla_counts(filled.cursor(), ALL, NOW).set_index("rule")
    save_setting(filled.cursor(), "ship_paid_hours", 1, "ann")
    tight = sla.sla_counts(filled.cursor(), ALL, NOW).set_index("rule")
    assert tight.loc["ship_paid", "overdue"] > ok.loc["ship_paid", "overdue"]


def test_a_caller_changing_its_copy_changes_nothing_remembered(filled):
    board = sla.sla_board(filled.cursor(), ALL, NOW)
    board.loc[:, "status"] = "changed"
    board["order_id"] = "x"
    again = sla.sla_board(filled.cursor(), ALL, NOW)
    assert len(again) and "changed" not in again["status"].tolist()
    assert "x" not in again["order_id"].tolist()


def test_two_stores_never_share_a_result(tmp_path):
    a, b = Store(tmp_path / "a.duckdb"), Store(tmp_path / "b.duckdb")
    try:
        load(a, FRESH, FRESH_LINES, name="fresh export")
        load(b, FRESH[:2], name="fresh export")
        # the same data version in both stores: each its own answer
        assert a.data_version() == b.data_version()
        assert len(queue.work_queue(a.cursor(), ALL, NOW)) == 4
        assert len(queue.work_queue(b.cursor(), ALL, NOW)) == 2
    finally:
        a.close()
        b.close()
