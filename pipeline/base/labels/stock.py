"""Stock (DESIGN §6): short and untracked SKUs, sets, days of cover and the stock orders
take from."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # the stock page
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
    "stock_running_out": ("{within} 小时内用完", "Run out within {within} h"),
    "stock_running_out_help": ("待发货订单已不够、或按过去几小时的下单速度将在这段时间内用完的 SKU：与各页顶部的提醒和作战室同一个数。"
                               "库存为 0 且没有需求的 SKU 是已售罄，不计入。",
                               "SKUs the waiting orders already lack, or that the last hours' "
                               "rate of sale uses up within this time: the same count as the "
                               "banner on every page and the War room. An SKU at 0 with no "
                               "demand is sold out and not counted."),
    "stock_sold_out": ("已售罄", "Sold out"),

    # table columns
    "warehouse": ("仓库", "Warehouse"),
    "warehouses": ("仓库数", "Warehouses"),
    "snapshot_at": ("库存时间", "Stock as of"),
    "units_7d": ("近7天件数", "Units (7 days)"),
    "in_stock_file": ("在库存表中", "In the stock export"),
    "left_after_open": ("发货后剩余", "Left after open orders"),
    "in_bundles": ("套装组件", "In bundles"),
    "period_units": ("活动件数", "Units in the period"),
    "period_per_day": ("活动日销", "Per day in the period"),
    "cover_days_at_period_rate": ("按活动速率可售天数", "Days of cover at the period's rate"),
    "limiting_available": ("限制组件可用", "Limiting component available"),
    "limiting_quantity": ("每套用量", "Per bundle"),
    "bundle_demand": ("待发货套装数", "Bundles in open orders"),
    "bundle_sku": ("套装编码", "Bundle SKU"),

    # the stock the orders waiting to ship take from, untracked SKUs (DESIGN §6)
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
}
