"""Overdue: the time rules per rule against yesterday, the orders to act on, how late they are."""

import streamlit as st

from pipeline import sla
from ui.auth import page_guard
from ui.core import demo_banner, download_buttons, filters, get_store, lang, query, t
from ui.overdue import (
    LIST_ROWS,
    aging_chart,
    as_of_picker,
    display_frame,
    export_frame,
    labeller,
    open_order,
    options,
    rule_metrics,
)

page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_overdue"))
demo_banner()
f = filters()
as_of = as_of_picker()

counts = query(sla.sla_counts_vs, f, as_of)
rule_metrics(counts)
if counts["overdue"].sum() == 0:
    st.success(t("od_nothing_overdue"), icon=":material/check_circle:")

st.subheader(t("od_list"))
board = query(sla.sla_board, f, as_of)
opts = options(board)
named = labeller(lang())  # bound now: formatting must not depend on the session later
c0, c1, c2, c3, c4 = st.columns([2, 2, 2, 2, 2])
statuses = c0.pills(t("od_show_status"), list(sla.STATUSES), selection_mode="multi",
                    default=["overdue", "due_soon"], key="od_status",
                    format_func=named("status_"))
rules = c1.multiselect(t("od_filter_rule"), opts["rules"], key="od_rule", placeholder=t("all"),
                       format_func=named("rule_"))
shops = c2.multiselect(t("od_filter_shop"), opts["shops"], key="od_shop", placeholder=t("all"),
                       format_func=lambda s: s or "—")
couriers = c3.multiselect(t("od_filter_courier"), opts["couriers"], key="od_courier",
                          placeholder=t("all"),
                          format_func=named("", empty="od_no_courier", raw=True))
marks = c4.multiselect(t("od_filter_mark"), opts["marks"], key="od_mark", placeholder=t("all"),
                       format_func=named("problem_"))
listed = sla.filter_board(board, statuses, rules, shops, couriers, marks)

if listed.empty:
    st.info(t("od_nothing_listed"), icon=":material/info:")
else:
    shown = listed.head(LIST_ROWS)
    if len(listed) > LIST_ROWS:
        st.caption(t("od_rows_capped").format(n=LIST_ROWS))
    st.caption(t("od_pick_hint"))
    # Keyed by data and moment: a selection never points into rows that changed under it.
    table_key = f"od_table_{get_store().data_version()}_{as_of:%Y%m%d%H%M}"
    picked = st.dataframe(display_frame(shown, lang()), hide_index=True, key=table_key,
                          on_select="rerun", selection_mode="single-row")
    rows = picked.selection.rows if picked else []
    if rows:
        key = tuple(shown.iloc[rows[0]][["platform", "shop", "order_id"]])
        if st.session_state.get("od_opened") != key:
            st.session_state["od_opened"] = key
            open_order(*key, as_of)
    else:
        st.session_state.pop("od_opened", None)
    download_buttons(export_frame(listed, lang()), f"overdue_{as_of:%Y%m%d_%H%M}", "od_dl")

st.subheader(t("od_aging"))
by = st.segmented_control(t("od_aging_by"), ["rule", "shop"], default="rule", required=True,
                          key="od_aging_by", format_func=named("od_by_"))
aging = sla.aging(board, by)
if aging["orders"].sum() > 0:
    names = {r: t(f"rule_{r}") for r in sla.RULES} if by == "rule" else {}
    st.plotly_chart(aging_chart(aging, by, names), key="od_aging_chart")
else:
    st.caption(t("od_nothing_overdue"))
