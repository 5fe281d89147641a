"""Overdue: the time rules per rule against yesterday, the orders to act on, how late they are.

Evaluated now (to the minute) unless a moment is picked. Live, the counts per rule and the
aging refresh every minute on their own (fragments); the list, whose rows open an order in a
dialog, takes the current minute on every interaction, so an open order is never closed.
"""

from datetime import datetime

import pandas as pd
import streamlit as st

from pipeline.desk import sla
from ui.auth import page_guard, signed_in
from ui.charts import CHART_CONFIG
from ui.data import demo_banner, desk_minute, filters, query, shop_label
from ui.downloads import download_buttons
from ui.i18n import lang, t
from ui.order_dialog import order_table
from ui.overdue import (
    LIST_ROWS,
    aging_chart,
    as_of_picker,
    export_frame,
    freshness_note,
    labeller,
    list_view,
    not_judged_note,
    rule_metrics,
)


def moment(picked: datetime) -> datetime:
    """Now to the minute while the page is live, else the moment picked."""
    if st.session_state.get("od_live", True):
        return desk_minute()
    return picked


@st.fragment(run_every=60)
@signed_in
def live_rules(f, picked: datetime) -> None:
    """Per rule overdue and due soon against yesterday, with the shops' data moments."""
    at = moment(picked)
    freshness_note(at, f)
    counts = query(sla.sla_counts_vs, f, at)
    rule_metrics(counts)
    not_judged_note(f, at)   # rules a shop's exports cannot judge: counted apart
    if counts["overdue"].sum() == 0:
        st.success(t("od_nothing_overdue"), icon=":material/check_circle:")


@st.fragment(run_every=60)
@signed_in
def live_aging(f, picked: datetime, named) -> None:
    """How late the overdue orders are, per rule or per shop."""
    at = moment(picked)
    by = st.segmented_control(t("od_aging_by"), ["rule", "shop"], default="rule", required=True,
                              key="od_aging_by", format_func=named("od_by_"))
    aging = query(sla.board_aging, f, at, by)
    if aging["orders"].sum() > 0:
        names = ({r: t(f"rule_{r}") for r in sla.RULES} if by == "rule" else
                 {s: shop_label(s) for s in aging[by].unique()})
        buckets = {b: t(f"aging_{b}") for b in sla.AGING_BUCKETS}
        st.plotly_chart(aging_chart(aging, by, names, buckets), key="od_aging_chart",
                        config=CHART_CONFIG)
    else:
        st.caption(t("od_nothing_overdue"))


page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_overdue"))
demo_banner()
f = filters()
as_of = as_of_picker()
live_rules(f, as_of)

st.subheader(t("od_list"))
opts = query(sla.board_options, f, as_of)
language = lang()
named = labeller(language)  # bound now: formatting must not depend on the session later
c0, c1, c2, c3, c4 = st.columns([3, 2, 2, 2, 2])   # three pills need the widest
statuses = c0.pills(t("od_show_status"), list(sla.STATUSES), selection_mode="multi",
                    default=["overdue", "due_soon"], key="od_status",
                    format_func=named("status_"))
rules = c1.multiselect(t("od_filter_rule"), opts["rules"], key="od_rule", placeholder=t("all"),
                       format_func=named("rule_"))
shop_names = {s: shop_label(s) for s in opts["shops"]}   # name · platform, worked out now
shops = c2.multiselect(t("od_filter_shop"), opts["shops"], key="od_shop", placeholder=t("all"),
                       format_func=shop_names.get)
couriers = c3.multiselect(t("od_filter_courier"), opts["couriers"], key="od_courier",
                          placeholder=t("all"),
                          format_func=named("", empty="od_no_courier", raw=True))
marks = c4.multiselect(t("od_filter_mark"), opts["marks"], key="od_mark", placeholder=t("all"),
                       format_func=named("problem_"))
choice = tuple(statuses), tuple(rules), tuple(shops), tuple(couriers), tuple(marks)
n_listed, keyed, columns = query(list_view, f, as_of, *choice, language)

if not n_listed:
    st.info(t("od_nothing_listed"), icon=":material/info:")
else:
    if n_listed > LIST_ROWS:
        st.caption(t("od_rows_capped").format(n=LIST_ROWS))
    st.caption(t("od_pick_hint"))
    # Keyed by the moment (and, inside, by the data): a selection never points into rows that
    # changed under it; a click on any cell opens that row's order.
    order_table(keyed, f"od_table_{as_of:%Y%m%d%H%M}", columns, multi=False, opens=True)

    board = query(sla.sla_board, f, as_of)   # a copy-on-write copy of the shared board

    def export() -> pd.DataFrame:   # the whole list, built when the download is asked for
        return export_frame(sla.filter_board(board, *map(list, choice)), language)

    download_buttons(export, f"overdue_{as_of:%Y%m%d_%H%M}", "od_dl")

st.subheader(t("od_aging"))
live_aging(f, as_of, named)
