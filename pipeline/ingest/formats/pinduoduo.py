"""拼多多 (Pinduoduo) order export, one row per order, and its after-sales file (DESIGN §9)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.ingest.formats.cn import (
    CURRENCY,
    GIFT_WORD,
    contains,
    lookup,
    order_key,
    shopless,
    unknown_note,
    word_key,
)
from pipeline.ingest.formats.platform import Layout, Platform
from pipeline.ingest.formats.values import Cells, repeat_text

KEY = "pinduoduo"


def money(name: str) -> tuple[str, ...]:
    """`商品总价(元)` as exported, with full-width brackets, and without its unit."""
    bare = name.split("(")[0]
    return tuple(dict.fromkeys((name, name.replace("(", "（").replace(")", "）"), bare)))


ORDER_ID = ("订单号",)
CREATED = ("订单成交时间", "订单付款时间")   # 订单成交时间 may be empty: then 订单付款时间
REQUIRED = (ORDER_ID, CREATED)
GOODS = money("商品总价(元)")
SHIPPING = money("邮费(元)")
DISCOUNTS = (money("店铺优惠折扣(元)"), money("平台优惠折扣(元)"), money("多多支付立减金额(元)"))
PAID = money("用户实付金额(元)")
QUANTITY = money("商品数量(件)")
SKU = ("商家编码-规格维度", "商家编码-商品维度")

HEADERS = (
    "商品", "订单号", "订单状态", *GOODS, *SHIPPING, *(h for d in DISCOUNTS for h in d), *PAID,
    *money("商家实收金额(元)"), *QUANTITY, "发货时间", "确认收货时间", "商品id", "商品规格", "样式ID",
    *SKU, "商家备注", "售后状态", "快递单号", "快递公司", "订单成交时间", "订单付款时间",
    # also read when given
    "收货人", "手机", "收货地址", "省", "市", "区", "买家留言",
)

# 订单状态 -> (status_norm, the word says a payment was made)
ORDER_STATUS: dict[str, tuple[str, bool | None]] = {
    "待发货":         ("paid",      True),
    "已发货，待收货": ("shipped",   True),
    "已收货":         ("completed", True),
    "已签收":         ("completed", True),
    "已取消":         ("closed",    None),   # closed if never paid, else refunded (states.sql)
}
REFUNDED_SUFFIX = "，退款成功"                # 已发货，退款成功 / 未发货，退款成功: the paid amount refunded

# 售后状态 (order export) -> a refund in progress
AFTER_SALES: dict[str, bool] = {
    "退款中":           True,
    "售后处理中":       True,
    "无售后":           False,
    "无售后或售后取消": False,
    "售后取消":         False,
    "售后关闭":         False,
    "退款成功":         False,
    "退款关闭":         False,
}

# The after-sales file (sheet 售后信息)
REFUND_HEADERS = ("售后编号", "订单编号", "交易金额", "退款金额", "售后状态", "申请时间", "同意退款时间")
REFUND_REQUIRED = (("订单编号",), ("退款金额",))
# 售后状态 (after-sales file) -> "success" (its 退款金额 refunded), "open" (in progress), "closed"
REFUND_STATUS: dict[str, str] = {
    "退款成功":   "success",
    "已退款":     "success",
    "退款中":     "open",
    "售后处理中": "open",
    "待商家处理": "open",
    "待商家同意": "open",
    "待买家退货": "open",
    "待商家收货": "open",
    "售后关闭":   "closed",
    "退款关闭":   "closed",
    "售后取消":   "closed",
    "已撤销":     "closed",
    "商家拒绝":   "closed",
}


def read_orders(cells: Cells) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The order export as `orders` and `order_lines` (one line per order)."""
    notes: list[str] = []
    order_id, created = order_key(cells, ORDER_ID, CREATED)
    n = cells.n
    paid_at = cells.time("订单付款时间")
    cols: dict[str, object] = {
        "platform": KEY, "shop": shopless(n), "order_id": order_id, "created_at": created,
        "paid_at": paid_at, "shipped_at": cells.time("发货时间"),
        "completed_at": cells.time("确认收货时间"),
        "courier": cells.text("快递公司"), "tracking_no": cells.ident("快递单号"),
        "seller_note": cells.text("商家备注"), "buyer_message": cells.text("买家留言"),
        "receiver": cells.text("收货人"), "phone": cells.ident("手机"),
        "address": cells.text("收货地址"), "province": cells.text("省"),
        "city": cells.text("市"), "district": cells.text("区"),
        "currency": CURRENCY,
    }
    goods = cells.amount(*GOODS)
    shipping = cells.amount(*SHIPPING)
    discounts = [d for d in (cells.amount(*h) for h in DISCOUNTS) if d is not None]
    discount = sum(d.fillna(0.0) for d in discounts).round(2) if discounts else None
    if goods is not None:
        total = goods + (shipping.fillna(0.0) if shipping is not None else 0.0)
        cols["order_total"] = (total - (discount if discount is not None else 0.0)).round(2)
    cols["shipping_fee"] = shipping
    cols["discount"] = discount
    paid = cells.amount(*PAID)

    status = cells.text("订单状态")
    word_paid = None
    if status is not None:
        key = word_key(status)
        refunded_word = key.str.endswith(REFUNDED_SUFFIX).fillna(False).to_numpy()
        norm = lookup(status, {k: v[0] for k, v in ORDER_STATUS.items()})
        norm = norm.where(~refunded_word, "refunded")
        word_paid = lookup(status, {k: v[1] for k, v in ORDER_STATUS.items()}, "boolean")
        word_paid = word_paid.where(~refunded_word, True)
        unknown = (status.notna() & norm.isna()).to_numpy()
        note = unknown_note("订单状态", status, unknown, order_id,
                            then="read from payment/shipping times")
        if note:
            notes.append(note)
        cols["status_text"] = status
        cols["status_norm"] = norm
    if paid_at is not None:
        cols["is_paid"] = paid_at.notna().astype("boolean")
    elif word_paid is not None:
        cols["is_paid"] = word_paid
    if paid is not None:
        is_paid = cols.get("is_paid")
        cols["paid"] = paid if is_paid is None else paid.where(is_paid.fillna(True).to_numpy(), 0.0)

    after = cells.text("售后状态")
    if after is not None:
        open_ = lookup(after, AFTER_SALES, "boolean")
        unknown = (after.notna() & open_.isna()).to_numpy()
        note = unknown_note("售后状态", after, unknown, order_id,
                            then="taken as no refund in progress")
        if note:
            notes.append(note)
        cols["refund_open"] = open_.fillna(False)

    title = cells.text("商品")
    spec = cells.text("商品规格")
    sku = cells.ident(*SKU)
    if title is not None:
        named = title if spec is None else title.where(
            spec.isna(), title.fillna("").str.cat(spec, sep=" ").str.strip())
        sku = named if sku is None else sku.where(sku.notna(), named)
    quantity = cells.integer(*QUANTITY)
    lines: dict[str, object] = {
        "platform": KEY, "shop": shopless(n), "order_id": order_id,
        "line_id": repeat_text(n, "1"), "sku": sku, "title": title, "quantity": quantity,
        "paid": cols.get("paid"), "refund_text": after, "status_text": status,
    }
    if goods is not None and quantity is not None:
        pieces = quantity.astype("float64").where(quantity > 0)
        lines["unit_price"] = (goods / pieces).round(2)
    gift = [m for m in (contains(title, GIFT_WORD),
                        None if goods is None else (goods == 0).fillna(False).to_numpy())
            if m is not None]
    if gift:
        lines["is_gift"] = pd.Series(np.logical_or.reduce(gift), dtype="boolean")
    if discount is not None:
        lines["is_promo"] = pd.Series((discount > 0).to_numpy(), dtype="boolean")
    has_line = (sku.notna() if sku is not None else pd.Series(False, index=range(n))).to_numpy()
    frames = {"orders": cells.frame(cols)}
    if sku is not None:
        frames["order_lines"] = cells.frame(lines, keep=has_line)
    return frames, notes


