"""Every label the product shows, in both languages, in one place.

`LABELS[key] = (中文, English)`. Topics add their own block with `LABELS.update({...})` below.
"""

from __future__ import annotations

LANGS = ("zh", "en")

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
    # states
    "unconfirmed_unpaid": ("未确认未付款", "Unconfirmed, unpaid"),
    "confirmed_unpaid": ("已确认未付款", "Confirmed, unpaid"),
    "paid_unprocessed": ("未处理已确认已付款", "Paid, not processed"),
    "paid_processed": ("已处理已确认已付款", "Paid, processed"),
    "shipped": ("已发货", "Shipped"),
    "completed": ("已处理已发货", "Completed"),
    "refunding": ("退款中", "Refunding"),
    "refunded": ("退款成功", "Refunded"),
    "closed": ("已关闭", "Closed"),
    "partial_refund": ("部分退款", "Partial refund"),
    "partial_ship": ("部分发货", "Partly shipped"),
    # app frame
    "app_title": ("订单台", "Order Desk"),
    "language": ("语言", "Language"),
    "filters": ("筛选", "Filters"),
    "date_range": ("日期范围（下单时间）", "Date range (order created)"),
    "shop": ("店铺", "Shop"),
    "platform": ("平台", "Platform"),
    "all": ("全部", "All"),
    "demo_banner": (
        "演示数据：请在“导入”页面导入您的平台导出文件",
        "demo data — import your exports on the Import page",
    ),
    "empty_store": (
        "还没有订单。请在“导入”页面导入平台导出文件。",
        "No orders yet. Import your platform's exports on the Import page.",
    ),
    # pages
    "page_overview": ("总览", "Overview"),
    "page_import": ("导入", "Import"),
    # overview
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
    # import
    "upload_files": ("选择导出文件（可多选）", "Choose export files (several at once)"),
    "import_button": ("导入", "Import"),
    "importing": ("正在导入", "Importing"),
    "layout": ("识别格式", "Layout"),
    "rows_read": ("读取行数", "Rows read"),
    "rows_imported": ("导入行数", "Rows imported"),
    "rows_rejected": ("拒绝行数", "Rows rejected"),
    "status": ("结果", "Result"),
    "rejects": ("被拒绝的行", "Rejected rows"),
    "download_rejects": ("下载被拒绝的行", "Download rejected rows"),
    "import_history": ("导入记录", "Import history"),
    "templates": ("模板下载", "Templates"),
    "templates_help": (
        "其他平台或ERP：按模板整理后导入。",
        "Other platforms or ERPs: fill a template and import it.",
    ),
    "status_imported": ("已导入", "imported"),
    "status_partial": ("部分导入", "partly imported"),
    "status_skipped": ("已导入过，未改变", "already imported, nothing changed"),
    "status_refused": ("拒绝", "refused"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
}


def platform_name(platform: str, lang: str = "zh") -> str:
    """A platform code as people name it (`taobao` -> 淘宝/天猫); a code without a label (a
    template's own platform) as written."""
    name = f"platform_{platform}"
    return label(name, lang) if name in LABELS else (platform or "—")


