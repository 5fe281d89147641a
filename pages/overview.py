"""Overview: the alarm row, the day's KPIs against the day before, orders per state, the trend.

The alarm row and the KPIs of today (so far) refresh every minute on their own (fragments);
the chosen day and the filters stay as they are.
"""

from datetime import timedelta

import streamlit as st

from pipeline.base.labels import STATES
from pipeline.desk import aftersales, freshness, kpis, money, queue, sla
from ui.aftersales import open_now
from ui.auth import page_guard, signed_in
from ui.charts import CHART_CONFIG, daily_chart, state_bar
from ui.data import demo_banner, desk_minute, desk_now, desk_settings, filters, query
from ui.fmt import fmt_amounts, kpi_texts
from ui.i18n import t, tc
from ui.layout import metric_grid
from ui.overdue import freshness_note, workbook_button


def shown_shops(frame, f):
    """The rows of shops inside the shop and platform filters."""
    if f.shops:
        frame = frame[frame["shop"].isin(f.shops)]
    if f.platforms:
        frame = frame[frame["platform"].isin(f.platforms)]
    return frame


def follow_filters(f, last):
    """The day shown stays as chosen until the filters change (or the last day with orders
    moves on under a day never chosen); then it is the last day with orders inside the
    filters: a day kept from other filters may have none of their orders, every KPI 0."""
    ss = st.session_state
    within = (f.date_from, f.date_to, f.shops, f.platforms)
    basis = ss.get("overview_day_basis")
    if ("overview_day" not in ss or basis is None or basis[0] != within
            or (basis[1] != last and ss["overview_day"] == basis[1])):
        ss["overview_day"] = last
    ss["overview_day_basis"] = (within, last)


@st.fragment(run_every=60)
@signed_in
def alarm_row(f):
    """Overdue and due-soon orders per rule, after-sales cases overdue and due soon (once the
    store holds cases), held problem orders and stale shops, each a link to the page that
    lists them; through the same cached accessors as those pages."""
    now = desk_minute()   # the moment the Overdue page evaluates its rules at by default
    freshness_note(now, f)  # how old each shop's data is; a warning for shops a day old
    rules = query(sla.sla_counts, f, now)   # as of now only: no day-before comparison here
    size = int(desk_settings()["batch_size"])
    held = query(queue.queue_counts, f, now + timedelta(minutes=1), size)["held"]
    stale = int(shown_shops(query(freshness.shop_freshness, now), f)["stale"].sum())
    st.caption(f"{t('alarm_title')} · {t('alarm_updated').format(t=f'{now:%H:%M}')}")
    row = st.container(horizontal=True, gap="small")  # wraps on a narrow screen, never cuts
    # what the shops' exports cannot tell is counted apart, never as overdue
    unknown = query(sla.not_judged, f, now).set_index("rule")["orders"]
    for r in rules.itertuples():
        label = t("alarm_rule").format(rule=t(f"rule_{r.rule}"), overdue=int(r.overdue),
                                       due_soon=int(r.due_soon))
        if unknown.get(r.rule, 0):
            label += t("alarm_not_judged").format(n=int(unknown[r.rule]))
        row.page_link("pages/overdue.py", icon=":material/alarm:", label=label)
    cases = query(aftersales.aftersales_counts, open_now(f), now)   # the page's own counts
    if sum(cases["open"].values()) + sum(cases["closed"].values()):   # once cases are imported
        row.page_link("pages/aftersales.py", icon=":material/assignment_return:",
                      label=t("alarm_cases").format(overdue=sum(cases["overdue"].values()),
                                                    due_soon=sum(cases["due_soon"].values())))
    row.page_link("pages/queue.py", icon=":material/flag:",
                  label=t("alarm_held").format(n=int(held)))
    row.page_link("pages/overdue.py", icon=":material/history:",
                  label=t("alarm_stale").format(n=stale))


@st.fragment(run_every=60)
@signed_in
def day_metrics(f, day):
    """The day's KPIs; today's up to the current minute, against yesterday up to the same."""
    now = desk_now()
    # Today is compared with yesterday up to the same minute, not with a whole day.
    until = now.time().replace(second=0, microsecond=0) if day == now.date() else None
    if until is not None:
        st.caption(t("kpi_until").format(until=until.strftime("%H:%M")))
    table = query(kpis.day_kpis, f, day, until, now.replace(second=0, microsecond=0))
    currency = query(money.money_currency, f)
    shipping = query(kpis.shipping_known, f)   # do the shops' exports say what shipped?
    grid = metric_grid("day", 4)
    for row in table.itertuples():
        value, delta, previous = kpi_texts(row.kpi, row.value, row.previous, currency)
        why = t("kpi_72h_not_yet") if row.kpi == "shipped_72h" and value == "—" else ""
        if row.kpi in kpis.SHIPPING_KPIS and not shipping:   # unknown, never 0
            value, delta, why = t("kpi_not_judged"), None, t("kpi_not_judged_help")
        grid.metric(
            t(f"kpi_{row.kpi}"), value, delta, border=True,
            help=f"{t('kpi_help_' + row.kpi)} {why}\n\n{tc('vs_previous_day')}{previous}",
            delta_color="inverse" if row.kpi in ("refund_amount", "refund_rate") else "normal")
    others = query(kpis.day_other_currencies, f, day, until)
    if not others.empty:  # other currencies are listed, each on its own, never added in
        st.text(t("money_other_currencies").format(list=fmt_amounts(others, "paid_amount")))


page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_overview"))
demo_banner()
f = filters()
last = query(kpis.latest_day, f)
if last is None:
    freshness_note(desk_minute(), f)
    st.info(t("empty_store"), icon=":material/info:")
    st.stop()

alarm_row(f)
follow_filters(f, last)
day = st.date_input(t("day"), key="overview_day")
day_metrics(f, day)

left, right = st.columns(2)   # the state table needs half the width in English
with left:
    st.subheader(t("state_counts"))
    counts = query(kpis.state_counts, f)
    names = {s: t(s) for s in STATES}
    st.plotly_chart(state_bar(counts, names), key="overview_states", config=CHART_CONFIG)
    shown = counts.assign(state=counts["state"].map(names)).rename(columns={
        "state": t("state"), "orders": t("orders"), "partial_refund": t("partial_refund"),
        "partial_ship": t("partial_ship")})
    st.dataframe(shown, hide_index=True, key="overview_state_table")
with right:
    st.subheader(t("per_day"))
    series = query(kpis.daily_series, f)
    currency = query(money.money_currency, f)
    paid_name = t("money_in_currency").format(label=t("paid_amount"), currency=currency)
    st.plotly_chart(daily_chart(series, {"orders": t("orders"), "paid_amount": paid_name}),
                    key="overview_daily", config=CHART_CONFIG)

workbook_button()
