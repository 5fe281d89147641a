"""How old each shop's data is (pipeline/desk/freshness.py), and what a stale shop does to the time
rules, the work queue, the report and the pages."""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
import pytest

from pipeline.base.filters import ALL
from pipeline.db.store import Store
from pipeline.desk.freshness import shop_freshness
from pipeline.desk.queue import work_queue
from pipeline.desk.sla import sla_counts, sla_counts_vs, sla_orders
from pipeline.ingest.importing import import_path
from pipeline.outputs.report import build_report
from tests.apptest import fresh_app
from tests.conftest import SAMPLES, load
from tests.factories import ADDR

OLD_SHOP = "勤驿达海外生活"
OLD_MOMENT = pd.Timestamp("2017-07-08 00:42:39")   # the newest time in the 2017 export (a payment)
AS_OF = datetime(2026, 12, 1, 10, 0)
FRESH = [
    # paid 11-27 09:00: 72 h to ship ran out on 11-30 09:00, 25 h before AS_OF
    {"order_id": "late", "shop": "fresh", "status_norm": "paid", "created_at": "2026-11-27 08:00",
     "paid_at": "2026-11-27 09:00", **ADDR},
    # the newest time of the fresh export: 12-01 08:00
    {"order_id": "new", "shop": "fresh", "status_norm": "paid", "created_at": "2026-12-01 07:55",
     "paid_at": "2026-12-01 08:00", **ADDR},
]


def with_old_sample(store: Store) -> Store:
    for name in ("ExportOrderList201707080100.masked.utf8.csv",
                 "ExportOrderDetailList201707080100.utf8.csv"):
        assert import_path(store, SAMPLES / "taobao_2017" / name).status == "imported"
    load(store, FRESH, name="fresh export")
    return store


def test_each_shop_has_the_moment_of_its_newest_export_and_is_stale_after_a_day(store):
    with_old_sample(store)
    got = shop_freshness(store.cursor(), AS_OF)
    want = pd.DataFrame({"platform": ["taobao", "taobao"], "shop": ["fresh", OLD_SHOP],
                         "data_moment": [pd.Timestamp("2026-12-01 08:00"), OLD_MOMENT],
                         "stale": [False, True]})
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # a day after the data moment is still fresh, a second more is stale
    edge = shop_freshness(store.cursor(), datetime(2026, 12, 2, 8, 0))
    assert edge["stale"].tolist() == [False, True]
    assert shop_freshness(store.cursor(), datetime(2026, 12, 2, 8, 0, 1))["stale"].tolist() == [
        True, True]
    # asked about a moment before its data was taken, no shop is stale
    assert not shop_freshness(store.cursor(), datetime(2017, 7, 8, 12))["stale"].any()


def test_a_quiet_shop_exported_with_a_busy_one_is_as_fresh_as_the_file(store):
    load(store, [
        {"order_id": "q1", "shop": "quiet", "status_norm": "unpaid", "is_paid": False,
         "created_at": "2026-11-25 10:00"},
        {"order_id": "b1", "shop": "busy", "status_norm": "paid",
         "created_at": "2026-12-01 09:00", "paid_at": "2026-12-01 09:30"},
    ])
    got = shop_freshness(store.cursor(), AS_OF)
    assert got[["shop", "stale"]].values.tolist() == [["busy", False], ["quiet", False]]
    assert got["data_moment"].tolist() == [pd.Timestamp("2026-12-01 09:30")] * 2


def test_the_2017_sample_is_timed_as_of_its_data_moment_after_the_fresh_shop(store):
    with_old_sample(store)
    rows = sla_orders(store.cursor(), ALL, AS_OF)
    ship = rows[rows["rule"] == "ship_paid"]
    # the fresh shop first, though the 2017 orders were paid nine years earlier
    assert ship["order_id"].tolist()[:2] == ["late", "new"]
    assert ship[["order_id", "status", "stale"]].values.tolist()[:2] == [
        ["late", "overdue", False], ["new", "ok", False]]
    old = ship[ship["shop"] == OLD_SHOP]
    assert len(old) == 5 and old["stale"].all() and (old["as_of"] == OLD_MOMENT).all()
    # as of 2017-07-08 00:42:39 the orders paid on 07-07 19:00 … 07-08 00:42 had 72 h to ship
    first = old.sort_values("deadline").iloc[0]
    assert (first["order_id"], str(first["deadline"]), first["status"], first["seconds_left"]) == (
        "29911142123210814", "2017-07-10 19:00:46", "ok", 2 * 86400 + 18 * 3600 + 18 * 60 + 7)
    assert set(old["status"]) == {"ok"}
    counts = sla_counts(store.cursor(), ALL, AS_OF).set_index("rule")
    assert counts.loc["ship_paid"].tolist() == [1, 0]
    # the day before ("late" was already an hour late on 11-30 10:00), the old shop as of the
    # day before its own moment: nothing to ship was late then either
    vs = sla_counts_vs(store.cursor(), ALL, AS_OF).set_index("rule")
    assert vs.loc["ship_paid"].tolist() == [1, 0, 1, 0]


