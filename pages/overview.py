"""Overview: the day's KPIs against the day before, orders per state, the daily trend."""

import streamlit as st

from pipeline import kpis, money
from pipeline.labels import STATES
from ui.auth import page_guard
from ui.charts import daily_chart, state_bar
from ui.core import demo_banner, filters, fmt_amounts, get_store, kpi_texts, query, t
from ui.overdue import workbook_button

page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_overview"))
demo_banner()
f = filters()
last = query(kpis.latest_day, f)
if last is None:
    st.info(t("empty_store"), icon=":material/info:")
    st.stop()

day = st.date_input(t("day"), value=last, key="overview_day")
now = get_store().now()
# Today is compared with yesterday up to the same minute, not with a whole day.
until = now.time().replace(second=0, microsecond=0) if day == now.date() else None
if until is not None:
    st.caption(t("kpi_until").format(until=until.strftime("%H:%M")))

table = query(kpis.day_kpis, f, day, until, now.replace(second=0, microsecond=0))
currency = query(money.money_currency, f)
cols = st.columns(4)
for i, row in enumerate(table.itertuples()):
    value, delta, previous = kpi_texts(row.kpi, row.value, row.previous, currency)
    why = t("kpi_72h_not_yet") if row.kpi == "shipped_72h" and value == "—" else ""
    cols[i % 4].metric(t(f"kpi_{row.kpi}"), value, delta, border=True,
                       help=f"{t('kpi_help_' + row.kpi)} {why}\n\n{t('vs_previous_day')}: {previous}",
                       delta_color="inverse" if row.kpi in ("refund_amount", "refund_rate")
                       else "normal")
others = query(kpis.day_other_currencies, f, day, until)
if not others.empty:  # other currencies are listed, each on its own, never added in
    st.text(t("money_other_currencies").format(list=fmt_amounts(others, "paid_amount")))

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
    paid_name = t("money_in_currency").format(label=t("paid_amount"), currency=currency)
    st.plotly_chart(daily_chart(series, {"orders": t("orders"), "paid_amount": paid_name}),
                    key="overview_daily")

workbook_button()
