"""Work queue: the proposed batches, the orders held by a problem, the full queue in order.

The headline counts refresh every minute on their own (a fragment); the tables take the
current minute on every interaction, and a batch action asks for confirmation first. The
batches done today are read from the event log: any session prints them again or undoes them.
"""

from datetime import timedelta

import pandas as pd
import streamlit as st

from pipeline.base.roles import may
from pipeline.desk import queue
from ui.actor import actor, role
from ui.auth import page_guard, signed_in
from ui.bulk_ship import bulk_ship_section
from ui.courier_rules import batch_rules, courier_columns
from ui.data import (
    demo_banner,
    desk_minute,
    desk_settings,
    filters,
    query,
    shop_labels,
    shops_named,
)
from ui.downloads import download_buttons
from ui.fmt import per_value
from ui.i18n import t
from ui.layout import metric_grid
from ui.order_dialog import (
    act_on,
    open_order_dialog,
    order_table,
    reason_words,
    refused_for,
    show_flash,
    undo_batch,
)
from ui.overdue import freshness_note, stale_marks
from ui.printing import print_buttons
from ui.safe import md_escape

PAGE_ROWS = 500
BATCH_COLUMNS = ["batch_id", "kind", "sku_set", "courier", "courier_rules", "orders", "pieces",
                 "deadline"]
PENDING = "queue_pending"  # a batch action waiting for its confirmation:
# (keys, action, text, the queue's batch id it processes)
ORDER_COLUMNS = ["rank", "order_id", "shop_shown", "deadline", "hours_left", "due", "data_as_of",
                 "sku_set", "proposed_courier", "courier_rule", "lines", "pieces", "state"]
HELD_COLUMNS = ["order_id", "shop_shown", "problems", "reason", "deadline", "hours_left", "data_as_of",
                "sku_set"]
HEADERS = {c: f"q_col_{c}" for c in ORDER_COLUMNS + ["packed"] + BATCH_COLUMNS + HELD_COLUMNS} | {
    "shop_shown": "q_col_shop"}   # name · platform; `shop` stays the key the table selects by


def labelled(frame):
    """Problem codes and due statuses in the page's language (each distinct value once), the
    shop as name · platform (DESIGN §13), the proposed courier and the rule that chose it."""
    if "proposed_courier" in frame:
        frame = courier_columns(frame)
    return frame.assign(
        shop_shown=shop_labels(frame),
        problems=per_value(frame["problems"], lambda s: t("list_sep").join(
            t("problem_" + p) for p in s.split(", "))) if "problems" in frame else None,
        due=per_value(frame["due"], lambda d: t(f"q_due_{d}")),
        state=per_value(frame["state"], t) if "state" in frame else None,
        courier=frame["courier"].fillna("—"),
        data_as_of=stale_marks(frame),
    )


def batch_view(frame):
    """Batch kinds in the page's language; a mixed batch says how many SKU sets it holds; the
    kinds of rule that chose its courier."""
    sets = [t("q_mixed_skus" if k == "mixed_single" else "q_mixed_sets").format(n=n)
            for k, n in zip(frame["kind"], frame["sku_sets"], strict=True)]
    return frame.assign(kind=per_value(frame["kind"], lambda k: t(f"q_kind_{k}")),
                        sku_set=frame["sku_set"].where(frame["sku_set"].notna(),
                                                       pd.Series(sets, index=frame.index)),
                        courier=frame["courier"].fillna("—"),
                        courier_rules=batch_rules(frame["courier_rules"]))


def current_as_of():
    """The end of the current minute: actions just taken count, the cache holds a minute."""
    return desk_minute() + timedelta(minutes=1)


@st.fragment(run_every=60)
@signed_in
def headline(f, size):
    """The freshness note and the counts as of the current minute, refreshed every minute."""
    now = current_as_of()
    freshness_note(now, f)
    counts = query(queue.queue_counts, f, now, size)
    grid = metric_grid("queue", 5)
    for name in ("waiting", "to_process", "batches", "held", "overdue"):
        grid.metric(t(f"q_{name}"), f"{counts[name]:,}", border=True, help=t(f"q_{name}_help"))


