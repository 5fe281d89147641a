"""Chart builders: pure functions from a tidy frame to a plotly Figure (no Streamlit calls)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Every chart's plotly config: no toolbar (on a phone it stays over the legend; Streamlit's
# own element toolbar gives full screen).
CHART_CONFIG = {"displayModeBar": False}


def daily_chart(series: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Orders per day as bars, paid amount per day as a line on a second axis."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    orders = series[series["measure"] == "orders"]
    paid = series[series["measure"] == "paid_amount"]
    fig.add_trace(go.Bar(x=orders["day"], y=orders["value"], name=names["orders"]),
                  secondary_y=False)
    fig.add_trace(go.Scatter(x=paid["day"], y=paid["value"], name=names["paid_amount"],
                             mode="lines"), secondary_y=True)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=340,
                      legend={"orientation": "h", "y": 1.12}, hovermode="x unified")
    # dates as numbers, in every language (plotly's own month names are English)
    fig.update_xaxes(tickformat="%m-%d", hoverformat="%Y-%m-%d")
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
