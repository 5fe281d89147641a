"""抖店 (Douyin shop) order export, one row per sub-order (DESIGN §9), and its after-sales export
(售后单), one row per case (DESIGN §11)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.ingest.formats.cases import CaseMap, read_cases
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
from pipeline.ingest.formats.taobao import BUNDLE_WORDS
from pipeline.ingest.formats.values import Cells, positions

KEY = "douyin"

ORDER_ID = ("主订单编号",)
LINE_ID = ("子订单编号",)
CREATED = ("订单提交时间",)
REQUIRED = (ORDER_ID, CREATED)

HEADERS = (
    "主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商家编码", "订单应付金额", "运费",
    "收件人", "收件人手机号", "详细地址", "订单提交时间", "支付完成时间", "商家备注", "订单完成时间",
    "订单状态", "售后状态", "取消原因", "发货时间", "平台实际承担优惠金额", "商家实际承担优惠金额",
    "达人实际承担优惠金额",
    # also seen
    "商品ID", "商品金额", "支付方式", "订单类型", "买家留言", "快递信息", "省", "市", "区", "街道",
    "旗帜颜色",
)
DISCOUNTS = ("平台实际承担优惠金额", "商家实际承担优惠金额", "达人实际承担优惠金额")

# 订单状态 -> (status_norm, the word says a payment was made, how far the sub-order got)
ORDER_STATUS: dict[str, tuple[str, bool | None, int]] = {
    "待支付": ("unpaid",    False, 0),
    "待发货": ("paid",      True,  1),
    "备货中": ("paid",      True,  1),
    "已发货": ("shipped",   True,  2),
    "已完成": ("completed", True,  3),
    "已关闭": ("closed",    None,  9),   # closed if never paid, else refunded (states.sql)
}
CLOSED_STEP = 9

# 售后状态 -> refund_norm
REFUND_STATUS: dict[str, str] = {
    "退款成功":   "success",
    "售后待处理": "requested",
    "退款中":     "agreed",
    "待退货":     "agreed",
    "待商家收货": "returned",
    "售后关闭":   "none",
    "无售后":     "none",
}

ORDER_TEXT = {
    "receiver":      ("收件人",),
    "address":       ("详细地址",),
    "province":      ("省",),
    "city":          ("市",),
    "district":      ("区",),
    "seller_note":   ("商家备注",),
    "seller_flag":   ("旗帜颜色",),     # the seller's flag, a colour word, kept as written
    "buyer_message": ("买家留言",),
    "courier":       ("快递信息",),
}
ORDER_TIMES = {
    "paid_at":      ("支付完成时间",),
    "shipped_at":   ("发货时间",),
    "completed_at": ("订单完成时间",),
}

# 售后单 (售后 → 售后工作台 → 批量导出): one row per case; 商品单号 is the order's 子订单编号.
CASE_HEADERS = (
    "售后单号", "订单号", "商品单号", "商品名称", "商品ID", "应付金额（元）", "商品运费（元）",
    "支付优惠（元）", "商品税费（元）", "商品发货状态", "售后类型", "退商品金额（元）", "退运费金额（元）",
    "退支付优惠（元）", "退税费金额（元）", "售后状态", "售后申请时间", "退款方式", "是否已上传退款凭证",
    "售后原因", "售后原因标签", "退货物流单号", "退货异常", "退货发货时间", "退货物流公司",
    "自动处理截止时间", "同意售后申请时间", "商家退款时间", "用户到账时间", "售后关闭时间", "商家退货地址",
    "商家退货联系人姓名", "商家退货联系人电话", "仲裁状态", "纠纷责任方", "是否极速退款", "是否拒签后退款",
    "发货物流单号", "发货物流状态", "换货物流单号", "退货物流状态", "售后完结时间", "订单备注",
    "用户售后说明", "售后备注", "操作人", "协商记录", "换货商品信息", "商家编码", "门店名称",
)
CASE_ID = ("售后单号",)
CASE_ORDER_ID = ("订单号",)
CASE_STATUS_HEADER = ("售后状态",)

# 售后状态 (售后单) -> the case's status (DESIGN §11)
CASE_STATUS: dict[str, str] = {
    "待商家处理":                "awaiting_seller",
    "售后待处理":                "awaiting_seller",
    "待商家同意":                "awaiting_seller",
    "买家申请退款，待商家处理":  "awaiting_seller",
    "退货退款，待商家处理":      "awaiting_seller",
    "待买家退货":                "awaiting_return",
    "待退货":                    "awaiting_return",
    "已同意退货退款，待用户发货": "awaiting_return",
    "待商家收货":                "returned",
    "买家已退货，待商家收货":    "returned",
    "用户已退货，待商家收货":    "returned",
    "退款中":                    "refunding",
    "同意退款，退款中":          "refunding",
    "商家同意退款，退款中":      "refunding",
    "平台同意退款，退款中":      "refunding",
    "仲裁中":                    "arbitration",
    "平台处理中":                "arbitration",
    "客服介入中":                "arbitration",
    "待商家上传凭证":            "arbitration",
    "待商家举证":                "arbitration",
    "退款成功":                  "refunded",
    "同意退款，退款成功":        "refunded",
    "拒绝售后":                  "rejected",
    "商家拒绝":                  "rejected",
    "拒绝退款":                  "rejected",
    "退货后拒绝退款":            "rejected",
    "驳回退款":                  "rejected",
    "售后关闭":                  "closed",
    "退款关闭":                  "closed",
    "买家撤销":                  "closed",
    "用户撤销":                  "closed",
    "逾期关闭":                  "closed",
    "换货成功":                  "exchanged",
    "补寄成功":                  "exchanged",
    "退款失败":                  "failed",
}
# 售后类型 -> (case type, phase)
CASE_TYPES: dict[str, tuple[str | None, str | None]] = {
    "退货退款":     ("return_refund", "after_ship"),
    "已发货仅退款": ("refund_only",   "after_ship"),
    "未发货仅退款": ("refund_only",   "before_ship"),
    "已发货退款":   ("refund_only",   "after_ship"),
    "未发货退款":   ("refund_only",   "before_ship"),
    "仅退款":       ("refund_only",   None),
    "换货":         ("exchange",      "after_ship"),
    "补寄":         ("resend",        "after_ship"),
    "维修":         ("repair",        "after_ship"),
    "价保":         ("price_protect", None),
}
# 商品发货状态 -> phase
GOODS_SHIPPED: dict[str, str] = {
    "未发货": "before_ship",
    "已发货": "after_ship",
    "已签收": "after_ship",
    "已收货": "after_ship",
}
# 仲裁状态 -> whether the platform is deciding the case now
ARBITRATION: dict[str, bool] = {
    "无仲裁":         False,
    "未仲裁":         False,
    "未申请仲裁":     False,
    "仲裁完成":       False,
    "仲裁结束":       False,
    "仲裁关闭":       False,
    "仲裁中":         True,
    "待商家举证":     True,
    "待商家上传凭证": True,
    "平台处理中":     True,
}
CASES = CaseMap(
    case_id=CASE_ID, order_id=CASE_ORDER_ID,
    status=CASE_STATUS_HEADER, status_words=CASE_STATUS,
    type=("售后类型",), type_words=CASE_TYPES,
    ids={"line_id": ("商品单号",), "sku": ("商家编码", "商品ID"),
         "return_tracking": ("退货物流单号",)},
    texts={"title": ("商品名称",), "reason": ("售后原因", "售后原因标签"),
           "buyer_text": ("用户售后说明",), "return_courier": ("退货物流公司",),
           "goods_status": ("商品发货状态",), "responsibility": ("纠纷责任方",)},
    times={"requested_at": ("售后申请时间",), "deadline": ("自动处理截止时间",),
           "closed_at": ("售后完结时间", "售后关闭时间")},
    amounts=(("退商品金额（元）", "退商品金额"), ("退运费金额（元）", "退运费金额"),
             ("退税费金额（元）", "退税费金额")),
    refunded_at=("商家退款时间", "用户到账时间"),
    phase=(None, (("商品发货状态",), GOODS_SHIPPED)),
    arbitration=("仲裁状态",), arbitration_words=ARBITRATION,
)



def read_orders(cells: Cells) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The export as `orders` (one row per 主订单编号) and `order_lines` (one per 子订单编号)."""
    notes: list[str] = []
    order_id, created = order_key(cells, ORDER_ID, CREATED)
    n = cells.n

    charge = cells.amount("订单应付金额")
    rows: dict[str, object] = {
        "platform": KEY, "shop": shopless(n), "order_id": order_id, "created_at": created,
        "currency": CURRENCY,
    }
    for name, aliases in ORDER_TEXT.items():
        rows[name] = cells.text(*aliases)
    rows["phone"] = cells.ident("收件人手机号")
    for name, aliases in ORDER_TIMES.items():
        rows[name] = cells.time(*aliases)
    rows["shipping_fee"] = cells.amount("运费")
    discounts = [d for d in (cells.amount(h) for h in DISCOUNTS) if d is not None]
    if discounts:
        rows["discount"] = sum(d.fillna(0.0) for d in discounts).round(2)

    status = cells.text("订单状态")
    step = None
    word_paid = None
    if status is not None:
        norm = lookup(status, {k: v[0] for k, v in ORDER_STATUS.items()})
        word_paid = lookup(status, {k: v[1] for k, v in ORDER_STATUS.items()}, "boolean")
        step = lookup(status, {k: v[2] for k, v in ORDER_STATUS.items()}, "Int64")
        unknown = (status.notna() & norm.isna()).to_numpy()
        note = unknown_note("订单状态", status, unknown, order_id,
                            then="read from payment/shipping times")
        if note:
            notes.append(note)
        rows["status_text"] = status
    method = cells.text("支付方式")
    cod = contains(method, COD_WORD)

    refund_text = cells.text("售后状态")
    refund_norm = None
    if refund_text is not None:
        refund_norm = lookup(refund_text, REFUND_STATUS).where(refund_text.notna(), "none")
        unknown = (refund_text.notna() & refund_norm.isna()).to_numpy()
        note = unknown_note("售后状态", refund_text, unknown, None, "sub-order",
                            "taken as no refund in progress")
        if note:
            notes.append(note)

    reject_whole_orders(cells, order_id, cells.header(*ORDER_ID))

    # lines ------------------------------------------------------------------------------------
    line_id = positions(order_id)
    if cells.has(*LINE_ID):
        given = cells.ident(*LINE_ID, key=True)
        line_id = given.where(given.notna(), line_id)
    title = cells.text("选购商品")
    spec = cells.text("商品规格")
    if title is not None and spec is not None:
        title = title.where(spec.isna(), title.fillna("").str.cat(spec, sep=" ").str.strip())
    sku = cells.ident("商家编码")
    for fallback in (title, cells.ident("商品ID")):
        if fallback is not None:
            sku = fallback if sku is None else sku.where(sku.notna(), fallback)
    paid_at = rows.get("paid_at")
    is_paid_row = (paid_at.notna().astype("boolean") if paid_at is not None else word_paid)
    line_paid = None
    if charge is not None and is_paid_row is not None:
        line_paid = charge.where(is_paid_row.fillna(False).to_numpy(), 0.0).where(
            is_paid_row.notna() & charge.notna())
    lines: dict[str, object] = {
        "platform": KEY, "shop": shopless(n), "order_id": order_id, "line_id": line_id,
        "sku": sku, "title": title, "quantity": cells.integer("商品数量"), "paid": line_paid,
        "status_text": status,
    }
    if refund_text is not None:
        lines["refund_text"] = refund_text
        lines["refund_norm"] = refund_norm
        if charge is not None:
            lines["refund_amount"] = charge.where(refund_norm == "success", 0.0).where(
                charge.notna())
    marks = [m for m in (contains(title, GIFT_WORD),
                         None if charge is None else (charge == 0).fillna(False).to_numpy())
             if m is not None]
    if marks:
        lines["is_gift"] = pd.Series(np.logical_or.reduce(marks), dtype="boolean")
    if title is not None:
        bundle = title.str.contains("|".join(BUNDLE_WORDS), regex=True).fillna(False)
        lines["is_bundle_marked"] = pd.Series(bundle.to_numpy(), dtype="boolean")
    if discounts:
        lines["is_promo"] = pd.Series((rows["discount"] > 0).fillna(False).to_numpy(),
                                      dtype="boolean")
    line_frame = cells.frame(lines)

    # orders -----------------------------------------------------------------------------------
    if charge is not None:
        rows["order_total"] = charge
    if refund_norm is not None and charge is not None:
        rows["refunded"] = charge.where(refund_norm == "success", 0.0).where(charge.notna())
        rows["refunded"] = rows["refunded"].fillna(0.0)
    if step is not None:
        if refund_norm is not None:   # a refunded sub-order no longer holds its order back
            step = step.where(~(refund_norm == "success").fillna(False).to_numpy(), CLOSED_STEP)
        rows["_step"] = step
    if cod is not None:
        rows["is_cod"] = pd.Series(cod, dtype="boolean")
    if word_paid is not None:
        rows["_word_paid"] = word_paid
    row_frame = cells.frame(rows)
    orders = per_order(row_frame, sums=("order_total", "discount", "refunded"),
                       any_true=("is_cod",))
    orders = _order_status(orders, row_frame, paid_at is not None, word_paid is not None)
    return {"orders": orders, "order_lines": line_frame}, notes


