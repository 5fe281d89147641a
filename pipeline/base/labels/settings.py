"""The settings page: the time rules' parameters, the war room's, the currency, sign-in and
the inbox."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # the time rules' parameters
    "set_intro": (
        "时效规则的参数。修改后立即生效；默认值见每项说明。",
        "The time rules' parameters. A change applies at once; each shows its default.",
    ),
    "set_chase_unpaid_hours": ("未付款催付时限（小时，自下单起）",
                               "Chase unpaid orders within (hours after creation)"),
    "set_ship_paid_hours": ("发货时限（小时，自付款起）", "Ship paid orders within (hours after payment)"),
    "set_due_soon_hours": ("预警窗口（小时，截止前）", "Warning window (hours before a deadline)"),
    "set_aftersales_answer_hours": ("售后答复时限（小时，平台未给截止时间时）",
                                    "After-sales: hours to answer (when the export gives no deadline)"),
    "set_aftersales_receive_hours": ("退货确认收货时限（小时，平台未给截止时间时）",
                                     "After-sales: hours to confirm a returned parcel (when the export gives none)"),
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

    # the war room's parameters
    "set_warroom": ("**作战室**", "**War room**"),
    "set_forecast_rate_hours": ("速度的计算时长（小时）", "Hours the desk's rates are measured over"),
    "set_orders_per_packer_hour": ("每人每小时打包单数", "Orders one packer ships an hour"),
    "set_alert_runout_hours": ("SKU 将在几小时内用完时提醒", "Alert when an SKU runs out within (hours)"),
    "set_alert_breach_orders": ("今日将超时订单多于几单时提醒", "Alert when more orders than this will breach today"),
    "set_alert_intake_off_pct": ("进单连续两小时偏离预期超过（%）时提醒", "Alert when intake is off the projection two hours running by more than (%)"),

    # the desk's currency
    "set_currency": ("币种（ISO 代码）", "Currency (ISO code)"),
    "set_currency_help": (
        "三个字母，如 CNY、USD；留空则为多数订单的币种。没有币种的订单（旧数据、文件未给出）按此币种计",
        "Three letters, e.g. CNY, USD; empty means the currency of most orders. Orders without "
        "a currency (older imports, files without one) count in it"),
    "set_currency_invalid": ("币种须为三个字母的 ISO 代码，如 CNY、USD",
                             "A currency is a three-letter ISO code, e.g. CNY, USD"),
    "set_currency_auto": ("（多数订单的币种）", "(the currency of most orders)"),

    # sign-in and the inbox
    "set_session_idle_minutes": ("登录闲置多少分钟后自动退出", "Minutes idle before a signed-in "
                                 "session ends"),
    "set_inbox_dir": ("收件夹（放入的导出文件会自动导入）", "Inbox folder (exports dropped here are imported)"),
}
