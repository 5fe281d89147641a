"""Order information (DESIGN §12): the message and note rules, their categories and what they
do, what changed after the desk acted, and the rules' editor on the Settings page."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # the settings that are tables of rules (pipeline/db/settings.py RULE_TABLES)
    "set_message_rules": ("留言与备注规则", "Message and note rules"),
    "set_courier_rules": ("快递规则", "Courier rules"),
    "set_couriers_used": ("本店使用的快递", "Couriers the shop uses"),
    "set_default_courier": ("默认快递", "Default courier"),
    "set_rules_count": ("{n} 条规则", "{n} rules"),
    "set_couriers_used_help": ("用逗号或顿号分隔，如 顺丰速运、中通快递；留空表示不限。指定快递的留言若不在其中，订单暂停待审。",
                               "Separated by commas, e.g. SF Express, ZTO; empty: any. A courier "
                               "request for another one holds the order for review."),
    "set_default_courier_help": ("快递规则最后一条“店铺默认”所用的快递；留空则不分配。",
                                 "The courier the last courier rule (the shop's default) "
                                 "proposes; empty: none."),
    "set_none": ("（无）", "(none)"),
    "set_couriers_any": ("（不限）", "(any)"),

    # the default categories (pipeline/desk/info.py CATEGORY_LABELS)
    "info_cat_address_change": ("改地址", "Address change"),
    "info_cat_variant_change": ("改颜色/尺码", "Colour or size change"),
    "info_cat_cancel_request": ("要求取消", "Cancel request"),
    "info_cat_courier_request": ("指定快递", "Courier request"),
    "info_cat_urgent": ("加急", "Urgent"),
    "info_cat_invoice": ("发票", "Invoice"),
    "info_cat_gift_request": ("要赠品/小样", "Gift or sample request"),
    "info_cat_delivery": ("派送要求", "Delivery instructions"),

    # what a rule does (pipeline/db/settings.py RULE_DOES)
    "info_does_hold": ("暂停（审核后放行）", "Hold until reviewed"),
    "info_does_first": ("优先处理", "First in the queue"),
    "info_does_tag": ("打标记", "Tag"),
    "info_does_slip": ("打印在发货单上", "Print on the slip"),
    "info_does_courier": ("指定快递", "Set the courier"),

    # what a rule reads (pipeline/db/settings.py RULE_SOURCES)
    "info_src_buyer_message": ("买家留言", "Buyer message"),
    "info_src_seller_note": ("卖家备注", "Seller note"),
    "info_src_flag": ("旗帜", "Flag"),

    # what changed after the desk acted (the `info_changed` mark's reason)
    "info_changed_buyer_message": ("买家留言有变", "buyer message changed"),
    "info_changed_seller_note": ("卖家备注有变", "seller note changed"),
    "info_changed_address": ("收货地址有变", "address changed"),

    # a rules table that cannot be saved (pipeline/db/settings.py)
    "info_bad_table": ("规则表须为一组规则。", "The rules must be a list of rules."),
    "info_bad_rule": ("规则 {rule} 的格式不对。", "Rule {rule} is not a rule."),
    "info_no_id": ("规则 {rule} 缺少编号。", "Rule {rule} has no id."),
    "info_same_id": ("规则 {rule} 的编号与前面的规则重复。",
                     "Rule {rule} has the id of an earlier rule."),
    "info_no_category": ("规则 {rule} 缺少类别（类别前后不能有空格）。",
                         "Rule {rule} needs a category (without blanks around it)."),
    "info_no_pattern": ("规则 {rule} 缺少关键词。", "Rule {rule} needs words or a pattern."),
    "info_bad_flag": ("规则 {rule} 的“启用”“正则”须为是或否。",
                      "Rule {rule}: “on” and “regex” are yes or no."),
    "info_bad_regex": ("规则 {rule} 的正则表达式有误：{error}",
                       "Rule {rule}: the regular expression is not valid ({error})."),
    "info_empty_match": ("规则 {rule} 的正则表达式能匹配空文本，会匹配所有订单。",
                         "Rule {rule}: the regular expression matches an empty text, so every "
                         "order."),
    "info_empty_word": ("规则 {rule} 有空的关键词（多了一个 |）。",
                        "Rule {rule} has an empty word (one | too many)."),
    "info_bad_sources": ("规则 {rule} 须至少匹配一项：{sources}。",
                         "Rule {rule} must read at least one of: {sources}."),
    "info_bad_does": ("规则 {rule} 的处理方式“{does}”未知；可选：{known}。",
                      "Rule {rule}: unknown action “{does}”; one of {known}."),
    "info_bad_courier": ("规则 {rule} 的快递为空。", "Rule {rule}: the courier is empty."),
    "info_courier_not_courier": ("规则 {rule} 写了快递，但它的处理方式不是“指定快递”。",
                                 "Rule {rule} names a courier but does not set the courier."),
    "info_unknown_fields": ("规则 {rule} 有未知的字段：{fields}。",
                            "Rule {rule} has unknown fields: {fields}."),
    "info_bad_kind": ("快递规则 {rule} 的类型“{kind}”未知；可选：{known}。",
                      "Courier rule {rule}: unknown kind “{kind}”; one of {known}."),
    "info_bad_match": ("快递规则 {rule} 的条件不对（地区、SKU 用 | 分隔；金额为数字；件数为整数）。",
                       "Courier rule {rule}: the match is not right (regions or SKUs separated "
                       "by |, an amount, a whole number of pieces)."),
    "info_needs_courier": ("快递规则 {rule} 须写明快递。", "Courier rule {rule} needs a courier."),
    "info_bad_couriers_used": ("本店使用的快递须为名称，每个只写一次。",
                               "The couriers the shop uses are names, each once."),
    "info_bad_default_courier": ("默认快递须为快递名称，或留空。",
                                 "The default courier is a courier's name, or empty."),

    # the rules' editor (ui/message_rules.py)
    "mr_title": ("留言与备注规则", "Message and note rules"),
    "mr_intro": (
        "买家留言、卖家备注和旗帜中出现这些关键词时，订单归入相应类别并按“处理”执行：暂停直到审核、"
        "优先处理、打标记、打印在发货单上或指定快递。关键词用 | 分隔，不区分大小写；勾选“正则”则按正则表达式匹配。"
        "只有店长可以保存，每次修改都有记录。",
        "When a buyer message, a seller note or a flag holds these words, the order falls in the "
        "category and the rule does what it says: hold it until reviewed, put it first in the "
        "queue, tag it, print the text on the packing slip or set the courier. Words are "
        "separated by |, capitals or not; tick “regex” for a regular expression. Only a "
        "manager saves; every change is recorded.",
    ),
    "mr_col_enabled": ("启用", "On"),
    "mr_col_category": ("类别", "Category"),
    "mr_col_category_help": ("类别代码；默认类别显示为中文名。",
                             "A category code; the default ones are shown by name."),
    "mr_col_pattern": ("关键词或正则", "Words or pattern"),
    "mr_col_pattern_help": ("关键词用 | 分隔，如 改地址|换地址", "Words separated by |, e.g. 改地址|换地址"),
    "mr_col_regex": ("正则", "Regex"),
    "mr_col_applies_to": ("匹配", "Reads"),
    "mr_col_does": ("处理", "Does"),
    "mr_col_courier": ("快递", "Courier"),
    "mr_col_courier_help": ("指定快递规则所设的快递；留空则取文字中提到的快递。",
                            "The courier a courier rule sets; empty: the one the text names."),
    "mr_test": ("用店内订单试一试", "Test against the store's orders"),
    "mr_test_help": ("用表格中尚未保存的规则匹配所有未发货的订单，不会保存。",
                     "Runs the table as it is now, unsaved, over the open orders."),
    "mr_test_count": ("{n} 个待处理订单会被这些规则匹配。", "{n} open orders would be caught."),
    "mr_test_none": ("没有待处理订单会被这些规则匹配。", "No open order would be caught."),
    "mr_test_shown": ("显示前 {n} 条。", "The first {n} shown."),
    "mr_col_orders": ("订单数", "Orders"),
    "mr_col_order_id": ("订单编号", "Order id"),
    "mr_col_shop": ("店铺", "Shop"),
    "mr_col_source": ("来源", "Source"),
    "mr_col_matched": ("命中词", "Matched"),
    "mr_col_text": ("内容", "Text"),
    "mr_save": ("保存规则", "Save the rules"),
    "mr_saved": ("规则已保存。", "The rules are saved."),
    "mr_unchanged": ("规则没有修改。", "The rules did not change."),
    "mr_restore": ("恢复默认规则", "Restore the default rules"),
    "mr_restored": ("已恢复默认规则。", "The default rules are back."),
    "mr_not_allowed": ("只有店长可以修改规则；可以试一试，但不能保存。",
                       "Only a manager changes the rules; you can test them, not save them."),
    "mr_history": ("修改记录", "Changes"),
    "mr_history_none": ("规则还没有修改过：现在是默认规则。",
                        "The rules were never changed: these are the defaults."),
    "mr_col_changed_at": ("时间", "When"),
    "mr_col_changed_by": ("操作人", "By"),
    "mr_col_role": ("角色", "Role"),
    "mr_col_rules": ("规则数", "Rules"),
    "mr_default_rules": ("默认规则", "the defaults"),
}
