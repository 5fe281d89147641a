"""The order detail's order information (DESIGN §12): the receiver as exported, the message and
note with their categories, what changed after the desk acted, the proposed courier, the
order's parcels and the forms that merge and split them (ui/order_dialog.py)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # the receiver as the export gives it
    "oi_masked": ("（平台已隐藏）", "(masked by the platform)"),
    # a text and what its categories do
    "oi_category_does": ("{category}：{does}（命中“{matched}”）",
                         "{category}: {does} (matched “{matched}”)"),
    "oi_category_courier": ("{category}：{courier}（命中“{matched}”）",
                            "{category}: {courier} (matched “{matched}”)"),
    # what changed after the desk acted, old and new side by side
    "oi_changes": ("处理后信息有变", "Changed after the desk acted"),
    "oi_change_head": ("{field} · {when} 导入的 {file} · {status}",
                       "{field} · imported {when} from {file} · {status}"),
    "oi_change_open": ("未审核：订单暂停，审核后放行", "not reviewed: held until reviewed"),
    "oi_change_reviewed": ("已审核", "reviewed"),
    "oi_before": ("之前", "Before"),
    "oi_now": ("现在", "Now"),
    "oi_empty_text": ("（空）", "(empty)"),
    # the proposed courier
    "oi_no_proposal": ("（不分配）", "(none)"),
    # the order's parcels
    "oi_parcels": ("包裹", "Parcels"),
    "oi_parcel_own": ("本订单单独成一个包裹。", "This order is one parcel of its own."),
    "oi_parcel_merged": ("与订单 {orders} 合并为一个包裹（包裹 {parcel}）：一次拣货、一张发货单、一个运单号。",
                         "One parcel with orders {orders} (parcel {parcel}): one pick, one "
                         "slip, one tracking number."),
    "oi_parcel_split": ("拆分为 {n} 个包裹，每个包裹各有快递和运单号。",
                        "Split into {n} parcels, each with its courier and tracking number."),
    "oi_col_parcel": ("包裹", "Parcel"),
    "oi_col_order_id": ("订单编号", "Order"),
    # merging
    "oi_merge_pick": ("合并进本订单的包裹（同一店铺、同一买家、同一地址）",
                      "Orders to put in this order's parcel (same shop, buyer and address)"),
    # splitting
    "oi_split_n": ("包裹数", "Parcels"),
    "oi_split_help": ("把每行商品的件数分到各包裹：每一件都要放进且只放进一个包裹，每个包裹至少一件。",
                      "Share each line's pieces among the parcels: every piece in exactly one "
                      "parcel, at least one piece in each."),
    "oi_split_line": ("第 {line} 行 · {sku} · {title} · 共 {quantity} 件",
                      "Line {line} · {sku} · {title} · {quantity} pieces"),
    "oi_split_parcel": ("包裹 {n}", "Parcel {n}"),
}