def stale_shop_with(store: Store, unpaid: dict) -> None:
    """Shop "old" holding `unpaid` (created 11-20 10:00) and a later shipment that makes its
    data moment 11-23 10:00, when the unpaid order was a day late already; shop "new" fresh."""
    load(store, [{"order_id": unpaid["order_id"], "shop": "old", "status_norm": "unpaid",
                  "is_paid": False, "created_at": "2026-11-20 10:00", **unpaid},
                 {"order_id": "s1", "shop": "old", "status_norm": "shipped",
                  "created_at": "2026-11-23 09:00", "paid_at": "2026-11-23 09:30",
                  "shipped_at": "2026-11-23 10:00"}], name="old shop")
    load(store, [{"order_id": "f1", "shop": "new", "status_norm": "paid",
                  "created_at": "2026-12-01 09:00", "paid_at": "2026-12-01 09:30"}],
         name="new shop")


def test_a_reminder_the_desk_records_clears_chase_unpaid_in_a_stale_shop_too(store):
    """A stale shop's rules run at its data moment, but the desk's own reminder (recorded
    now, after that moment) is the desk's, not the export's: it clears the order."""
    from pipeline.desk import actions

    stale_shop_with(store, {"order_id": "u1"})
    rows = sla_orders(store.cursor(), ALL, AS_OF)
    chase = rows[rows["rule"] == "chase_unpaid"]
    assert chase[["order_id", "status", "stale"]].values.tolist() == [["u1", "overdue", True]]
    actions.record(store, ("taobao", "old", "u1"), "remind", by="Li")
    now = store.now().replace(second=0, microsecond=0) + pd.Timedelta(minutes=1)
    rows = sla_orders(store.cursor(), ALL, now)
    assert rows[rows["rule"] == "chase_unpaid"].empty
    # as of a moment before the reminder, it was still to chase
    assert not sla_orders(store.cursor(), ALL, AS_OF).query("rule == 'chase_unpaid'").empty


def test_a_cash_on_delivery_order_confirmed_in_a_stale_shop_stays_under_a_rule(store):
    """A confirmation starts the ship_paid clock, read at the stale shop's moment: the order
    is still chased there, never under no rule at all."""
    from pipeline.desk import actions

    stale_shop_with(store, {"order_id": "c1", "is_cod": True})
    actions.record(store, ("taobao", "old", "c1"), "confirm", by="Li")
    now = store.now().replace(second=0, microsecond=0) + pd.Timedelta(minutes=1)
    rows = sla_orders(store.cursor(), ALL, now)
    assert rows[rows["order_id"] == "c1"]["rule"].tolist() == ["chase_unpaid"]


def test_the_queue_puts_the_stale_shop_after_the_fresh_one(store):
    with_old_sample(store)
    q = work_queue(store.cursor(), ALL, AS_OF)
    assert q["shop"].tolist() == ["fresh", "fresh", *[OLD_SHOP] * 5]
    assert q["stale"].tolist() == [False, False, *[True] * 5]
    assert q["due"].tolist()[:2] == ["overdue", "ok"] and set(q["due"][2:]) == {"ok"}
    assert (q.loc[q["stale"], "data_as_of"] == OLD_MOMENT).all()


def test_the_report_names_the_stale_shop_and_counts_it_as_of_its_moment(store):
    with_old_sample(store)
    rep = build_report(store.cursor(), AS_OF)
    assert rep["stale_shops"] == [
        {"shop": OLD_SHOP, "platform": "taobao", "name": OLD_SHOP,
         "data_as_of": "2017-07-08 00:42:39"}]
    assert rep["overdue"]["ship_paid"] == 1
    assert build_report(store.cursor(), datetime(2026, 12, 1, 12))["stale_shops"][0]["shop"] == (
        OLD_SHOP)
    assert build_report(store.cursor(), datetime(2017, 7, 8, 12))["stale_shops"] == []


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "fresh.duckdb"
    s = with_old_sample(Store(path))
    s.close()
    return path


def test_overdue_page_warns_of_the_stale_shop_and_lists_it_last(db, monkeypatch):
    at = fresh_app(db, monkeypatch, "pages/overdue.py", state={"lang": "en"})
    at.toggle(key="od_live").set_value(False).run()
    at.date_input(key="od_day").set_value(date(2026, 12, 1))
    at.time_input(key="od_time").set_value(time(10, 0))
    at.run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "more than a day old" in warning and OLD_SHOP in warning
    assert "2017-07-08 00:42" in warning
    captions = " ".join(c.value for c in at.caption)
    assert "Data as of" in captions and "2026-12-01 08:00" in captions
    at.pills(key="od_status").set_value(["overdue", "due_soon", "ok"]).run()
    table = at.dataframe[0].value
    assert table["Order id"].tolist()[:2] == ["late", "new"]
    old = table[table["Shop"] == f"{OLD_SHOP} · Taobao/Tmall"]    # name · platform
    assert len(old) >= 5
    assert set(old["Data as of"]) == {"stale data (as of 2017-07-08 00:42)"}
    assert set(table.loc[table["Shop"] == "fresh · Taobao/Tmall", "Data as of"]) == {""}


def test_queue_and_overview_show_the_data_moment(db, monkeypatch):
    for page in ("pages/queue.py", "pages/overview.py"):
        at = fresh_app(db, monkeypatch, page, state={"lang": "en"})
        assert not at.exception
        assert any(OLD_SHOP in w.value for w in at.warning), page
        assert any("Data as of" in c.value for c in at.caption), page
