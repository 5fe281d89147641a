"""The time rules (DESIGN §4) and the overdue page: rules, how late, the list and its order
detail."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # the time rules and an order's status against its deadline
    "rule_chase_unpaid": ("未付款催付", "Chase unpaid"),
    "rule_ship_paid": ("已付款发货", "Ship paid orders"),
    "rule_out_of_stock": ("缺货处理", "Out of stock"),
    "rule_address": ("地址确认", "Address"),
    "status_overdue": ("已超时", "overdue"),
    "status_due_soon": ("即将超时", "due soon"),
    "status_ok": ("正常", "on time"),

    # how late an overdue order is (sla.AGING_BUCKETS)
    "aging_<4h": ("超时4小时内", "under 4 h late"),
    "aging_4-24h": ("超时4–24小时", "4–24 h late"),
    "aging_1-3d": ("超时1–3天", "1–3 days late"),
    "aging_>3d": ("超时3天以上", "over 3 days late"),

    # what a rule cannot judge from a shop's exports
    "not_judged_ship_paid": ("未判定：导出文件没有发货信息（发货时间、快递、运单号或订单状态）",
                             "Not judged: the export has no shipping facts (ship time, "
                             "courier, tracking number or a status)"),
    "not_judged_address": ("未判定：导出文件没有详细地址（只有省份等地区名）",
                           "Not judged: the export has no street address (a region's name "
                           "only)"),
    "od_not_judged": ("{rule}：{n} 单未判定，另计，不报警。{why}。店铺：{shops}",
                      "{rule}: {n} orders not judged, counted apart, no alarm. {why}. "
                      "Shops: {shops}"),

    # the overdue page
    "od_as_of": ("截至时间", "As of"),
    "od_as_of_day": ("日期", "Day"),
    "od_as_of_time": ("时间", "Time"),
    "od_vs_yesterday": ("较昨日同一时间", "vs the same time yesterday"),
    "od_overdue": ("超时", "overdue"),
    "od_due_soon": ("即将超时", "due soon"),
    "od_nothing_overdue": ("截至此刻没有超时订单。", "Nothing is overdue as of this moment."),
    "od_nothing_listed": ("没有符合筛选条件的订单。", "No order matches these filters."),
    "od_list": ("需要处理的订单（最紧急在前）", "Orders to act on, most urgent first"),
    "od_show_status": ("显示", "Show"),
    "od_filter_rule": ("规则", "Rule"),
    "od_filter_shop": ("店铺", "Shop"),
    "od_filter_courier": ("快递公司", "Courier"),
    "od_filter_mark": ("问题标记", "Problem mark"),
    "od_no_courier": ("未指定", "none yet"),
    "od_aging": ("超时多久", "How late the overdue orders are"),
    "od_aging_by": ("分组", "By"),
    "od_by_rule": ("按规则", "By rule"),
    "od_by_shop": ("按店铺", "By shop"),
    "od_problems": ("问题订单", "Problem orders"),
    "od_rows_capped": ("仅显示最紧急的 {n} 条；完整列表请下载。",
                       "Showing the {n} most urgent; download for the full list."),
    "od_pick_hint": ("点选一行查看订单详情。", "Select a row to open the order."),
    "od_detail": ("订单详情", "Order detail"),
    "od_lines": ("商品明细", "Lines"),
    "od_times": ("时间", "Times"),
    "od_amounts": ("金额", "Amounts"),
    "od_address": ("收货地址", "Address"),
    "od_messages": ("留言与备注", "Messages and notes"),
    "od_seller_note": ("卖家备注", "Seller note"),
    "od_marks": ("问题标记", "Problem marks"),
    "od_no_marks": ("无问题标记", "No problem marks"),
    "od_late": ("超时 {t}", "{t} late"),
    "od_left": ("剩 {t}", "{t} left"),
    "od_unit_d": ("天", "d"),
    "od_unit_h": ("小时", "h"),
    "od_unit_min": ("分", "min"),
    "od_amount_order_total": ("订单金额", "Order total"),
    "od_amount_paid": ("实付金额", "Paid"),
    "od_amount_refunded": ("退款金额", "Refunded"),
}
