"""Promotions (DESIGN §7): a period against its baseline, order types, top SKUs and the
periods' editor."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "promotion": ("促销订单", "Promotion"),
    "bundle": ("套装订单", "Bundle"),
    "combo": ("组合订单", "Combo"),
    "gift": ("赠品订单", "Gift"),
    "promo_none": (
        "还没有促销活动。请在“导入”页面导入促销模板（name, start, end），或在下方添加一个活动。",
        "No promotion period yet. Import the promotions template (name, start, end) on the "
        "Import page, or add a period below.",
    ),
    "promo_period": ("促销活动", "Promotion period"),
    "promo_window": ("活动时间", "Period"),
    "promo_baseline": ("对比基准", "Baseline"),
    "promo_baseline_help": (
        "基准 = 活动开始前同样长度的时间段；进行中的活动与基准的同样钟点对比（双11 15:00 时，对比前一天 00:00–15:00）。"
        "卡片、每小时图和作战室用的是同一个基准。",
        "Baseline = the same length of time just before the period; a running period is "
        "compared with the same elapsed hours of its baseline (at 15:00 on a one-day 双11, "
        "00:00–15:00 of the day before): the cards, the hourly chart and the War room alike.",
    ),
    "promo_running": ("进行中", "running"),
    "promo_same_hours": ("同样已过的 {hours} 小时", "the same {hours} h elapsed"),
    "promo_vs_baseline": ("较基准", "vs baseline"),
    "promo_peak_hour": ("高峰小时", "Peak hour"),
    "promo_hourly": ("每小时：活动期与基准期对比", "Per hour: period vs baseline"),
    "promo_hour": ("活动开始后第几小时", "Hour since start"),
    "promo_series_period": ("活动", "Period"),
    "promo_series_baseline": ("基准", "Baseline"),
    "promo_measure_orders": ("订单数", "Orders"),
    "promo_measure_paid": ("付款金额", "Paid amount"),
    "promo_types": ("订单类型（一单可属多类）", "Order types (an order may have several)"),
    "promo_top_skus": ("热销商品（按件数）", "Top SKUs (by units)"),
    "promo_as_sold": ("按销售SKU", "As sold"),
    "promo_exploded": ("拆分套装为单品", "Bundles exploded"),
    "promo_top_bundles": ("热销套装", "Top bundles"),
    "promo_gifts": ("赠品及库存", "Gifts and their stock"),
    "promo_no_gifts": ("本活动没有赠品。", "No gifts in this period."),
    "promo_component_demand": ("单品需求（套装拆分）", "Component demand (bundles exploded)"),
    "promo_edit": ("管理促销活动", "Edit promotion periods"),
    "promo_edit_target": ("选择要修改的活动", "Period to change"),
    "promo_new": ("（新建活动）", "(new period)"),
    "promo_name": ("活动名称", "Name"),
    "promo_start": ("开始", "Start"),
    "promo_end": ("结束（不含）", "End (exclusive)"),
    "promo_save": ("保存", "Save"),
    "promo_delete": ("删除此活动", "Remove this period"),
    "promo_delete_confirm": ("确认删除", "Yes, remove it"),
    "promo_saved": ("已保存", "Saved"),
    "promo_deleted": ("已删除", "Removed"),
    "kpi_units": ("件数", "Units"),
    "kpi_orders_per_hour": ("每小时订单", "Orders per hour"),
    "kpi_paid_per_hour": ("每小时付款金额", "Paid per hour"),
    "kpi_orders_per_day": ("每天订单", "Orders per day"),
    "kpi_paid_per_day": ("每天付款金额", "Paid per day"),
    "measure": ("指标", "Measure"),
    "uplift": ("提升", "Uplift"),
    "order_type": ("订单类型", "Order type"),
    "share": ("占比", "Share"),
    "promo_paid_counts": ("这里的付款金额：促销期内下单的已付款订单（按下单时间）。总览的付款金额按付款时间计，{day} 为 {amount}。",
                          "Paid amount here: the paid orders placed in the period (by order "
                          "time). The Overview's counts the orders paid on a day (by payment "
                          "time): {amount} on {day}."),
}
