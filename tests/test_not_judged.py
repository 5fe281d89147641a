"""Alarms count only what can be known (DESIGN §4, §6): a rule a shop's exports cannot judge is
counted apart, and a stock alarm names only SKUs that demand takes below zero.

The Tmall file is a real excerpt of the public 7-column Tmall order report (订单编号, 总金额,
买家实际支付金额, 收货地址, 订单创建时间, 订单付款时间, 退款金额): its first 200 and last 89 data rows,
as published. Its 收货地址 names a province only and nothing says whether an order shipped.
The figures below were counted on the file itself (awk over its rows), not by the product:
289 orders; 40 without a payment time (unpaid, 24 of them created on 02-20/21); 54 paid but
with 0 left paid (refunded in full: the file writes paid net of refunds); 195 paid with
money kept (waiting to ship, as far as the file tells), 139 of them paid on 02-20/21.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from pipeline.base.filters import ALL, Filters
from pipeline.desk import forecast, kpis, queue, sla
from pipeline.ingest.importing import import_bytes
from pipeline.outputs.report import build_report
from tests.conftest import SAMPLES, load

TMALL = SAMPLES / "tmall_2020" / "tmall_order_report.excerpt.csv"
INVENTORY = SAMPLES.parent / "formats" / "shopify_inventory_sold_out.csv"
AS_OF = datetime(2020, 2, 28, 12, 0)   # the file's newest time is 2020-02-27 19:33


@pytest.fixture
def tmall(store):
    import_bytes(store, TMALL.name, TMALL.read_bytes())
    return store


def test_the_7_column_report_raises_no_shipping_or_address_alarm(tmall):
    rep = build_report(tmall.cursor(), AS_OF)
    # before: 139 ship_paid overdue (every order paid on 02-20/21 never "shipped") and 235
    # address alarms (`上海`, `江苏省`: a province only)
    assert rep["overdue"] == {"chase_unpaid": 24, "ship_paid": 0, "out_of_stock": 0,
                              "address": 0}
    assert rep["due_soon"] == {"chase_unpaid": 0, "ship_paid": 0, "out_of_stock": 0,
                               "address": 0}
    # counted apart: the 195 orders waiting to ship as far as the file tells, and the 235
    # open orders (195 + 40 unpaid) whose address is a province's name
    assert rep["not_judged"] == {"chase_unpaid": 0, "ship_paid": 195, "out_of_stock": 0,
                                 "address": 235}
    assert rep["problems"]["address"] == 0
    # the war room's backlog leaves them out too: it cannot know what is still to ship
    assert (rep["forecast"]["backlog"], rep["forecast"]["overdue_now"]) == (0, 0)


def test_the_7_column_report_holds_no_order_and_its_72_hour_rate_is_not_0(tmall):
    con = tmall.cursor()
    # before: 195 held by an address mark
    assert queue.queue_counts(con, ALL, AS_OF)["held"] == 0
    day = kpis.day_kpis(con, ALL, date(2020, 2, 20), None, AS_OF).set_index("kpi")
    # before: 0.0 (168 orders paid that day, none "shipped")
    assert pd.isna(day.loc["shipped_72h", "value"]) and pd.isna(day.loc["shipped", "value"])
    assert kpis.shipping_known(con, ALL) is False
    assert day.loc["paid_orders", "value"] == 168


def test_a_shop_with_shipping_facts_is_judged_beside_one_without(tmall):
    # shop s1's export says what shipped: one order shipped in 24 h, one waiting since 02-20;
    # one placed on 02-28 keeps s1's data fresh (a stale shop is judged as of its data moment)
    load(tmall, [
        {"order_id": "s-new", "created_at": "2020-02-28 08:00", "order_total": 10, "paid": 0,
         "status_norm": "unpaid"},
        {"order_id": "s-shipped", "created_at": "2020-02-20 09:00", "paid_at": "2020-02-20 09:05",
         "shipped_at": "2020-02-21 09:00", "status_norm": "shipped", "is_paid": True,
         "order_total": 10, "paid": 10, "address": "广东省 广州市 越秀区 中山五路219号"},
        {"order_id": "s-waiting", "created_at": "2020-02-20 10:00", "paid_at": "2020-02-20 10:05",
         "status_norm": "paid", "is_paid": True, "order_total": 10, "paid": 10,
         "address": "上海"},
    ])
    con = tmall.cursor()
    rep = build_report(con, AS_OF)
    # s-waiting: paid 02-20 10:05, due 02-23 10:05: overdue; its vague address is judged
    assert rep["overdue"]["ship_paid"] == 1
    assert rep["overdue"]["address"] == 1
    assert rep["not_judged"]["ship_paid"] == 195
    assert rep["not_judged"]["address"] == 235
    # the 72-hour share is over the orders of shops that say what shipped: 1 of 2
    day = kpis.day_kpis(con, ALL, date(2020, 2, 20), None, AS_OF).set_index("kpi")
    assert day.loc["shipped_72h", "value"] == 0.5
    assert kpis.shipping_known(con, ALL) is True
    assert kpis.shipping_known(con, Filters(shops=("",))) is False
    unknown = sla.not_judged(con, ALL, AS_OF).set_index("rule")
    assert unknown.loc["ship_paid", "shops"] == [("taobao", "")]


# ---------------------------------------------------------------------------------------------
# Stock: sold out is not running out


def test_an_inventory_at_0_with_no_demand_is_sold_out_not_running_out(store):
    # 5 rows with an SKU: two variants at 0 on hand and 0 available (their SKUs are UUIDs as
    # the shop's catalogue writes them), LS-SAND-L at 0 on hand (-2 available), TOTE-01 12.
    import_bytes(store, INVENTORY.name, INVENTORY.read_bytes())
    con = store.cursor()
    now = datetime(2026, 3, 10, 12, 0)
    # before: one alarm, 3 SKUs "used up", the first named by its UUID
    assert forecast.alerts(con, now) == []
    assert forecast.stock_burn(con, now).empty
    assert forecast.sold_out_skus(con, now) == 3
    rep = build_report(con, now)["forecast"]
    assert rep["skus_running_out"] == []
    assert rep["skus_sold_out"] == 3


def test_a_stock_alarm_names_its_skus_by_code_and_title(store):
    import_bytes(store, INVENTORY.name, INVENTORY.read_bytes())
    now = datetime(2026, 3, 10, 12, 0)
    uuid = "8a3d5b6f-1c8e-4d2f-8b66-3a1f9c2e4d81"
    load(store, [
        # waiting to ship: 14 totes where 12 are on hand (short by 2)
        {"order_id": "#1001", "created_at": "2026-03-10 09:00", "paid_at": "2026-03-10 09:01",
         "status_norm": "paid", "is_paid": True, "order_total": 140, "paid": 140},
        # an hour ago a shirt sold (shipped): at 0 left it runs out now, at 1/3 an hour
        {"order_id": "#1002", "created_at": "2026-03-10 11:00", "paid_at": "2026-03-10 11:00",
         "shipped_at": "2026-03-10 11:30", "status_norm": "shipped", "is_paid": True,
         "order_total": 30, "paid": 30},
    ], [
        {"order_id": "#1001", "line_id": "1", "sku": "TOTE-01", "quantity": 14,
         "unit_price": 10},
        {"order_id": "#1002", "line_id": "1", "sku": uuid, "quantity": 1, "unit_price": 30},
    ])
    con = store.cursor()
    burn = forecast.stock_burn(con, now)
    assert burn[["sku", "name", "status", "left_units"]].values.tolist() == [
        ["TOTE-01", "Canvas Tote", "short", -2],
        [uuid, "Linen Shirt - M / Sand", "selling", 0],
    ]
    (alert,) = forecast.alerts(con, now)
    assert (alert["skus"], alert["short"], alert["first"], alert["first_name"]) == (
        2, 1, "TOTE-01", "Canvas Tote")
    # the two other SKUs at 0 (a UUID variant and LS-SAND-L) nobody waits for: sold out
    assert forecast.sold_out_skus(con, now) == 2
    rep = build_report(con, now)["forecast"]
    assert [(s["sku"], s["name"], s["status"]) for s in rep["skus_running_out"]] == [
        ("TOTE-01", "Canvas Tote", "short"), (uuid, "Linen Shirt - M / Sand", "selling")]
    # the Stock page's short count is the same SKU
    from pipeline.desk import stock
    assert stock.short_skus(con)["sku"].tolist() == ["TOTE-01"]


def test_the_banner_sentence_names_code_and_title():
    from ui.warroom import alert_texts

    got = alert_texts([{"kind": "stock_runout", "skus": 2, "short": 1, "first": "TOTE-01",
                        "first_name": "Canvas Tote", "hours": 0.0, "within": 12.0}])
    assert got == ["2 个 SKU 将在 12 小时内用完，其中 1 个已不够待发货订单（最早：TOTE-01 · Canvas Tote）。"]


def test_running_out_is_within_the_alert_hours(store):
    """An SKU selling slower than the alert window is in the burn-down, not in the alarm."""
    load(store, [{"order_id": "a", "created_at": "2026-03-10 11:00", "paid_at": "2026-03-10 11:00",
                  "shipped_at": "2026-03-10 11:10", "status_norm": "shipped", "is_paid": True,
                  "order_total": 1, "paid": 1}],
         [{"order_id": "a", "line_id": "1", "sku": "SLOW", "quantity": 3, "unit_price": 1}])
    from tests.conftest import load_tables
    load_tables(store, stock=[{"sku": "SLOW", "available": 40, "name": "Slow seller"}])
    con = store.cursor()
    now = datetime(2026, 3, 10, 12, 0)
    # 3 units in the last 3 h: 1 an hour; 40 left: 40 h of cover, beyond 12
    burn = forecast.stock_burn(con, now)
    assert burn["cover_hours"].tolist() == [40.0]
    assert burn["runs_out_at"].tolist() == [now + timedelta(hours=40)]
    assert forecast.running_out(con, now).empty
    assert forecast.alerts(con, now) == []


def test_the_pages_say_not_judged_for_the_7_column_report(tmp_path, monkeypatch):
    from pipeline.db.store import Store
    from tests.apptest import fresh_app, metric

    s = Store(tmp_path / "tmall.duckdb")
    import_bytes(s, TMALL.name, TMALL.read_bytes())
    s.close()
    at = fresh_app(tmp_path / "tmall.duckdb", monkeypatch, state={"lang": "en"})
    assert not at.exception
    # before: "0.0%" and "0"
    assert metric(at, "Shipped within 72 h").value == "Not judged"
    assert metric(at, "Shipped").value == "Not judged"
    labels = [link.proto.label for link in at.get("page_link")]
    assert "Ship paid orders: 0 overdue · 0 due soon · 195 not judged" in labels
    assert "Address: 0 overdue · 0 due soon · 235 not judged" in labels
    assert "Held by a problem: 0" in labels
    at.switch_page("pages/overdue.py").run()
    assert not at.exception
    notes = " ".join(c.value for c in at.caption)
    # the caption is escaped Markdown: backslashes and a word joiner after each colon
    plain = notes.replace("\\", "").replace("\u2060", "")
    assert "Ship paid orders: 195 orders not judged" in plain
    assert "Address: 235 orders not judged" in plain


def test_the_queue_counts_no_order_overdue_that_it_cannot_judge(tmall):
    con = tmall.cursor()
    counts = queue.queue_counts(con, ALL, AS_OF)
    # before: 139 overdue (the orders paid on 02-20/21, never seen shipping)
    assert (counts["waiting"], counts["overdue"], counts["due_soon"]) == (195, 0, 0)
    assert set(queue.work_queue(con, ALL, AS_OF)["due"]) == {"not_judged"}
    assert set(queue.batch_members(con, ALL, AS_OF)["due"]) == {"not_judged"}
