"""The overview: the day's figures, what each KPI counts and the alarm row."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # the day's figures
    "day": ("日期", "Day"),
    "kpi_orders": ("订单数", "Orders"),
    "kpi_paid_orders": ("付款订单", "Paid orders"),
    "kpi_paid_amount": ("付款金额", "Paid amount"),
    "kpi_aov": ("客单价", "Average order value"),
    "kpi_shipped": ("发货订单", "Shipped"),
    "kpi_refund_amount": ("退款金额", "Refund amount"),
    "kpi_refund_rate": ("退款率", "Refund rate"),
    "kpi_shipped_72h": ("72小时发货率", "Shipped within 72 h"),
    "vs_previous_day": ("较前一天", "vs the day before"),
    "state_counts": ("订单状态", "Orders by state"),
    "state": ("状态", "State"),
    "orders": ("订单", "Orders"),
    "paid_amount": ("付款金额", "Paid amount"),
    "per_day": ("每日订单与付款金额", "Orders and paid amount per day"),
    "download_workbook": ("下载日报工作簿 (XLSX)", "Download the daily workbook (XLSX)"),
    "kpi_until": ("今日截至 {until}，与昨日同一时刻相比", "Today until {until}, against yesterday at the same time"),

    # what each KPI counts
    "kpi_help_orders": ("这一天下单（订单创建时间）的订单数。", "Orders placed (created) on this day."),
    "kpi_help_paid_orders": ("这一天付款的订单数，不论何时下单：前几天下单、今天付款的也算，所以可能多于订单数。",
                             "Orders paid on this day, whenever they were placed: an order placed "
                             "earlier and paid today counts, so this can exceed Orders."),
    "kpi_help_paid_amount": ("这一天付款的订单的买家实付金额（所选币种）。",
                             "What buyers paid for the orders paid on this day (in the chosen "
                             "currency)."),
    "kpi_help_aov": ("付款金额 ÷ 这一天付款的订单数（所选币种）。",
                     "Paid amount ÷ the orders paid on this day (in the chosen currency)."),
    "kpi_help_shipped": ("这一天发货（发货时间）的订单数，不论何时下单。",
                         "Orders shipped on this day (shipping time), whenever placed."),
    "kpi_help_refund_amount": ("这一天付款的订单的退款金额（所选币种）。",
                               "Refunds on the orders paid on this day (in the chosen currency)."),
    "kpi_help_refund_rate": ("退款金额 ÷ 付款金额，都按这一天付款的订单计。",
                             "Refund amount ÷ paid amount, both over the orders paid on this day."),
    "kpi_help_shipped_72h": ("这一天付款的订单中，付款后 72 小时内发货的比例。",
                             "The share of the orders paid on this day that shipped within 72 h "
                             "of payment."),
    "kpi_72h_not_yet": ("这一天的付款订单还没有都满 72 小时，比例要到三天后才能算出，所以显示“—”。",
                        "Shown as — : this day's paid orders have not all had their 72 hours "
                        "yet; the share is known three days after the day."),
    "kpi_not_judged": ("未判定", "Not judged"),
    "kpi_not_judged_help": ("所选店铺的导出文件没有发货信息，发货数和 72 小时发货率无法得知，不显示为 0。",
                            "The chosen shops' exports carry no shipping facts: orders shipped "
                            "and the 72-hour share cannot be known, and are not shown as 0."),

    # the alarm row
    "alarm_title": ("警报", "Alarms"),
    "alarm_rule": ("{rule}：超时 {overdue} · 即将 {due_soon}",
                   "{rule}: {overdue} overdue · {due_soon} due soon"),
    "alarm_held": ("问题订单暂缓：{n}", "Held by a problem: {n}"),
    "alarm_stale": ("数据过期的店铺：{n}", "Shops with stale data: {n}"),
    "alarm_updated": ("每分钟更新，截至 {t}", "Updated every minute, as of {t}"),
    "alarm_not_judged": (" · 未判定 {n}", " · {n} not judged"),
}
