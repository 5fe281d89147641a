"""Numbers a manager can trust: net-paid refunds, a template's status, what a promotion is.

Each file is written in the platform's own layout and imported through the store, so the
reader's decision and the state definition are checked together.
"""

from __future__ import annotations

import csv
import io

from pipeline.base.filters import ALL
from pipeline.desk import promo
from pipeline.ingest.importing import import_bytes
from tests.conftest import states

TMALL_2020S = ["订单编号", "买家会员名", "买家会员昵称", "总金额", "买家实际支付金额", "订单状态",
               "订单创建时间", "订单付款时间", "退款金额", "店铺名称"]


def csv_file(header: list[str], rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode(encoding)


def tmall(rows: list[list[object]]) -> bytes:
    return csv_file(TMALL_2020S, [
        [oid, "nick", "nick", total, paid, "交易成功", "2026-11-01 10:00:00",
         "2026-11-01 10:01:00", refund, "旗舰店"]
        for oid, total, paid, refund in rows
    ], "gb18030")


def test_a_file_writing_paid_net_of_refunds_reads_every_row_as_net(store):
    # 买家实际支付金额 + 退款金额 = 总金额: k1 refunded more than it says was paid, so the file
    # is net; k2 kept 60 of 100 (partial); k3 refunded 50 of 100 with 50 kept (a refund equal
    # to a non-zero paid figure: partial, not full); k4 kept nothing (full).
    res = import_bytes(store, "ExportOrderList.csv", tmall([
        ["k1", 100, 30, 70], ["k2", 100, 60, 40], ["k3", 100, 50, 50], ["k4", 100, 0, 100],
        ["k5", 80, 80, 0],
    ]))
    assert res.status == "imported", res.message
    assert states(store) == {"k1": "completed", "k2": "completed", "k3": "completed",
                             "k4": "refunded", "k5": "completed"}
    marks = dict(store.cursor().execute(
        "select order_id, partial_refund from order_state").fetchall())
    assert marks == {"k1": True, "k2": True, "k3": True, "k4": False, "k5": False}
    note = store.cursor().execute("select notes from imports").fetchall()[0][0]
    assert "net of refunds" in note


def test_a_gross_file_keeps_the_gross_reading(store):
    # No refund above the paid figure anywhere: paid is gross, and paid − refund = 0 is full.
    import_bytes(store, "gross.csv", tmall([["g1", 100, 100, 100], ["g2", 100, 100, 30]]))
    assert states(store) == {"g1": "refunded", "g2": "completed"}
    assert store.cursor().execute(
        "select bool_or(paid_net) from orders").fetchall() == [(False,)]


def test_the_net_reading_is_decided_per_file(store):
    import_bytes(store, "gross.csv", tmall([["a", 100, 100, 100]]))
    import_bytes(store, "net.csv", tmall([["b", 100, 50, 50], ["c", 100, 20, 80]]))
    assert states(store) == {"a": "refunded", "b": "completed", "c": "completed"}


def test_a_template_status_is_taken_as_given(store):
    data = csv_file(["order_id", "created_at", "status", "paid_at"], [
        ["t1", "2026-11-01 10:00", "paid_processed", "2026-11-01 10:05"],
        ["t2", "2026-11-01 10:00", "已处理已确认已付款", "2026-11-01 10:05"],
        ["t3", "2026-11-01 10:00", "paid_unprocessed", "2026-11-01 10:05"],
    ])
    assert import_bytes(store, "orders.csv", data).status == "imported"
    assert states(store) == {"t1": "paid_processed", "t2": "paid_processed",
                             "t3": "paid_unprocessed"}


SHOPIFY = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency",
           "Subtotal", "Total", "Discount Code", "Discount Amount", "Created at",
           "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem compare at price",
           "Lineitem sku"]


def test_promotions_count_discounts_only(store):
    shop = csv_file(SHOPIFY, [
        # compare-at above the price: a standing price, not a promotion
        ["#1", "a@x", "paid", "2026-11-01 10:00:00 +0800", "", "USD", "40", "40", "", "0",
         "2026-11-01 10:00:00 +0800", "1", "Serum", "40", "55", "SER"],
        # a discount code
        ["#2", "b@x", "paid", "2026-11-01 10:00:00 +0800", "", "USD", "40", "35", "WELCOME5",
         "5", "2026-11-01 10:00:00 +0800", "1", "Serum", "40", "", "SER"],
        # a discount amount without a code
        ["#3", "c@x", "paid", "2026-11-01 10:00:00 +0800", "", "USD", "40", "36", "", "4",
         "2026-11-01 10:00:00 +0800", "1", "Serum", "40", "", "SER"],
    ])
    assert import_bytes(store, "orders_export.csv", shop).status == "imported"
    # an unpaid Taobao order: its 0 paid below the list value is no discount
    unpaid = csv_file(["订单编号", "总金额", "买家实际支付金额", "订单状态", "订单创建时间",
                       "店铺名称"],
                      [["u1", "199.00", "0.00", "等待买家付款", "2026-11-01 10:00:00", "旗舰店"]])
    assert import_bytes(store, "ExportOrderList.csv", unpaid).status == "imported"
    items = csv_file(["订单编号", "标题", "价格", "购买数量", "商家编码"],
                     [["u1", "精华 30ml", "239.00", "1", "ESS-30"]])
    assert import_bytes(store, "ExportOrderDetailList.csv", items).status == "imported"
    # the 2020s report's shop discount
    discounted = csv_file(["订单编号", "总金额", "买家实际支付金额", "店铺优惠", "订单状态",
                           "订单创建时间", "订单付款时间", "店铺名称"],
                          [["d1", "180.00", "180.00", "20.00", "买家已付款，等待卖家发货",
                            "2026-11-01 10:00:00", "2026-11-01 10:01:00", "旗舰店"],
                           ["d2", "200.00", "200.00", "0.00", "买家已付款，等待卖家发货",
                            "2026-11-01 10:00:00", "2026-11-01 10:01:00", "旗舰店"]])
    assert import_bytes(store, "ExportOrderList2.csv", discounted).status == "imported"
    types = promo.order_types(store.cursor(), ALL).set_index("order_id")["promotion"]
    assert types.to_dict() == {"#1": False, "#2": True, "#3": True, "u1": False, "d1": True,
                               "d2": False}
