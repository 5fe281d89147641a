"""The desk as a team: roles, sign-in, accounts (users page) and who did what (team page)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # roles
    "role_viewer": ("查看者", "viewer"),
    "role_clerk": ("客服专员", "clerk"),
    "role_manager": ("主管", "manager"),

    # sign-in
    "auth_title": ("登录", "Sign in"),
    "auth_name": ("用户名", "Name"),
    "auth_password": ("密码", "Password"),
    "auth_submit": ("登录", "Sign in"),
    "auth_sso": ("使用单点登录", "Sign in with single sign-on"),
    "auth_sign_out": ("退出登录", "Sign out"),
    "auth_signed_in_as": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "auth_bad": ("用户名或密码错误。", "Wrong name or password."),
    "auth_disabled": ("此账户已停用，请联系主管。", "This account is disabled; ask a manager."),
    "auth_throttled": ("登录失败次数过多，请 {s} 秒后再试。",
                       "Too many failed sign-ins: try again in {s} seconds."),
    "auth_busy": ("订单台正忙于核对其他登录，请稍后再试。",
                  "The desk is busy checking other sign-ins; try again in a moment."),
    "auth_ended": ("登录已结束（已退出、长时间未操作或从另一地址打开），请重新登录。",
                   "Your sign-in has ended (signed out, idle too long, or opened from another "
                   "address); sign in again."),
    "auth_unmapped": ("邮箱 {email} 尚未关联到账户，请主管在“用户”页面关联。",
                      "The e-mail {email} is not mapped to an account; ask a manager to map it on "
                      "the Users page."),
    "auth_expired": ("长时间未操作，已自动退出，请重新登录。",
                     "You were signed out after a while without activity; sign in again."),
    "auth_gone": ("您的账户已停用或删除，已退出登录。",
                  "Your account was disabled or removed; you were signed out."),
    "auth_open_banner": (
        "尚无账户：订单台仅在本机开放，无需登录。添加第一位主管（在订单台文件夹中运行）：{cmd} user add 姓名 "
        "--role manager（或在“用户”页面添加）；之后每个人都需登录。",
        "No accounts yet: the desk is open on this machine only, without sign-in. Add the first "
        "manager (run in the desk's folder): {cmd} user add NAME --role manager (or on the Users "
        "page); from then on everyone signs in.",
    ),
    "auth_network_refused": (
        "订单台正对网络开放（server.address 不是 localhost），但还没有任何账户，因此拒绝服务。请先添加一位"
        "主管（在订单台文件夹中运行）：{cmd} user add 姓名 --role manager，或在 .streamlit/config.toml 中设置 "
        "address = \"localhost\"。",
        "The desk is served to the network (server.address is not localhost) and has no accounts, "
        "so it refuses to open. Add a manager first (run in the desk's folder): {cmd} user add "
        "NAME --role manager, or set address = \"localhost\" in .streamlit/config.toml.",
    ),
    "auth_front_page": ("请打开订单台首页（网址不带页面名）登录。",
                        "Sign in on the desk's front page (its address without a page name)."),
    "auth_not_allowed": ("您的角色不能执行此操作。", "Your role may not do this."),
    "auth_view_only": ("您的角色只能查看和下载。", "Your role may only view and download."),

    # users page
    "usr_intro": ("账户与角色：查看者可查看和下载；客服专员可处理订单并撤销自己的操作；主管还可导入、改设置、"
                  "编辑促销期和套装、撤销任何人的操作、管理账户。",
                  "Accounts and roles: a viewer sees and downloads; a clerk acts on orders and "
                  "undoes their own actions; a manager also imports, changes settings, edits "
                  "promotion periods and bundles, undoes anyone's action and manages accounts."),
    "usr_list": ("账户", "Accounts"),
    "usr_none": ("还没有账户：添加第一位主管后，每个人都需登录。",
                 "No accounts yet: once the first manager is added, everyone signs in."),
    "usr_add": ("添加账户", "Add an account"),
    "usr_name": ("用户名", "Name"),
    "usr_role": ("角色", "Role"),
    "usr_password": ("密码（至少 8 个字符）", "Password (8 characters or more)"),
    "usr_password_again": ("再次输入密码", "Password again"),
    "usr_email": ("单点登录邮箱（可选）", "SSO e-mail (optional)"),
    "usr_add_button": ("添加", "Add"),
    "usr_added": ("已添加账户 {name}。", "Account {name} added."),
    "usr_mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "usr_change": ("修改账户", "Change an account"),
    "usr_pick": ("账户", "Account"),
    "usr_set_role": ("更改角色", "Change role"),
    "usr_disable": ("停用", "Disable"),
    "usr_enable": ("重新启用", "Enable again"),
    "usr_reset": ("重设密码", "Reset password"),
    "usr_map": ("关联邮箱", "Map e-mail"),
    "usr_done": ("已保存。", "Saved."),
    "usr_col_name": ("用户名", "Name"),
    "usr_col_role": ("角色", "Role"),
    "usr_col_disabled": ("已停用", "Disabled"),
    "usr_col_has_password": ("有密码", "Has a password"),
    "usr_col_sso_email": ("单点登录邮箱", "SSO e-mail"),
    "usr_col_created_at": ("创建时间", "Created"),
    "usr_col_created_by": ("创建人", "Created by"),
    "usr_sso_on": ("已配置单点登录：邮箱关联到账户后，以该账户的角色登录。",
                   "Single sign-on is configured: an e-mail mapped to an account signs in with "
                   "that account's role."),
    "usr_sso_off": ("未配置单点登录（.streamlit/secrets.toml 中的 [auth]）；邮箱关联在配置后生效。",
                    "Single sign-on is not configured ([auth] in .streamlit/secrets.toml); "
                    "mapped e-mails apply once it is."),

    # team page
    "team_intro": ("谁做了什么：每人每天、每小时的操作，撤销，解决的问题及用时，从付款到处理和发货的时间。",
                   "Who did what: actions per person per day and hour, undos, problems resolved "
                   "and how long they took, time from payment to processed and to shipped."),
    "team_week": ("周（自）", "Week starting"),
    "team_by_day": ("每人每天的操作", "Actions per person per day"),
    "team_by_hour": ("每人各小时的操作", "Actions per person by hour of day"),
    "team_view": ("按", "By"),
    "team_view_day": ("天", "day"),
    "team_view_hour": ("小时", "hour"),
    "team_people": ("每人汇总", "Per person"),
    "team_resolved": ("解决的问题", "Problems resolved"),
    "team_resolved_note": (
        "用时：从标记开始（手动标记的时间；没有开始事件的自动标记取订单付款时间，未付款取下单时间）到解决。",
        "Time to resolve: from the mark's start (the flag's time; for marks without a start "
        "event the order's payment time, else its creation) to the resolve action.",
    ),
    "team_fulfil": ("从付款到处理、到发货", "From payment to processed and to shipped"),
    "team_fulfil_note": (
        "按处理订单的人（处理或填写快递的操作人）和店铺；发货时间来自平台导出。",
        "By whoever processed the order (the author of its process or courier action) and by "
        "shop; the shipping time comes from the platform's export.",
    ),
    "team_orders": ("查看订单", "Orders behind a number"),
    "team_pick": ("数字", "Number"),
    "team_none": ("本周没有操作。", "No actions this week."),
    "team_download": ("本周操作（CSV）", "This week's actions (CSV)"),
    "team_col_author": ("操作人", "Person"),
    "team_col_role": ("角色", "Role"),
    "team_col_day": ("日期", "Day"),
    "team_col_hour": ("小时", "Hour"),
    "team_col_actions": ("操作数", "Actions"),
    "team_col_orders": ("订单数", "Orders"),
    "team_col_undos": ("撤销", "Undos"),
    "team_col_undone": ("被撤销", "Undone by others or self"),
    "team_col_resolved": ("解决问题", "Problems resolved"),
    "team_col_problem": ("问题类型", "Problem type"),
    "team_col_hours_median": ("用时中位数（小时）", "Median hours"),
    "team_col_hours_mean": ("平均用时（小时）", "Mean hours"),
    "team_col_shop": ("店铺", "Shop"),
    "team_col_processed": ("处理订单", "Orders processed"),
    "team_col_hours_to_processed": ("付款到处理（小时，中位数）", "Paid to processed (h, median)"),
    "team_col_shipped": ("已发货", "Shipped"),
    "team_col_hours_to_shipped": ("付款到发货（小时，中位数）", "Paid to shipped (h, median)"),
    "team_col_resolved_at": ("解决时间", "Resolved"),
    "team_col_order_id": ("订单号", "Order"),
    "team_col_platform": ("平台", "Platform"),
    "team_col_action": ("操作", "Action"),
    "team_col_acted_at": ("时间", "When"),
    "team_col_event_id": ("编号", "Event"),
    "team_col_text": ("内容", "Detail"),
    "team_col_kind": ("问题类型", "Problem type"),
    "team_col_started_at": ("开始", "Started"),
    "team_col_hours": ("用时（小时）", "Hours"),
    "team_col_start_source": ("开始时间来自", "Start from"),
    "team_start_flag": ("标记事件", "flag event"),
    "team_start_paid": ("付款时间", "payment time"),
    "team_start_created": ("下单时间", "creation time"),
    "team_col_paid_at": ("付款时间", "Paid"),
    "team_col_processed_at": ("处理时间", "Processed"),
    "team_col_shipped_at": ("发货时间", "Shipped"),
    "team_what_actions": ("{author} 的操作", "{author}'s actions"),
    "team_what_undos": ("{author} 的撤销", "{author}'s undos"),
    "team_what_resolved": ("{author} 解决的问题", "problems {author} resolved"),
    "team_what_processed": ("{author} 处理的订单（{shop}）", "orders {author} processed ({shop})"),
}
