"""Promotions: how a period compares with its baseline, which bundles and gifts drive it."""

from datetime import datetime, time, timedelta

import streamlit as st

from pipeline.base.roles import may
from pipeline.desk import kpis, money, promo, stock
from ui.actor import role
from ui.auth import page_guard
from ui.charts import CHART_CONFIG
from ui.data import demo_banner, desk_minute, filters, get_store, query
from ui.errors import refusal_text
from ui.fmt import fmt_amounts, fmt_money, fmt_pct
from ui.i18n import t, tc
from ui.layout import metric_grid
from ui.promo import hourly_overlay, labelled, order_type_bar, short_in_red, units_bar

page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_promotions"))
demo_banner()
f = filters()
periods = query(promo.periods)
as_of = desk_minute()
if msg := st.session_state.pop("promo_msg", None):
    st.toast(msg, icon=":material/check:")


def load_target() -> None:
    """Fill the editor with the chosen period (or blank for a new one)."""
    target = st.session_state.get("promo_edit_target")
    today = datetime.combine(as_of.date(), time())
    if target in set(periods["name"]):
        row = periods.set_index("name").loc[target]
        values = (target, row["start_at"].to_pydatetime(), row["end_at"].to_pydatetime())
    else:
        values = ("", today, today + timedelta(days=1))
    for key, value in zip(("promo_edit_name", "promo_edit_start", "promo_edit_end"), values,
                          strict=True):
        st.session_state[key] = value


def period_editor() -> None:
    """Add, change or remove a period; validation errors are shown, nothing half-saved."""
    if not may(role(), "promotions"):
        st.caption(t("auth_not_allowed"))
        return
    new = t("promo_new")
    target = st.selectbox(t("promo_edit_target"), [new, *periods["name"]], key="promo_edit_target",
                          on_change=load_target)
    if "promo_edit_name" not in st.session_state:
        load_target()
    editing = target != new
    with st.form("promo_edit_form"):
        name = st.text_input(t("promo_name"), key="promo_edit_name")
        c1, c2 = st.columns(2)
        start = c1.datetime_input(t("promo_start"), key="promo_edit_start", format="YYYY-MM-DD")
        end = c2.datetime_input(t("promo_end"), key="promo_edit_end", format="YYYY-MM-DD")
        confirm = editing and st.checkbox(t("promo_delete_confirm"), key="promo_edit_confirm")
        saved = st.form_submit_button(t("promo_save"), type="primary", icon=":material/save:")
        removed = editing and st.form_submit_button(t("promo_delete"), icon=":material/delete:")
    by = st.session_state.get("actor") or "app"
    try:
        if saved and not editing:
            promo.add_period(get_store(), name, start, end, by, role=role())
        elif saved:
            promo.update_period(get_store(), target, name, start, end, by, role=role())
        elif removed and confirm:
            promo.delete_period(get_store(), target, by, role=role())
        else:
            return
    except (promo.PeriodInvalid, KeyError) as exc:
        st.error(refusal_text(exc), icon=":material/error:")
        return
    st.session_state["promo_msg"] = t("promo_deleted" if removed else "promo_saved")
    for key in ("promo_edit_target", "promo_edit_name", "promo_edit_start", "promo_edit_end",
                "promo_period"):
        st.session_state.pop(key, None)
    st.rerun()


if periods.empty:
    st.info(t("promo_none"), icon=":material/info:")
    with st.expander(t("promo_edit"), expanded=True, icon=":material/edit_calendar:"):
        period_editor()
    st.stop()

names = periods["name"].tolist()
current = query(promo.default_period, as_of)
name = st.selectbox(t("promo_period"), names, key="promo_period",
                    index=names.index(current[0]) if current else 0)
w = query(promo.window, name, as_of)
st.caption(f"{tc('promo_window')}{w.start:%Y-%m-%d %H:%M} – {w.end:%Y-%m-%d %H:%M}"
           + (f" ({t('promo_running')})" if w.end == as_of else "")
           + f" · {tc('promo_baseline')}{w.baseline_start:%Y-%m-%d %H:%M} – "
           f"{w.baseline_end:%Y-%m-%d %H:%M}"
           + (f" ({t('promo_same_hours').format(hours=f'{(w.end - w.start).total_seconds() / 3600:g}')})"
              if w.running else ""),
           help=t("promo_baseline_help"))