def ask(keys, action, text=None, batch=None):
    """First step of a batch action: remember what to do, the page asks to confirm."""
    st.session_state[PENDING] = (list(keys), action, text, batch)


@signed_in
def confirm():
    """Second step: record the remembered action on the remembered orders."""
    pending = st.session_state.pop(PENDING, None)
    if pending:
        keys, action, text, batch = pending
        act_on(keys, action, text, queue_batch=batch if action == "process" else None)
        st.session_state.pop("queue_done_batch", None)  # the done list picks the newest: this


def confirm_bar():
    """The question naming how many orders, with confirm and cancel."""
    pending = st.session_state.get(PENDING)
    if not pending:
        return
    keys, action, text, _ = pending
    question = (t("flow_confirm_process").format(n=len(keys)) if action == "process" else
                t("flow_confirm_courier").format(n=len(keys), courier=md_escape(text or "")))
    with st.container(border=True):
        st.warning(question, icon=":material/help:")
        b1, b2 = st.columns(2)
        b1.button(t("flow_confirm").format(n=len(keys)), key="queue_confirm", type="primary",
                  on_click=confirm, icon=":material/check:")
        b2.button(t("flow_cancel"), key="queue_cancel", on_click=st.session_state.pop,
                  args=(PENDING, None))


DONE_COLUMNS = ["queue_batch", "status", "orders", "action", "acted_at", "author"]


def done_today(who):
    """The batch actions of the desk's day, from the log: each printed again with the orders
    it was processed with, and undone by anyone allowed while none of its orders moved on."""
    st.subheader(t("q_done_title"))
    day = desk_minute().replace(hour=0, minute=0)
    log = query(queue.batch_log, day, day + timedelta(days=1))
    if log.empty:
        st.caption(t("q_done_none"))
        return
    st.caption(t("q_done_help"))
    shown = log.assign(
        queue_batch=log["queue_batch"].fillna("—"),
        action=per_value(log["action"], lambda a: t(f"action_{a}")),
        acted_at=log["acted_at"].dt.strftime("%H:%M"),
        status=per_value(log["status"], lambda s: t(f"q_status_{s}")))
    st.dataframe(shown[DONE_COLUMNS], hide_index=True, key="queue_done_table",
                 column_config={c: st.column_config.Column(t(f"q_col_{c}"))
                                for c in DONE_COLUMNS} | {
                     "queue_batch": st.column_config.Column(t("q_col_batch_id"))})
    names = {int(r.batch): " · ".join((r.queue_batch, r.action, r.acted_at, r.author,
                                        t("q_n_orders").format(n=r.orders)))
             for r in shown.itertuples()}
    chosen = st.selectbox(t("q_done_pick"), list(names), key="queue_done_batch",
                          format_func=names.get)
    row = log[log["batch"] == chosen].iloc[0]
    name = row["queue_batch"] if isinstance(row["queue_batch"], str) else f"#{chosen}"
    mine = role()
    theirs = not may(mine, "undo_any") and row["author"] != who
    why = (t("q_status_" + row["status"]) if row["status"] != "in_effect" else
           t("q_undo_not_yours") if theirs else t("flow_undo_help"))
    st.button(t("q_undo_batch").format(batch=name, action=t(f"action_{row['action']}"),
                                       n=int(row["orders"])),
              key="queue_undo_batch", on_click=undo_batch,
              args=(int(chosen), row["action"], name), help=why, icon=":material/undo:",
              disabled=not (who and may(mine, "undo") and row["status"] == "in_effect"
                            and not theirs))
    if isinstance(row["queue_batch"], str):
        members = query(queue.processed_batch_orders, row["queue_batch"])
        st.caption(t("q_reprint_of").format(batch=row["queue_batch"], n=len(members)))
        print_buttons(members, row["queue_batch"], key="queue_reprint")


page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_queue"))
demo_banner()
show_flash()
f = filters()
as_of = current_as_of()
default_size = int(desk_settings()["batch_size"])
st.session_state.setdefault("queue_batch_size", default_size)
size = int(st.number_input(t("q_batch_size"), min_value=1, max_value=10_000, step=10,
                           key="queue_batch_size", help=t("q_batch_size_help")))

