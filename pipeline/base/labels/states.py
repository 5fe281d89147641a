"""The order states of DESIGN §3 and the marks an order carries beside its state."""

from __future__ import annotations

# The nine order states of DESIGN §3, in display order.
STATES = (
    "unconfirmed_unpaid",
    "confirmed_unpaid",
    "paid_unprocessed",
    "paid_processed",
    "shipped",
    "completed",
    "refunding",
    "refunded",
    "closed",
)

LABELS: dict[str, tuple[str, str]] = {
    "unconfirmed_unpaid": ("未确认未付款", "Unconfirmed, unpaid"),
    "confirmed_unpaid": ("已确认未付款", "Confirmed, unpaid"),
    "paid_unprocessed": ("未处理已确认已付款", "Paid, not processed"),
    "paid_processed": ("已处理已确认已付款", "Paid, processed"),
    "shipped": ("已发货", "Shipped"),
    "completed": ("已处理已发货", "Completed"),
    "refunding": ("退款中", "Refunding"),
    "refunded": ("退款成功", "Refunded"),
    "closed": ("已关闭", "Closed"),
    # an order partly refunded or partly shipped, beside its state
    "partial_refund": ("部分退款", "Partial refund"),
    "partial_ship": ("部分发货", "Partly shipped"),
}
