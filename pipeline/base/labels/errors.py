"""What a person is told when something cannot be done: refusals of actions and roles
(pipeline.base.reasons.Reason), the store under faults, the command line's hand-off."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # refusals of actions and roles (pipeline.base.reasons.Reason): the English is the
    # command line's sentence; {figures} in words are said in the same language.
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

    # the store under faults: what a viewer sees when the store cannot be written
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
    "store_fault_unreachable": ("无法连接数据库（PostgreSQL 已停止或正在重启）。本次操作未记录；页面显示的是最后收到的数据，"
                                "请在数据库恢复后重试。",
                                "The store's database cannot be reached (PostgreSQL is down or "
                                "restarting). Nothing was recorded; the pages show the last data "
                                "received. Try again once it is back."),
    "store_fault_other": ("数据库无法完成此操作，本次操作未记录。详情见服务器日志。",
                          "The store could not do this; nothing was recorded. The details are "
                          "in the server log."),
    "store_fault_open_gone": ("数据库文件不存在或不是本工作台的数据库，工作台不会自动新建空库。请放回原文件；"
                              "如确需从头开始，请由管理员以 ORDERDESK_NEW_STORE=1 启动。",
                              "The store file is missing or is not this desk's store, and the desk "
                              "will not start an empty one by itself. Put the file back; to start "
                              "afresh on purpose, whoever runs the desk starts it with "
                              "ORDERDESK_NEW_STORE=1."),
    "store_fault_open_unreachable": ("无法连接数据库（PostgreSQL 已停止、正在重启或地址有误），订单台无法打开。"
                                     "请在数据库恢复后刷新页面。",
                                     "The store's database cannot be reached (PostgreSQL is down, "
                                     "restarting, or its address is wrong), so the desk cannot "
                                     "open. Reload the page once it is back."),
    # where a PostgreSQL store is (the Import page names it, as it names a store file)
    "store_where_database": ("PostgreSQL 数据库", "PostgreSQL database"),
    # a PostgreSQL store whose database cannot be reached: the banner above every page
    "store_unreachable_banner": (
        "自 {since} 起无法连接数据库 {where}。页面显示的是本看板最后收到的数据；数据库恢复之前，所有操作和导入都会被拒绝。"
        "数据库恢复后，此提示会自动消失。",
        "The database {where} cannot be reached since {since}. The pages show the last data "
        "this dashboard received; actions and imports are refused until it is back. This notice "
        "goes away by itself once it answers again.",
    ),

    # the command line cannot hand its work to the running desk
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
}
