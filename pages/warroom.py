"""War room: intake against the plan, backlog against the desk's rate, stock running out."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from pipeline.desk import forecast, money, promo, sla
from ui.auth import page_guard
from ui.charts import CHART_CONFIG
from ui.data import demo_banner, desk_minute, filters, query
from ui.fmt import fmt_money
from ui.i18n import t
from ui.layout import metric_grid
from ui.promo import gift_ledger_view, labelled
from ui.warroom import breach_chart, intake_chart, methods_text

page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_warroom"))
demo_banner()
f = filters()
as_of = desk_minute()
st.caption(t("wr_as_of").format(as_of=f"{as_of:%Y-%m-%d %H:%M}"))

# Intake against the plan
st.subheader(t("wr_intake"))
it = query(forecast.intake, as_of, f)
if it is None:
    st.info(t("wr_no_promotion"), icon=":material/info:")
else:
    st.text(t("wr_period").format(name=it.period)
            + (" · " + t("wr_last_year").format(name=it.last_year) if it.last_year else ""))
    same = query(promo.summary, as_of, f)   # the Promotions page's baseline: the same hours
    if same is not None and same["name"] == it.period:
        st.text(t("wr_same_hours").format(
            orders=f"{same['orders']:,}", base=f"{same['baseline_orders']:,}",
            b_start=f"{same['baseline_start']:%m-%d %H:%M}",
            b_end=f"{same['baseline_end']:%m-%d %H:%M}",
            uplift="" if same["uplift_orders"] is None else f" ({same['uplift_orders']:+.1%})"))
    cols = st.columns(2)
    for col, measure in zip(cols, ("orders", "paid"), strict=True):
        p = it.projection[measure]
        fmt = ((lambda v: f"{v:,.0f}") if measure == "orders"
               else (lambda v: fmt_money(v, it.currency)))   # one currency, never added
        col.metric(t(f"wr_projected_{measure}"),
                   "—" if p["value"] is None else fmt(p["value"]),
                   border=True,
                   help=t("wr_method_help"))
        if p["value"] is not None:
            col.caption(t("wr_projection_line").format(
                seen=fmt(it.seen[measure]), method=t(f"wr_method_{p['method']}"),
                reason=t(f"wr_reason_{p['reason']}")))
            col.caption(methods_text(p, fmt))   # each method's figure, never a min–max
        col.plotly_chart(intake_chart(it.hourly, measure, {
            "today": t("wr_today"), "baseline": t("wr_baseline_day"),
            "last_year": t("wr_last_year_day"), "hour": t("wr_hour"),
        }), key=f"wr_intake_{measure}")
    if it.other_paid:   # the other currencies' paid so far, each on its own
        st.text(t("money_other_currencies").format(list=" · ".join(
            fmt_money(v, c) for c, v in it.other_paid.items())))

# Backlog and capacity
st.subheader(t("wr_backlog"))
grid, cap, packers = query(forecast.breach_forecast, as_of, f)
cards = metric_grid("backlog", 4)
cards.metric(t("wr_waiting"), f"{cap.backlog:,}", border=True)
cards.metric(t("wr_rate"), f"{cap.rate_per_hour:,.1f}", border=True,
             help=t("wr_rate_help").format(hours=f"{cap.window_hours:g}"))
cards.metric(t("wr_hours_to_clear"),
             "—" if cap.hours_to_clear is None else f"{cap.hours_to_clear:,.1f}", border=True)
cards.metric(t("wr_packers"), "—" if packers is None else f"{packers:,}", border=True,
             help=t("wr_packers_help"))
coming = f"{grid['intake'].head(24).sum():,.0f}"   # what keeps coming in, counted
if cap.hours_to_clear is not None:
    cleared = as_of + timedelta(hours=cap.hours_to_clear)
    st.caption(t("wr_cleared_at" if it is not None else "wr_cleared_no_intake").format(
        coming=coming, at=f"{cleared:%m-%d %H:%M}"))
elif cap.rate_per_hour > 0:
    st.caption(t("wr_not_cleared").format(coming=coming))
st.caption(t("wr_rates_line").format(
    shipped=f"{cap.shipped_per_hour:,.1f}", processed=f"{cap.processed_per_hour:,.1f}",
    hours=f"{cap.window_hours:g}", overdue=f"{cap.overdue:,}",
    basis=t(f"wr_basis_{cap.rate_basis or 'none'}")))
if cap.held:   # held by a problem: apart from the line, with their own deadlines
    st.caption(t("wr_held").format(n=f"{cap.held:,}", late=f"{cap.held_overdue:,}",
                                   due=f"{int(grid['held'].sum()):,}"))
blind = query(sla.not_judged, f, as_of).set_index("rule").loc["ship_paid", "orders"]
if blind:  # shops whose exports never say what shipped: not in the backlog, counted apart
    st.caption(t("wr_not_judged").format(n=f"{int(blind):,}"))
st.plotly_chart(breach_chart(grid, {"in_time": t("wr_in_time"), "breaches": t("wr_breaches")}),
                key="wr_breach_chart", config=CHART_CONFIG)
st.caption(t("wr_breach_help"))

# Stock burn-down
st.subheader(t("wr_stock"))
burn = query(forecast.stock_burn, as_of)
if burn.empty:
    st.success(t("wr_stock_none"), icon=":material/check_circle:")
else:
    shown = burn.assign(
        name=burn["name"].fillna("—"),
        status=burn["status"].map(lambda v: t(f"wr_status_{v}")),
        units_per_hour=burn["units_per_hour"].round(1),
        cover_hours=burn["cover_hours"].round(1),
        orders_per_hour=burn["orders_per_hour"].round(1),
        runs_out_at=pd.to_datetime(burn["runs_out_at"]).dt.strftime("%m-%d %H:%M").fillna("—"),
    )
    st.dataframe(labelled(shown, lambda c: t(f"wr_col_{c}")), hide_index=True,
                 key="wr_burn_table")
st.caption(t("wr_stock_help"))
st.caption(t("wr_burn_counts").format(hours=f"{cap.window_hours:g}"))   # what the rate counts
sold_out = query(forecast.sold_out_skus, as_of)
if sold_out:
    st.caption(t("wr_sold_out").format(n=f"{sold_out:,}"))

if it is not None:
    st.subheader(t("wr_gifts"))
    start = query(forecast.period_start, it.period)
    gifts = query(forecast.gift_ledger, f, it.period, start, as_of)
    if gifts.empty:
        st.info(t("wr_gifts_none"), icon=":material/info:")
    else:
        st.dataframe(gift_ledger_view(gifts, t), hide_index=True, key="wr_gift_table")
        if gifts["unit_cost"].isna().all():
            st.caption(t("wr_gift_cost_none"))
        else:
            st.caption(t("wr_gift_cost_total").format(
                cost=fmt_money(gifts["gift_cost"].sum(), query(money.desk_currency)),
                missing=int(gifts["unit_cost"].isna().sum())))
