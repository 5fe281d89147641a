"""The refunded amount an order counts (order_state.refunded: the Overview, the report, the
currency figures) when an export states the refund but not its amount, and a partial shipment
told only by its sub-orders' status words."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.outputs.report import build_report
from tests.conftest import states
from tests.factories import (
    DOUYIN,
    ENCODINGS,
    JD,
    PDD,
    REFUNDS,
    csv_bytes,
    did,
    douyin_rows,
    dy,
    encoded,
    imported,
    jd_rows,
    jid,
    partial_refunds,
    pdd,
    pdd_rows,
    pid,
    refund,
    rows_csv,
    xlsx_bytes,
)


def refunded(store) -> dict[str, float | None]:
    """order_id -> the refunded amount the desk counts (None when none is known)."""
    rows = store.cursor().execute("select order_id, refunded from order_state").fetchall()
    return {o: None if r is None else float(r) for o, r in rows}


@pytest.mark.parametrize("kind", ENCODINGS)
def test_pinduoduo_refunded_words_refund_what_was_paid(store, kind):
    imported(store, *encoded(kind, PDD, pdd_rows()))
    got = refunded(store)
    # 已取消 after payment, 已发货，退款成功 and 未发货,退款成功: the paid 90.00 refunded
    assert {k: got[pid(k)] for k in ("05", "06", "07", "08")} == {
        "05": None, "06": 90.0, "07": 90.0, "08": 90.0}
    assert got[pid("01")] is None and got[pid("09")] is None   # a refund only in progress
    report = build_report(store.cursor(), datetime(2024, 8, 10, 12, 0))
    assert report["amounts"]["refunded"] == 270.0
    assert report["currencies"]["CNY"]["refunded"] == 270.0


def test_pinduoduo_after_sales_amounts_stand_over_what_was_paid(store):
    imported(store, "pdd.csv", csv_bytes(PDD, pdd_rows()))
    rows = [refund(1, "07", "60.00", "退款成功"), refund(2, "02", "20.00", "退款成功")]
    imported(store, "售后.xlsx", xlsx_bytes(REFUNDS, rows, title="售后信息"))
    got = refunded(store)
    assert got[pid("07")] == 60.0          # the after-sales file's figure, not the paid 90
    assert got[pid("02")] == 20.0 and pid("02") in partial_refunds(store)
    later = pdd_rows() + [pdd("14", "待发货")]                # a later order export keeps them
    imported(store, "pdd2.csv", csv_bytes(PDD, later))
    assert refunded(store)[pid("07")] == 60.0


def test_douyin_closed_after_payment_refunds_what_was_paid(store):
    imported(store, *encoded("utf-8-sig", DOUYIN, douyin_rows()))
    got = refunded(store)
    assert got[did("07")] == 30.0          # 已关闭 after payment, no 售后状态: the paid 30.00
    assert got[did("06")] == 0.0           # closed before payment: nothing refunded
    assert got[did("08")] == 10.0 and got[did("09")] == 40.0   # the sub-orders' own figures
    assert got[did("02")] == 0.0


def test_jd_cancelled_after_payment_refunds_what_was_paid(store):
    imported(store, *encoded("utf-8-sig", JD, jd_rows()))
    got = refunded(store)
    assert states(store)[jid("06")] == "refunded"
    assert got[jid("06")] == 108.0
    assert got[jid("05")] is None          # cancelled before payment


ORDERS_NO_REFUND = ["订单编号", "订单状态", "订单创建时间", "订单付款时间 ", "总金额", "买家实际支付金额"]
ITEMS_NEW = ["子订单编号", "主订单编号", "标题", "价格", "购买数量", "商家编码", "退款状态", "退款金额",
             "订单创建时间", "订单付款时间"]


def taobao_order(order: str, status: str = "交易成功") -> list[str]:
    return [f'="{order}"', status, "2024-11-10 10:00:00", "2024-11-10 10:05:00", "100.00",
            "100.00"]


def taobao_line(line: str, order: str, sku: str, price: str, refund_status: str,
                amount: str) -> list[str]:
    return [f'="{line}"', f'="{order}"', "面霜", price, "1", sku, refund_status, amount,
            "2024-11-10 10:00:00", "2024-11-10 10:05:00"]


def test_taobao_line_refunds_reach_an_order_report_without_its_refund_column(store):
    """An order report exported without 退款金额 (a subset must do): the item report's
    successful line refunds are the order's refunded amount; requested ones are not."""
    orders = rows_csv(ORDERS_NO_REFUND, [taobao_order("4200000000000000001"),
                                         taobao_order("4200000000000000002"),
                                         taobao_order("4200000000000000003")])
    items = rows_csv(ITEMS_NEW, [
        taobao_line("5201", "4200000000000000001", "CREAM", "100.00", "退款成功", "100.00"),
        taobao_line("5202", "4200000000000000002", "CREAM", "60.00", "退款成功", "60.00"),
        taobao_line("5203", "4200000000000000002", "SERUM", "40.00", "没有申请退款", "0.00"),
        taobao_line("5204", "4200000000000000003", "CREAM", "100.00",
                    "买家已经申请退款，等待卖家同意", "100.00"),
    ])
    imported(store, "orders.csv", orders)
    imported(store, "items.csv", items)
    got = refunded(store)
    assert got["4200000000000000001"] == 100.0
    assert states(store)["4200000000000000001"] == "refunded"
    assert got["4200000000000000002"] == 60.0
    assert "4200000000000000002" in partial_refunds(store)
    assert states(store)["4200000000000000002"] == "completed"
    assert got["4200000000000000003"] is None
    assert states(store)["4200000000000000003"] == "refunding"
    report = build_report(store.cursor(), datetime(2024, 11, 11, 12, 0))
    assert report["amounts"]["refunded"] == 160.0


