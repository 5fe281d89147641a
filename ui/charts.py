"""Chart builders: pure functions from a tidy frame to a plotly Figure (no Streamlit calls)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

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