def read_refunds(cells: Cells) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The after-sales file as an `orders` frame of refunds only: per order the refunded
    amount (退款金额 of its successful after-sales) and whether a refund is in progress."""
    notes: list[str] = []
    id_header = cells.header("订单编号")
    order_id = cells.ident(id_header, key=True)
    cells.require(order_id, id_header, "order id")
    amount = cells.amount("退款金额")
    applied = cells.time("申请时间")
    agreed = cells.time("同意退款时间")
    status = cells.text("售后状态")
    n = cells.n
    # Without a (known) status, the facts: agreed -> refunded, applied only -> in progress.
    fact = np.full(n, "closed", dtype=object)
    if applied is not None:
        fact[applied.notna().to_numpy()] = "open"
    if agreed is not None:
        fact[agreed.notna().to_numpy()] = "success"
    elif applied is None:
        fact[:] = "success"     # nothing but amounts: each one refunded
    kind = pd.Series(fact, dtype="str")
    if status is not None:
        word = lookup(status, REFUND_STATUS)
        unknown = (status.notna() & word.isna()).to_numpy()
        note = unknown_note("售后状态", status, unknown, order_id,
                            then="read from 申请时间/同意退款时间")
        if note:
            notes.append(note)
        kind = word.where(word.notna(), kind)
    rows = cells.frame({
        "order_id": order_id,
        "refunded": amount.where((kind == "success").to_numpy(), 0.0).fillna(0.0),
        "refund_open": pd.Series((kind == "open").to_numpy(), dtype="boolean"),
    })
    if rows.empty:
        return {"orders": rows.assign(platform=KEY, shop=None)}, notes
    groups = rows.groupby("order_id", sort=False)
    orders = pd.DataFrame({
        "order_id": pd.Series(groups.size().index, dtype="str"),
        "refunded": groups["refunded"].sum().round(2).to_numpy(),
        "refund_open": groups["refund_open"].any().astype("boolean").to_numpy(),
        "_row": groups["_row"].min().to_numpy(),
    })
    orders.insert(0, "platform", repeat_text(len(orders), KEY))
    orders.insert(1, "shop", repeat_text(len(orders)))
    return {"orders": orders}, notes


PLATFORM = Platform(
    key=KEY,
    source_tz="Asia/Shanghai",
    layouts=(
        Layout("pinduoduo_orders", read_orders,
               signature=(ORDER_ID, ("订单成交时间", "订单付款时间", *GOODS, *PAID, *SKU, "样式ID",
                                     *(h for d in DISCOUNTS for h in d))),
               required=REQUIRED, headers=HEADERS,
               words={"订单状态": ORDER_STATUS, "售后状态": AFTER_SALES}),
        Layout("pinduoduo_refunds", read_refunds,
               signature=(("订单编号",), ("售后编号", "交易金额", "售后状态", "申请时间", "同意退款时间")),
               required=REFUND_REQUIRED, headers=REFUND_HEADERS,
               words={"售后状态": REFUND_STATUS}),
    ),
)
