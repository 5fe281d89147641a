"""The canonical frames every layout is mapped to, and the vocabulary they use.

An adapter in `pipeline.ingest.formats` returns a `Parsed` holding some of these frames. Each frame
carries only the columns the file actually gave (plus the key columns); the store updates just
those columns, so an export with a subset of columns never erases facts it does not carry.

Times are naive timestamps in the desk's time zone (Shopify offsets are converted on import).
Amounts are decimals with two places. Ids are text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# Normalised platform status (`orders.status_norm`): what the platform's own word says.
# The order state of DESIGN §3 is derived from this plus facts and events in pipeline/db/sql/states.sql.
STATUS_NORM = (
    "unpaid",         # 等待买家付款, 没有创建支付宝交易, 等待买家确认货到付款订单信息; Shopify pending/authorized
    "cod_confirmed",  # 买家已确认，等待卖家发货 (cash on delivery, confirmed)
    "paid",           # 买家已付款，等待卖家发货; Shopify paid/partially_paid, unfulfilled
    "shipped",        # 卖家已发货…; Shopify fulfilled/partial
    "completed",      # 交易成功; 买家已签收…
    "closed",         # 交易关闭, 交易被淘宝关闭; Shopify voided/expired
    "cancelled",      # Shopify `Cancelled at` set (after payment: refunding until refunded)
    "refunded",       # Shopify refunded
    "processed",      # paid and processed, as a template's `status` paid_processed says
)

# Normalised line refund status (`order_lines.refund_norm`).
REFUND_NORM = (
    "none",       # 没有申请退款, empty
    "requested",  # 买家已经申请退款，等待卖家同意
    "agreed",     # 卖家已经同意退款，等待买家退货
    "returned",   # 买家已经退货，等待卖家确认收货
    "refused",    # 卖家拒绝退款
    "closed",     # 退款关闭
    "success",    # 退款成功
)
REFUND_OPEN = ("requested", "agreed", "returned")

ORDER_KEY = ["platform", "shop", "order_id"]
NAME_CAP = 200   # characters of a name: people, shops, couriers, warehouses

# column -> DuckDB type. Key columns first.
ORDER_COLUMNS: dict[str, str] = {
    "platform": "varchar",
    "shop": "varchar",
    "order_id": "varchar",
    "status_text": "varchar",      # platform status as exported
    "status_norm": "varchar",      # one of STATUS_NORM, null when the export has no status
    "is_paid": "boolean",          # the platform says a payment was made (null: unknown)
    "is_cod": "boolean",           # cash on delivery
    "partial_shipped": "boolean",
    "buyer": "varchar",            # buyer account (nick / e-mail), for merge candidates
    "receiver": "varchar",
    "phone": "varchar",
    "created_at": "timestamp",
    "paid_at": "timestamp",
    "shipped_at": "timestamp",
    "completed_at": "timestamp",
    "closed_at": "timestamp",
    "ship_by": "timestamp",        # the platform's promised ship-by, when given
    "order_total": "decimal(14,2)",
    "paid": "decimal(14,2)",       # what the buyer actually paid, as the export states it
    "shipping_fee": "decimal(14,2)",
    "discount": "decimal(14,2)",
    "refunded": "decimal(14,2)",
    "province": "varchar",
    "city": "varchar",
    "district": "varchar",
    "address": "varchar",
    "courier": "varchar",
    "tracking_no": "varchar",
    "buyer_message": "varchar",
    "seller_note": "varchar",
    "seller_flag": "varchar",      # the seller's flag as exported: 旗帜颜色 (红…), 商家备注等级 (1–5)
    "promo_code": "varchar",
    "tags": "varchar",             # Shopify tags, comma separated
    "item_count": "integer",       # pieces, as the order report states it
    "currency": "varchar",         # ISO code: Shopify `Currency`; CNY for the Chinese platforms
    "paid_net": "boolean",         # the file writes `paid` net of refunds (DESIGN §3)
    "refund_open": "boolean",      # the export says a refund is in progress on the order
    "refund_partial": "boolean",   # the export says part of the order was refunded
}

LINE_KEY = ["platform", "shop", "order_id", "line_id"]

LINE_COLUMNS: dict[str, str] = {
    "platform": "varchar",
    "shop": "varchar",
    "order_id": "varchar",
    "line_id": "varchar",          # the platform's line id, or the line's position in its order
    "sku": "varchar",
    "title": "varchar",
    "quantity": "integer",
    "unit_price": "decimal(14,2)",
    "paid": "decimal(14,2)",
    "refund_text": "varchar",
    "refund_norm": "varchar",      # one of REFUND_NORM
    "refund_amount": "decimal(14,2)",
    "is_gift": "boolean",          # priced 0 or marked 赠品
    "is_bundle_marked": "boolean", # the export marks the line as a set (套餐信息, 套装/组合装)
    "is_promo": "boolean",         # the line carries a discount
    "status_text": "varchar",
}

STOCK_KEY = ["sku", "warehouse"]

STOCK_COLUMNS: dict[str, str] = {
    "sku": "varchar",
    "warehouse": "varchar",        # '' when the export has none
    "name": "varchar",
    "on_hand": "integer",
    "reserved": "integer",
    "available": "integer",
    "in_transit": "integer",
    "safety_stock": "integer",
    "unit_cost": "decimal(14,2)",  # what one unit costs the shop, where the export gives it
    "barcode": "varchar",          # 条码 / 69码 (EAN-13) as exact text: leading zeros kept
}

BUNDLE_COLUMNS: dict[str, str] = {
    "bundle_sku": "varchar",
    "component_sku": "varchar",
    "quantity": "integer",
}

PROMOTION_COLUMNS: dict[str, str] = {
    "name": "varchar",
    "start_at": "timestamp",
    "end_at": "timestamp",
}

# After-sales cases (DESIGN §11): one row per platform, shop and case, the newest export's facts.
CASE_KEY = ["platform", "shop", "case_id"]

# The canonical case types (`cases.case_type`).
CASE_TYPES = (
    "refund_only",     # 仅退款 (未发货仅退款 before shipping, 已发货仅退款 after)
    "return_refund",   # 退货退款
    "exchange",        # 换货
    "resend",          # 补寄, 缺货补寄
    "repair",          # 维修
    "price_protect",   # 价保
)

# The canonical case statuses (`cases.status_norm`) and who must act next: the seller, the
# buyer, the platform, or nobody (the case is over).
CASE_STATUS_ACTOR: dict[str, str | None] = {
    "awaiting_seller": "seller",   # 买家已经申请退款，等待卖家同意; 待商家处理
    "awaiting_return": "buyer",    # 卖家已经同意退款，等待买家退货; 待买家退货
    "returned": "seller",          # 买家已经退货，等待卖家确认收货; 待商家收货
    "refunding": "platform",       # 同意退款，退款中
    "arbitration": "seller",       # 客服介入, 仲裁中, 待商家举证
    "refunded": None,              # 退款成功
    "rejected": None,              # 卖家拒绝退款; 拒绝售后
    "closed": None,                # 退款关闭; 售后关闭; 买家撤销
    "exchanged": None,             # 换货成功
    "failed": None,                # 退款失败
}
CASE_STATUSES = tuple(CASE_STATUS_ACTOR)
CASE_OPEN = ("awaiting_seller", "arbitration", "awaiting_return", "returned", "refunding")
CASE_CLOSED = ("refunded", "rejected", "closed", "exchanged", "failed")
CASE_PHASES = ("before_ship", "after_ship")   # 售中 / 售后

CASE_COLUMNS: dict[str, str] = {
    "platform": "varchar",
    "shop": "varchar",
    "case_id": "varchar",          # 退款编号 / 售后单号 / 售后编号
    "order_id": "varchar",         # the order it is on (the store may not know it)
    "line_id": "varchar",          # the order line (抖店 商品单号 = 子订单编号), when given
    "sku": "varchar",
    "title": "varchar",
    "type_text": "varchar",        # the type as exported
    "case_type": "varchar",        # one of CASE_TYPES, null when the word is unknown
    "phase": "varchar",            # one of CASE_PHASES, null when unknown
    "status_text": "varchar",      # the status as exported
    "status_norm": "varchar",      # one of CASE_STATUSES, null when the word is unknown
    "amount_asked": "decimal(14,2)",
    "amount_refunded": "decimal(14,2)",
    "requested_at": "timestamp",
    "deadline": "timestamp",       # the platform's own for the next step (null: the desk's settings)
    "reason": "varchar",
    "buyer_text": "varchar",
    "return_courier": "varchar",
    "return_tracking": "varchar",
    "goods_status": "varchar",     # 货物状态 / 商品发货状态
    "arbitration": "varchar",      # 客服介入状态 / 仲裁状态, as exported
    "responsibility": "varchar",   # 责任方 / 纠纷责任方
    "refunded_at": "timestamp",    # 退款完结时间 / 商家退款时间
    "closed_at": "timestamp",      # 完结时间 / 售后关闭时间 / 售后完结时间
}

TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "orders": ORDER_COLUMNS,
    "order_lines": LINE_COLUMNS,
    "stock": STOCK_COLUMNS,
    "bundles": BUNDLE_COLUMNS,
    "promotions": PROMOTION_COLUMNS,
    "cases": CASE_COLUMNS,
}


@dataclass
class Reject:
    """One refused row: where it is and why."""

    row: int          # 1-based line number in the file as a spreadsheet shows it (header = 1)
    column: str
    reason: str
    value: str = ""


@dataclass
class Parsed:
    """What an adapter read from one file."""

    layout: str                                        # e.g. "taobao_orders", "shopify_orders"
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # table -> canonical frame
    rejects: list[Reject] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: int = 0                              # left out on purpose, not rejected
    notes: list[str] = field(default_factory=list)     # warnings worth showing (e.g. unknown columns)
    groups: object = None                              # a slice's keys whose rows belong together


class Note(str):
    """A note about a file that a slice of it gives in part: the same note of every slice
    (equal `key`) merges into one that speaks for the whole file."""

    key: tuple = ()
    rank: int = 9                # where it stands among the notes of a file (then by key)

    def merge(self, other: Note) -> Note:
        return self


class CountNote(Note):
    """`{count:,} …`: a count that adds up over the slices (e.g. values cut to their cap)."""

    def __new__(cls, template: str, count: int) -> CountNote:
        note = super().__new__(cls, template.format(count=count))
        note.template, note.count, note.key = template, count, ("count", template)
        note.rank = 2
        return note

    def merge(self, other: Note) -> Note:
        return CountNote(self.template, self.count + other.count)


class FileFlag(Note):
    """A note that sets one column for every row of the file when any slice found it (the
    net-paid reading): `table.column` is set true on the staged rows."""

    def __new__(cls, text: str, table: str, column: str) -> FileFlag:
        note = super().__new__(cls, text)
        note.table, note.column, note.key = table, column, ("flag", table, column)
        note.rank = 1
        return note


def merge_notes(slices: list[list[str]]) -> list[str]:
    """The notes of a file's slices as one list: plain notes once each, in the order they first
    appear, then the `Note`s, those of the same key merged, by rank and key (so that a file
    read whole or in slices says the same in the same order)."""
    plain: dict[str, None] = {}
    merged: dict[tuple, Note] = {}
    for notes in slices:
        for note in notes:
            if not isinstance(note, Note):
                plain.setdefault(note)
            elif note.key in merged:
                merged[note.key] = merged[note.key].merge(note)
            else:
                merged[note.key] = note
    ordered = sorted(merged.values(), key=lambda n: (n.rank, n.key))
    return [*plain, *ordered]


class FileRefused(Exception):
    """The whole file cannot be read; the message names the file and the reason."""
