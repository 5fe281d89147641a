"""Chart builders for the Promotions and Stock pages: pure functions from tidy frames to figures."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from ui.safe import plot_text

MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}


def labelled(df: pd.DataFrame, label: Callable[[str], str]) -> pd.DataFrame:
    """`df` with its column names shown in the chosen language (`label` is `ui.i18n.t`)."""
    return df.rename(columns={c: label(c) for c in df.columns})


def gift_ledger_view(gifts: pd.DataFrame, label: Callable[[str], str]) -> pd.DataFrame:
    """The War room's gift ledger as shown: tracked in words, an unknown cost (no unit cost
    in the stock export) and an untracked SKU's stock as '—', never `None`."""
    def shown(v, fmt: str) -> str:
        return "—" if pd.isna(v) else format(v, fmt)
    return labelled(gifts.assign(
        tracked=gifts["tracked"].map({True: label("yes"), False: label("no")}),
        stock_left=gifts["stock_left"].map(lambda v: shown(v, ",.0f")),
        unit_cost=gifts["unit_cost"].map(lambda v: shown(v, ",.2f")),
        gift_cost=gifts["gift_cost"].map(lambda v: shown(v, ",.2f")),
    ), lambda c: label(f"wr_col_{c}"))


def short_in_red(df: pd.DataFrame, column: str):
    """`df` for st.dataframe with the negative values of `column` (stock that will not cover
    the waiting orders) in red."""
    if column not in df.columns:
        return df
    return df.style.map(lambda v: "color: #c92a2a; font-weight: 600"
                        if isinstance(v, int | float) and v < 0 else "", subset=[column])


def hourly_overlay(curve: pd.DataFrame, measure: str, names: dict[str, str]) -> go.Figure:
    """The period's `measure` (orders | paid) per hour as bars, the baseline's as a line over it.

    x is the hour counted from each window's start; hovering shows the period's clock time.
    """
    period = curve[curve["series"] == "period"]
    baseline = curve[curve["series"] == "baseline"]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=period["hour"], y=period[measure], name=names["period"],
        customdata=period["hour_start"].dt.strftime("%m-%d %H:%M"),
        hovertemplate="%{customdata}: %{y}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=baseline["hour"], y=baseline[measure], name=names["baseline"], mode="lines",
        line={"dash": "dot", "width": 2},
        customdata=baseline["hour_start"].dt.strftime("%m-%d %H:%M"),
        hovertemplate="%{customdata}: %{y}<extra></extra>",
    ))
    fig.update_layout(margin=MARGIN, height=340, legend={"orientation": "h", "y": 1.12},
                      xaxis_title=names["hour"], hovermode="x unified", bargap=0.1)
    return fig


def order_type_bar(types: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Orders of each type (an order may count under several), labelled with its share."""
    fig = go.Figure(go.Bar(
        x=types["orders"], y=[names.get(t, t) for t in types["order_type"]], orientation="h",
        text=[f"{n:,} ({s:.0%})" for n, s in zip(types["orders"], types["share"], strict=True)],
        textposition="auto",
    ))
    fig.update_layout(margin=MARGIN, height=260, yaxis={"autorange": "reversed"})
    return fig


def units_bar(top: pd.DataFrame) -> go.Figure:
    """Units per SKU, best first (a top-N frame with `sku`, `name`, `units`)."""
    labels = [plot_text(f"{s} {n}" if isinstance(n, str) and n else s)
              for s, n in zip(top["sku"], top["name"], strict=True)]
    fig = go.Figure(go.Bar(x=top["units"], y=labels, orientation="h", text=top["units"],
                           textposition="auto"))
    fig.update_layout(margin=MARGIN, height=max(200, 28 * len(top) + 60),
                      yaxis={"autorange": "reversed"})
    return fig


def cover_bar(status: pd.DataFrame, names: dict[str, str], top: int = 15) -> go.Figure:
    """Days of cover of the SKUs that run out first, at the 7-day and the promotion rate."""
    moving = status[status["cover_days_7d"].notna() | status["cover_days_promo"].notna()]
    first = moving.sort_values(["cover_days_7d", "cover_days_promo"], na_position="last").head(top)
    fig = go.Figure()
    skus = [plot_text(s) for s in first["sku"]]
    # each bar says its days, 0 included: a SKU sold out shows "0", never an empty row
    fig.add_trace(go.Bar(y=skus, x=first["cover_days_7d"], name=names["rate_7d"],
                         orientation="h", text=first["cover_days_7d"].astype("float64").round(1),
                         textposition="outside", cliponaxis=False))
    fig.add_trace(go.Bar(y=skus, x=first["cover_days_promo"], name=names["promo_rate"],
                         orientation="h", text=first["cover_days_promo"].astype("float64").round(1),
                         textposition="outside", cliponaxis=False))
    fig.update_layout(margin=MARGIN, height=max(220, 40 * len(first) + 80), barmode="group",
                      yaxis={"autorange": "reversed", "type": "category"},
                      xaxis_title=names["days"], legend={"orientation": "h", "y": 1.1})
    return fig
