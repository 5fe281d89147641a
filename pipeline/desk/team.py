"""Who did what: the desk's events per person over a week (the Team page and its download).

Every figure is computed from `events` (append-only, each with its author and role) and the
imported order facts; `behind()` lists the events or orders behind any figure.

- Actions: every event of the week, per person per day and per hour of the day; an undo is an
  action of whoever undid, and the undone action still counts for its author (and is counted
  again as *undone*).
- Problems resolved: resolve actions still in effect; time to resolve runs from the problem's
  start — a `manual` flag's latest flag event, else (marks the desk derives have no start
  event) the order's payment time, else its creation — to the resolve.
- Payment to processed / shipped: per person (the author of the order's first process or
  courier action still in effect) and shop; shipping time as exported.
- Packed: the parcels a person checked and packed at the bench (pipeline/desk/packing.py),
  `packed` actions still in effect.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from pipeline.accounts.users import ensure_ready
from pipeline.base.filters import ALL, Filters
from pipeline.db.queries import sql

BEHIND = ("actions", "undos", "undone", "resolved", "processed", "packed")


def week_of(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def _params(week_start: date, f: Filters) -> dict:
    start = datetime.combine(week_of(week_start), time())
    return {"week_start": start, "week_end": start + timedelta(days=7),
            "shops": list(f.shops), "platforms": list(f.platforms)}


def week_events(con: duckdb.DuckDBPyConnection, week_start: date, f: Filters = ALL
                ) -> pd.DataFrame:
    """The week's events (Monday of `week_start`'s week, 7 days), oldest first: event_id,
    acted_at, day, hour, author, role, action, kind, text, target_event, platform, shop,
    order_id, undone. The shop and platform filters apply; the date range does not."""
    ensure_ready(con)
    return con.execute(sql("team_events"), _params(week_start, f)).df()


def _over(con: duckdb.DuckDBPyConnection, name: str, relation: str,
          frame: pd.DataFrame) -> pd.DataFrame:
    con.register(relation, frame)
    try:
        return con.execute(sql(name)).df()
    finally:
        con.unregister(relation)


def actions_per_day(con: duckdb.DuckDBPyConnection, week_start: date, f: Filters = ALL
                    ) -> pd.DataFrame:
    """author, day, actions, orders."""
    return _over(con, "team_daily", "team_week", week_events(con, week_start, f))


def actions_per_hour(con: duckdb.DuckDBPyConnection, week_start: date, f: Filters = ALL
                     ) -> pd.DataFrame:
    """author, hour (0-23), actions."""
    return _over(con, "team_hourly", "team_week", week_events(con, week_start, f))


def people(con: duckdb.DuckDBPyConnection, week_start: date, f: Filters = ALL) -> pd.DataFrame:
    """Per person: author, role, actions, orders, undos, undone, resolved, packed."""
    return _over(con, "team_people", "team_week", week_events(con, week_start, f))


def resolved(con: duckdb.DuckDBPyConnection, week_start: date, f: Filters = ALL
             ) -> pd.DataFrame:
    """Each problem resolved in the week: event_id, resolved_at, author, role, kind, text,
    platform, shop, order_id, started_at, start_source (flag | paid | created), hours."""
    ensure_ready(con)
    return con.execute(sql("team_resolved"), _params(week_start, f)).df()


def resolved_summary(con: duckdb.DuckDBPyConnection, week_start: date, f: Filters = ALL
                     ) -> pd.DataFrame:
    """Per person and problem type: author, kind, resolved, hours_median, hours_mean."""
    return _over(con, "team_resolved_summary", "team_resolved", resolved(con, week_start, f))


def processed(con: duckdb.DuckDBPyConnection, week_start: date, f: Filters = ALL
              ) -> pd.DataFrame:
    """Each order first processed in the week: platform, shop, order_id, event_id, author,
    role, processed_at, paid_at, shipped_at, hours_to_processed, hours_to_shipped."""
    ensure_ready(con)
    return con.execute(sql("team_fulfil"), _params(week_start, f)).df()


def fulfil_summary(con: duckdb.DuckDBPyConnection, week_start: date, f: Filters = ALL
                   ) -> pd.DataFrame:
    """Per person and shop: author, shop, processed, hours_to_processed (median), shipped,
    hours_to_shipped (median)."""
    return _over(con, "team_fulfil_summary", "team_fulfil", processed(con, week_start, f))


def behind(con: duckdb.DuckDBPyConnection, week_start: date, what: str, author: str,
           f: Filters = ALL, shop: str | None = None) -> pd.DataFrame:
    """The rows behind one figure: `what` is one of BEHIND, for `author` (and `shop` for
    processed). Each row names its order (platform, shop, order_id)."""
    if what not in BEHIND:
        raise ValueError(f"unknown figure {what!r}")
    if what == "resolved":
        rows = resolved(con, week_start, f)
        return rows[rows["author"] == author].reset_index(drop=True)
    if what == "processed":
        rows = processed(con, week_start, f)
        keep = (rows["author"] == author) & ((rows["shop"] == shop) if shop is not None else True)
        return rows[keep].reset_index(drop=True)
    rows = week_events(con, week_start, f)
    rows = rows[rows["author"] == author]
    if what == "undos":
        rows = rows[rows["action"] == "undo"]
    elif what == "undone":
        rows = rows[(rows["action"] != "undo") & rows["undone"]]
    elif what == "packed":
        rows = rows[(rows["action"] == "packed") & ~rows["undone"]]
    else:
        rows = rows[rows["action"] != "undo"]
    return rows.reset_index(drop=True)


def event_author(con: duckdb.DuckDBPyConnection, event_id: int | None) -> str | None:
    """Who recorded the event `event_id` (None when there is none)."""
    if event_id is None or pd.isna(event_id):
        return None
    rows = con.execute("select author from events where event_id = ?", [int(event_id)]).fetchall()
    return rows[0][0] if rows else None
