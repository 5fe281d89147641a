"""The loaded demo (pipeline/ingest/bootstrap.py load_demo): a few orders the desk processed
that a later export edited show as changed after the desk acted (DESIGN §6/§12
`info_changed`); some orders carry the shop's flag; the stock carries barcodes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.base.filters import ALL
from pipeline.db.settings import DEFAULT_MESSAGE_RULES, save_setting
from pipeline.db.store import Store
from pipeline.desk import info
from pipeline.desk.problems import open_problems
from pipeline.ingest import bootstrap

ORDERS = 1500   # enough orders waiting to ship at any hour for the six edited ones


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo_changes")
    s = Store(tmp / "demo.duckdb")
    results = bootstrap.load_demo(s, orders=ORDERS, out_dir=tmp / "files")
    yield s, results
    s.close()


def now() -> datetime:
    return datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)


def test_every_export_is_imported_the_later_order_report_last(demo):
    store, results = demo
    assert [r.status for r in results] == ["imported"] * 10
    names = [r[0] for r in store.cursor().execute(
        "select file_name from imports where imported_by = 'demo' order by import_id").fetchall()]
    assert names[2] == "order_flags.csv" and names[-1] == "taobao_orders_later.csv"
    assert bootstrap.is_demo(store.cursor())


def test_six_processed_orders_show_what_the_later_export_changed(demo):
    store, _ = demo
    cur = store.cursor()
    processed = {r[0] for r in cur.execute(
        "select order_id from events where action = 'process' and author = '小美'").fetchall()}
    assert len(processed) == 6
    fields = cur.execute(
        "select field, count(*) from info_changes group by field order by field").fetchall()
    # two buyer messages, two seller notes, two new addresses with the note that says so
    assert fields == [("address", 2), ("buyer_message", 2), ("seller_note", 4)]
    changed = {r[0] for r in cur.execute("select order_id from info_changes").fetchall()}
    assert changed == processed
    marks = open_problems(cur, ALL, now())
    held = set(marks.loc[marks["problem"] == "info_changed", "order_id"])
    assert held == processed


def test_the_demo_carries_flags_and_a_rule_catches_the_open_flagged_orders(demo):
    store, _ = demo
    cur = store.cursor()
    colours = dict(cur.execute(
        "select seller_flag, count(*) from orders where seller_flag is not null "
        "group by all").fetchall())
    assert set(colours) == {"红", "黄", "绿", "蓝", "紫"}
    assert 0.01 < sum(colours.values()) / ORDERS < 0.06     # about 1 %, and noted orders
    def red_open() -> int:
        return cur.execute(
            "select count(*) from orders o semi join open_orders using (platform, shop, order_id) "
            "where o.seller_flag = '红'").fetchall()[0][0]

    if not red_open():   # which orders are still open depends on the hour the demo is made
        key = cur.execute("select platform, shop, order_id from open_orders "
                          "order by order_id limit 1").fetchall()[0]
        with store.write() as w:
            w.execute("update orders set seller_flag = '红' "
                      "where platform = ? and shop = ? and order_id = ?", list(key))
    assert red_open() >= 1
    rule = {"id": "red", "category": "red_flag", "pattern": "红", "regex": False,
            "applies_to": ["flag"], "does": "first", "courier": None, "enabled": True}
    with store.write() as w:
        save_setting(w, "message_rules", [*DEFAULT_MESSAGE_RULES, rule], "ann")
    try:
        assert info.message_counts(store.cursor(), ALL)["red_flag"] == red_open()
    finally:
        with store.write() as w:
            save_setting(w, "message_rules", DEFAULT_MESSAGE_RULES, "ann")


def test_the_stock_carries_barcodes_as_text(demo):
    store, _ = demo
    rows = store.cursor().execute(
        "select count(*), count(barcode), count(*) filter (where barcode like '00%'), "
        "count(*) filter (where length(barcode) = 13) from stock").fetchall()[0]
    total, given, zeros, thirteen = rows
    assert given == total - 1 and thirteen == given and zeros >= 3
