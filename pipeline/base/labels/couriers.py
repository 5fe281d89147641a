"""Courier rules (DESIGN §12): the rules' kinds and their editor on the Settings page, and the
proposed courier the work queue shows with the rule that chose it."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # what chose an order's courier
    "cr_kind_requested": ("买家指定", "Asked for"),
    "cr_kind_region": ("地区", "Region"),
    "cr_kind_value": ("订单金额", "Order value"),
    "cr_kind_pieces": ("件数", "Pieces"),
    "cr_kind_sku": ("商品 SKU", "SKU"),
    "cr_kind_shop_default": ("店铺默认", "Shop default"),
    "cr_kind_hand": ("手动指定", "Set by hand"),
    "cr_kind_export": ("导出文件已有", "In the export"),
    "cr_kind_vague_address": ("地址不详，暂不分配", "Address too vague: none yet"),
    "cr_no_rule": ("没有规则匹配", "No rule matches"),
    # the work queue's columns
    "q_col_proposed_courier": ("建议快递", "Proposed courier"),
    "q_col_courier_rule": ("快递依据", "Courier chosen by"),
    "q_col_courier_rules": ("快递依据", "Courier chosen by"),
    # the editor on the Settings page
    "cr_title": ("快递分配规则", "Courier rules"),
    "cr_intro": ("待发货订单按下表从上到下逐条匹配，第一条匹配的规则决定建议快递；停用的规则跳过。"
                 "手动指定的快递优先于所有规则；地址不详的订单不分配快递。批次按建议快递分开。",
                 "Each order waiting to ship is tried against the rules from the top; the first "
                 "rule that matches proposes its courier; a disabled rule is skipped. A courier "
                 "set by hand wins over every rule; an order whose address is too vague gets "
                 "none. Batches form by the proposed courier."),
    "cr_col_position": ("顺序", "#"),
    "cr_col_enabled": ("启用", "On"),
    "cr_col_kind": ("类型", "Kind"),
    "cr_col_match": ("条件", "Matches"),
    "cr_col_courier": ("快递公司", "Courier"),
    "cr_col_id": ("规则编号", "Rule id"),
    "cr_any": ("全部", "any"),
    "cr_courier_asked": ("买家指定的快递", "the one asked for"),
    "cr_courier_default": ("默认快递：{courier}", "the desk's default: {courier}"),
    "cr_courier_default_none": ("未设默认快递（不分配）", "no default courier (none)"),
    "cr_pick": ("选择规则", "Pick a rule"),
    "cr_new": ("（新规则）", "(a new rule)"),
    "cr_field_kind": ("类型", "Kind"),
    "cr_field_match": ("条件", "Matches"),
    "cr_field_match_help": (
        "买家指定：适用的快递（用 | 分隔，留空为全部）；地区：省或市（如 新疆|西藏）；"
        "订单金额：最低金额（按订单自己的币种）；件数：最少件数；SKU：商品编码（用 | 分隔）；"
        "店铺默认：店铺名称（用 | 分隔，留空为全部店铺）。",
        "Asked for: the couriers it applies to (separated by |, empty: any); region: provinces "
        "or cities (新疆|西藏); order value: the lowest amount (in the order's own currency); "
        "pieces: the fewest pieces; SKU: codes separated by |; shop default: shop names "
        "(separated by |, empty: every shop)."),
    "cr_field_courier": ("快递公司", "Courier"),
    "cr_field_courier_help": (
        "买家指定：留空即用买家要求的快递；店铺默认：留空即用设置中的默认快递。",
        "Asked for: empty proposes the courier asked; shop default: empty proposes the desk's "
        "default courier."),
    "cr_field_enabled": ("启用此规则", "Rule enabled"),
    "cr_change": ("修改所选规则", "Change the rule"),
    "cr_add": ("新增规则（插在所选之后）", "Add as a new rule (after the one picked)"),
    "cr_up": ("上移", "Move up"),
    "cr_down": ("下移", "Move down"),
    "cr_delete": ("删除所选规则", "Delete the rule"),
    "cr_defaults": ("恢复默认规则", "Back to the default rules"),
    "cr_discard": ("放弃未保存的修改", "Discard the changes"),
    "cr_draft_changed": ("规则表有未保存的修改。", "The table has changes not saved yet."),
    "cr_preview": ("预览：待发货订单将如何分配", "Preview: how the waiting orders would split"),
    "cr_preview_help": ("按当前筛选条件，现在的规则与修改后的规则各分配多少单。",
                        "Orders per courier inside the filters, under the saved rules and "
                        "under the table above."),
    "cr_col_split_courier": ("快递公司", "Courier"),
    "cr_col_now": ("现在（单）", "Now (orders)"),
    "cr_col_after": ("修改后（单）", "After (orders)"),
    "cr_no_courier": ("（不分配）", "(none)"),
    "cr_save": ("保存快递规则", "Save the courier rules"),
    "cr_saved": ("快递规则已保存。", "Courier rules saved."),
    "cr_unchanged": ("快递规则没有变化。", "The courier rules are unchanged."),
    "cr_manager_only": ("只有经理可以修改快递规则。", "Only a manager can change the courier rules."),
}
