"""Taobao/Tmall seller-centre reports: the order report (订单报表), the item report (宝贝报表) and
the refund report (退款报表, one row per after-sales case)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from pipeline.base.canonical import FileFlag
from pipeline.ingest.formats.cases import PHASE_WORDS, CaseMap, read_cases
from pipeline.ingest.formats.cn import unknown_note
from pipeline.ingest.formats.platform import Layout, Platform
from pipeline.ingest.formats.values import (
    _BLANKS,
    NAME_CAP,
    SHOP_HEADERS,
    Cells,
    arrow_text,
    cap_of,
    map_words,
    per_distinct,
    positions,
    repeat_text,
)

KEY = "taobao"

# 订单状态 -> (status_norm, cash on delivery, the word itself says a payment was made)
ORDER_STATUS: dict[str, tuple[str, bool | None, bool | None]] = {
    "等待买家付款":                     ("unpaid",        False, False),
    "没有创建支付宝交易":               ("unpaid",        False, False),
    "等待买家确认货到付款订单信息":     ("unpaid",        True,  False),
    "买家已确认，等待卖家发货":         ("cod_confirmed", True,  False),
    "买家已付款，等待卖家发货":         ("paid",          False, True),
    "卖家已发货，等待买家确认":         ("shipped",       False, True),
    "卖家已发货，等待买家确认收货并付款": ("shipped",      True,  False),
    "交易成功":                         ("completed",     False, True),
    "买家已签收":                       ("completed",     True,  None),
    "买家已签收，回款至卖家":           ("completed",     True,  True),
    "交易关闭":                         ("closed",        None,  None),
    "交易被淘宝关闭":                   ("closed",        None,  None),
}

# 退款状态 -> refund_norm
REFUND_STATUS: dict[str, str] = {
    "没有申请退款":                   "none",
    "买家已经申请退款，等待卖家同意": "requested",
    "卖家已经同意退款，等待买家退货": "agreed",
    "买家已经退货，等待卖家确认收货": "returned",
    "卖家拒绝退款":                   "refused",
    "退款关闭":                       "closed",
    "退款成功":                       "success",
}

# Order report: canonical column -> headers, first present wins (2017, 2018 and 2020s layouts).
ORDER_TEXT = {
    "buyer":         ("买家会员名",),
    "receiver":      ("收货人姓名",),
    "buyer_message": ("买家留言",),
    "seller_note":   ("订单备注", "商家备忘"),
    "courier":       ("物流公司",),
}
ORDER_IDS = {
    "phone":         ("联系手机", "联系电话"),
    "tracking_no":   ("物流单号",),
}
ORDER_TIMES = {
    "created_at":    ("订单创建时间",),
    "paid_at":       ("订单付款时间",),
    "shipped_at":    ("发货时间",),
    "completed_at":  ("确认收货时间",),
}
ORDER_AMOUNTS = {
    "order_total":   ("总金额",),
    "paid":          ("买家实际支付金额",),
    "shipping_fee":  ("买家应付邮费",),
    "refunded":      ("退款金额",),
}
ORDER_INTS = {
    "item_count":    ("宝贝总数量",),
}
# Discounts the 2020s reports may carry (DESIGN §7); their sum is the order's discount.
ORDER_DISCOUNTS = ("店铺优惠", "平台优惠", "店铺优惠金额", "平台优惠金额")
CURRENCY = "CNY"
ORDER_REQUIRED = (("订单编号",), ("订单创建时间",))

# Item report, old (订单编号, line = position) and new (主订单编号 + 子订单编号) layouts.
ITEM_ORDER_ID = ("主订单编号", "订单编号")
ITEM_LINE_ID = ("子订单编号",)
ITEM_SKU = ("商家编码", "外部系统编号")   # else the title: the only name the line has
ITEM_REQUIRED = (ITEM_ORDER_ID,)
GIFT_WORD = "赠品"
# the street is not taken (the address is kept whole): only whether one follows the district
_ADDRESS_PARTS = r"^(?P<p>[^ ]*)(?: (?P<c>[^ ]*))?(?: (?P<d>[^ ]*))?(?: (?P<r>.))?"
_ODD_BLANKS = "[\t\u3000\u00a0]|  "     # blanks other than one space between the parts
BUNDLE_WORDS = ("套装", "组合装")

# Every header each report is known to carry (its full export), for weighing the candidates.
ORDER_EXPORT = (
    "订单编号", "买家会员名", "买家会员昵称", "支付单号", "支付详情", "买家支付宝账号", "买家应付货款",
    "买家应付邮费", "买家支付积分", "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分",
    "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式", "联系电话", "联系手机", "订单创建时间",
    "订单付款时间", "宝贝标题", "宝贝种类", "物流单号", "物流公司", "订单备注", "宝贝总数量", "店铺Id",
    "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单", "分阶段订单信息",
    "特权订金订单id", "是否上传合同照片", "是否上传小票", "是否代付", "定金排名", "修改后的sku",
    "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "新零售交易类型",
    "新零售导购门店id", "新零售导购门店名称", "新零售发货门店id", "新零售发货门店名称", "退款金额",
    "预约门店", "确认收货时间", "打款商家金额", "预售订单", "发货时间", "商家备忘", "主订单编号",
)
ITEM_EXPORT = (
    "子订单编号", "主订单编号", "订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性",
    "套餐信息", "备注", "订单状态", "商家编码", "支付单号", "买家应付货款", "买家实际支付金额",
    "退款状态", "退款金额", "订单创建时间", "订单付款时间",
)

# Refund report (退款报表, ExportRefundList…): the current layout and the older one (支付宝交易号
# for 支付单号, 商家编码 for 商品编码, 是否需要退货 and 买家会员名称, no 售后类型).
REFUND_EXPORT = (
    "订单编号", "退款编号", "支付单号", "订单付款时间", "商品 id", "商品编码", "退款完结时间",
    "买家实际支付金额", "宝贝标题", "买家退款金额", "手工退款/系统退款", "售后类型", "退款的申请时间",
    "超时时间", "退款状态", "货物状态", "退货物流信息", "发货物流信息", "客服介入状态", "卖家真实姓名",
    "卖家真实姓名 (新)", "卖家退货地址", "卖家邮编", "卖家电话", "卖家手机", "退货物流单号",
    "退货物流公司", "买家退款原因", "买家退款说明", "买家退货时间", "责任方", "售中或售后", "备注标签",
    "商家备注", "完结时间", "部分退款/全部退款", "审核操作人", "审核操作人新会员名", "举证超时",
    "是否零秒响应", "退款操作人", "退款操作人新会员名", "退款原因标签", "业务类型", "是否帮他退款",
    "帮他退款操作账号", "小额收款", "淘特订单", "百亿补贴超链退款信息", "智能退款策略", "执行方案",
)
REFUND_EXPORT_OLD = (
    "订单编号", "退款编号", "支付宝交易号", "订单付款时间", "商品id", "商家编码", "退款完结时间",
    "买家会员名称", "买家实际支付金额", "宝贝标题", "买家退款金额", "手工退款/系统退款", "是否需要退货",
    "退款的申请时间", "超时时间", "退款状态", "货物状态", "退货物流信息", "发货物流信息", "客服介入状态",
    "卖家真实姓名", "卖家退货地址", "卖家邮编", "卖家电话", "卖家手机", "退货物流单号", "退货物流公司",
    "买家退款原因", "买家退款说明", "买家退货时间", "责任方", "售中或售后", "商家备注", "完结时间",
    "部分退款/全部退款",
)
CASE_ID = ("退款编号",)
CASE_ORDER_ID = ("订单编号",)
CASE_STATUS_HEADER = ("退款状态",)
CASE_REQUIRED = (CASE_ID, CASE_ORDER_ID, CASE_STATUS_HEADER)

# 退款状态 -> the case's status (DESIGN §11)
CASE_STATUS: dict[str, str] = {
    "买家已经申请退款，等待卖家同意": "awaiting_seller",
    "卖家已经同意退款，等待买家退货": "awaiting_return",
    "买家已经退货，等待卖家确认收货": "returned",
    "同意退款，退款中":               "refunding",
    "卖家同意退款，退款中":           "refunding",
    "商家同意退款，退款中":           "refunding",
    "平台同意退款，退款中":           "refunding",
    "客服介入中":                     "arbitration",
    "待商家举证":                     "arbitration",
    "待商家上传凭证":                 "arbitration",
    "退款成功":                       "refunded",
    "同意退款，退款成功":             "refunded",
    "卖家拒绝退款":                   "rejected",
    "退货后拒绝退款":                 "rejected",
    "退款关闭":                       "closed",
    "买家撤销":                       "closed",
    "换货成功":                       "exchanged",
    "退款失败":                       "failed",
}
# 售后类型 (current layout) -> (case type, phase)
CASE_TYPES: dict[str, tuple[str | None, str | None]] = {
    "仅退款":       ("refund_only",   None),
    "未发货仅退款": ("refund_only",   "before_ship"),
    "已发货仅退款": ("refund_only",   "after_ship"),
    "退货退款":     ("return_refund", "after_ship"),
    "换货":         ("exchange",      "after_ship"),
    "补寄":         ("resend",        "after_ship"),
    "维修":         ("repair",        "after_ship"),
    "价保":         ("price_protect", None),
    "价格保护":     ("price_protect", None),
    "售中退款":     (None,            "before_ship"),
    "售后退款":     (None,            "after_ship"),
}
# 客服介入状态 -> whether the platform is deciding the case now
INTERVENTION: dict[str, bool] = {
    "未介入":         False,
    "无需客服介入":   False,
    "不需要客服介入": False,
    "客服介入完结":   False,
    "客服介入结束":   False,
    "需要客服介入":   True,
    "客服介入中":     True,
    "客服已经介入":   True,
    "客服已介入":     True,
    "待商家举证":     True,
    "待商家上传凭证": True,
    "仲裁中":         True,
}
REFUND_CASES = CaseMap(
    case_id=CASE_ID, order_id=CASE_ORDER_ID,
    status=CASE_STATUS_HEADER, status_words=CASE_STATUS,
    type=("售后类型",), type_words=CASE_TYPES,
    ids={"sku": ("商品编码", "商家编码"), "return_tracking": ("退货物流单号",)},
    texts={"title": ("宝贝标题",), "reason": ("买家退款原因", "退款原因标签"),
           "buyer_text": ("买家退款说明",), "return_courier": ("退货物流公司",),
           "goods_status": ("货物状态",), "responsibility": ("责任方",)},
    times={"requested_at": ("退款的申请时间",), "deadline": ("超时时间",),
           "closed_at": ("完结时间", "退款完结时间")},
    amounts=(("买家退款金额",),),
    refunded_at=("退款完结时间",),
    phase=((("售中或售后",), PHASE_WORDS), None),
    return_flag=("是否需要退货",),
    arbitration=("客服介入状态",), arbitration_words=INTERVENTION,
    evidence_deadline=("举证超时",),
)



def _word_key(s: pd.Series) -> pd.Series:
    """Status words compare without blanks and with the half-width comma made full-width."""
    return per_distinct(s, lambda words: words.str.replace(_BLANKS, "", regex=True)
                        .str.replace(",", "，", regex=False))


def read_orders(cells: Cells) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The order report as an `orders` frame."""
    notes: list[str] = []
    order_id = cells.ident("订单编号", key=True)
    cells.require(order_id, cells.header("订单编号"), "order id")
    created = cells.time(*ORDER_TIMES["created_at"])
    cells.require(created, cells.header("订单创建时间"), "creation time")
    shop = cells.text(*SHOP_HEADERS, cap=NAME_CAP)
    cols: dict[str, object] = {
        "platform": KEY,
        "shop": shop if shop is not None else repeat_text(cells.n),
        "order_id": order_id,
    }
    for name, aliases in ORDER_TEXT.items():
        cols[name] = cells.text(*aliases, cap=cap_of(name))
    for name, aliases in ORDER_IDS.items():
        cols[name] = cells.ident(*aliases)
    for name, aliases in ORDER_TIMES.items():
        cols[name] = created if name == "created_at" else cells.time(*aliases)
    for name, aliases in ORDER_AMOUNTS.items():
        cols[name] = cells.amount(*aliases)
    for name, aliases in ORDER_INTS.items():
        cols[name] = cells.integer(*aliases)
    cols["currency"] = repeat_text(cells.n, CURRENCY)
    discounts = [d for d in (cells.amount(h) for h in ORDER_DISCOUNTS if cells.has(h))
                 if d is not None]
    if discounts:
        cols["discount"] = sum(d.fillna(0) for d in discounts)
    if cols.get("paid") is not None and cols.get("refunded") is not None:
        cols["paid_net"] = _paid_net(cols["paid"], cols["refunded"], cells.n, notes)
    address = cells.text("收货地址")
    if address is not None:
        cols.update(split_address(address))
    status = cells.text("订单状态")
    if status is not None:
        cols.update(_order_status(status, cols.get("paid_at"), notes, order_id))
    elif cols.get("paid_at") is not None:
        cols["is_paid"] = cols["paid_at"].notna().astype("boolean")
    return {"orders": cells.frame(cols)}, notes


