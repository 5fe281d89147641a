"""The desk's actions on after-sales cases (DESIGN §11, §8): who may take them, their verbs,
and why one is refused (pipeline.desk.actions.record_case)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # what a role may do (pipeline/base/roles.py): "a viewer may not {thing}"
    "may_agree": ("同意售后", "agree to after-sales cases"),
    "may_reject": ("拒绝售后", "reject after-sales cases"),
    "may_received": ("确认退货收货", "record returns received"),
    "may_feedback": ("记录售后反馈", "record after-sales feedback"),
    "may_assign": ("分配售后单", "assign after-sales cases"),
    # the verbs of refusals: "cannot {action} case …" / "售后单 … 不能{action}"
    "verb_agree": ("同意", "agree to"),
    "verb_reject": ("拒绝", "reject"),
    "verb_received": ("确认收货", "record the return received on"),
    "verb_feedback": ("记录反馈", "record feedback on"),
    "verb_assign": ("分配", "assign"),
    # the goods of a returned parcel
    "case_act_kind_resellable": ("可二次销售", "resellable"),
    "case_act_kind_damaged": ("已损坏", "damaged"),
    # what the text of an action is
    "case_act_text_reject": ("拒绝理由", "the reason"),
    "case_act_text_feedback": ("告诉客服的处理结果", "what customer service was told"),
    "case_act_text_assign": ("负责人姓名", "the person's name"),
    # who a case waits for
    "case_act_actor_buyer": ("买家", "buyer"),
    "case_act_actor_platform": ("平台", "platform"),
    # an earlier answer
    "case_act_agreed": ("同意", "agreed"),
    "case_act_rejected": ("拒绝", "rejected"),
    # refusals
    "why_case_refused": ("售后单 {case} 不能{action}：{why}", "cannot {action} case {case}: it {why}"),
    "why_no_such_case": ("找不到售后单 {case}（请核对单号，或导入它的售后导出文件）",
                         "no case {case} in the store (check the id, or import its after-sales "
                         "export)"),
    "why_case_is_an_order": ("找不到售后单 {case}；{case} 是订单号：请用 --order {case} 指明它的售后单",
                             "no case {case}; {case} is an order id: name its case with "
                             "--order {case}"),
    "why_case_shops": ("售后单号 {case} 在 {n} 个店铺中：{listed}；请用 --order 指明订单",
                       "case id {case} is in {n} shops: {listed}; name its order with --order"),
    "why_case_not_on_order": ("订单 {order} 上没有售后单 {case}", "order {order} has no case {case}"),
    "why_order_no_case": ("订单 {order} 没有售后单", "order {order} has no after-sales case"),
    "why_order_no_open_case": ("订单 {order} 没有进行中的售后单（{listed}）；请写明售后单号",
                               "order {order} has no open case ({listed}); name the case by its id"),
    "why_order_open_cases": ("订单 {order} 有 {n} 个进行中的售后单：{listed}；请写明售后单号",
                             "order {order} has {n} open cases: {listed}; name one by its id"),
    "why_case_item": ("{case}（{status}）", "{case} ({status})"),
    "why_case_over": ("已经结束（{status}）", "is over ({status})"),
    "why_case_waits": ("正在等{actor}处理（{status}），不是等商家",
                       "waits for the {actor} ({status}), not the shop"),
    "why_case_answered": ("已经答复过（{answer}，{author}，{at}）；如要改变，请先撤销",
                          "is already answered ({answer} by {author} at {at}); undo that first "
                          "to change it"),
    "why_case_not_return": ("不是退货类售后（{type}）", "is not a return ({type})"),
    "why_case_not_returning": ("状态为“{status}”：只有待买家退货或待商家收货的售后单可以确认收货",
                               "is {status}: only a case awaiting its return or returned can be "
                               "received"),
    "why_case_received": ("已经确认收到退货（{kind}，{author}）；如要改变，请先撤销",
                          "has its return already received ({kind}, by {author}); undo that "
                          "first to change it"),
    "why_case_kind": ("需要选择退货状况：{kinds}", "needs the state of the goods, one of {kinds}"),
    "why_case_assigned": ("已经分配给 {who}", "is already assigned to {who}"),
    "why_case_unknown": ("未知", "unknown"),
}
