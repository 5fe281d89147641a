"""The war room: chart builders (pure) and the alert banner every page shows."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pipeline.desk import forecast
from ui.data import desk_minute, filters, query
from ui.i18n import t


def intake_chart(hourly: pd.DataFrame, measure: str, names: dict[str, str]) -> go.Figure:
    """Today's `measure` per hour as bars, each reference day's as a line over the same hours."""
    fig = go.Figure()
    today = hourly[hourly["series"] == "today"]
    fig.add_trace(go.Bar(x=today["hour"], y=today[measure], name=names["today"]))
    for series in ("baseline", "last_year"):
        ref = hourly[hourly["series"] == series]
        if len(ref):
            fig.add_trace(go.Scatter(x=ref["hour"], y=ref[measure], name=names[series],
                                     mode="lines+markers"))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=300,
                      legend={"orientation": "h", "y": 1.15}, hovermode="x unified",
                      xaxis={"title": names["hour"], "dtick": 2})
    fig.update_yaxes(rangemode="tozero")
    return fig


METHODS = ("last_year", "baseline", "flat")   # in the order the projection prefers them


def methods_text(projection: dict, fmt) -> str:
    """Each method's own figure for a measure, the one used marked: never a min–max range
    (the figure used would sit at one of its ends by construction)."""
    est = projection.get("estimates") or {}
    parts = [t(f"wr_method_{m}") + " " + fmt(est[m])
             + (t("wr_method_used") if m == projection["method"] else "")
             for m in METHODS if m in est]
    return t("wr_methods_line").format(list=" · ".join(parts))


def breach_chart(grid: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Per hour ahead: orders whose deadline falls in it, and of those the ones that breach."""
    fig = go.Figure()
    x = pd.to_datetime(grid["hour_start"])
    fig.add_trace(go.Bar(x=x, y=grid["deadlines"] - grid["breaches"], name=names["in_time"],
                         marker_color="#94a3b8"))
    fig.add_trace(go.Bar(x=x, y=grid["breaches"], name=names["breaches"],
                         marker_color="#d9480f"))
    fig.update_layout(barmode="stack", margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      height=300, legend={"orientation": "h", "y": 1.15}, hovermode="x unified")
    # times as numbers, in every language (plotly's own month names are English)
    fig.update_xaxes(tickformat="%m-%d %H:%M", hoverformat="%m-%d %H:%M")
    return fig


NAME_CAP = 40   # characters of an SKU's name in a sentence


def sku_named(sku: str, name: str | None) -> str:
    """An SKU as people know it: its code and its name as the export writes them."""
    if not name or name == sku:
        return sku
    short = name if len(name) <= NAME_CAP else name[:NAME_CAP - 1] + "…"
    return f"{sku} · {short}"


def alert_texts(alerts: list[dict]) -> list[str]:
    """One sentence per alert, in the chosen language, with its numbers."""
    out = []
    for a in alerts:
        if a["kind"] == "stock_runout":
            key = ("wr_alert_stock_short" if a.get("short")
                   else "wr_alert_runout_now" if a["hours"] <= 0 else "wr_alert_runout")
            out.append(t(key).format(n=a["skus"], short=a.get("short", 0),
                                     sku=sku_named(a["first"], a.get("first_name")),
                                     hours=f"{a['hours']:.1f}", within=f"{a['within']:g}"))
        elif a["kind"] == "breaches":
            out.append(t("wr_alert_breaches").format(n=a["orders"], limit=a["limit"]))
        elif a["kind"] == "intake_off":
            out.append(t("wr_alert_intake").format(pct=f"{a['pct']:+d}", limit=f"{a['limit']:g}"))
    return out


def alert_banner() -> None:
    """The thresholds crossed now (shared by every session at the same minute), with a link."""
    as_of = desk_minute()
    texts = alert_texts(query(forecast.alerts, as_of, filters()))
    if texts:
        with st.container(border=True):
            for text in texts:
                st.text("⚠ " + text)
            st.page_link("pages/warroom.py", label=t("wr_open"), icon=":material/crisis_alert:")