def _paid_net(paid: pd.Series, refunded: pd.Series, n: int, notes: list[str]) -> pd.Series:
    """Whether the file writes 买家实际支付金额 net of refunds (DESIGN §3): decided for the whole
    file, by any row refunding more than it says was paid (no gross payment is refunded above
    itself)."""
    net = bool((refunded.fillna(0) > paid.fillna(0) + 0.005).any())
    if net:
        notes.append(FileFlag("买家实际支付金额 is net of refunds in this file (a refund above "
                              "the paid figure); orders are refunded in full only when nothing "
                              "is left paid", "orders", "paid_net"))
    return pd.Series(np.full(n, net), dtype="boolean")


def _order_status(status: pd.Series, paid_at: pd.Series | None, notes: list[str],
                  order_id: pd.Series | None = None) -> dict:
    key = _word_key(status)
    words = {_word_key(pd.Series([w], dtype="str")).iloc[0]: v for w, v in ORDER_STATUS.items()}
    norm = map_words(key, {k: v[0] for k, v in words.items()})
    cod = map_words(key, {k: v[1] for k, v in words.items()}, "boolean")
    paid_word = map_words(key, {k: v[2] for k, v in words.items()}, "boolean")
    note = unknown_note("订单状态", status, status.notna() & norm.isna(), order_id,
                        then="read from payment/shipping times")
    if note:
        notes.append(note)
    is_paid = paid_at.notna().astype("boolean") if paid_at is not None else paid_word
    return {"status_text": status, "status_norm": norm, "is_paid": is_paid, "is_cod": cod}