def label(key: str, lang: str = "zh") -> str:
    """The label of `key` in `lang`; the key itself when none is defined."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]

# promotions and stock (DESIGN §7)
LABELS.update({
    "page_promotions": ("促销", "Promotions"),
    "page_stock": ("库存", "Stock"),
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
    "sku": ("商家编码", "SKU"),
    "stock_kind_sku": ("单品", "Single SKU"),
    "stock_kind_set": ("套装", "Set"),
    "name": ("名称", "Name"),
    "units": ("件数", "Units"),
    "components": ("组成", "Components"),
    "stock_none": (
        "还没有导入库存。请在“导入”页面导入库存导出或库存模板（sku, available；可选 "
        "reserved, in_transit, safety_stock, warehouse）。",
        "No stock imported yet. Import a stock export or the stock template (sku, available; "
        "optional reserved, in_transit, safety_stock, warehouse) on the Import page.",
    ),
    "stock_short": ("缺货商品（待发货订单需要的多于可用库存）",
                    "Short SKUs (orders waiting to ship need more than is available)"),
    "stock_no_short": ("没有缺货：可用库存够所有待发货订单。",
                       "Nothing is short: available stock covers every order waiting to ship."),
    "stock_bundles": ("套装可组数量", "Bundles the stock can build"),
    "stock_cover": ("可售天数", "Days of cover"),
    "stock_cover_help": (
        "可售天数 = (可用库存 − 待发货需求) ÷ 日销量；日销量按近7天或促销活动期间（套装拆分，含赠品）。",
        "Days of cover = (available − open demand) ÷ units per day, at the last 7 days' rate "
        "or the promotion's rate (bundles exploded, gifts included).",
    ),
    "stock_promo_ref": ("促销速率依据", "Promotion rate from"),
    "stock_below_safety": ("低于安全库存", "Below safety stock"),
    "stock_all": ("全部库存", "All stock"),
    "stock_by_warehouse": ("按仓库明细", "By warehouse"),
    "stock_skus": ("库存SKU数", "SKUs in stock"),
    "stock_units": ("可用件数", "Units available"),
    "stock_short_count": ("缺货SKU", "Short SKUs"),
    "stock_blocked": ("受阻订单", "Orders blocked"),
    "kind": ("类型", "Kind"),
    "demand": ("需求", "Demand"),
    "available": ("可用", "Available"),
    "reserved": ("已占用", "Reserved"),
    "in_transit": ("在途", "In transit"),
    "safety_stock": ("安全库存", "Safety stock"),
    "on_hand": ("实际库存", "On hand"),
    "open_demand": ("待发货需求", "Open demand"),
    "shortfall": ("缺口", "Shortfall"),
    "orders_blocked": ("受阻订单数", "Orders blocked"),
    "blocked_orders": ("受阻订单号", "Blocked orders"),
    "limiting_component": ("限制组件", "Limiting component"),
    "buildable": ("可组数量", "Buildable"),
    "rate_7d": ("近7天日销", "Per day (7 days)"),
    "promo_rate": ("促销日销", "Per day (promotion)"),
    "cover_days_7d": ("可售天数（近7天）", "Days of cover (7 days)"),
    "cover_days_promo": ("可售天数（促销）", "Days of cover (promotion)"),
    "days": ("天", "Days"),
    "below_safety": ("低于安全库存", "Below safety"),
})

# promotions and stock: table columns
LABELS.update({
    "warehouse": ("仓库", "Warehouse"),
    "warehouses": ("仓库数", "Warehouses"),
    "snapshot_at": ("库存时间", "Stock as of"),
    "units_7d": ("近7天件数", "Units (7 days)"),
    "in_stock_file": ("在库存表中", "In the stock export"),
    "left_after_open": ("发货后剩余", "Left after open orders"),
    "order_type": ("订单类型", "Order type"),
    "share": ("占比", "Share"),
    "in_bundles": ("套装组件", "In bundles"),
    "period_units": ("活动件数", "Units in the period"),
    "period_per_day": ("活动日销", "Per day in the period"),
    "cover_days_at_period_rate": ("按活动速率可售天数", "Days of cover at the period's rate"),
    "limiting_available": ("限制组件可用", "Limiting component available"),
    "limiting_quantity": ("每套用量", "Per bundle"),
    "bundle_demand": ("待发货套装数", "Bundles in open orders"),
    "bundle_sku": ("套装编码", "Bundle SKU"),
})

# overdue and problem orders, rule settings, the daily workbook
LABELS.update({
    "page_overdue": ("超时预警", "Overdue"),
    "page_settings": ("规则设置", "Settings"),
    "rule_chase_unpaid": ("未付款催付", "Chase unpaid"),
    "rule_ship_paid": ("已付款发货", "Ship paid orders"),
    "rule_out_of_stock": ("缺货处理", "Out of stock"),
    "rule_address": ("地址确认", "Address"),
    "problem_out_of_stock": ("缺货", "Out of stock"),
    "problem_address": ("地址不详", "Vague address"),
    "problem_buyer_message": ("买家留言未审", "Buyer message"),
    "problem_refund_before_ship": ("发货前退款", "Refund before shipping"),
    "problem_merge_candidate": ("可合并订单", "Merge candidate"),
    "problem_manual": ("人工标记", "Flagged"),
    "addr_placeholder": ("占位词（不详/待定/同上）", "placeholder (不详/待定/同上)"),
    "addr_missing_province": ("缺少省份", "no province"),
    "addr_missing_city": ("缺少城市", "no city"),
    "addr_missing_district": ("缺少区县", "no district"),
    "addr_no_street": ("缺少详细地址", "no street address"),
    "addr_too_short": ("详细地址过短", "street address too short"),
    "refund_requested": ("买家申请退款", "refund requested"),
    "refund_agreed": ("卖家同意退款", "refund agreed"),
    "refund_returned": ("买家已退货", "goods returned"),
    "refund_cancelled": ("付款后取消", "cancelled after payment"),
    "status_overdue": ("已超时", "overdue"),
    "status_due_soon": ("即将超时", "due soon"),
    "status_ok": ("正常", "on time"),
    "col_order_id": ("订单编号", "Order id"),
    "col_platform": ("平台", "Platform"),
    # the daily workbook's promotions sheet: a period against its baseline
    "col_baseline_orders": ("基准期订单数", "Baseline orders"),
    "col_orders_uplift": ("订单数增幅", "Orders uplift"),
    "col_baseline_paid_amount": ("基准期付款金额", "Baseline paid amount"),
    "col_paid_uplift": ("付款金额增幅", "Paid amount uplift"),
    "col_baseline_units": ("基准期件数", "Baseline units"),
    "col_units_uplift": ("件数增幅", "Units uplift"),
    "list_sep": ("、", ", "),
    # how late an overdue order is (sla.AGING_BUCKETS)
    "aging_<4h": ("超时4小时内", "under 4 h late"),
    "aging_4-24h": ("超时4–24小时", "4–24 h late"),
    "aging_1-3d": ("超时1–3天", "1–3 days late"),
    "aging_>3d": ("超时3天以上", "over 3 days late"),
    # platforms as people name them (a template's own platform text is shown as written)
    "platform_taobao": ("淘宝/天猫", "Taobao/Tmall"),
    "platform_shopify": ("Shopify", "Shopify"),
    "platform_douyin": ("抖店", "Douyin"),
    "platform_pinduoduo": ("拼多多", "Pinduoduo"),
    "platform_jd": ("京东", "JD"),
    "platform_other": ("其他", "Other"),
    "col_shop": ("店铺", "Shop"),
    "col_state": ("状态", "State"),
    "col_rule": ("规则", "Rule"),
    "col_deadline": ("截止时间", "Deadline"),
    "col_hours_left": ("剩余小时（负数为超时）", "Hours left (negative: late)"),
    "col_time_left": ("剩余/超时", "Time left / late"),
    "col_status": ("时效", "Status"),
    "col_problems": ("问题标记", "Problem marks"),
    "col_buyer_message": ("买家留言", "Buyer message"),
    "col_courier": ("快递公司", "Courier"),
    "col_tracking_no": ("运单号", "Tracking number"),
    "col_paid_at": ("付款时间", "Paid at"),
    "col_created_at": ("下单时间", "Created at"),
    "col_ship_by": ("承诺发货时间", "Promised ship-by"),
    "col_problem": ("问题", "Problem"),
    "col_reason": ("原因", "Reason"),
    "col_since": ("开始时间", "Since"),
    "col_resolved_at": ("处理时间", "Resolved at"),
    "col_resolved_by": ("处理人", "Resolved by"),
    "col_overdue": ("已超时", "Overdue"),
    "col_due_soon": ("即将超时", "Due soon"),
    "col_orders": ("订单数", "Orders"),
    "col_kpi": ("指标", "KPI"),
    "col_previous_day": ("前一天", "Day before"),
    "col_bucket": ("超时时长", "How late"),
    "col_sku": ("商家编码", "SKU"),
    "col_quantity": ("数量", "Quantity"),
    "col_title": ("宝贝标题", "Title"),
    "col_line_paid": ("实付", "Paid"),
    "col_refund_norm": ("退款状态", "Refund"),
    "col_partial_refund": ("部分退款", "Partial refund"),
    "col_partial_ship": ("部分发货", "Partly shipped"),
    "col_name": ("名称", "Name"),
    "col_start_at": ("开始", "Start"),
    "col_end_at": ("结束", "End"),
    "col_running": ("进行中", "Running"),
    "col_order_total": ("订单金额", "Order total"),
    "sheet_kpis": ("日报指标", "KPIs"),
    "sheet_states": ("订单状态", "States"),
    "sheet_rules": ("时效规则", "Time rules"),
    "sheet_overdue": ("超时订单", "Overdue"),
    "sheet_due_soon": ("即将超时", "Due soon"),
    "sheet_problems": ("问题订单", "Problems"),
    "sheet_promotions": ("促销", "Promotions"),
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
    "set_intro": (
        "时效规则的参数。修改后立即生效；默认值见每项说明。",
        "The time rules' parameters. A change applies at once; each shows its default.",
    ),
    "set_chase_unpaid_hours": ("未付款催付时限（小时，自下单起）",
                               "Chase unpaid orders within (hours after creation)"),
    "set_ship_paid_hours": ("发货时限（小时，自付款起）", "Ship paid orders within (hours after payment)"),
    "set_due_soon_hours": ("预警窗口（小时，截止前）", "Warning window (hours before a deadline)"),
    "set_timezone": ("店铺时区", "Shop time zone"),
    "set_confirmed_tag": ("表示“已确认”的标签（Shopify）", "Tag that means confirmed (Shopify)"),
    "set_batch_size": ("批次最大订单数", "Largest batch in the work queue"),
    "set_default": ("默认：{v}", "default: {v}"),
    "set_save": ("保存", "Save"),
    "set_reset": ("恢复默认", "Reset to defaults"),
    "set_saved": ("已保存。", "Saved."),
    "set_reset_done": ("已恢复默认值。", "Back to the defaults."),
    "set_unchanged": ("没有修改。", "Nothing changed."),
    "set_by": ("操作人", "Your name"),
    "set_by_default": ("订单台", "desk"),
    "set_timezone_help": (
        "已导入的时间按此时区存储；修改时区不会换算已导入的数据。",
        "Imported times are stored in this zone; changing it does not convert data already imported.",
    ),
    "set_current": ("当前设置", "Current settings"),
    "set_key": ("参数", "Setting"),
    "set_value": ("当前值", "Value"),
    "set_default_col": ("默认值", "Default"),
})

# Work queue, order dialog and desk actions
LABELS.update({
    "page_queue": ("作业队列", "Work queue"),
    "q_batch_size": ("批次最大订单数", "Largest batch"),
    "q_batch_size_help": ("相同商品组合、相同快递的订单组成一批，超过此数拆分。",
                          "Orders with the same SKU set and courier form a batch, split at this size."),
    "q_waiting": ("待发货", "Waiting to ship"),
    "q_waiting_help": ("已付款（或货到付款已确认）、未发货、无进行中退款的订单。",
                       "Paid (or confirmed cash on delivery), not shipped, no refund open."),
    "q_to_process": ("待处理", "To process"),
    "q_to_process_help": ("待发货中尚未处理（审单、打单、分配快递）的订单。",
                          "Waiting to ship and not yet processed (audited, waybill, courier)."),
    "q_batches": ("建议批次", "Proposed batches"),
    "q_batches_help": ("同一商品组合、同一快递的待处理订单。", "Orders to process with the same SKU set and courier."),
    "q_held": ("问题订单（暂缓）", "Held by a problem"),
    "q_held_help": ("有未处理问题标记的订单不进入批次；处理后自动回到批次。",
                    "Orders with an open problem mark stay out of batches until it is resolved."),
    "q_overdue": ("已超时", "Overdue"),
    "q_overdue_help": ("已过发货截止时间（承诺发货时间或付款后规定时限）。",
                       "Past the ship-by deadline (promised ship-by or the rule after payment)."),
    "q_batches_title": ("建议批次（最紧急在前）", "Proposed batches, most urgent first"),
    "q_no_batches": ("没有待处理的批次。", "Nothing left to batch."),
    "q_no_courier": ("未指定快递", "no courier"),
    "q_open_batch": ("打开批次", "Open a batch"),
    "q_process_batch": ("整批标记已处理（{n} 单）", "Mark the whole batch processed ({n})"),
    "q_courier_for_batch": ("快递公司", "Courier"),
    "q_courier_batch": ("整批指定快递", "Assign the courier to the batch"),
    "q_pick_hint": ("勾选订单可只处理所选订单；选一单可打开详情。",
                    "Tick orders to act on a selection; tick one to open it."),
    "q_process_selected": ("所选标记已处理（{n} 单）", "Mark selected processed ({n})"),
    "q_courier_selected": ("所选指定快递（{n} 单）", "Assign the courier to selected ({n})"),
    "q_open_order": ("打开订单", "Open the order"),
    "q_held_title": ("暂缓的问题订单", "Orders held by a problem"),
    "q_none_held": ("没有被问题标记暂缓的订单。", "No order is held by a problem."),
    "q_full_queue": ("完整作业队列", "The full queue"),
    "q_show_full_queue": ("显示完整队列（按处理顺序）", "Show the full queue (processing order)"),
    "q_page": ("页码（共 {pages} 页）", "Page (of {pages})"),
    "q_col_rank": ("顺序", "#"),
    "q_col_batch_id": ("批次", "Batch"),
    "q_col_sku_set": ("商品组合", "SKU set"),
    "q_col_courier": ("快递公司", "Courier"),
    "q_col_orders": ("订单数", "Orders"),
    "q_col_pieces": ("件数", "Pieces"),
    "q_col_lines": ("商品行", "Lines"),
    "q_col_deadline": ("发货截止", "Ship by"),
    "q_col_hours_left": ("剩余小时", "Hours left"),
    "q_col_due": ("时效", "Due"),
    "q_col_order_id": ("订单编号", "Order id"),
    "q_col_shop": ("店铺", "Shop"),
    "q_col_state": ("状态", "State"),
    "q_col_problems": ("问题", "Problems"),
    "q_col_reason": ("原因", "Reason"),
    # who acts
    "your_name": ("您的姓名（记录在操作中）", "Your name (recorded with each action)"),
    "your_name_placeholder": ("例如：小王", "e.g. Wang"),
    "acting_as": ("操作人", "Acting as"),
    # actions
    "action_confirm": ("确认订单", "Confirm"),
    "action_remind": ("已催付", "Payment reminder sent"),
    "action_process": ("标记已处理", "Mark processed"),
    "action_courier": ("指定快递/运单号", "Assign courier / tracking"),
    "action_note": ("卖家备注", "Seller note"),
    "action_review": ("已阅买家留言", "Buyer message reviewed"),
    "action_flag": ("标记问题", "Flag a problem"),
    "action_resolve": ("处理问题", "Resolve a problem"),
    "action_undo": ("撤销上一步", "Undo the last action"),
    "action_import": ("导入", "Import"),
    "act_done": ("已记录：{action}，{n} 单", "Recorded: {action} on {n} orders"),
    "act_done_one": ("已记录：订单 {order} {action}（操作 #{event}）",
                     "Recorded: {action} on order {order} (event #{event})"),
    "act_nothing_selected": ("未选择订单。", "No order selected."),
    # order dialog
    "dlg_order": ("订单", "Order"),
    "dlg_gone": ("此订单已不在系统中。", "This order is no longer in the store."),
    "dlg_times": ("时间", "Times"),
    "dlg_shipped_at": ("发货时间", "Shipped at"),
    "dlg_processed_at": ("处理时间", "Processed at"),
    "dlg_amounts": ("金额", "Amounts"),
    "dlg_refunded": ("退款金额", "Refunded"),
    "dlg_delivery": ("收货与物流", "Delivery"),
    "dlg_buyer": ("买家", "Buyer"),
    "dlg_receiver": ("收货人", "Receiver"),
    "dlg_phone": ("收货人电话", "Receiver's phone"),
    "dlg_address": ("收货地址", "Address"),
    "dlg_messages": ("留言与备注", "Messages and notes"),
    "dlg_seller_note": ("卖家备注", "Seller note"),
    "dlg_reviewed_message": ("已阅的买家留言", "Buyer message as reviewed"),
    "dlg_flag": ("问题标记原因", "Flag reason"),
    "dlg_lines": ("商品明细", "Lines"),
    "dlg_no_lines": ("此订单没有导入商品明细。", "No lines were imported for this order."),
    "dlg_marks": ("问题标记", "Problem marks"),
    "dlg_history": ("历史（导入与操作）", "History (imports and actions)"),
    "dlg_no_actions": ("此订单当前没有可执行的操作。", "No action applies to this order now."),
    "dlg_action": ("操作", "Action"),
    "dlg_what_was_done": ("处理方式（必填）", "What was done (required)"),
    "dlg_note": ("备注内容", "Note"),
    "dlg_undo_what": ("将撤销：{action}（操作 #{event}）", "Takes back: {action} (event #{event})"),
    "dlg_h_happened_at": ("时间", "When"),
    "dlg_h_action": ("操作", "Action"),
    "dlg_h_detail": ("内容", "Detail"),
    "dlg_h_kind": ("问题类型", "Problem type"),
    "dlg_h_author": ("操作人", "By"),
    "dlg_h_undone": ("已撤销", "Undone"),
    "dlg_h_ref": ("编号", "Ref"),
})

# Work queue: due statuses
LABELS.update({
    "q_due_overdue": ("已超时", "overdue"),
    "q_due_due_soon": ("即将超时", "due soon"),
    "q_due_ok": ("正常", "on time"),
    "q_due_not_judged": ("不判定（导出无发货信息）", "not judged (no shipping facts exported)"),
})

LABELS.update({
    "kpi_until": ("今日截至 {until}，与昨日同一时刻相比", "Today until {until}, against yesterday at the same time"),
})

LABELS.update({
    "imp_import_id": ("导入编号", "Import"),
    "imp_imported_at": ("导入时间", "Imported at"),
    "imp_file_name": ("文件名", "File"),
    "imp_layout": ("识别格式", "Layout"),
    "imp_rows_read": ("读取行数", "Rows read"),
    "imp_rows_imported": ("导入行数", "Rows imported"),
    "imp_rows_rejected": ("拒绝行数", "Rows rejected"),
    "imp_imported_by": ("导入人", "By"),
    "imp_sha256": ("文件指纹 (SHA-256)", "SHA-256"),
})

# war room (pipeline/desk/forecast.py)
LABELS.update({
    "page_warroom": ("作战室", "War room"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "wr_as_of": ("截至 {as_of}", "As of {as_of}"),
    "wr_open": ("打开作战室", "Open the war room"),
    "wr_intake": ("进单与预期", "Intake against the plan"),
    "wr_no_promotion": ("现在没有进行中的促销：在促销页添加促销时段后，这里显示当天进单与预期。",
                        "No promotion is running now: add a period on the Promotions page to "
                        "see the day's intake against the plan here."),
    "wr_period": ("进行中：{name}", "Running: {name}"),
    "wr_last_year": ("去年同期：{name}", "last year: {name}"),
    "wr_same_hours": ("活动至今 {orders} 单，基准同样钟点（{b_start} – {b_end}）{base} 单{uplift}（与促销页同一基准）。",
                      "The promotion so far: {orders} orders against {base} in the same hours of "
                      "its baseline ({b_start} – {b_end}){uplift}, the Promotions page's baseline."),
    "wr_projected_orders": ("今日预计订单数", "Projected orders today"),
    "wr_projected_paid": ("今日预计付款金额", "Projected paid amount today"),
    "wr_method_help": ("按截至现在的进单，乘以参照日全天与同一时刻之比：有去年同名促销（年份减一）时用去年那天，"
                       "否则用基准期（一个促销时长之前）的那天；下面列出每种算法（两个参照日、按目前速度平推）各自的预计。",
                       "The orders seen so far, scaled by how much of its day a reference day had "
                       "reached by the same hour: last year's promotion of the same name (the year "
                       "one less) when there is one, else the baseline's day (one period length "
                       "before); each method's own figure (both reference days and the flat rate "
                       "so far) is listed below."),
    "wr_projection_line": ("目前 {seen} · 采用{method}：{reason}",
                           "So far {seen} · from {method}: {reason}"),
    "wr_methods_line": ("各算法预计：{list}", "Each method: {list}"),
    "wr_method_used": ("（采用）", " (used)"),
    "wr_reason_last_year_known": ("去年同一促销的那天已知", "the same promotion a year before is known"),
    "wr_reason_no_last_year": ("没有去年的同一促销", "no last year's promotion of this name"),
    "wr_reason_last_year_empty": ("去年同一促销那天到此时还没有订单",
                                  "last year's promotion day had no orders by this hour"),
    "wr_reason_no_reference": ("参照日到此时都没有订单", "no reference day had orders by this hour"),
    "wr_method_last_year": ("去年同期的分时形状", "last year's hourly shape"),
    "wr_method_baseline": ("基准日的分时形状", "the baseline day's hourly shape"),
    "wr_method_flat": ("按目前速度平推", "the flat rate so far"),
    "wr_today": ("今日", "Today"),
    "wr_baseline_day": ("基准日", "Baseline day"),
    "wr_last_year_day": ("去年同日", "Last year"),
    "wr_hour": ("小时", "Hour"),
    "wr_backlog": ("积压与产能", "Backlog and capacity"),
    "wr_waiting": ("待发货订单", "Waiting to ship"),
    "wr_held": ("其中 {n} 单因问题暂缓（缺货、人工标记），不排进打包队列、不计入清空时间和打包人数；它们的发货时限照算：{late} 单已超时，未来 72 小时内到期 {due} 单。",
                "{n} of them are held by a problem (out of stock, flagged): not in the packers' "
                "line, the hours to clear or the packers needed; their deadlines still run: "
                "{late} already past, {due} due in the next 72 h."),
    "wr_rate": ("每小时发货（单）", "Orders shipped per hour"),
    "wr_rate_help": ("过去 {hours} 小时的速度：发货与处理的订单数取较大者（一次发货不会让速度大起大落）；两者都少于 3 单时不预测速度。预测假设这个速度保持不变。",
                     "The rate over the last {hours} hours: the larger of the orders shipped and "
                     "the orders processed (one shipment cannot swing it); with fewer than 3 of "
                     "either there is no rate. The forecast assumes it holds."),
    "wr_hours_to_clear": ("清空积压需要（小时）", "Hours to clear the backlog"),
    "wr_cleared_at": ("按当前速度、算上还在进来的订单（今日按预计，之后按基准日的平常速度；未来 24 小时约 {coming} 单），积压在 {at} 清空。",
                      "Counting the orders still coming in (today's projection, then the "
                      "baseline day's usual rate: about {coming} in the next 24 h), the backlog "
                      "is cleared at {at} at this rate."),
    "wr_cleared_no_intake": ("没有进行中的促销，不计新进订单：按当前速度，积压在 {at} 清空。",
                             "No promotion is running, so no orders are counted as coming in: "
                             "at this rate the backlog is cleared at {at}."),
    "wr_not_cleared": ("按当前速度，算上还在进来的订单（未来 24 小时约 {coming} 单），72 小时内清不完积压。",
                       "Counting the orders still coming in (about {coming} in the next 24 h), "
                       "the backlog is not cleared within 72 h at this rate."),
    "wr_packers": ("不超时需要的打包人数", "Packers needed to avoid breaches"),
    "wr_packers_help": ("让每一单都在发货时限前发出所需的最低速度，除以每人每小时打包单数（规则设置）。",
                        "The lowest rate at which every order still in time ships before its "
                        "deadline, divided by the orders one packer ships an hour (Settings)."),
    "wr_rates_line": ("过去 {hours} 小时：发货 {shipped} 单/小时，处理 {processed} 单/小时；预测用：{basis}；已超时 {overdue} 单排在最前。",
                      "Last {hours} h: {shipped} shipped and {processed} processed an hour; "
                      "the forecast uses {basis}; {overdue} already overdue are first in line."),
    "wr_basis_shipped": ("发货速度", "the shipping rate"),
    "wr_basis_processed": ("处理速度", "the processing rate"),
    "wr_basis_none": ("无（这段时间发货或处理都不到 3 单，不足以算速度；所有订单按时限到时超时计）",
                      "none (fewer than 3 orders shipped or processed: too few for a rate; "
                      "every order is counted as breaching at its deadline)"),
    "wr_burn_counts": ("消耗速度按过去 {hours} 小时下单的件数计，未付款订单也计入（已关闭的不计）。",
                       "The rate of sale counts the units of the orders placed over the last "
                       "{hours} h, unpaid orders included (closed ones left out)."),
    "wr_in_time": ("按时", "in time"),
    "wr_breaches": ("将超时", "will breach"),
    "wr_breach_help": ("未来 72 小时每小时到期的待发货订单，按最早到期先做、以当前速度发货时，其中来不及的单数。",
                       "Per hour of the next 72: the waiting orders whose ship deadline falls in it, "
                       "and how many of them miss it when the desk works earliest deadline first at "
                       "its current rate."),
    "wr_stock": ("库存消耗", "Stock burn-down"),
    "wr_stock_none": ("没有 SKU 按当前速度会用完。", "No SKU runs out at the current rate."),
    "wr_stock_help": ("剩余 = 分配用的库存减去待发货订单所需（组合拆成子件，含赠品）；速度 = 过去几小时下单的件数；未在库存表中的 SKU 不计。",
                      "Left = the stock the allocation takes from, less what the waiting orders "
                      "need (bundles exploded, gifts included); rate = units ordered over the last "
                      "hours; SKUs not in the stock export are not tracked."),
    "wr_col_sku": ("商家编码", "SKU"),
    "wr_col_left_units": ("剩余", "Left"),
    "wr_col_units_per_hour": ("每小时件数", "Units per hour"),
    "wr_col_cover_hours": ("可撑小时", "Hours of cover"),
    "wr_col_runs_out_at": ("预计用完", "Runs out at"),
    "wr_col_orders_per_hour": ("届时每小时受阻订单", "Orders blocked per hour then"),
    "wr_gifts": ("赠品台账", "Gifts ledger"),
    "wr_gifts_none": ("本次促销的付款订单中没有赠品。", "No gifts in this promotion's paid orders."),
    "wr_col_units_given": ("已送出", "Given"),
    "wr_col_orders": ("订单数", "Orders"),
    "wr_col_tracked": ("在库存表中", "Tracked"),
    "wr_col_stock_left": ("库存剩余", "Stock left"),
    "wr_col_orders_missing": ("将缺赠品的订单", "Orders that will miss it"),
    "wr_gift_cost_none": ("赠品成本：库存导出没有单位成本（成本价 / unit_cost 列），未计算。",
                          "Gift cost: the stock export carries no unit cost (a 成本价 / "
                          "unit_cost column), so none is shown."),
    "wr_alert_runout": ("{n} 个 SKU 将在 {within} 小时内用完（最早：{sku}，{hours} 小时）。",
                        "{n} SKU(s) will run out within {within} h (first: {sku}, in {hours} h)."),
    "wr_alert_breaches": ("今天将有 {n} 单超过发货时限（提醒阈值 {limit}）。",
                          "{n} orders will breach their ship deadline today (alert above {limit})."),
    "wr_alert_intake": ("进单连续两小时偏离预期超过 {limit}%（上一小时 {pct}%）。",
                        "Intake has been more than {limit}% off the projection for two hours "
                        "(last hour {pct}%)."),
})
LABELS.update({
    "set_warroom": ("**作战室**", "**War room**"),
    "set_forecast_rate_hours": ("速度的计算时长（小时）", "Hours the desk's rates are measured over"),
    "set_orders_per_packer_hour": ("每人每小时打包单数", "Orders one packer ships an hour"),
    "set_alert_runout_hours": ("SKU 将在几小时内用完时提醒", "Alert when an SKU runs out within (hours)"),
    "set_alert_breach_orders": ("今日将超时订单多于几单时提醒", "Alert when more orders than this will breach today"),
    "set_alert_intake_off_pct": ("进单连续两小时偏离预期超过（%）时提醒", "Alert when intake is off the projection two hours running by more than (%)"),
})

# Stock: the figure the orders waiting to ship take from, untracked SKUs (DESIGN §6)
LABELS.update({
    "allocatable": ("可分配库存", "Stock for orders"),
    "basis": ("分配依据", "Taken from"),
    "limiting_allocatable": ("限制组件可分配", "Limiting component stock for orders"),
    "stock_basis_on_hand": ("实际库存", "on hand (实际库存)"),
    "stock_basis_available_reserved": ("可用 + 占用", "available + reserved (可用 + 占用)"),
    "stock_basis_available": ("可用库存", "available"),
    "stock_basis_mixed": ("各仓不同", "mixed (differs by warehouse)"),
    "stock_basis_untracked": ("未跟踪", "untracked"),
    "stock_basis_part": ("{basis} {n} 个SKU", "{basis} for {n} SKUs"),
    "stock_basis_part_one": ("{basis} 1 个SKU", "{basis} for 1 SKU"),
    "stock_basis_caption": ("待发货订单从以下库存分配：{parts}。", "Allocation takes from {parts}."),
    "stock_basis_help": (
        "每个SKU按库存表（各仓相加）取：有实际库存时用实际库存；否则同时有可用和占用时用可用 + 占用；"
        "否则只用可用（模板的含义：待发货订单拿走之前的可用数）。导出的可用 = 实际 − 占用，"
        "待发货订单已在占用里，不会再从可用里扣第二次。",
        "Per SKU, summed over its stock rows (warehouses): on hand where the export gives it; "
        "else available + reserved where both are given; else available alone (the template's "
        "meaning: free before the waiting orders take theirs). Exports write available = on "
        "hand − reserved, and the orders waiting to ship are already inside reserved, so they "
        "are never taken from available a second time.",
    ),
    "stock_untracked_caption": (
        "未跟踪（不在库存表中，从不算缺货）：{n} 个SKU。",
        "Untracked (not in the stock export, never out of stock): {n} SKUs.",
    ),
    "stock_untracked_caption_one": (
        "未跟踪（不在库存表中，从不算缺货）：1 个SKU。",
        "Untracked (not in the stock export, never out of stock): 1 SKU.",
    ),
    "stock_untracked": ("未跟踪库存的商品", "Untracked SKUs"),
    "stock_untracked_help": (
        "待发货订单需要、但库存表里没有（或只有“not stocked”）的SKU：不知道有多少，所以从不标缺货。"
        "套装中未跟踪的组件不限制套装。",
        "SKUs the orders waiting to ship need that the stock export does not list (or lists only "
        "as `not stocked`): their stock is unknown, so they are never out of stock. An "
        "untracked component never limits a bundle.",
    ),
    "stock_untracked_count": ("未跟踪SKU", "Untracked SKUs"),
    "stock_short_taken": ("缺货商品（待发货订单需要的多于可分配库存）",
                          "Short SKUs (orders waiting to ship need more than the stock they take "
                          "from)"),
    "stock_no_short_taken": ("没有缺货：可分配库存够所有待发货订单。",
                             "Nothing is short: the stock covers every order waiting to ship."),
    "stock_cover_help_taken": (
        "可售天数 = (可分配库存 − 待发货需求) ÷ 日销量；日销量按近7天或促销活动期间（套装拆分，含赠品）。"
        "低于安全库存：发货后剩余少于安全库存。",
        "Days of cover = (stock for orders − open demand) ÷ units per day, at the last 7 days' "
        "rate or the promotion's rate (bundles exploded, gifts included). Below safety: what is "
        "left after the open demand is under the safety stock.",
    ),
    "stock_bundles_help": (
        "可组数量按可分配库存计算；未跟踪的组件不限制套装，组件全部未跟踪的套装没有数量。",
        "Buildable counts from the stock for orders; an untracked component never limits a "
        "bundle, and a bundle of untracked components has no count.",
    ),
})

# Currencies: money shown with its currency, one currency at a time
LABELS.update({
    "money_currency": ("币种", "Currency"),
    "money_currency_help": (
        "金额按此币种显示，不同币种从不相加；默认为本店币种（设置中的币种，未设置时为多数订单的币种）",
        "Money is shown in this currency and never added across currencies; by default the "
        "desk's currency (the setting, else the currency of most orders)"),
    "money_other_currencies": ("当日其他币种付款（不计入上方金额）：{list}",
                               "Paid this day in other currencies (not in the figures above): "
                               "{list}"),
    "money_other_currencies_period": ("活动期其他币种付款（不计入上方金额）：{list}",
                                      "Paid in the period in other currencies (not in the "
                                      "figures above): {list}"),
    "money_in_currency": ("{label}（{currency}）", "{label} ({currency})"),
    "set_currency": ("币种（ISO 代码）", "Currency (ISO code)"),
    "set_currency_help": (
        "三个字母，如 CNY、USD；留空则为多数订单的币种。没有币种的订单（旧数据、文件未给出）按此币种计",
        "Three letters, e.g. CNY, USD; empty means the currency of most orders. Orders without "
        "a currency (older imports, files without one) count in it"),
    "set_currency_invalid": ("币种须为三个字母的 ISO 代码，如 CNY、USD",
                             "A currency is a three-letter ISO code, e.g. CNY, USD"),
    "set_currency_auto": ("（多数订单的币种）", "(the currency of most orders)"),
    "col_currency": ("币种", "Currency"),
})

# The store under faults: what a viewer sees when the store cannot be written
LABELS.update({
    "store_fault_disk_full": ("无法写入数据库：磁盘已满。本次操作未记录，请清理磁盘空间后重试。",
                              "The store cannot be written: the disk is full. Nothing was "
                              "recorded; free some disk space and try again."),
    "store_fault_read_only": ("无法写入数据库：数据库为只读。本次操作未记录，请联系管理员开放数据目录的写权限。",
                              "The store cannot be written: it is read-only. Nothing was "
                              "recorded; ask whoever runs the desk to make the data folder "
                              "writable."),
    "store_fault_busy": ("数据库正忙（另一个程序正在使用）。本次操作未记录，请稍后重试。",
                         "The store is busy (another program is using it). Nothing was "
                         "recorded; try again in a moment."),
    "store_fault_gone": ("数据库文件已不存在或已被替换。本次操作未记录，请放回原文件或重启工作台。",
                         "The store file is gone or was replaced. Nothing was recorded; put it "
                         "back or restart the desk."),
    "store_fault_other": ("数据库无法完成此操作，本次操作未记录。详情见服务器日志。",
                          "The store could not do this; nothing was recorded. The details are "
                          "in the server log."),
    "store_fault_open_gone": ("数据库文件不存在或不是本工作台的数据库，工作台不会自动新建空库。请放回原文件；"
                              "如确需从头开始，请由管理员以 ORDERDESK_NEW_STORE=1 启动。",
                              "The store file is missing or is not this desk's store, and the desk "
                              "will not start an empty one by itself. Put the file back; to start "
                              "afresh on purpose, whoever runs the desk starts it with "
                              "ORDERDESK_NEW_STORE=1."),
})

# Overview: what each KPI counts
LABELS.update({
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
})

# Refusals of actions and roles (pipeline.base.reasons.Reason): the English is the command line's
# sentence; {figures} in words are said in the same language.
LABELS.update({
    "why_not_allowed": ("{role}不能{thing}；请找{lowest}或主管",
                        "a {role} may not {thing}; ask a {lowest} or a manager"),
    "why_not_allowed_manager": ("{role}不能{thing}；请找主管", "a {role} may not {thing}; ask a manager"),
    "why_nobody": ("任何人都不能{thing}", "nobody may {thing}"),
    "may_view": ("查看订单台", "see the desk"),
    "may_download": ("下载", "download"),
    "may_undo": ("撤销操作", "undo an action"),
    "may_undo_any": ("撤销同事的操作", "undo a colleague's action"),
    "may_import": ("导入文件", "import files"),
    "may_settings": ("修改规则设置", "change the settings"),
    "may_promotions": ("编辑促销时段", "edit promotion periods"),
    "may_bundles": ("编辑套装", "edit bundles"),
    "may_users": ("管理账户", "manage accounts"),
    "may_confirm": ("确认订单", "confirm orders"),
    "may_remind": ("催付订单", "remind orders"),
    "may_process": ("处理订单", "process orders"),
    "may_courier": ("指定快递", "courier orders"),
    "may_note": ("写卖家备注", "note orders"),
    "may_review": ("审阅买家留言", "review orders"),
    "may_flag": ("标记问题", "flag orders"),
    "may_resolve": ("处理问题", "resolve orders"),
    "why_disabled": ("账户 {who} 已停用，不能再操作", "the account {who} is disabled: it can no longer act"),
    "why_name_required": ("请先填写操作人姓名", "say who acts: a name is required"),
    "why_no_orders": ("没有选中订单", "no orders given"),
    "why_no_such_order": ("找不到订单：{listed}", "no such order: {listed}"),
    "why_refused_one": ("不能{action}订单 {order}：{why}", "cannot {action} order {order}: it {why}"),
    "why_refused_many": ("{total} 个订单中有 {n} 个不能{action}，因此都未更改：{listed}{more}",
                         "cannot {action} {n} of the {total} orders, so none was changed: "
                         "{listed}{more}"),
    "why_refused_item": ("{order} {why}", "{order} {why}"),
    "why_more": ("，另有 {n} 个", " and {n} more"),
    "why_conflict": ("订单 {order} 在您打开后有了变动：{done}。现在是“{state}”；请重新查看，如仍需要再操作。",
                     "order {order} changed since you opened it: {done}. It is now {state}; "
                     "look at it again and act if still needed."),
    "why_change": ("#{event} {at} {author}：{action}{text}", "#{event} {action}{text} by {author} at {at}"),
    "why_change_undone": ("之前的一个操作被撤销了", "an earlier action was taken back"),
    "verb_confirm": ("确认", "confirm"),
    "verb_remind": ("催付", "remind"),
    "verb_process": ("处理", "process"),
    "verb_courier": ("指定快递", "courier"),
    "verb_note": ("备注", "note"),
    "verb_review": ("审阅留言", "review"),
    "verb_flag": ("标记问题", "flag"),
    "verb_resolve": ("处理问题", "resolve"),
    "verb_undo": ("撤销", "undo"),
    "why_state_confirm": ("状态为“{state}”：只有未付款且未确认的订单可以确认",
                          "is {state}: only an unpaid order not yet confirmed can be confirmed"),
    "why_state_remind": ("状态为“{state}”：只有未付款的订单可以催付",
                         "is {state}: only an unpaid order can be reminded to pay"),
    "why_state_ship": ("状态为“{state}”：只有待发货的订单可以{done}",
                       "is {state}: only an order waiting to ship can be {done}"),
    "why_done_process": ("处理", "processed"),
    "why_done_courier": ("指定快递", "given a courier"),
    "why_already_processed": ("已经处理过了", "is already processed"),
    "why_needs_text": ("需要填写{what}", "needs a text: {what}"),
    "why_text_courier": ("快递公司和运单号", "COURIER TRACKING_NO"),
    "why_text_note": ("备注内容", "the note"),
    "why_text_flag": ("原因", "the reason"),
    "why_text_resolve": ("处理方式", "what was done"),
    "why_no_message": ("没有需要审阅的买家留言", "has no buyer message to review"),
    "why_message_reviewed": ("买家留言已经审阅过了", "has its buyer message already reviewed"),
    "why_already_flagged": ("已被标记（{reason}）；请先处理该标记",
                            "is already flagged ({reason}); resolve that flag first"),
    "why_needs_kind": ("需要选择问题类型：{kinds}", "needs a problem type, one of {kinds}"),
    "why_no_open_flag": ("没有待处理的人工标记", "has no open flag to resolve"),
    "why_no_open_problem": ("没有待处理的“{kind}”问题", "has no open problem “{kind}” to resolve"),
    "why_nothing_to_undo": ("没有可以撤销的操作", "has no action left to undo"),
    "why_batch_taken": ("批次 {batch} 已经处理过了；它的订单在“已处理的批次”里，作业队列会提出新的批次",
                        "batch {batch} was already processed; its orders are in the list of "
                        "processed batches, and the queue proposes new ones"),
    "why_no_batch": ("没有批次 {batch}", "there is no batch {batch}"),
    "why_batch_undone": ("批次 {batch} 已没有可撤销的操作：每一项都已撤销",
                         "batch {batch} has nothing left to undo: every action of it was already "
                         "taken back"),
    "why_batch_later": ("不能一步撤销批次 {batch}，因此未做任何更改：其中 {n} 个订单之后还有仍然有效的操作"
                        "（{listed}）；请先撤销那些操作",
                        "cannot undo batch {batch} as one step, so nothing was changed: a later "
                        "action is still in effect on {n} of its orders ({listed}); undo those "
                        "first"),
    "why_batch_later_item": ("{order} 之后有 #{event}", "{order} has #{event} after it"),
    "why_batch_moved_on": ("不能撤销批次 {batch}，因此未做任何更改：其中 {n} 个订单已不再待发货（{listed}）",
                           "cannot undo batch {batch}, so nothing was changed: {n} of its orders "
                           "moved on and no longer wait to ship ({listed})"),
    "why_own_only": ("客服专员只能撤销自己的操作，不能撤销 {listed}；请找主管",
                     "a clerk may undo only their own actions, not {listed}; ask a manager"),
    "why_event_by": ("#{event}（{author}）", "#{event} by {author}"),
    "why_period_name": ("促销时段需要名称", "a period needs a name"),
    "why_period_span": ("{name}：促销时段需要开始和结束时间", "{name}: a period needs a start and an end"),
    "why_period_order": ("{name}：结束时间（{end}）必须晚于开始时间（{start}）",
                         "{name}: the end ({end}) must be after the start ({start})"),
    "why_period_taken": ("已有名为“{name}”的促销时段；请换一个名称",
                         "a period named '{name}' already exists; choose another name"),
    "why_no_period": ("没有名为“{name}”的促销时段", "no promotion period named '{name}'"),
    "why_user_secret": ("账户需要密码或单点登录邮箱", "an account needs a password or an SSO e-mail"),
    "why_user_taken": ("已有名为“{name}”的账户", "an account named '{name}' already exists"),
    "why_user_none": ("没有名为“{name}”的账户", "no account named '{name}'"),
    "why_user_last_manager": ("{name} 是最后一位主管；请先让其他人成为主管",
                              "{name} is the last manager; make someone else a manager first"),
    "why_user_email_taken": ("邮箱 {email} 已对应账户 {name}",
                             "the e-mail {email} is already mapped to {name}"),
    "why_user_name": ("账户需要名称", "an account needs a name"),
    "why_user_name_chars": ("名称最多 {n} 个字符，不能含不可见字符或控制字符",
                            "a name has at most {n} characters, none of them invisible or a "
                            "control character"),
    "why_user_role": ("未知角色“{role}”；可选：{roles}", "unknown role '{role}'; one of {roles}"),
    "why_user_email": ("“{email}”不是邮箱地址", "'{email}' is not an e-mail address"),
    "why_password_short": ("密码至少需要 {n} 个字符", "a password needs at least {n} characters"),
    "why_password_spaces": ("密码不能只有空格", "a password cannot be only spaces"),
    "why_password_common": ("这是最常见的密码之一；请换一个", "this password is one of the most common ones; choose another"),
    "why_password_failed": ("无法设置密码；未做任何更改", "the password could not be taken; nothing was changed"),
    "why_viewer": ("操作订单需要客服专员或主管账户。",
                   "Acting on orders needs a clerk's or a manager's account."),
})

# The desk as a team: sign-in, roles, accounts and who did what
LABELS.update({
    "role_viewer": ("查看者", "viewer"),
    "role_clerk": ("客服专员", "clerk"),
    "role_manager": ("主管", "manager"),
    "auth_title": ("登录", "Sign in"),
    "auth_name": ("用户名", "Name"),
    "auth_password": ("密码", "Password"),
    "auth_submit": ("登录", "Sign in"),
    "auth_sso": ("使用单点登录", "Sign in with single sign-on"),
    "auth_sign_out": ("退出登录", "Sign out"),
    "auth_signed_in_as": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "auth_bad": ("用户名或密码错误。", "Wrong name or password."),
    "auth_disabled": ("此账户已停用，请联系主管。", "This account is disabled; ask a manager."),
    "auth_throttled": ("登录失败次数过多，请 {s} 秒后再试。",
                       "Too many failed sign-ins: try again in {s} seconds."),
    "auth_busy": ("订单台正忙于核对其他登录，请稍后再试。",
                  "The desk is busy checking other sign-ins; try again in a moment."),
    "auth_ended": ("登录已结束（已退出、长时间未操作或从另一地址打开），请重新登录。",
                   "Your sign-in has ended (signed out, idle too long, or opened from another "
                   "address); sign in again."),
    "auth_unmapped": ("邮箱 {email} 尚未关联到账户，请主管在“用户”页面关联。",
                      "The e-mail {email} is not mapped to an account; ask a manager to map it on "
                      "the Users page."),
    "auth_expired": ("长时间未操作，已自动退出，请重新登录。",
                     "You were signed out after a while without activity; sign in again."),
    "auth_gone": ("您的账户已停用或删除，已退出登录。",
                  "Your account was disabled or removed; you were signed out."),
    "auth_open_banner": (
        "尚无账户：订单台仅在本机开放，无需登录。添加第一位主管（在订单台文件夹中运行）：{cmd} user add 姓名 "
        "--role manager（或在“用户”页面添加）；之后每个人都需登录。",
        "No accounts yet: the desk is open on this machine only, without sign-in. Add the first "
        "manager (run in the desk's folder): {cmd} user add NAME --role manager (or on the Users "
        "page); from then on everyone signs in.",
    ),
    "auth_network_refused": (
        "订单台正对网络开放（server.address 不是 localhost），但还没有任何账户，因此拒绝服务。请先添加一位"
        "主管（在订单台文件夹中运行）：{cmd} user add 姓名 --role manager，或在 .streamlit/config.toml 中设置 "
        "address = \"localhost\"。",
        "The desk is served to the network (server.address is not localhost) and has no accounts, "
        "so it refuses to open. Add a manager first (run in the desk's folder): {cmd} user add "
        "NAME --role manager, or set address = \"localhost\" in .streamlit/config.toml.",
    ),
    "handoff_refused": (
        "命令行无法把工作交给此订单台：{path} {why}，订单台没有使用它。请删除该文件，或把数据库放在只有您能写入的文件夹中，"
        "然后重启订单台。",
        "The command line cannot hand its work to this desk: {path} {why}, so the desk did not "
        "use it; remove that file or keep the store in a folder only you can write to, then "
        "restart the desk.",
    ),
    "handoff_why_not_socket": ("不是套接字", "is not a socket"),
    "handoff_why_other_owner": ("属于另一个系统账户", "belongs to another system account"),
    "handoff_why_open_to_others": ("对其他账户开放", "is open to other accounts"),
    "handoff_why_other_listener": ("由另一个账户的程序占用", "is held by another account's program"),
    "auth_front_page": ("请打开订单台首页（网址不带页面名）登录。",
                        "Sign in on the desk's front page (its address without a page name)."),
    "auth_not_allowed": ("您的角色不能执行此操作。", "Your role may not do this."),
    "auth_view_only": ("您的角色只能查看和下载。", "Your role may only view and download."),
    "dlg_h_role": ("角色", "Role"),
    "set_session_idle_minutes": ("登录闲置多少分钟后自动退出", "Minutes idle before a signed-in "
                                 "session ends"),
    "page_users": ("用户", "Users"),
    "page_team": ("团队", "Team"),
    # users page
    "usr_intro": ("账户与角色：查看者可查看和下载；客服专员可处理订单并撤销自己的操作；主管还可导入、改设置、"
                  "编辑促销期和套装、撤销任何人的操作、管理账户。",
                  "Accounts and roles: a viewer sees and downloads; a clerk acts on orders and "
                  "undoes their own actions; a manager also imports, changes settings, edits "
                  "promotion periods and bundles, undoes anyone's action and manages accounts."),
    "usr_list": ("账户", "Accounts"),
    "usr_none": ("还没有账户：添加第一位主管后，每个人都需登录。",
                 "No accounts yet: once the first manager is added, everyone signs in."),
    "usr_add": ("添加账户", "Add an account"),
    "usr_name": ("用户名", "Name"),
    "usr_role": ("角色", "Role"),
    "usr_password": ("密码（至少 8 个字符）", "Password (8 characters or more)"),
    "usr_password_again": ("再次输入密码", "Password again"),
    "usr_email": ("单点登录邮箱（可选）", "SSO e-mail (optional)"),
    "usr_add_button": ("添加", "Add"),
    "usr_added": ("已添加账户 {name}。", "Account {name} added."),
    "usr_mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "usr_change": ("修改账户", "Change an account"),
    "usr_pick": ("账户", "Account"),
    "usr_set_role": ("更改角色", "Change role"),
    "usr_disable": ("停用", "Disable"),
    "usr_enable": ("重新启用", "Enable again"),
    "usr_reset": ("重设密码", "Reset password"),
    "usr_map": ("关联邮箱", "Map e-mail"),
    "usr_done": ("已保存。", "Saved."),
    "usr_col_name": ("用户名", "Name"),
    "usr_col_role": ("角色", "Role"),
    "usr_col_disabled": ("已停用", "Disabled"),
    "usr_col_has_password": ("有密码", "Has a password"),
    "usr_col_sso_email": ("单点登录邮箱", "SSO e-mail"),
    "usr_col_created_at": ("创建时间", "Created"),
    "usr_col_created_by": ("创建人", "Created by"),
    "usr_sso_on": ("已配置单点登录：邮箱关联到账户后，以该账户的角色登录。",
                   "Single sign-on is configured: an e-mail mapped to an account signs in with "
                   "that account's role."),
    "usr_sso_off": ("未配置单点登录（.streamlit/secrets.toml 中的 [auth]）；邮箱关联在配置后生效。",
                    "Single sign-on is not configured ([auth] in .streamlit/secrets.toml); "
                    "mapped e-mails apply once it is."),
    # team page
    "team_intro": ("谁做了什么：每人每天、每小时的操作，撤销，解决的问题及用时，从付款到处理和发货的时间。",
                   "Who did what: actions per person per day and hour, undos, problems resolved "
                   "and how long they took, time from payment to processed and to shipped."),
    "team_week": ("周（自）", "Week starting"),
    "team_by_day": ("每人每天的操作", "Actions per person per day"),
    "team_by_hour": ("每人各小时的操作", "Actions per person by hour of day"),
    "team_view": ("按", "By"),
    "team_view_day": ("天", "day"),
    "team_view_hour": ("小时", "hour"),
    "team_people": ("每人汇总", "Per person"),
    "team_resolved": ("解决的问题", "Problems resolved"),
    "team_resolved_note": (
        "用时：从标记开始（手动标记的时间；没有开始事件的自动标记取订单付款时间，未付款取下单时间）到解决。",
        "Time to resolve: from the mark's start (the flag's time; for marks without a start "
        "event the order's payment time, else its creation) to the resolve action.",
    ),
    "team_fulfil": ("从付款到处理、到发货", "From payment to processed and to shipped"),
    "team_fulfil_note": (
        "按处理订单的人（处理或填写快递的操作人）和店铺；发货时间来自平台导出。",
        "By whoever processed the order (the author of its process or courier action) and by "
        "shop; the shipping time comes from the platform's export.",
    ),
    "team_orders": ("查看订单", "Orders behind a number"),
    "team_pick": ("数字", "Number"),
    "team_none": ("本周没有操作。", "No actions this week."),
    "team_download": ("本周操作（CSV）", "This week's actions (CSV)"),
    "team_col_author": ("操作人", "Person"),
    "team_col_role": ("角色", "Role"),
    "team_col_day": ("日期", "Day"),
    "team_col_hour": ("小时", "Hour"),
    "team_col_actions": ("操作数", "Actions"),
    "team_col_orders": ("订单数", "Orders"),
    "team_col_undos": ("撤销", "Undos"),
    "team_col_undone": ("被撤销", "Undone by others or self"),
    "team_col_resolved": ("解决问题", "Problems resolved"),
    "team_col_problem": ("问题类型", "Problem type"),
    "team_col_hours_median": ("用时中位数（小时）", "Median hours"),
    "team_col_hours_mean": ("平均用时（小时）", "Mean hours"),
    "team_col_shop": ("店铺", "Shop"),
    "team_col_processed": ("处理订单", "Orders processed"),
    "team_col_hours_to_processed": ("付款到处理（小时，中位数）", "Paid to processed (h, median)"),
    "team_col_shipped": ("已发货", "Shipped"),
    "team_col_hours_to_shipped": ("付款到发货（小时，中位数）", "Paid to shipped (h, median)"),
    "team_col_resolved_at": ("解决时间", "Resolved"),
    "team_col_order_id": ("订单号", "Order"),
    "team_col_platform": ("平台", "Platform"),
    "team_col_action": ("操作", "Action"),
    "team_col_acted_at": ("时间", "When"),
    "team_col_event_id": ("编号", "Event"),
    "team_col_text": ("内容", "Detail"),
    "team_col_kind": ("问题类型", "Problem type"),
    "team_col_started_at": ("开始", "Started"),
    "team_col_hours": ("用时（小时）", "Hours"),
    "team_col_start_source": ("开始时间来自", "Start from"),
    "team_start_flag": ("标记事件", "flag event"),
    "team_start_paid": ("付款时间", "payment time"),
    "team_start_created": ("下单时间", "creation time"),
    "team_col_paid_at": ("付款时间", "Paid"),
    "team_col_processed_at": ("处理时间", "Processed"),
    "team_col_shipped_at": ("发货时间", "Shipped"),
    "team_what_actions": ("{author} 的操作", "{author}'s actions"),
    "team_what_undos": ("{author} 的撤销", "{author}'s undos"),
    "team_what_resolved": ("{author} 解决的问题", "problems {author} resolved"),
    "team_what_processed": ("{author} 处理的订单（{shop}）", "orders {author} processed ({shop})"),
})
# Data freshness (the moment each shop's data describes, stale shops) and the demo kept apart
LABELS.update({
    "fresh_caption": ("数据截至：{shops}", "Data as of: {shops}"),
    "fresh_stale_warning": (
        "以下店铺的数据已超过一天未更新，时效规则按其数据时刻计算，并排在其他店铺之后：{shops}",
        "These shops' data is more than a day old; their time rules are evaluated as of their "
        "data moment and listed after the other shops: {shops}",
    ),
    "fresh_stale_row": ("旧数据（截至 {t}）", "stale data (as of {t})"),
    "col_data_as_of": ("数据时效", "Data as of"),
    "q_col_data_as_of": ("数据时效", "Data as of"),
    # the demo kept apart: which data is on screen
    "imp_on_screen_demo": (
        "当前显示的是演示数据（单独存放）。导入您的第一个文件后，将建立您自己的数据库并切换过去，演示订单不会混入。",
        "On screen: the demo data, kept in a store of its own. Your first import starts your "
        "own store and the app switches to it; no demo order is mixed in.",
    ),
    "imp_on_screen_own": ("当前显示的是您自己导入的数据。", "On screen: your own imported data."),
    "imp_demo_mixed": (
        "此数据库中还有旧版本导入的演示订单。",
        "This store still holds demo orders imported by an earlier version.",
    ),
    "imp_store_file": ("数据库文件", "Store file"),
    "imp_switched_to_own": (
        "已建立您自己的数据库并切换过去；演示数据仍单独保存。",
        "Your own store was started and is now on screen; the demo stays apart.",
    ),
})

# Finding any order, bulk tracking numbers (批量发货), pick lists and packing slips
LABELS.update({
    "search_label": ("查找订单", "Find an order"),
    "search_placeholder": ("订单号 / 尾号 / 昵称 / 手机尾号 / 运单号",
                           "Order id / last digits / nick / phone / tracking no."),
    "search_help": ("在所有店铺和平台中查找：完整订单号或其末尾至少 4 位、买家昵称、收件人手机号后 4 位、"
                    "运单号。按回车查找；只有一单时直接打开。",
                    "Searches every shop and platform: the whole order id or its last 4+ "
                    "characters, the buyer's nick, the last 4 digits of the receiver's phone, a "
                    "tracking number. Press Enter; a single hit opens at once."),
    "search_none": ("没有找到订单。", "No order found."),
    "search_col_buyer": ("买家", "Buyer"),
    "search_col_city": ("收货城市", "Receiver's city"),
    "search_hits": ("找到 {n} 个订单，点选一单打开。", "{n} orders found; click one to open it."),
    "search_capped": ("（只列出前 {n} 个，请输入更完整的内容）", " (the first {n} only; type more)"),
    "q_click_hint": ("点击任一单元格打开该订单详情；勾选左侧方框可只处理所选订单。",
                     "Click any cell to open that order; tick the boxes on the left to act on "
                     "the ticked orders only."),
    "bulk_title": ("批量发货 / 批量填写运单号", "Bulk tracking numbers"),
    "bulk_toggle": ("批量发货（批量填写运单号）", "Bulk tracking numbers"),
    "bulk_help": ("上传平台的批量发货文件（CSV 或 XLSX，列：订单编号、物流公司、运单号/物流单号），"
                  "或粘贴每行一单：订单号 快递公司 运单号。先预览，确认后全部记录或全部不记录。",
                  "Upload the platform's bulk-shipping file (CSV or XLSX with the columns "
                  "订单编号/order_id, 物流公司/courier, 运单号/物流单号/tracking_no) or paste one "
                  "order a line: ORDER_ID COURIER TRACKING_NO. Preview first; confirming records "
                  "every row or none."),
    "bulk_source": ("来源", "From"),
    "bulk_source_file": ("上传文件", "A file"),
    "bulk_source_text": ("粘贴文本", "Pasted lines"),
    "bulk_file": ("批量发货文件", "Bulk-shipping file"),
    "bulk_text": ("每行：订单号 快递公司 运单号", "One a line: ORDER_ID COURIER TRACKING_NO"),
    "bulk_preview": ("预览", "Preview"),
    "bulk_confirm": ("确认：为 {n} 个订单记录运单号", "Confirm: record tracking numbers on {n} orders"),
    "bulk_all_ok": ("{n} 行都可以记录。", "All {n} rows can be recorded."),
    "bulk_some_refused": ("{bad} / {n} 行不能记录，请改正后再预览；全部可以时才能确认。",
                          "{bad} of {n} rows cannot be recorded; correct them and preview again. "
                          "Confirming needs every row to fit."),
    "bulk_no_rows": ("没有读到任何行。", "No rows were read."),
    "bulk_done": ("已记录 {n} 个订单的快递和运单号。", "Recorded the courier and tracking number of {n} orders."),
    "bulk_file_missing_column": ("文件缺少列：{detail}", "The file lacks the column(s): {detail}"),
    "bulk_col_line": ("行", "Line"),
    "bulk_col_found": ("找到订单", "Order found"),
    "bulk_col_ok": ("可以记录", "Can be recorded"),
    "bulk_col_reason": ("原因", "Reason"),
    "bulk_yes": ("是", "yes"),
    "bulk_no": ("否", "no"),
    "bulk_nothing_recorded": ("有 {n} 行不能记录，全部未记录：", "{n} rows cannot be recorded, so nothing was: "),
    "bulk_refused_row": ("第 {line} 行 订单 {order}：{reason}", "line {line} order {order}: {reason}"),
    "bulk_more": ("；另有 {n} 行", "; and {n} more"),
    "bulk_why_bad_line": ("无法读取这一行（应为：订单号 快递公司 运单号）：{detail}",
                          "cannot read the line (expected ORDER_ID COURIER TRACKING_NO): {detail}"),
    "bulk_why_no_id": ("缺少订单号", "no order id"),
    "bulk_why_id_rounded": ("订单号被表格软件改成了科学计数法，末尾数字已丢失",
                            "the order id was turned into a rounded number by a spreadsheet; its "
                            "last digits are lost"),
    "bulk_why_no_courier": ("缺少快递公司", "no courier"),
    "bulk_why_no_tracking": ("缺少运单号", "no tracking number"),
    "bulk_why_courier_blank": ("快递公司名称中不能有空格", "the courier's name must have no blanks"),
    "bulk_why_duplicate": ("与第 {detail} 行是同一订单", "the same order as line {detail}"),
    "bulk_why_not_found": ("没有这个订单", "no such order"),
    "bulk_why_ambiguous": ("多个店铺有此订单号（{detail}），请加一列“店铺”",
                           "the id is in several shops ({detail}); add a 店铺/shop column"),
    "bulk_why_state": ("订单状态为「{detail}」，只有待发货的订单可以填写运单号",
                       "the order is {detail}: only an order waiting to ship can be given a "
                       "tracking number"),
    "print_title": ("打印拣货单和发货单", "Print the pick list and packing slips"),
    "print_help": ("为所选批次生成：拣货单（按 SKU 汇总，套装拆成组件，含赠品）和每单一张的发货单"
                   "（A4 每页多张，或 100×150 mm 热敏面单）。",
                   "For the chosen batch: the pick list (per SKU, sets split into their "
                   "components, gifts included) and a packing slip per order (several to an "
                   "A4 page, or one to a 100×150 mm thermal label)."),
    "print_pick_pdf": ("拣货单 PDF", "Pick list PDF"),
    "print_pick_xlsx": ("拣货单 XLSX", "Pick list XLSX"),
    "print_slips_pdf": ("发货单 PDF", "Packing slips PDF"),
    "print_slips_xlsx": ("发货单 XLSX", "Packing slips XLSX"),
    "print_pick_title": ("拣货单", "Pick list"),
    "print_pick_meta": ("打印时间 {at} | {n} 个订单 | {skus} 个 SKU",
                        "Printed {at} | {n} orders | {skus} SKUs"),
    "print_slip_title": ("发货单", "Packing slip"),
    "print_printed_at": ("打印时间", "Printed"),
    "print_nothing": ("没有订单。", "No orders."),
    "print_gift": ("赠品", "gift"),
    "print_pick_sheet": ("拣货单", "Pick list"),
    "print_slips_sheet": ("发货单", "Packing slips"),
    "print_items_sheet": ("商品明细", "Items"),
    "print_col_batch": ("批次", "Batch"),
    "print_col_sku": ("SKU（商家编码）", "SKU"),
    "print_col_name": ("名称", "Name"),
    "print_col_warehouse": ("仓库", "Warehouse"),
    "print_col_quantity": ("数量", "Quantity"),
    "print_col_gift_quantity": ("其中赠品", "Of which gifts"),
    "print_col_from_bundles": ("来自套装", "From sets"),
    "print_col_orders": ("订单数", "Orders"),
    "print_col_order_id": ("订单编号", "Order id"),
    "print_col_shop": ("店铺", "Shop"),
    "print_col_platform": ("平台", "Platform"),
    "print_col_created_at": ("下单时间", "Created at"),
    "print_col_paid_at": ("付款时间", "Paid at"),
    "print_col_buyer": ("买家", "Buyer"),
    "print_col_receiver": ("收件人", "Receiver"),
    "print_col_address": ("地址", "Address"),
    "print_col_courier": ("快递公司", "Courier"),
    "print_col_tracking_no": ("运单号", "Tracking number"),
    "print_col_buyer_message": ("买家留言", "Buyer message"),
    "print_col_seller_note": ("卖家备注", "Seller note"),
    "print_col_gifts": ("赠品", "Gifts"),
    "print_col_line_id": ("行号", "Line"),
    "print_col_title": ("商品名称", "Item"),
    "print_col_is_gift": ("赠品", "Gift"),
    "print_col_components": ("套装组件", "Set components"),
})

LABELS.update({
    "wr_col_unit_cost": ("单位成本", "Unit cost"),
    "wr_col_gift_cost": ("赠品成本", "Gift cost"),
    "wr_gift_cost_total": ("已送赠品成本合计 {cost}（按库存导出的单位成本；{missing} 个赠品没有成本）。",
                           "Cost of the gifts given: {cost} (unit costs from the stock export; "
                           "{missing} gift(s) without one)."),
    "unit_cost": ("单位成本", "Unit cost"),
})


# Import page: the layouts it reads
LABELS.update({
    "import_layouts": (
        "可识别：淘宝/天猫订单报表与宝贝报表、Shopify 订单与库存、抖店订单、拼多多订单与售后（售后信息）、"
        "京东订单，以及本系统模板（CSV 或 XLSX）。",
        "Reads: Taobao/Tmall order and item reports, Shopify orders and inventory, 抖店 (Douyin) "
        "orders, 拼多多 (Pinduoduo) orders and after-sales (售后信息), 京东 (JD) orders, and the "
        "desk's templates (CSV or XLSX).",
    ),
})

LABELS.update({
    "loading_demo": ("正在载入演示店铺…", "Loading the demo shop…"),
})

LABELS.update({
    "inbox_imported": ("收件夹里有 {n} 个新文件已导入，详见“导入”页的导入记录。",
                       "{n} new file(s) from the inbox imported: see the import history on the "
                       "Import page."),
    "set_inbox_dir": ("收件夹（放入的导出文件会自动导入）", "Inbox folder (exports dropped here are imported)"),
})

# User text shown as text; the order's lines, marks and import outcomes in words
LABELS.update({
    "dlg_l_line_id": ("行号", "Line"),
    "dlg_l_sku": ("SKU（商家编码）", "SKU"),
    "dlg_l_title": ("商品名称", "Item"),
    "dlg_l_quantity": ("数量", "Quantity"),
    "dlg_l_unit_price": ("单价", "Unit price"),
    "dlg_l_paid": ("实付", "Paid"),
    "dlg_l_refund_text": ("退款状态", "Refund"),
    "dlg_l_is_gift": ("赠品", "Gift"),
    "dlg_l_is_bundle_marked": ("套装", "Set"),
    "od_amount_order_total": ("订单金额", "Order total"),
    "od_amount_paid": ("实付金额", "Paid"),
    "od_amount_refunded": ("退款金额", "Refunded"),
    "imp_result_read": (
        "{file} — {status}：识别为 {layout}，读取 {read} 行，导入 {imported} 行",
        "{file} — {status}: read as {layout}, {imported} of {read} rows imported"),
    "imp_result_rejected": ("，拒绝 {rejected} 行", ", {rejected} rejected"),
    "imp_result_skipped": ("{file} — {status}（与第 {import_id} 次导入的内容相同）",
                           "{file} — {status} (same content as import #{import_id})"),
    "imp_result_refused": ("{file} — {status}：未导入任何内容。",
                           "{file} — {status}: nothing was imported."),
    "imp_reader_detail": ("读取器的说明", "What the reader reported"),
    # shops (DESIGN §13)
    "shop_unnamed": ("未命名店铺", "Unnamed shop"),
    "imp_shop_ask": ("{platform} 文件的店铺", "Shop of the {platform} files"),
    "imp_shop_help": (
        "这些文件没有店铺列（Shopify 导出从来没有）：请选择店铺或新建一个。默认是上次为该平台选择的店铺。"
        "两个店铺的订单绝不会合并：订单编号与该店铺中下单时间不同的订单相同的文件会被拒绝。",
        "These files do not name their shop (a Shopify export never does): choose it, or add a "
        "new one. Proposed: the shop last chosen for this platform. Two shops are never "
        "merged: a file whose order ids belong to that shop's orders created at other times "
        "is refused."),
    "imp_shop_files": ("文件：{files}", "Files: {files}"),
    "imp_shop_auto": ("不指定（按已导入的同号订单的店铺，否则为未命名店铺）",
                      "Not named (the shop of stored orders with these ids, else the unnamed shop)"),
    "imp_shop_new": ("新店铺…", "New shop…"),
    "imp_shop_new_name": ("新店铺的名称", "New shop's name"),
    "imp_shop_new_missing": ("请填写新店铺的名称。", "Type the new shop's name."),
    "imp_shop_own": ("文件自带店铺列，按文件中的店铺导入：{files}",
                     "These files name their own shop, which is kept: {files}"),
    "imp_result_shop": ("店铺：{shop}", "Shop: {shop}"),
    "imp_clash": (
        "{file} 中有 {n} 个订单编号已属于店铺“{shop}”里下单时间不同的订单：这是另一个店铺的订单。"
        "未导入任何内容；请为该文件选择它自己的店铺后重新导入。",
        "{n} order ids of {file} already belong to orders of the shop “{shop}” created at "
        "other times: another shop's orders. Nothing was imported; import the file again "
        "under its own shop."),
    "imp_clash_order_id": ("订单编号", "Order id"),
    "imp_clash_stored": ("已导入订单的下单时间", "Created (stored order)"),
    "imp_clash_file": ("本文件中的下单时间", "Created (this file)"),
    "shops_title": ("店铺", "Shops"),
    "shops_help": (
        "订单里保存的店铺标识不会改变（订单的操作记录随之保留）；经理可以为店铺设置显示名称，"
        "筛选、列表和下载中都显示这个名称和平台。",
        "The shop key stored with the orders never changes (their history stays attached); "
        "a manager gives a shop the name shown with its platform in the filters, lists and "
        "downloads."),
    "shops_none": ("还没有店铺：导入订单后会列在这里。",
                   "No shops yet: they are listed here once orders are imported."),
    "shop_col_name": ("显示名称", "Name"),
    "shop_col_platform": ("平台", "Platform"),
    "shop_col_shop": ("店铺标识（导入时的名称）", "Key (as imported)"),
    "shop_col_time_zone": ("时区", "Time zone"),
    "shop_col_currency": ("货币", "Currency"),
    "shop_col_orders": ("订单数", "Orders"),
    "shop_col_renamed_at": ("改名时间", "Renamed at"),
    "shop_col_renamed_by": ("改名人", "Renamed by"),
    "shop_rename_pick": ("要改名的店铺", "Shop to rename"),
    "shop_rename_name": ("新的显示名称（留空则显示店铺标识）", "New display name (empty: its key)"),
    "shop_rename_button": ("保存名称", "Save name"),
    "shop_renamed": ("店铺已改名。", "The shop was renamed."),
    "shop_rename_taken": ("同一平台已有店铺显示为这个名称。",
                          "Another shop of this platform is shown by that name."),
    "tpl_orders": ("订单", "orders"),
    "tpl_order_lines": ("商品行", "order lines"),
    "tpl_stock": ("库存", "stock"),
    "tpl_bundles": ("套装", "sets"),
    "tpl_promotions": ("活动", "promotions"),
    "imp_rej_file": ("文件", "File"),
    "imp_rej_row": ("行", "Row"),
    "imp_rej_column": ("列", "Column"),
    "imp_rej_reason": ("原因", "Reason"),
    "imp_rej_value": ("值", "Value"),
    "layout_taobao_orders": ("淘宝/天猫订单报表", "Taobao/Tmall orders"),
    "layout_taobao_items": ("淘宝/天猫宝贝报表", "Taobao/Tmall items"),
    "layout_shopify_orders": ("Shopify 订单", "Shopify orders"),
    "layout_shopify_inventory": ("Shopify 库存", "Shopify inventory"),
    "layout_douyin_orders": ("抖店订单", "Douyin (抖店) orders"),
    "layout_pinduoduo_orders": ("拼多多订单", "Pinduoduo orders"),
    "layout_pinduoduo_refunds": ("拼多多售后", "Pinduoduo after-sales"),
    "layout_jd_orders": ("京东订单", "JD orders"),
    "layout_template_orders": ("订单模板", "orders template"),
    "layout_template_lines": ("商品行模板", "order lines template"),
    "layout_template_bundles": ("套装模板", "sets template"),
    "layout_template_stock": ("库存模板", "stock template"),
    "layout_template_promotions": ("活动模板", "promotions template"),
})

LABELS.update({
    "wr_alert_runout_now": ("{n} 个 SKU 已用完或将在 {within} 小时内用完（{sku} 已没有余量给新订单）。",
                            "{n} SKU(s) are used up or will run out within {within} h ({sku} has "
                            "nothing left for new orders)."),
})

# The desk at work all day: packing batches, confirming and undoing batch actions, live pages,
# the alarm row on the overview.
LABELS.update({
    "q_batch_size_help": ("每个快递一波；单件订单（一行一件）按 SKU 成批，其余按商品组合成批（含赠品）；"
                          "不足 3 单的小组合并为混合批次；超过此数拆分。",
                          "One wave per courier; single-item orders (one line, one piece) batch "
                          "by SKU, the rest by SKU set (gifts included); groups of fewer than 3 "
                          "are merged into mixed batches; a batch is cut at this size."),
    "q_batches_help": ("待处理订单按快递成波、按 SKU 或商品组合成批的批次数。",
                       "Orders to process, batched per courier by SKU or SKU set."),
    "q_col_kind": ("批次类型", "Kind"),
    "q_col_sku_sets": ("组合数", "SKU sets"),
    "q_kind_single": ("单件 · 同 SKU", "single items, one SKU"),
    "q_kind_set": ("同商品组合", "one SKU set"),
    "q_kind_mixed_single": ("单件 · 混合", "single items, mixed"),
    "q_kind_mixed": ("多件 · 混合", "several items, mixed"),
    "q_mixed_sets": ("{n} 种组合", "{n} SKU set(s)"),
    "q_mixed_skus": ("{n} 个 SKU", "{n} SKU(s)"),
    "q_n_orders": ("{n} 单", "{n} orders"),
    "flow_confirm_process": ("确认将 {n} 单标记为已处理？", "Mark {n} orders processed?"),
    "flow_confirm_courier": ("确认为 {n} 单指定快递 {courier}？",
                             "Assign courier {courier} to {n} orders?"),
    "flow_confirm": ("确认（{n} 单）", "Confirm ({n} orders)"),
    "flow_cancel": ("取消", "Cancel"),
    "flow_undo_last": ("撤销上一批：{action}，{n} 单（批次 {batch}）",
                       "Undo the last batch: {action}, {n} orders (batch {batch})"),
    "flow_undo_help": ("整批一步撤销；每单记录一条撤销操作，历史不丢。",
                       "Takes the whole batch back in one step; each order gets an undo event, "
                       "nothing is erased."),
    "flow_batch_undone": ("已撤销批次 {batch}（{action}）：{n} 单",
                          "Undid batch {batch} ({action}): {n} orders"),
    "q_done_title": ("今日已处理的批次", "Batches done today"),
    "q_done_help": ("批次号永远对应处理时的那些订单：随时可重新打印；在其订单都没有再变动（之后的操作、"
                    "发货、退款、关闭）之前，任何有撤销权限的人都可整批撤销。",
                    "A batch id names the orders it was processed with, for good: print it "
                    "again at any time. Anyone allowed to undo can take it back in one step "
                    "while none of its orders has moved on (a later action, shipped, refunded, "
                    "closed)."),
    "q_done_none": ("今天还没有批量操作。", "No batch action yet today."),
    "q_done_pick": ("选择已处理的批次", "Choose a batch done today"),
    "q_col_acted_at": ("时间", "When"),
    "q_col_action": ("操作", "Action"),
    "q_col_author": ("操作人", "By"),
    "q_col_status": ("撤销", "Undo"),
    "q_status_in_effect": ("可撤销", "can be undone"),
    "q_status_undone": ("已撤销", "undone"),
    "q_status_later_action": ("之后有其他操作，需先撤销那些", "a later action came after: undo it first"),
    "q_status_moved_on": ("有订单已发货、退款或关闭", "an order shipped, was refunded or closed"),
    "q_undo_batch": ("撤销批次 {batch}（{action}，{n} 单）", "Undo batch {batch} ({action}, {n} orders)"),
    "q_undo_not_yours": ("店员只能撤销自己的批次，请找经理。",
                         "A clerk undoes only their own batches: ask a manager."),
    "q_reprint_of": ("批次 {batch} 的拣货单和发货单（处理时的 {n} 单）",
                     "Batch {batch}: pick list and slips of the {n} orders it was processed with"),
    "dlg_reprint": ("重新打印批次 {batch}", "Print batch {batch} again"),
    "print_slip_size": ("发货单纸张", "Slip paper"),
    "print_size_a4": ("A4（每页多张）", "A4, several a page"),
    "print_size_label": ("热敏面单 100×150 mm", "Thermal label 100×150 mm"),
    "print_col_phone": ("电话", "Phone"),
    "dlg_h_batch_id": ("批次号", "Batch"),
    "alarm_title": ("警报", "Alarms"),
    "alarm_rule": ("{rule}：超时 {overdue} · 即将 {due_soon}",
                   "{rule}: {overdue} overdue · {due_soon} due soon"),
    "alarm_held": ("问题订单暂缓：{n}", "Held by a problem: {n}"),
    "alarm_stale": ("数据过期的店铺：{n}", "Shops with stale data: {n}"),
    "alarm_updated": ("每分钟更新，截至 {t}", "Updated every minute, as of {t}"),
    "alarm_not_judged": (" · 未判定 {n}", " · {n} not judged"),
    "not_judged_ship_paid": ("未判定：导出文件没有发货信息（发货时间、快递、运单号或订单状态）",
                             "Not judged: the export has no shipping facts (ship time, "
                             "courier, tracking number or a status)"),
    "not_judged_address": ("未判定：导出文件没有详细地址（只有省份等地区名）",
                           "Not judged: the export has no street address (a region's name "
                           "only)"),
    "od_not_judged": ("{rule}：{n} 单未判定，另计，不报警。{why}。店铺：{shops}",
                      "{rule}: {n} orders not judged, counted apart, no alarm. {why}. "
                      "Shops: {shops}"),
    "kpi_not_judged": ("未判定", "Not judged"),
    "kpi_not_judged_help": ("所选店铺的导出文件没有发货信息，发货数和 72 小时发货率无法得知，不显示为 0。",
                            "The chosen shops' exports carry no shipping facts: orders shipped "
                            "and the 72-hour share cannot be known, and are not shown as 0."),
    "wr_not_judged": ("{n} 单来自导出文件没有发货信息的店铺，未计入待发货（无法得知是否已发货）。",
                      "{n} orders of shops whose exports carry no shipping facts are left out "
                      "of the backlog (whether they shipped cannot be known)."),
    "wr_alert_stock_short": ("{n} 个 SKU 将在 {within} 小时内用完，其中 {short} 个已不够待发货订单（最早：{sku}）。",
                             "{n} SKU(s) run out within {within} h, {short} of them already "
                             "short for the orders waiting to ship (first: {sku})."),
    "wr_col_name": ("名称", "Name"),
    "wr_col_status": ("情况", "Status"),
    "wr_status_short": ("待发货订单已不够", "Short for waiting orders"),
    "wr_status_selling": ("按当前速度用完", "Runs out at the current rate"),
    "wr_sold_out": ("另有 {n} 个 SKU 库存为 0 且没有需求：已售罄，不算“将用完”。",
                    "Another {n} SKU(s) are at 0 with no demand: sold out, not running out."),
    "stock_running_out": ("{within} 小时内用完", "Run out within {within} h"),
    "stock_running_out_help": ("待发货订单已不够、或按过去几小时的下单速度将在这段时间内用完的 SKU：与各页顶部的提醒和作战室同一个数。"
                               "库存为 0 且没有需求的 SKU 是已售罄，不计入。",
                               "SKUs the waiting orders already lack, or that the last hours' "
                               "rate of sale uses up within this time: the same count as the "
                               "banner on every page and the War room. An SKU at 0 with no "
                               "demand is sold out and not counted."),
    "stock_sold_out": ("已售罄", "Sold out"),
})

LABELS.update({
    "promo_paid_counts": ("这里的付款金额：促销期内下单的已付款订单（按下单时间）。总览的付款金额按付款时间计，{day} 为 {amount}。",
                          "Paid amount here: the paid orders placed in the period (by order "
                          "time). The Overview's counts the orders paid on a day (by payment "
                          "time): {amount} on {day}."),
})

# The first start, before the navigation
LABELS.update({
    "app_starting": ("正在启动…", "Starting…"),
})