table = query(promo.period_vs_baseline, f, name, as_of).set_index("measure")
currency = query(money.money_currency, f)
MONEY = {"paid_amount", "aov", "paid_per_hour", "paid_per_day"}
grid = metric_grid("promo", 3)  # money figures: three to a row
for m in ("orders", "paid_amount", "units", "aov", "orders_per_hour"):
    r = table.loc[m]
    fmt = ((lambda v: fmt_money(v, currency)) if m in MONEY
           else (lambda v: f"{v:,.1f}" if v % 1 else f"{v:,.0f}"))
    grid.metric(t(f"kpi_{m}"), fmt(r["period"]),
                   None if r["uplift"] != r["uplift"] else f"{r['uplift']:+.1%}", border=True,
                   help=f"{tc('promo_baseline')}{fmt(r['baseline'])}")
last_day = min(w.end, as_of).date()
overview_paid = query(kpis.day_kpis, f, last_day, None, as_of).set_index("kpi").loc[
    "paid_amount", "value"]
st.caption(t("promo_paid_counts").format(day=f"{last_day:%Y-%m-%d}",
                                         amount=fmt_money(overview_paid, currency)))
others = query(promo.period_other_currencies, f, name, as_of)
if not others.empty:  # other currencies are listed, each on its own, never added in
    st.text(t("money_other_currencies_period").format(list=fmt_amounts(others, "paid_amount")))
peak = query(promo.peak_hour, f, name, as_of)
if not peak.empty:
    p = peak.iloc[0]
    st.caption(f"{tc('promo_peak_hour')}{p['hour_start']:%Y-%m-%d %H:00} · "
               f"{t('orders')} {int(p['orders']):,} · "
               f"{t('paid_amount')} {fmt_money(p['paid'], currency)}")

st.subheader(t("promo_hourly"))
measure = st.segmented_control(t("measure"), ["orders", "paid"], key="promo_measure",
                               default="orders", required=True,
                               format_func=lambda m: t(f"promo_measure_{m}") if m == "orders"
                               else t("money_in_currency").format(
                                   label=t(f"promo_measure_{m}"), currency=currency))
curve = query(promo.hourly_curve, f, name, as_of)
st.plotly_chart(hourly_overlay(curve, measure, {
    "period": t("promo_series_period"), "baseline": t("promo_series_baseline"),
    "hour": t("promo_hour")}), key="promo_hourly_chart", config=CHART_CONFIG)

left, right = st.columns(2)
with left:
    st.subheader(t("promo_types"))
    types = query(promo.period_order_types, f, name, as_of)
    st.plotly_chart(order_type_bar(types, {k: t(k) for k in promo.ORDER_TYPES}),
                    key="promo_types_chart", config=CHART_CONFIG)
    shown = types.assign(order_type=types["order_type"].map(t), share=types["share"].map(fmt_pct))
    st.dataframe(labelled(shown, t), hide_index=True, key="promo_types_table")
with right:
    st.subheader(t("promo_top_skus"))
    exploded = st.toggle(t("promo_exploded"), key="promo_exploded")
    top = query(promo.top_skus, f, name, exploded, 10, as_of)
    st.plotly_chart(units_bar(top), key="promo_top_chart", config=CHART_CONFIG)

st.subheader(t("promo_top_bundles"))
st.dataframe(labelled(query(promo.top_bundles, f, name, 10, as_of), t), hide_index=True,
             key="promo_bundles_table")
st.subheader(t("promo_gifts"))
gifts = query(promo.gifts, f, name, as_of)
if gifts.empty:
    st.caption(t("promo_no_gifts"))
else:
    st.dataframe(short_in_red(labelled(gifts, t), t("left_after_open")), hide_index=True,
                 key="promo_gifts_table")
if query(stock.has_stock):
    st.subheader(t("promo_component_demand"))
    demand = query(stock.component_demand, f, name, as_of)
    # rates and days of cover to a tenth (a period to 23:59:59 sells 30.0003 a day otherwise)
    shown = demand.head(200).round({"period_per_day": 1, "cover_days_at_period_rate": 1})
    st.dataframe(labelled(shown, t), hide_index=True, key="promo_components_table")

with st.expander(t("promo_edit"), icon=":material/edit_calendar:"):
    period_editor()
