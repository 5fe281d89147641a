"""The Team page's chart builder and labelled tables (no data work: that is pipeline/desk/team.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from pipeline.desk.team import week_of
from ui.charts import day_format
from ui.data import shop_label, shop_labels
from ui.i18n import platform_label, t
from ui.safe import plot_text

CODED = {"action": "action_", "role": "role_", "kind": "problem_",
         "start_source": "team_start_"}


def actions_chart(frame: pd.DataFrame, x: str, names: dict[str, str]) -> go.Figure:
    """Actions per person as stacked bars over `x` (`day` or `hour`); a pure builder."""
    fig = go.Figure()
    for author, rows in frame.groupby("author", sort=True):
        # a day's bar is most of a day wide (alone on a date axis it was drawn a hairline)
        width = 0.7 * 86_400_000 if x == "day" else None
        fig.add_trace(go.Bar(x=rows[x], y=rows["actions"], name=plot_text(author), width=width))
    fig.update_layout(barmode="stack", margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=340,
                      legend={"orientation": "h", "y": 1.12}, xaxis_title=names.get(x),
                      yaxis_title=names.get("actions"))
    if x == "hour":
        fig.update_xaxes(range=[-0.5, 23.5], dtick=1)
    elif not frame.empty:
        # the week's seven days, one tick each, as dates (never a time of day between them)
        monday = pd.Timestamp(week_of(pd.Timestamp(frame[x].min()).date()))
        week = pd.date_range(monday, periods=7, freq="D")
        fig.update_xaxes(type="date", tickvals=week, tickformat=day_format(pd.Series(week)),
                         hoverformat="%Y-%m-%d",
                         range=[monday - pd.Timedelta(hours=12),
                                monday + pd.Timedelta(days=6, hours=12)])
    return fig


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes and platforms shown as labels, headers in the chosen language
    (`team_col_<column>`), times to the minute, an empty cell as '—' (never `None`)."""
    out = frame.copy()
    for col, prefix in CODED.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, p=prefix: t(p + v) if isinstance(v, str) else None)
    if "platform" in out.columns:
        out["platform"] = out["platform"].map(
            lambda v: platform_label(v) if isinstance(v, str) else None)
    shown = [c for c in out.columns if f"team_col_{c}" in _KNOWN]
    out = out[shown].assign(**{c: out[c].map(_cell) for c in shown if _as_text(out[c])})
    return out.rename(columns={c: t(f"team_col_{c}") for c in shown})


def _as_text(column: pd.Series) -> bool:
    """A column shown as text: times, words, and numbers with an empty cell."""
    return (not pd.api.types.is_numeric_dtype(column) or bool(column.isna().any())) \
        and not pd.api.types.is_bool_dtype(column)


def _cell(v: Any) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if isinstance(v, datetime | pd.Timestamp):
        return f"{v:%Y-%m-%d %H:%M}"
    if isinstance(v, float):
        return f"{v:.0f}" if v.is_integer() else f"{v:.1f}"
    return str(v)


def figures(people: pd.DataFrame, fulfil: pd.DataFrame) -> list[tuple]:
    """The figures whose rows can be listed: (what, author, shop, count), counts above 0."""
    out = [(what, p.author, None, int(getattr(p, what))) for p in people.itertuples()
           for what in ("actions", "undos", "undone", "resolved", "packed")
           if getattr(p, what, 0)]
    return out + [("processed", r.author, r.shop, int(r.processed)) for r in fulfil.itertuples()]


def figure_label(figure: tuple) -> str:
    what, author, shop, n = figure
    if what == "undone":
        text = f"{t('team_what_actions').format(author=author)} — {t('team_col_undone')}"
    else:
        text = t(f"team_what_{what}").format(author=author, shop=shop_label(shop))
    return f"{text}: {n}"


BEHIND_COLUMNS = {
    "resolved": ["resolved_at", "kind", "text", "started_at", "start_source", "hours"],
    "processed": ["processed_at", "paid_at", "shipped_at"],
}


def _behind_raw(what: str) -> list[str]:
    return ["order_id", "shop", "platform",
            *BEHIND_COLUMNS.get(what, ["acted_at", "action", "kind", "text", "role"])]


def behind_columns(what: str) -> list[str]:
    """The headers of `behind_view(rows, what)` to show."""
    return [t(f"team_col_{c}") for c in _behind_raw(what)]


def behind_view(rows: pd.DataFrame, what: str) -> pd.DataFrame:
    """The rows behind a figure, labelled, with the order keys kept for selecting an order."""
    shown = labelled(rows[_behind_raw(what)])
    shown[t("team_col_shop")] = shop_labels(rows).to_numpy()     # name · platform
    for col in ("platform", "shop", "order_id"):
        shown[col] = rows[col].to_numpy()
    return shown


_KNOWN = {
    f"team_col_{c}" for c in (
        "author", "role", "day", "hour", "actions", "orders", "undos", "undone", "resolved",
        "kind", "hours_median", "hours_mean", "shop", "processed", "hours_to_processed",
        "shipped", "hours_to_shipped", "order_id", "platform", "action", "acted_at",
        "event_id", "text", "started_at", "hours", "start_source", "paid_at",
        "processed_at", "shipped_at", "resolved_at", "packed",
    )
}
