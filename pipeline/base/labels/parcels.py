"""Parcels (DESIGN §12): merging orders into one parcel and splitting an order into several —
the actions, why one is refused (pipeline/desk/parcels.py, pipeline/desk/actions.py), bulk
tracking numbers of parcels and what a slip says of its parcel."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # the actions
    "action_merge": ("合并发货", "Merge into one parcel"),
    "action_split": ("拆分包裹", "Split into parcels"),
    # the verbs of refusals: "cannot {action} order …" / "不能{action}订单 …"
    "verb_merge": ("合并", "merge"),
    "verb_split": ("拆分", "split"),
    # what the text of an action is
    "why_text_merge": ("要合并进来的其他订单编号（空格分隔）", "the other orders' ids, separated by blanks"),
    "why_text_split": ('各包裹的商品，JSON 格式：[{{"lines": {{"行号": 件数}}}}, …]',
                       'the parcels as JSON: [{{"lines": {{"LINE_ID": PIECES}}}}, ...]'),
    "why_done_split": ("拆分包裹", "split into parcels"),
    # why a merge is refused (after "cannot merge order X: it …")
    "why_merge_self": ("不能与自己合并：请填写其他订单的编号", "cannot be merged with itself: give the other orders' ids"),
    "why_merge_no_order": ("同一店铺里没有订单 {order}", "has no order {order} in its shop to merge with"),
    "why_merge_other_shop": ("不能与订单 {order} 合并：它在另一个店铺（{shops}），只能合并同一店铺的订单",
                             "cannot take order {order}, which is in another shop ({shops}): only "
                             "orders of one shop are merged"),
    "why_merge_state_self": ("状态为“{state}”：只能合并未发货、未关闭且没有退款的订单",
                             "is {state}: only open orders, not shipped and not being refunded, "
                             "are merged"),
    "why_merge_state": ("不能与订单 {order} 合并：它的状态为“{state}”，只能合并未发货、未关闭且没有退款的订单",
                        "cannot take order {order}, which is {state}: only open orders, not "
                        "shipped and not being refunded, are merged"),
    "why_merge_processed": ("订单 {order} 已经处理过了（已打单或已填运单号）：请先撤销，再合并",
                            "cannot take order {order}, which is already processed (its waybill "
                            "printed or a courier recorded): undo that first"),
    "why_merge_masked": ("订单 {order} 的买家或地址被隐藏或缺失，无法确认是同一买家、同一地址",
                         "cannot take order {order}: its buyer or address is masked or missing, "
                         "so it is never known to be the same"),
    "why_merge_masked_self": ("的买家或地址被隐藏或缺失，无法确认其他订单是同一买家、同一地址",
                              "has its buyer or address masked or missing, so no other order is "
                              "known to be the same buyer's at the same address"),
    "why_merge_buyer": ("与订单 {order} 的买家不同", "has another buyer than order {order}"),
    "why_merge_address": ("与订单 {order} 的收货地址不同", "goes to another address than order {order}"),
    "why_merge_member": ("已在订单 {parcel} 的合并包裹里：请在订单 {parcel} 上合并",
                         "is in the merged parcel of order {parcel}: merge on order {parcel}"),
    "why_merge_in_parcel": ("订单 {order} 已在订单 {parcel} 的合并包裹里",
                            "cannot take order {order}, which is already in the merged parcel of "
                            "order {parcel}"),
    "why_merge_split": ("订单 {order} 已拆分为 {n} 个包裹：请先撤销拆分",
                        "cannot take order {order}, which is split into {n} parcels: undo the "
                        "split first"),
    # why a split is refused (after "cannot split order X: it …")
    "why_split_text": ("包裹写法不对，应为 JSON，例如 {example}",
                       "gives parcels not written as JSON of the form {example}"),
    "why_split_few": ("至少要拆成两个包裹，每个包裹至少一件商品",
                      "needs at least two parcels, each with a line"),
    "why_split_merged": ("在订单 {parcel} 的合并包裹里：请先撤销合并",
                         "is in the merged parcel of order {parcel}: undo the merge first"),
    "why_split_again": ("已拆分为 {n} 个包裹：请先撤销拆分", "is already split into {n} parcels: undo that split first"),
    "why_split_line": ("没有需要发货的第 {line} 行商品", "has no line {line} to pack"),
    "why_split_quantity": ("第 {line} 行共 {quantity} 件，包裹里合计 {given} 件：每一件都要放进且只放进一个包裹",
                           "has {quantity} pieces on line {line} and the parcels hold {given}: "
                           "every piece goes in exactly one parcel"),
    # the courier of a parcel
    "why_parcel_needed": ("已拆分为 {n} 个包裹：请写明包裹，例如 #1 顺丰 SF123",
                          "is split into {n} parcels: name the parcel first, e.g. #1 SF SF123"),
    "why_parcel_no": ("没有第 {no} 个包裹：共拆分为 {n} 个", "has no parcel #{no}: it is split into {n}"),
    "why_parcel_not_split": ("没有拆分包裹：不要写 #{no}", "is not split into parcels: give the courier without #{no}"),
    "why_parcel_one_order": ("合并和拆分每次只对一个订单操作", "merge and split act on one order at a time"),
    "why_parcel_member": ("同一包裹的订单 {order} {why}", "has order {order} in its parcel, which {why}"),
    # bulk tracking numbers (批量发货)
    "bulk_why_parcel_needed": ("该订单已拆分为 {detail} 个包裹：每个包裹一行，订单号写成 订单号#包裹序号",
                               "the order is split into {detail} parcels: one row a parcel, its id "
                               "written ORDER_ID#N"),
    "bulk_why_no_parcel": ("没有这个包裹：{detail}", "no such parcel: {detail}"),
    "bulk_why_parcel_differs": ("与同一合并包裹的第 {detail} 行运单号不同",
                                "another tracking number than line {detail} of the same merged "
                                "parcel"),
    "bulk_why_parcel_state": ("同一合并包裹的订单 {detail} 已不再待发货：请先撤销合并",
                              "order {detail} of the same merged parcel no longer waits to "
                              "ship: undo the merge first"),
    # what a slip says of its parcel
    "print_col_parcel": ("包裹", "Parcel"),
    "print_parcel_of": ("包裹 {n}/{total}", "parcel {n} of {total}"),
    "print_parcel_merged": ("合并发货：{orders}", "One parcel: {orders}"),
}