headline(f, size)
who = actor()
if refused := refused_for("process"):   # a viewer sees the actions disabled, and why
    st.caption(refused)
    who = None
config = {c: st.column_config.Column(t(k)) for c, k in HEADERS.items()}

st.subheader(t("q_batches_title"))
confirm_bar()
batches = query(queue.batches, f, as_of, size)
if batches.empty:
    st.info(t("q_no_batches"), icon=":material/task_alt:")
else:
    shown = batch_view(batches)
    st.dataframe(shown[BATCH_COLUMNS], hide_index=True, column_config=config,
                 key="queue_batches_table", height=260)
    labels = {r.batch_id: f"{r.batch_id} · {r.kind} · {r.sku_set} · "
              f"{r.courier if r.courier != '—' else t('q_no_courier')} · "
              f"{t('q_n_orders').format(n=r.orders)}" for r in shown.itertuples()}
    batch_id = st.selectbox(t("q_open_batch"), list(labels), format_func=labels.get,
                            key="queue_batch")
    members = query(queue.batch_orders, f, as_of, batch_id, size).assign(problems=None)
    keys = list(members[["platform", "shop", "order_id"]].itertuples(index=False, name=None))
    c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="bottom")
    c1.button(t("q_process_batch").format(n=len(keys)), key="queue_process_batch",
              type="primary", disabled=not (who and keys), on_click=ask,
              args=(keys, "process", None, batch_id), icon=":material/task_alt:")
    courier = c2.text_input(t("q_courier_for_batch"), key="queue_courier", placeholder="SF")
    c3.button(t("q_courier_batch"), key="queue_courier_batch", disabled=not (who and courier),
              on_click=ask, args=(keys, "courier", courier), icon=":material/local_shipping:")
    st.caption(t("q_click_hint"))
    picked = order_table(labelled(members), "queue_batch_orders", ORDER_COLUMNS, config,
                         opens=True)
    s1, s2, s3 = st.columns(3)
    s1.button(t("q_process_selected").format(n=len(picked)), key="queue_process_selected",
              disabled=not (who and picked), on_click=ask,
              args=(picked, "process", None, batch_id))
    s2.button(t("q_courier_selected").format(n=len(picked)), key="queue_courier_selected",
              disabled=not (who and picked and courier), on_click=ask,
              args=(picked, "courier", courier))
    if s3.button(t("q_open_order"), key="queue_open_batch_order", disabled=len(picked) != 1):
        open_order_dialog(*picked[0])
    print_buttons(members, batch_id)

done_today(who)
bulk_ship_section(who)

st.subheader(t("q_held_title"))
held = query(queue.held_orders, f, as_of)
if held.empty:
    st.caption(t("q_none_held"))
else:
    st.caption(t("q_held_help"))
    held = labelled(held).assign(reason=per_value(held["reason"], reason_words, "—"),
                                 sku_set=per_value(held["sku_set"], lambda s: s or "—", "—"))
    chosen = order_table(held, "queue_held", HELD_COLUMNS, config, multi=False, opens=True)
    if st.button(t("q_open_order"), key="queue_open_held", disabled=not chosen):
        open_order_dialog(*chosen[0])

st.subheader(t("q_full_queue"))
if st.toggle(t("q_show_full_queue"), key="queue_show_full"):
    full = query(queue.work_queue, f, as_of)
    pages = max((len(full) - 1) // PAGE_ROWS + 1, 1)
    page = st.number_input(t("q_page").format(pages=pages), 1, pages, key="queue_page")
    part = full.iloc[(page - 1) * PAGE_ROWS: page * PAGE_ROWS]
    chosen = order_table(labelled(part), "queue_full", ORDER_COLUMNS + ["packed", "problems"], config,
                         multi=False, opens=True)
    if st.button(t("q_open_order"), key="queue_open_full", disabled=not chosen):
        open_order_dialog(*chosen[0])
    download_buttons(lambda: shops_named(full), f"queue_{as_of:%Y%m%d_%H%M}", key="queue_download")