def _order_status(orders: pd.DataFrame, rows: pd.DataFrame, has_paid_at: bool,
                  has_word: bool) -> pd.DataFrame:
    """The order's status: its least advanced open sub-order (已关闭 only when all are), a
    partial shipment when some open sub-orders shipped and others not; paid once 支付完成时间
    is set (else as the words say), and then paid = the order total."""
    if orders.empty:
        return orders.drop(columns=["_step", "_word_paid"], errors="ignore")
    key = rows["order_id"]
    if "_step" in rows.columns:
        step = rows["_step"].astype("float64")
        open_step = step.where(step != CLOSED_STEP)
        least = open_step.groupby(key, sort=False).min()
        most = open_step.groupby(key, sort=False).max()
        closed = (step == CLOSED_STEP).groupby(key, sort=False).sum()
        known_rows = step.notna().groupby(key, sort=False).sum()
        closed_all = (closed == known_rows) & (known_rows > 0)
        chosen = least.where(least.notna(), closed_all.map({True: CLOSED_STEP, False: np.nan}))
        by_step = {v[2]: (k, v[0]) for k, v in reversed(ORDER_STATUS.items())}
        ids = orders["order_id"]
        picked = ids.map(chosen)
        word_of = {s: w for s, (w, _) in by_step.items()}
        norm_of = {s: nm for s, (_, nm) in by_step.items()}
        text_first = orders["status_text"]
        known = picked.notna()
        orders["status_text"] = text_first.where(~known, picked.map(word_of)).astype("str")
        orders["status_norm"] = pd.Series(picked.map(norm_of), dtype="str").where(known)
        shipped = (ids.map(most) >= 2) & (ids.map(least) <= 1)
        orders["partial_shipped"] = pd.Series(shipped.fillna(False).to_numpy(), dtype="boolean")
    if has_paid_at:
        orders["is_paid"] = orders["paid_at"].notna().astype("boolean")
    elif has_word:
        # no payment time: as the words say, and a cash-on-delivery order is paid on delivery
        word = rows["_word_paid"].astype("float64").groupby(key, sort=False).max()
        paid = orders["order_id"].map(word)
        if "is_cod" in orders.columns:
            paid = paid.where(~orders["is_cod"].fillna(False).to_numpy(), 0.0)
        orders["is_paid"] = pd.Series(paid.to_numpy(), dtype="float64").map(
            {1.0: True, 0.0: False}).astype("boolean")
    if "is_paid" in orders.columns and "is_cod" in orders.columns and "status_norm" in orders:
        cod_waiting = (orders["is_cod"].fillna(False) & ~orders["is_paid"].fillna(False)
                       & (orders["status_norm"] == "paid").fillna(False))
        orders["status_norm"] = orders["status_norm"].where(~cod_waiting, "cod_confirmed")
    if "is_paid" in orders.columns and "order_total" in orders.columns:
        paid = orders["is_paid"]
        orders["paid"] = orders["order_total"].where(paid.fillna(False).to_numpy(), 0.0).where(
            paid.notna() & orders["order_total"].notna())
    return orders.drop(columns=["_step", "_word_paid"], errors="ignore")


def read_cases_export(cells: Cells) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The 售后单 export as a `cases` frame, one row per 售后单号."""
    notes: list[str] = []
    return {"cases": read_cases(cells, KEY, CASES, notes)}, notes


PLATFORM = Platform(
    key=KEY,
    source_tz="Asia/Shanghai",
    layouts=(
        Layout("douyin_cases", read_cases_export,
               signature=(CASE_ID, CASE_ORDER_ID),
               required=(CASE_ID, CASE_ORDER_ID, CASE_STATUS_HEADER), headers=CASE_HEADERS,
               words={"售后状态": CASE_STATUS, "售后类型": CASE_TYPES, "仲裁状态": ARBITRATION}),
        Layout("douyin_orders", read_orders,
               signature=(ORDER_ID, ("订单提交时间", "订单应付金额", "选购商品", "商品规格", "商品数量",
                                     "支付完成时间", "订单完成时间", "售后状态", "收件人",
                                     "收件人手机号", "详细地址", "取消原因", *DISCOUNTS)),
               required=REQUIRED, headers=HEADERS,
               words={"订单状态": ORDER_STATUS, "售后状态": REFUND_STATUS}),
    ),
)
