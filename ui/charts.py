"""Chart builders: pure functions from a tidy frame to a plotly Figure (no Streamlit calls)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.safe import plot_text

# Every chart's plotly config: no toolbar (on a phone it stays over the legend; Streamlit's
# own element toolbar gives full screen).
CHART_CONFIG = {"displayModeBar": False}


def day_format(days: pd.Series) -> str:
    """How a date axis writes its days: as numbers in every language (plotly's own month
    names are English), with the year when the days span more than one."""
    years = pd.to_datetime(pd.Series(days)).dropna().dt.year
    return "%Y-%m-%d" if years.nunique() > 1 else "%m-%d"


def _gapped(paid: pd.DataFrame, data_days: pd.Series) -> pd.DataFrame:
    """The paid amount on every calendar day from the first day with data to the last: 0 on
    a day with orders and no payment, empty (a break in the line) on a day without any data,
    so that the line never draws across missing days as if they were data."""
    known = pd.DatetimeIndex(pd.to_datetime(data_days).dropna().unique())
    if known.empty:
        return paid
    every = pd.date_range(known.min(), known.max(), freq="D")
    values = pd.Series(pd.to_numeric(paid["value"]).to_numpy(),
                       index=pd.DatetimeIndex(pd.to_datetime(paid["day"]))).groupby(level=0).sum()
    full = values.reindex(every)
    full[full.index.isin(known) & full.isna()] = 0.0
    return pd.DataFrame({"day": every, "value": full.to_numpy()})


OPEN_DAYS = 90   # the days the daily chart opens on when its data spans more


def daily_chart(series: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Orders per day as bars, paid amount per day as a line on a second axis; the line
    breaks over days without data, and the axis carries the year when the days span years."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    orders = series[series["measure"] == "orders"]
    paid = _gapped(series[series["measure"] == "paid_amount"], series["day"])
    fig.add_trace(go.Bar(x=orders["day"], y=orders["value"], name=names["orders"]),
                  secondary_y=False)
    fig.add_trace(go.Scatter(x=paid["day"], y=paid["value"], name=names["paid_amount"],
                             mode="lines+markers", marker={"size": 4}, connectgaps=False),
                  secondary_y=True)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=340,
                      legend={"orientation": "h", "y": 1.12}, hovermode="x unified")
    fig.update_xaxes(tickformat=day_format(series["day"]), hoverformat="%Y-%m-%d")
    days = pd.to_datetime(series["day"])
    if len(days) and days.max() - days.min() > pd.Timedelta(days=OPEN_DAYS):
        # a year of history (last year's 双11 beside this season): the chart opens on the last
        # OPEN_DAYS days, the rest a zoom out (double click) away
        last = days.max()
        fig.update_xaxes(range=[last - pd.Timedelta(days=OPEN_DAYS - 0.5),
                                last + pd.Timedelta(days=0.5)])
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(showgrid=False, secondary_y=True)
    return fig


def state_bar(counts: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Orders per state, horizontal, in the states' display order."""
    fig = go.Figure(go.Bar(
        x=counts["orders"], y=[names.get(s, s) for s in counts["state"]], orientation="h",
        text=counts["orders"], textposition="auto",
    ))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, height=320,
                      yaxis={"autorange": "reversed"})
    return fig


# ---------------------------------------------------------------------------------------------
# After-sales (DESIGN §11): the reasons read as a signal


def ranked_bar(names: list[str], values: pd.Series, hover: list[str] | None = None) -> go.Figure:
    """Values per name, largest on top, as horizontal bars with the value written on each;
    `names` may be text from a file (a reason, a SKU): drawn as text, never as markup."""
    fig = go.Figure(go.Bar(
        x=list(values), y=[plot_text(n) for n in names], orientation="h",
        text=list(values), textposition="auto",
        customdata=[plot_text(h) for h in hover] if hover else None,
        hovertemplate="%{y}: %{x}" + ("<br>%{customdata}" if hover else "") + "<extra></extra>",
    ))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      height=max(200, 40 + 28 * len(names)), yaxis={"autorange": "reversed"})
    fig.update_xaxes(rangemode="tozero")
    return fig


def paired_bar(names: list[str], period: pd.Series, baseline: pd.Series,
               series: dict[str, str], axis: str | None = None) -> go.Figure:
    """Two figures per name side by side (a promotion against its baseline), names first to
    last from the top; `series` names the two (`period`, `baseline`), `axis` the figures."""
    shown = [plot_text(n) for n in names]
    fig = go.Figure([
        go.Bar(x=list(period), y=shown, orientation="h", name=series["period"]),
        go.Bar(x=list(baseline), y=shown, orientation="h", name=series["baseline"]),
    ])
    fig.update_layout(barmode="group", margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      height=max(220, 60 + 44 * len(names)), yaxis={"autorange": "reversed"},
                      legend={"orientation": "h", "y": 1.1})
    fig.update_xaxes(rangemode="tozero", title_text=axis)
    return fig


def weekly_bar(weeks: pd.Series, values: pd.Series, name: str,
               text: list[str] | None = None) -> go.Figure:
    """One bar per week, named by its Monday written as numbers (with the year when the weeks
    span more than one), `text` on the bars."""
    days = pd.to_datetime(pd.Series(list(weeks)))
    shown = [d.strftime(day_format(days)) for d in days]
    fig = go.Figure(go.Bar(x=shown, y=list(values), name=name, text=text, textposition="auto",
                           hovertemplate="%{x}: %{y}<extra></extra>"))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, height=280, bargap=0.3)
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero", title_text=name)
    return fig
