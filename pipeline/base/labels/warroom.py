"""The war room (pipeline/desk/forecast.py): intake against the plan, backlog and capacity,
stock burn-down, gifts and alerts."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # intake against the plan
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

    # backlog and capacity
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
    "wr_in_time": ("按时", "in time"),
    "wr_breaches": ("将超时", "will breach"),
    "wr_breach_help": ("未来 72 小时每小时到期的待发货订单，按最早到期先做、以当前速度发货时，其中来不及的单数。",
                       "Per hour of the next 72: the waiting orders whose ship deadline falls in it, "
                       "and how many of them miss it when the desk works earliest deadline first at "
                       "its current rate."),
    "wr_not_judged": ("{n} 单来自导出文件没有发货信息的店铺，未计入待发货（无法得知是否已发货）。",
                      "{n} orders of shops whose exports carry no shipping facts are left out "
                      "of the backlog (whether they shipped cannot be known)."),

    # stock burn-down
    "wr_burn_counts": ("消耗速度按过去 {hours} 小时下单的件数计，未付款订单也计入（已关闭的不计）。",
                       "The rate of sale counts the units of the orders placed over the last "
                       "{hours} h, unpaid orders included (closed ones left out)."),
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
    "wr_col_name": ("名称", "Name"),
    "wr_col_status": ("情况", "Status"),
    "wr_status_short": ("待发货订单已不够", "Short for waiting orders"),
    "wr_status_selling": ("按当前速度用完", "Runs out at the current rate"),
    "wr_sold_out": ("另有 {n} 个 SKU 库存为 0 且没有需求：已售罄，不算“将用完”。",
                    "Another {n} SKU(s) are at 0 with no demand: sold out, not running out."),

    # the gifts ledger
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
    "wr_col_unit_cost": ("单位成本", "Unit cost"),
    "wr_col_gift_cost": ("赠品成本", "Gift cost"),
    "wr_gift_cost_total": ("已送赠品成本合计 {cost}（按库存导出的单位成本；{missing} 个赠品没有成本）。",
                           "Cost of the gifts given: {cost} (unit costs from the stock export; "
                           "{missing} gift(s) without one)."),
    "unit_cost": ("单位成本", "Unit cost"),

    # alerts
    "wr_alert_runout": ("{n} 个 SKU 将在 {within} 小时内用完（最早：{sku}，{hours} 小时）。",
                        "{n} SKU(s) will run out within {within} h (first: {sku}, in {hours} h)."),
    "wr_alert_breaches": ("今天将有 {n} 单超过发货时限（提醒阈值 {limit}）。",
                          "{n} orders will breach their ship deadline today (alert above {limit})."),
    "wr_alert_intake": ("进单连续两小时偏离预期超过 {limit}%（上一小时 {pct}%）。",
                        "Intake has been more than {limit}% off the projection for two hours "
                        "(last hour {pct}%)."),
    "wr_alert_runout_now": ("{n} 个 SKU 已用完或将在 {within} 小时内用完（{sku} 已没有余量给新订单）。",
                            "{n} SKU(s) are used up or will run out within {within} h ({sku} has "
                            "nothing left for new orders)."),
    "wr_alert_stock_short": ("{n} 个 SKU 将在 {within} 小时内用完，其中 {short} 个已不够待发货订单（最早：{sku}）。",
                             "{n} SKU(s) run out within {within} h, {short} of them already "
                             "short for the orders waiting to ship (first: {sku})."),
}
