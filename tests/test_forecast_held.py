"""Orders held by a problem (out of stock, flagged) are counted apart (issue 34, point 6): they
take no place in the packers' line, never hide a breach there and are not in what the desk can
clear; they keep their own deadlines. A 双11 at 15:00, figures by hand."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from pipeline.db.states import refresh_states
from pipeline.desk import forecast
from pipeline.outputs.report import build_report
from tests.conftest import load, load_tables

AS_OF = datetime(2026, 11, 11, 15, 0)


def paid(oid: str, paid_at: str, **kw) -> dict:
    return {"order_id": oid, "created_at": paid_at, "paid_at": paid_at, "status_norm": "paid",
            "is_paid": True, "order_total": 10, "paid": 10, **kw}


def sent(oid: str, at: str) -> dict:
    return {"order_id": oid, "created_at": "2026-11-10 09:00", "paid_at": "2026-11-10 09:00",
            "shipped_at": at, "status_norm": "shipped", "is_paid": True, "order_total": 10,
            "paid": 10}


@pytest.fixture
def desk(store):
    # ship_paid = paid + 72 h: w4 due 15:30 (flagged), w1 16:00, w2 17:00 (its SKU X is out of
    # stock), w3 17:30, w5 20:00, all on 11-11. Three shipped 12:00–15:00: 1 an hour.
    waiting = [paid("w4", "2026-11-08 15:30"), paid("w1", "2026-11-08 16:00"),
               paid("w2", "2026-11-08 17:00"), paid("w3", "2026-11-08 17:30"),
               paid("w5", "2026-11-08 20:00")]
    shipped = [sent("r1", "2026-11-11 12:30"), sent("r2", "2026-11-11 13:30"),
               sent("r3", "2026-11-11 14:30")]
    lines = [{"order_id": o["order_id"], "line_id": "1", "sku": "A", "quantity": 1,
              "unit_price": 10} for o in waiting if o["order_id"] != "w2"]
    lines.append({"order_id": "w2", "line_id": "1", "sku": "X", "quantity": 1, "unit_price": 10})
    load(store, waiting + shipped, lines)
    load_tables(store, stock=[{"sku": "A", "available": 50}, {"sku": "X", "available": 0}])
    with store.write() as cur:   # w4 flagged by hand at 14:00
        cur.execute(
            "insert into events (event_id, platform, shop, order_id, action, text, kind, "
            "target_event, author, acted_at) values (nextval('event_seq'), 'taobao', 's1', "
            "'w4', 'flag', 'buyer asked to wait', 'manual', null, 'ann', ?)",
            [datetime(2026, 11, 11, 14, 0)])
        refresh_states(cur, pd.DataFrame({"platform": ["taobao"], "shop": ["s1"],
                                          "order_id": ["w4"]}))
    return store


def test_held_orders_are_counted_apart_with_their_own_deadlines(desk):
    grid, cap, packers = forecast.breach_forecast(desk.cursor(), AS_OF)
    # five waiting, two held (w4 flagged, w2 out of stock): the line is w1, w3, w5
    assert (cap.backlog, cap.held, cap.held_overdue, cap.rate_per_hour) == (5, 2, 0, 1.0)
    # at 1 an hour: w1 leaves 16:00 (due 16:00), w3 17:00 (17:30), w5 18:00 (20:00): none
    # breaches (before: w4, w1, w2 and w3 in the line, 4 breaches at 15, 16, 17 and 17)
    assert int(grid["breaches"].sum()) == 0
    # the line's deadlines: w1 in hour 1 (16:00), w3 in hour 2, w5 in hour 5
    assert grid.loc[grid["deadlines"] > 0, "hour"].tolist() == [1, 2, 5]
    # the held ones keep theirs: w4 in hour 0 (15:30), w2 in hour 2 (17:00)
    assert grid.loc[grid["held"] > 0, "hour"].tolist() == [0, 2]
    assert int(grid["held"].sum()) == 2
    # the packers clear 3 orders: 3 h at 1 an hour (before: 5 h)
    assert cap.hours_to_clear == 3.0
    # lowest rate with none late: max(1/1, 2/2.5, 3/5) = 1 an hour → 1 packer at 40 an hour
    assert packers == 1


def test_report_says_what_is_held(desk):
    got = build_report(desk, AS_OF)["forecast"]
    assert got["backlog"] == 5 and got["hours_to_clear"] == 3.0
    assert got["held"]["orders"] == 2 and got["held"]["overdue_now"] == 0
    assert got["held"]["deadlines_by_hour"][:3] == [1, 0, 1]
    assert sum(got["held"]["deadlines_by_hour"]) == 2
    assert got["breaches_by_hour"] == [0] * 24


def test_the_war_room_says_what_is_held(desk, monkeypatch):
    from tests.apptest import fresh_app, metric

    path = desk.path
    desk.close()
    monkeypatch.setattr("ui.data.now_in", lambda settings: AS_OF)
    at = fresh_app(path, monkeypatch, page="pages/warroom.py", state={"lang": "en"})
    assert not at.exception
    assert metric(at, "Hours to clear the backlog").value == "3.0"
    assert ("2 of them are held by a problem (out of stock, flagged): not in the packers' line, "
            "the hours to clear or the packers needed; their deadlines still run: 0 already "
            "past, 2 due in the next 72 h.") in [c.value for c in at.caption]
