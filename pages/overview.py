"""Overview: the day's KPIs against the day before, orders per state, the daily trend."""

import streamlit as st

from pipeline import kpis
from pipeline.labels import STATES
from ui.charts import daily_chart, state_bar
from ui.core import demo_banner, filters, fmt_money, fmt_pct, query, t
from ui.overdue import workbook_button

st.title(t("page_overview"))
demo_banner()
f = filters()
last = query(kpis.latest_day, f)
if last is None:
    st.info(t("empty_store"), icon=":material/info:")
    st.stop()

day = st.date_input(t("day"), value=last, key="overview_day")

MONEY = {"paid_amount", "aov", "refund_amount"}
PCT = {"refund_rate", "shipped_72h"}


def show(kpi: str, value: float | None, previous: float | None) -> str:
    fmt = fmt_money if kpi in MONEY else fmt_pct if kpi in PCT else (
        lambda v: "—" if v is None else f"{int(v):,}")
    return fmt(value), fmt(previous)


table = query(kpis.day_kpis, f, day)
cols = st.columns(4)
for i, row in enumerate(table.itertuples()):
    value, previous = show(row.kpi, row.value, row.previous)
    delta = None
    if row.value is not None and row.previous is not None and row.value == row.value \
            and row.previous == row.previous:
        diff = row.value - row.previous
        delta = fmt_pct(diff) if row.kpi in PCT else (
            f"{diff:+,.2f}" if row.kpi in MONEY else f"{int(diff):+,}")
    cols[i % 4].metric(t(f"kpi_{row.kpi}"), value, delta, border=True,
                       help=f"{t('vs_previous_day')}: {previous}",
                       delta_color="inverse" if row.kpi in ("refund_amount", "refund_rate")
                       else "normal")

left, right = st.columns([2, 3])
with left:
    st.subheader(t("state_counts"))
    counts = query(kpis.state_counts, f)
    names = {s: t(s) for s in STATES}
    st.plotly_chart(state_bar(counts, names), key="overview_states")
    shown = counts.assign(state=counts["state"].map(names)).rename(columns={
        "state": t("state"), "orders": t("orders"), "partial_refund": t("partial_refund"),
        "partial_ship": t("partial_ship")})
    st.dataframe(shown, hide_index=True, key="overview_state_table")
with right:
    st.subheader(t("per_day"))
    series = query(kpis.daily_series, f)
    st.plotly_chart(daily_chart(series, {"orders": t("orders"), "paid_amount": t("paid_amount")}),
                    key="overview_daily")

workbook_button()
