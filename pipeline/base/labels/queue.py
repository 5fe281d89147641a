"""The work queue (DESIGN §5): its counts, proposed batches, the full queue and the batches
done today."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # counts and proposed batches
    "q_batch_size": ("批次最大订单数", "Largest batch"),
    "q_waiting": ("待发货", "Waiting to ship"),
    "q_waiting_help": ("已付款（或货到付款已确认）、未发货、无进行中退款的订单。",
                       "Paid (or confirmed cash on delivery), not shipped, no refund open."),
    "q_to_process": ("待处理", "To process"),
    "q_to_process_help": ("待发货中尚未处理（审单、打单、分配快递）的订单。",
                          "Waiting to ship and not yet processed (audited, waybill, courier)."),
    "q_batches": ("建议批次", "Proposed batches"),
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
    "q_click_hint": ("点击任一单元格打开该订单详情；勾选左侧方框可只处理所选订单。",
                     "Click any cell to open that order; tick the boxes on the left to act on "
                     "the ticked orders only."),
    "q_batch_size_help": ("每个快递一波；单件订单（一行一件）按 SKU 成批，其余按商品组合成批（含赠品）；"
                          "不足 3 单的小组合并为混合批次；超过此数拆分。",
                          "One wave per courier; single-item orders (one line, one piece) batch "
                          "by SKU, the rest by SKU set (gifts included); groups of fewer than 3 "
                          "are merged into mixed batches; a batch is cut at this size."),
    "q_batches_help": ("待处理订单按快递成波、按 SKU 或商品组合成批的批次数。",
                       "Orders to process, batched per courier by SKU or SKU set."),

    # due statuses
    "q_due_overdue": ("已超时", "overdue"),
    "q_due_due_soon": ("即将超时", "due soon"),
    "q_due_ok": ("正常", "on time"),
    "q_due_not_judged": ("不判定（导出无发货信息）", "not judged (no shipping facts exported)"),

    # packing batches: kinds, confirming a batch action, undoing one
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

    # data freshness in the queue
    "q_col_data_as_of": ("数据时效", "Data as of"),
}
