"""The war room's rate is steady (issue: one shipment swung it) and says what it counts; the
figures are worked by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from pipeline.db.states import refresh_states
from pipeline.desk import forecast
from tests.conftest import load, load_tables

AS_OF = datetime(2026, 11, 11, 15, 0)   # the rate window: 12:00 to 15:00 (3 h)


def event(store, order_id, action, at):
    """Append one event as the actions module would, and refresh the order's state."""
    with store.write() as cur:
        cur.execute(
            "insert into events (event_id, platform, shop, order_id, action, text, kind, "
            "target_event, author, acted_at) "
            "values (nextval('event_seq'), 'taobao', 's1', ?, ?, null, null, null, 'ann', ?)",
            [order_id, action, at])
        refresh_states(cur, pd.DataFrame(
            {"platform": ["taobao"], "shop": ["s1"], "order_id": [order_id]}))


def desk(store, processed: int, shipped: int) -> None:
    """20 orders waiting to ship (paid at 08:00); `processed` of them processed in the window
    (12:10, 12:20, …); `shipped` other orders shipped at 14:00."""
    waiting = [{"order_id": f"w{i:02d}", "created_at": "2026-11-11 07:55",
                "paid_at": "2026-11-11 08:00", "status_norm": "paid", "is_paid": True,
                "order_total": 10, "paid": 10} for i in range(20)]
    sent = [{"order_id": f"s{i}", "created_at": "2026-11-10 09:00",
             "paid_at": "2026-11-10 09:05", "shipped_at": "2026-11-11 14:00",
             "status_norm": "shipped", "is_paid": True, "order_total": 10, "paid": 10}
            for i in range(shipped)]
    load(store, waiting + sent)
    for i in range(processed):
        event(store, f"w{i:02d}", "process", datetime(2026, 11, 11, 12, 10)
              + timedelta(minutes=10 * i))


def test_one_shipment_does_not_swing_the_rate_from_what_the_desk_processes(store):
    desk(store, processed=12, shipped=1)
    cap = forecast.capacity(store.cursor(), AS_OF)
    # 12 processed in 3 h = 4 an hour, 1 shipped = 0.33 an hour: the larger is used
    # (before: the single shipment, 0.33 an hour and 60 h to clear 20 orders)
    assert (cap.rate_basis, cap.rate_per_hour) == ("processed", 4.0)
    assert cap.backlog == 20 and cap.hours_to_clear == 5.0


def test_too_few_orders_give_no_rate(store):
    desk(store, processed=2, shipped=1)
    cap = forecast.capacity(store.cursor(), AS_OF)
    # 2 processed and 1 shipped in 3 h: under 3 of either, no rate is projected
    # (before: the one shipment, 0.33 an hour)
    assert (cap.rate_basis, cap.rate_per_hour, cap.hours_to_clear) == (None, 0.0, None)


def test_the_burn_rate_counts_unpaid_orders(store):
    # an unpaid order placed at 14:00 with 3 units of X: 3 units in 3 h = 1 an hour
    load(store, [{"order_id": "u1", "created_at": "2026-11-11 14:00", "status_norm": "unpaid",
                  "order_total": 30, "paid": 0}],
         [{"order_id": "u1", "line_id": "1", "sku": "X", "quantity": 3, "unit_price": 10}])
    load_tables(store, stock=[{"sku": "X", "available": 6, "name": "Lip balm"}])
    burn = forecast.stock_burn(store.cursor(), AS_OF).set_index("sku")
    assert (burn.loc["X", "units_per_hour"], burn.loc["X", "cover_hours"]) == (1.0, 6.0)


def test_the_war_room_says_what_the_burn_rate_counts(tmp_path, monkeypatch):
    from tests.apptest import fresh_app, store_file

    db = store_file(tmp_path / "wr.duckdb", stock=[{"sku": "X", "available": 6}])
    at = fresh_app(db, monkeypatch, page="pages/warroom.py", state={"lang": "en"})
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert ("The rate of sale counts the units of the orders placed over the last 3 h, "
            "unpaid orders included (closed ones left out).") in captions
