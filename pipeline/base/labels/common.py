"""Words every page shares: the app's frame, the navigation, the filters, platforms, money
and the data's freshness."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # the app's frame
    "app_title": ("订单台", "Order Desk"),
    "language": ("语言", "Language"),
    "demo_banner": (
        "演示数据：请在“导入”页面导入您的平台导出文件",
        "demo data — import your exports on the Import page",
    ),
    "empty_store": (
        "还没有订单。请在“导入”页面导入平台导出文件。",
        "No orders yet. Import your platform's exports on the Import page.",
    ),
    "loading_demo": ("正在载入演示店铺…", "Loading the demo shop…"),
    "app_starting": ("正在启动…", "Starting…"),

    # the navigation
    "page_overview": ("总览", "Overview"),
    "page_import": ("导入", "Import"),
    "page_promotions": ("促销", "Promotions"),
    "page_stock": ("库存", "Stock"),
    "page_overdue": ("超时预警", "Overdue"),
    "page_settings": ("规则设置", "Settings"),
    "page_queue": ("作业队列", "Work queue"),
    "page_warroom": ("作战室", "War room"),
    "page_users": ("用户", "Users"),
    "page_team": ("团队", "Team"),

    # the filters
    "filters": ("筛选", "Filters"),
    "date_range": ("日期范围（下单时间）", "Date range (order created)"),
    "shop": ("店铺", "Shop"),
    "platform": ("平台", "Platform"),
    "all": ("全部", "All"),

    # platforms as people name them (a template's own platform text is shown as written)
    "platform_taobao": ("淘宝/天猫", "Taobao/Tmall"),
    "platform_shopify": ("Shopify", "Shopify"),
    "platform_douyin": ("抖店", "Douyin"),
    "platform_pinduoduo": ("拼多多", "Pinduoduo"),
    "platform_jd": ("京东", "JD"),
    "platform_other": ("其他", "Other"),

    # money shown with its currency, one currency at a time
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

    # data freshness: the moment each shop's data describes, stale shops
    "fresh_caption": ("数据截至：{shops}", "Data as of: {shops}"),
    "fresh_stale_warning": (
        "以下店铺的数据已超过一天未更新，时效规则按其数据时刻计算，并排在其他店铺之后：{shops}",
        "These shops' data is more than a day old; their time rules are evaluated as of their "
        "data moment and listed after the other shops: {shops}",
    ),
    "fresh_stale_row": ("旧数据（截至 {t}）", "stale data (as of {t})"),

    # words and buttons of any page
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "list_sep": ("、", ", "),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}