def test_an_order_reports_own_refund_figure_stands_over_its_lines(store):
    header = ORDERS_NO_REFUND + ["退款金额"]
    imported(store, "orders.csv", rows_csv(
        header, [taobao_order("4200000000000000001") + ["30.00"]]))
    imported(store, "items.csv", rows_csv(ITEMS_NEW, [
        taobao_line("5201", "4200000000000000001", "CREAM", "100.00", "退款成功", "100.00")]))
    assert refunded(store)["4200000000000000001"] == 30.0


def test_the_days_refund_kpi_counts_the_refunded_amount_the_desk_knows(store):
    from pipeline.base.filters import Filters
    from pipeline.desk.kpis import day_kpis

    imported(store, *encoded("utf-8-sig", PDD, pdd_rows()))
    kpis = day_kpis(store.cursor(), Filters(), datetime(2024, 8, 1).date())
    value = dict(zip(kpis["kpi"], kpis["value"], strict=True))
    assert value["refund_amount"] == 270.0     # orders paid that day: 06, 07 and 08 refunded


def test_douyin_partial_shipment_told_by_status_words_alone(store):
    """Some sub-orders 已完成 or 已发货 and others 待发货, the file without 发货时间: the order is
    shipped with the partly-shipped mark (DESIGN §3), not left in the queue to ship."""
    header = [h for h in DOUYIN if h != "发货时间"]
    rows = [dy("31", "已完成", "30.00"), dy("31", "待发货", "20.00"),
            dy("32", "已发货", "30.00"), dy("32", "待发货", "20.00"),
            dy("33", "待发货", "30.00"), dy("33", "待发货", "20.00")]
    imported(store, *encoded("utf-8-sig", header, rows))
    got = states(store)
    assert (got[did("31")], got[did("32")], got[did("33")]) == (
        "shipped", "shipped", "paid_unprocessed")
    marks = dict(store.cursor().execute(
        "select order_id, partial_ship from order_state").fetchall())
    assert marks[did("31")] and marks[did("32")] and not marks[did("33")]
    waiting = {r[0] for r in store.cursor().execute(
        "select order_id from order_state where waiting_to_ship").fetchall()}
    assert waiting == {did("33")}


