"""京东 (JD) order export: one row per item, the order's figures repeated on each (DESIGN §9)."""

from __future__ import annotations

import pandas as pd

from pipeline.ingest.formats.cn import (
    COD_WORD,
    CURRENCY,
    GIFT_WORD,
    contains,
    lookup,
    order_key,
    per_order,
    reject_whole_orders,
    shopless,
    unknown_note,
)
from pipeline.ingest.formats.platform import Layout, Platform
from pipeline.ingest.formats.values import Cells, positions

KEY = "jd"

ORDER_ID = ("订单号",)
CREATED = ("下单时间",)
REQUIRED = (ORDER_ID, CREATED)

HEADERS = (
    "订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额",
    "余额支付", "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注",
    "发票类型", "发票抬头", "发票内容", "商家备注", "商家备注等级（等级1-5为由高到低）", "运费金额",
    "付款确认时间", "增值税发票", "货号", "订单完成时间", "订单来源", "订单渠道",
)

# 订单状态 -> (status_norm, the word says a payment was made, a refund in progress)
ORDER_STATUS: dict[str, tuple[str | None, bool | None, bool]] = {
    "等待付款":     ("unpaid",    False, False),
    "等待出库":     ("paid",      True,  False),
    "等待确认收货": ("shipped",   True,  False),
    "完成":         ("completed", True,  False),
    "已取消":       ("closed",    None,  False),   # closed if never paid, else refunded
    "取消":         ("closed",    None,  False),
    "锁定":         (None,        None,  True),    # a refund in progress; the rest from facts
}

ORDER_TEXT = {
    "buyer":         ("下单帐号", "下单账号"),
    "receiver":      ("客户姓名",),
    "address":       ("客户地址",),
    "buyer_message": ("订单备注",),
    "seller_note":   ("商家备注",),
    # the seller's flag: a level 1 (highest) to 5, kept as written
    "seller_flag":   ("商家备注等级（等级1-5为由高到低）", "商家备注等级"),
}


def read_orders(cells: Cells) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The export as `orders` (one row per 订单号) and `order_lines` (one per item row)."""
    notes: list[str] = []
    order_id, created = order_key(cells, ORDER_ID, CREATED)
    n = cells.n
    paid_at = cells.time("付款确认时间")
    cols: dict[str, object] = {
        "platform": KEY, "shop": shopless(n), "order_id": order_id, "created_at": created,
        "paid_at": paid_at, "completed_at": cells.time("订单完成时间"),
        "phone": cells.ident("联系电话"), "shipping_fee": cells.amount("运费金额"),
        "currency": CURRENCY,
    }
    for name, aliases in ORDER_TEXT.items():
        cols[name] = cells.text(*aliases)
    total = cells.amount("应付金额")
    cols["order_total"] = total
    cod = contains(cells.text("支付方式"), COD_WORD)
    if cod is not None:
        cols["is_cod"] = pd.Series(cod, dtype="boolean")

    status = cells.text("订单状态")
    word_paid = None
    if status is not None:
        norm = lookup(status, {k: v[0] for k, v in ORDER_STATUS.items()})
        word_paid = lookup(status, {k: v[1] for k, v in ORDER_STATUS.items()}, "boolean")
        locked = lookup(status, {k: v[2] for k, v in ORDER_STATUS.items()}, "boolean")
        unknown = (status.notna() & locked.isna()).to_numpy()
        note = unknown_note("订单状态", status, unknown, order_id,
                            then="read from payment/shipping times")
        if note:
            notes.append(note)
        if cod is not None:   # a cash-on-delivery order waiting to leave is confirmed, not paid
            waiting = (norm == "paid").fillna(False).to_numpy() & cod
            norm = norm.where(~waiting, "cod_confirmed")
            word_paid = word_paid.where(~cod, False)
        cols["status_text"] = status
        cols["status_norm"] = norm
        cols["refund_open"] = locked.fillna(False)
    if paid_at is not None:
        cols["is_paid"] = paid_at.notna().astype("boolean")
    elif word_paid is not None:
        cols["is_paid"] = word_paid
    if total is not None and cols.get("is_paid") is not None:
        is_paid = cols["is_paid"]
        cols["paid"] = total.where(is_paid.fillna(False).to_numpy(), 0.0).where(
            is_paid.notna() & total.notna())

    reject_whole_orders(cells, order_id, cells.header(*ORDER_ID))

    title = cells.text("商品名称")
    sku = cells.ident("货号", "商品ID")
    if title is not None:
        sku = title if sku is None else sku.where(sku.notna(), title)
    price = cells.amount("京东价")
    lines: dict[str, object] = {
        "platform": KEY, "shop": shopless(n), "order_id": order_id,
        "line_id": positions(order_id), "sku": sku, "title": title,
        "quantity": cells.integer("订购数量"), "unit_price": price, "status_text": status,
    }
    gift = contains(title, GIFT_WORD)
    if price is not None:
        zero = (price == 0).fillna(False).to_numpy()
        gift = zero if gift is None else gift | zero
    if gift is not None:
        lines["is_gift"] = pd.Series(gift, dtype="boolean")
    frames = {"orders": per_order(cells.frame(cols))}
    if sku is not None:
        frames["order_lines"] = cells.frame(lines, keep=sku.notna().to_numpy())
    return frames, notes


PLATFORM = Platform(
    key=KEY,
    source_tz="Asia/Shanghai",
    layouts=(
        Layout("jd_orders", read_orders,
               signature=(ORDER_ID, ("下单时间", "京东价", "应付金额", "订单金额", "结算金额", "余额支付",
                                     "付款确认时间", "客户姓名", "客户地址", "下单帐号", "货号",
                                     "订购数量", "商品名称")),
               required=REQUIRED, headers=HEADERS, words={"订单状态": ORDER_STATUS}),
    ),
)
