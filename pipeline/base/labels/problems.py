"""Problem marks (DESIGN §6) and the reasons behind them."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # problem kinds (pipeline/desk/problems.py PROBLEMS)
    "problem_out_of_stock": ("缺货", "Out of stock"),
    "problem_address": ("地址不详", "Vague address"),
    "problem_buyer_message": ("买家留言未审", "Buyer message"),
    "problem_refund_before_ship": ("发货前退款", "Refund before shipping"),
    "problem_merge_candidate": ("可合并订单", "Merge candidate"),
    "problem_manual": ("人工标记", "Flagged"),
    "problem_info_changed": ("处理后信息有变", "Changed after handling"),

    # why an address is vague (pipeline/desk/address.py REASONS)
    "addr_placeholder": ("占位词（不详/待定/同上）", "placeholder (不详/待定/同上)"),
    "addr_missing_province": ("缺少省份", "no province"),
    "addr_missing_city": ("缺少城市", "no city"),
    "addr_missing_district": ("缺少区县", "no district"),
    "addr_no_street": ("缺少详细地址", "no street address"),
    "addr_too_short": ("详细地址过短", "street address too short"),

    # where a refund stands
    "refund_requested": ("买家申请退款", "refund requested"),
    "refund_agreed": ("卖家同意退款", "refund agreed"),
    "refund_returned": ("买家已退货", "goods returned"),
    "refund_cancelled": ("付款后取消", "cancelled after payment"),
}