def test_the_order_detail_shows_the_refunded_amount_the_desk_counts(store):
    """Both details (the dialog's card and the Overdue page's simple one) read it."""
    from pipeline.desk.actions import order_card
    from pipeline.desk.problems import order_facts

    imported(store, *encoded("utf-8-sig", PDD, pdd_rows()))
    card = order_card(store.cursor(), "pinduoduo", "", pid("07"))
    assert float(card["refunded"].iloc[0]) == 90.0 and card["state"].iloc[0] == "refunded"
    order = order_facts(store.cursor(), "pinduoduo", "", pid("07"))["order"]
    assert float(order["refunded"].iloc[0]) == 90.0


def test_shopify_partially_refunded_marks_the_order_without_a_refunded_amount(store):
    """A subset export without `Refunded Amount`: the Financial Status says it outright."""
    header = ["Name", "Created at", "Financial Status", "Fulfillment Status", "Total", "Currency",
              "Lineitem sku", "Lineitem quantity", "Lineitem price"]
    imported(store, "orders_export.csv", rows_csv(header, [
        ["#P1", "2026-04-01 10:00:00 -0400", "partially_refunded", "unfulfilled", "10.00", "USD",
         "A", "1", "10.00"],
        ["#P2", "2026-04-01 10:00:00 -0400", "paid", "unfulfilled", "10.00", "USD", "A", "1",
         "10.00"],
    ]))
    assert partial_refunds(store) == {"#P1"}
    assert states(store)["#P1"] == "paid_unprocessed"   # a partial refund keeps its state
    assert refunded(store)["#P1"] is None                # no figure was exported


def test_line_refunds_that_reach_the_total_refund_the_order_and_leave_the_queue(store):
    """A paid order whose one sold line was refunded (退款成功, 100 of 100) beside a free gift:
    refunded in full by its lines' figure, so the gift is not shipped and takes no stock."""
    orders = rows_csv(ORDERS_NO_REFUND, [taobao_order("4200000000000000009")])
    items = rows_csv(ITEMS_NEW, [
        taobao_line("5291", "4200000000000000009", "CREAM", "100.00", "退款成功", "100.00"),
        taobao_line("5292", "4200000000000000009", "GIFT", "0.00", "没有申请退款", "0.00"),
    ])
    imported(store, "orders.csv", orders)
    imported(store, "items.csv", items)
    state, waiting, refunded_ = store.cursor().execute(
        "select state, waiting_to_ship, refunded from order_state").fetchall()[0]
    assert (state, waiting, float(refunded_)) == ("refunded", False, 100.0)
    assert store.cursor().execute("select count(*) from waiting_lines").fetchall() == [(0,)]


def test_a_refunded_line_is_not_counted_among_the_lines_and_pieces_to_pack(store):
    """The queue groups by what is packed: an order left with one piece of B after its A was
    refunded is a simple B order, batched with the other B orders."""
    from pipeline.base.filters import ALL
    from pipeline.desk.queue import work_queue

    header = ORDERS_NO_REFUND + ["退款金额"]
    imported(store, "orders.csv", rows_csv(header, [
        taobao_order("4200000000000000011", "买家已付款，等待卖家发货") + ["50.00"],
        taobao_order("4200000000000000012", "买家已付款，等待卖家发货") + ["0.00"]]))
    imported(store, "items.csv", rows_csv(ITEMS_NEW, [
        taobao_line("5311", "4200000000000000011", "A", "50.00", "退款成功", "50.00"),
        taobao_line("5312", "4200000000000000011", "B", "50.00", "没有申请退款", "0.00"),
        taobao_line("5321", "4200000000000000012", "B", "100.00", "没有申请退款", "0.00")]))
    n_lines, pieces = store.cursor().execute(
        "select n_lines, pieces from order_state where order_id = '4200000000000000011'"
    ).fetchall()[0]
    assert (n_lines, pieces) == (1, 1)
    q = work_queue(store.cursor(), ALL, datetime(2024, 11, 10, 12, 0)).set_index("order_id")
    assert q.loc["4200000000000000011", "sku_set"] == q.loc["4200000000000000012", "sku_set"]
    assert bool(q.loc["4200000000000000011", "simple"])
