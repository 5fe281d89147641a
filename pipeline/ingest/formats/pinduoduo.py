"""拼多多 (Pinduoduo) order export, one row per order, and its after-sales file (DESIGN §9, §11):
the short sheet 售后信息 or the 售后工作台 export, read as cases and as the orders' refunds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.base import canonical as C
from pipeline.ingest.formats.cases import CaseMap, read_cases
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

# The after-sales file: the short sheet 售后信息 (DESIGN §9) or the 售后工作台 export (§11).
REFUND_AMOUNT = money("退款金额(元)")
REFUND_HEADERS = (
    "售后编号", "订单编号", "交易金额", *REFUND_AMOUNT, "售后状态", "申请时间", "同意退款时间",
    # the 售后工作台 export
    "商品ID", "sku信息", "退款类型", "退款原因", "订单状态", "同意退款人", "同意退货时间",
    "退货运单号", "退货物流状态", "快递拦截状态", "备注", "订单标记", "退款成功时间", "售后完成时间",
)
# 订单编号 and either what was refunded or where the after-sales stand
REFUND_REQUIRED = (("订单编号",), (*REFUND_AMOUNT, "售后状态"))

# 售后状态 -> the case's status (DESIGN §11)
CASE_STATUS: dict[str, str] = {
    "待商家处理":     "awaiting_seller",
    "待商家同意":     "awaiting_seller",
    "售后处理中":     "awaiting_seller",
    "待买家退货":     "awaiting_return",
    "待商家收货":     "returned",
    "退款中":         "refunding",
    "同意退款，退款中": "refunding",
    "平台同意退款，退款中": "refunding",
    "仲裁中":         "arbitration",
    "平台处理中":     "arbitration",
    "待商家上传凭证": "arbitration",
    "待商家举证":     "arbitration",
    "退款成功":       "refunded",
    "已退款":         "refunded",
    "商家拒绝":       "rejected",
    "拒绝售后":       "rejected",
    "驳回退款":       "rejected",
    "售后关闭":       "closed",
    "退款关闭":       "closed",
    "售后取消":       "closed",
    "已撤销":         "closed",
    "买家撤销":       "closed",
    "换货成功":       "exchanged",
    "补寄成功":       "exchanged",
    "退款失败":       "failed",
}
# 售后状态 -> what it means for the order's refunds: "success" (its 退款金额 refunded), "open"
# (in progress), "closed" (neither)
REFUND_STATUS: dict[str, str] = {
    word: "success" if status == "refunded" else "open" if status in C.CASE_OPEN else "closed"
    for word, status in CASE_STATUS.items()
}
# a case's status read from its times, where the file gives no known 售后状态
FROM_TIMES = {"success": "refunded", "open": "awaiting_seller", "closed": "closed"}
# 退款类型 -> (case type, phase)
CASE_TYPES: dict[str, tuple[str | None, str | None]] = {
    "仅退款":   ("refund_only",   None),
    "退货退款": ("return_refund", "after_ship"),
    "换货":     ("exchange",      "after_ship"),
    "缺货补寄": ("resend",        "after_ship"),
    "补寄":     ("resend",        "after_ship"),
    "维修":     ("repair",        "after_ship"),
}
# 订单状态 (of the after-sales export) -> phase
ORDER_PHASE: dict[str, str] = {
    "待发货":           "before_ship",
    "未发货，退款成功": "before_ship",
    "已发货，待收货":   "after_ship",
    "已发货，退款成功": "after_ship",
    "已收货":           "after_ship",
    "已签收":           "after_ship",
}
CASES = CaseMap(
    case_id=("售后编号",), order_id=("订单编号",),
    status=("售后状态",), status_words=CASE_STATUS,
    type=("退款类型",), type_words=CASE_TYPES,
    ids={"sku": ("商家编码", *SKU, "商品ID"), "return_tracking": ("退货运单号",)},
    texts={"title": ("商品", "sku信息"), "reason": ("退款原因",)},
    times={"requested_at": ("申请时间",), "closed_at": ("售后完成时间",)},
    amounts=(REFUND_AMOUNT,),
    refunded_at=("退款成功时间",),
    phase=(None, (("订单状态",), ORDER_PHASE)),
)

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
    """The after-sales file as `cases` (when it has 售后编号) and as an `orders` frame of
    refunds only: per order the refunded amount (退款金额 of its successful after-sales) and
    whether a refund is in progress. Without a known 售后状态 a row is read from its times
    (同意退款时间 set: refunded; 申请时间 only: in progress, waiting for the seller)."""
    notes: list[str] = []
    id_header = cells.header("订单编号")
    order_id = cells.ident(id_header, key=True)
    cells.require(order_id, id_header, "order id")
    amount = cells.amount(*REFUND_AMOUNT, negative=True)
    if amount is not None:
        amount = amount.abs()
    applied = cells.time("申请时间")
    agreed = cells.time("同意退款时间")
    status = cells.text("售后状态")
    n = cells.n
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
    frames: dict[str, pd.DataFrame] = {}
    if cells.has(*CASES.case_id):
        from_times = kind.map(FROM_TIMES).astype("str")
        frames["cases"] = read_cases(cells, KEY, CASES, notes, fallback=from_times)
    cols: dict[str, object] = {
        "order_id": order_id,
        "refund_open": pd.Series((kind == "open").to_numpy(), dtype="boolean"),
    }
    if amount is not None:
        cols["refunded"] = amount.where((kind == "success").to_numpy(), 0.0).fillna(0.0)
    rows = cells.frame(cols)
    if rows.empty:
        frames["orders"] = rows.assign(platform=KEY, shop=None)
        return frames, notes
    groups = rows.groupby("order_id", sort=False)
    orders = pd.DataFrame({
        "order_id": pd.Series(groups.size().index, dtype="str"),
        "refund_open": groups["refund_open"].any().astype("boolean").to_numpy(),
        "_row": groups["_row"].min().to_numpy(),
    })
    if amount is not None:
        orders.insert(1, "refunded", groups["refunded"].sum().round(2).to_numpy())
    orders.insert(0, "platform", repeat_text(len(orders), KEY))
    orders.insert(1, "shop", repeat_text(len(orders)))
    frames["orders"] = orders
    return frames, notes

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
               signature=(("订单编号",), ("售后编号", "交易金额", "售后状态", "申请时间", "同意退款时间",
                                         "退款类型", "退货运单号", "退款成功时间", "售后完成时间")),
               required=REFUND_REQUIRED, headers=REFUND_HEADERS,
               words={"售后状态": CASE_STATUS, "退款类型": CASE_TYPES}),
    ),
)