def split_address(address: pd.Series) -> dict[str, pd.Series]:
    """`广东省 广州市 越秀区 某街道…` -> province, city, district (when the parts are there)."""
    spaced = arrow_text(address)
    if pc.any(pc.match_substring_regex(spaced, _ODD_BLANKS)).as_py():   # seldom: one pass less
        spaced = pc.replace_substring_regex(spaced, _BLANKS + "+", " ")
    parts = pc.extract_regex(pc.utf8_trim_whitespace(spaced), _ADDRESS_PARTS)
    part = {name: pd.Series(pc.struct_field(parts, name), dtype="str") for name in "pcdr"}
    two = (part["c"] != "").to_numpy()     # a province and a city at least
    four = (part["r"] != "").to_numpy()    # province, city, district, then the street
    return {
        "province": part["p"].where(two),
        "city": part["c"].where(two),
        "district": part["d"].where(four),
        "address": address,
    }


def read_items(cells: Cells) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The item report as an `order_lines` frame (one row per line)."""
    notes: list[str] = []
    id_header = cells.header(*ITEM_ORDER_ID)
    order_id = cells.ident(id_header, key=True)
    cells.require(order_id, id_header, "order id")
    line_id = positions(order_id)
    if cells.has(*ITEM_LINE_ID):
        given = cells.ident(*ITEM_LINE_ID, key=True)
        line_id = given.where(given.notna(), line_id)
    title = cells.text("标题")
    sku = cells.ident(*ITEM_SKU)
    if title is not None:
        sku = title if sku is None else sku.where(sku.notna(), title)
    price = cells.amount("价格")
    quantity = cells.integer("购买数量")
    paid = cells.amount("买家实际支付金额")
    refund_text = cells.text("退款状态")
    cols: dict[str, object] = {
        "platform": KEY,
        "shop": repeat_text(cells.n),
        "order_id": order_id,
        "line_id": line_id,
        "sku": sku,
        "title": title,
        "quantity": quantity,
        "unit_price": price,
        "paid": paid,
        "refund_amount": cells.amount("退款金额"),
        "status_text": cells.text("订单状态"),
    }
    if refund_text is not None:
        norm = map_words(_word_key(refund_text), {
            _word_key(pd.Series([k], dtype="str")).iloc[0]: v for k, v in REFUND_STATUS.items()
        })
        norm = norm.where(refund_text.notna(), "none")
        note = unknown_note("退款状态", refund_text, refund_text.notna() & norm.isna(), None,
                            "line", "taken as no refund in progress")
        if note:
            notes.append(note)
        cols["refund_text"] = refund_text
        cols["refund_norm"] = norm
    marks = [s for s in (title, cells.text("备注"), cells.text("商品属性")) if s is not None]
    if marks or price is not None:
        gift = np.zeros(cells.n, dtype=bool)
        for s in marks:
            gift |= s.str.contains(GIFT_WORD, regex=False).fillna(False).astype(bool).to_numpy()
        if price is not None:
            gift |= (price == 0).to_numpy()
        cols["is_gift"] = pd.Series(gift, dtype="boolean")
    package = cells.text("套餐信息")
    if package is not None or title is not None:
        bundle = np.zeros(cells.n, dtype=bool)
        if package is not None:
            bundle |= package.notna().to_numpy()
        if title is not None:
            pattern = "|".join(BUNDLE_WORDS)
            bundle |= title.str.contains(pattern, regex=True).fillna(False).astype(bool).to_numpy()
        cols["is_bundle_marked"] = pd.Series(bundle, dtype="boolean")
    return {"order_lines": cells.frame(cols)}, notes


def read_refunds(cells: Cells) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The refund report (either layout) as a `cases` frame, one row per 退款编号."""
    notes: list[str] = []
    return {"cases": read_cases(cells, KEY, REFUND_CASES, notes)}, notes


PLATFORM = Platform(
    key=KEY,
    source_tz="Asia/Shanghai",   # the seller centre writes Beijing time
    layouts=(
        Layout("taobao_refunds", read_refunds,
               signature=(CASE_ID, CASE_ORDER_ID), required=CASE_REQUIRED,
               headers=(*REFUND_EXPORT, *REFUND_EXPORT_OLD),
               words={"退款状态": CASE_STATUS, "售后类型": CASE_TYPES,
                      "客服介入状态": INTERVENTION}),
        Layout("taobao_items", read_items,
               signature=(ITEM_ORDER_ID, ("子订单编号", "标题", "价格", "购买数量")),
               required=ITEM_REQUIRED, headers=ITEM_EXPORT, words={"退款状态": REFUND_STATUS},
               sliced=True, kept_together=ITEM_ORDER_ID),
        Layout("taobao_orders", read_orders,
               signature=(("订单编号",), ("订单创建时间", "买家会员名", "总金额", "买家实际支付金额",
                                         "收货地址", "收货人姓名", "宝贝标题", "订单状态",
                                         "订单付款时间")),
               required=ORDER_REQUIRED, headers=ORDER_EXPORT, words={"订单状态": ORDER_STATUS},
               sliced=True),
    ),
)
