"""The near future of a big promotion: intake against the plan, backlog against the desk's
rate, stock burn-down, gifts, and the alerts they raise.

Every projection says what it assumes and rests on data that exists:

- *rates* are what the desk did over the last `forecast_rate_hours` hours: the larger of the
  orders shipped and the orders processed, once there are at least `MIN_RATE_ORDERS` of them
  (else no rate); they are assumed to hold;
- the *breach forecast* works the orders waiting to ship earliest deadline first (DESIGN §5) at
  that rate: the k-th order leaves at as_of + k / rate; it breaches when that is past its
  `ship_paid` deadline. Orders already overdue are counted apart, ahead in the line;
- the *packers* needed: the smallest rate at which no order still in time breaches, divided by
  `orders_per_packer_hour`;
- the *day's intake* is projected from the orders seen so far, scaled by the share a reference
  day had reached by the same hour: the same promotion's day a year before (matched by name,
  the year one less) when there is one, else the baseline's day (one period length before);
  each method's figure (both shapes and the flat rate so far) is kept beside the one used,
  with the reason it was chosen; there is no min–max "range" (the figure used would sit at
  one of its ends by construction);
- *stock burn-down* takes each tracked SKU's units left once the waiting orders took theirs
  and the units ordered per hour over the last `forecast_rate_hours` hours. Only an SKU that
  the waiting orders or that rate take below zero runs out (DESIGN §6); one at 0 that
  nothing waits for and nothing buys is sold out and raises no alarm.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline.base.filters import ALL, Filters
from pipeline.db.cache import keeps, remembered, shared
from pipeline.db.queries import sql
from pipeline.db.settings import get_settings
from pipeline.desk.money import desk_currency, money_params
from pipeline.desk.problems import export_facts, open_problems
from pipeline.desk.promo import default_period, sku_titles

HORIZON_HOURS = 72
MIN_RATE_ORDERS = 3   # orders shipped or processed in the window before a rate is projected
# The open problems that hold an order: it cannot ship until they are resolved, so it takes no
# place in the packers' line and is counted apart with its own deadline.
HOLDING = ("out_of_stock", "manual")
KEY = ["platform", "shop", "order_id"]


@dataclass(frozen=True)
class Capacity:
    """The backlog and the rate the desk is working it at."""

    backlog: int                  # orders waiting to ship now
    overdue: int                  # of those, already past their ship_paid deadline
    processed_per_hour: float
    shipped_per_hour: float
    rate_per_hour: float          # the rate the forecast assumes
    rate_basis: str | None        # 'shipped' or 'processed' (the larger); None: fewer than
                                  # MIN_RATE_ORDERS of either in the window
    window_hours: float
    hours_to_clear: float | None  # None when the rate is 0
    held: int = 0                 # waiting orders held by a problem (HOLDING): not in the line
    held_overdue: int = 0         # of those, already past their deadline
    intake_counted: bool = False  # hours_to_clear counts the orders still coming in


def _settings(con: duckdb.DuckDBPyConnection, s: dict[str, Any] | None) -> dict[str, Any]:
    return s or get_settings(con)


@shared
def waiting_deadlines(con: duckdb.DuckDBPyConnection, f: Filters = ALL,
                      s: dict[str, Any] | None = None) -> pd.DataFrame:
    """`platform, shop, order_id, ready_at, deadline` of the orders waiting to ship, earliest
    deadline first; in shops whose exports carry a shipping fact (DESIGN §4)."""
    s = _settings(con, s)
    con.register("export_facts", export_facts(con))
    try:
        return con.execute(sql("forecast_waiting"),
                           {"ship_hours": float(s["ship_paid_hours"]), **f.params()}).df()
    finally:
        con.unregister("export_facts")


def held_mask(con: duckdb.DuckDBPyConnection, as_of: datetime, f: Filters,
              waiting: pd.DataFrame) -> np.ndarray:
    """Which of `waiting` are held by an open problem of HOLDING (out of stock, flagged)."""
    probs = open_problems(con, f, as_of)
    held = probs.loc[probs["problem"].isin(HOLDING), KEY].drop_duplicates()
    if held.empty or waiting.empty:
        return np.zeros(len(waiting), dtype=bool)
    found = waiting[KEY].astype(object).merge(held.astype(object).assign(_held=True),
                                              on=KEY, how="left")["_held"]
    return found.notna().to_numpy()


@shared
def capacity(con: duckdb.DuckDBPyConnection, as_of: datetime, f: Filters = ALL,
             s: dict[str, Any] | None = None, waiting: pd.DataFrame | None = None) -> Capacity:
    """The backlog now and the desk's rate over the last `forecast_rate_hours` hours. The
    orders held by a problem (HOLDING) are in the backlog but not in what the rate clears."""
    s = _settings(con, s)
    hours = float(s["forecast_rate_hours"])
    waiting = waiting_deadlines(con, f, s) if waiting is None else waiting
    held = held_mask(con, as_of, f, waiting)
    held_late = int((pd.to_datetime(waiting["deadline"][held]) < pd.Timestamp(as_of)).sum())
    processed, shipped = con.execute(
        sql("forecast_rates"), {"as_of": as_of, "hours": hours, **f.params()}
    ).fetchall()[0]
    per_shipped, per_processed = shipped / hours, processed / hours
    # the larger of the two, so that one shipment cannot swing the rate from what the desk
    # processes; below MIN_RATE_ORDERS orders there is no rate to project at
    if max(shipped, processed) < MIN_RATE_ORDERS:
        rate, basis = 0.0, None
    elif shipped >= processed:
        rate, basis = per_shipped, "shipped"
    else:
        rate, basis = per_processed, "processed"
    backlog = len(waiting)
    overdue = int((pd.to_datetime(waiting["deadline"]) < pd.Timestamp(as_of)).sum())
    clearable = backlog - int(held.sum())
    return Capacity(backlog, overdue, per_processed, per_shipped, rate, basis, hours,
                    clearable / rate if rate > 0 else None, int(held.sum()), held_late)


@shared
def breach_forecast(con: duckdb.DuckDBPyConnection, as_of: datetime, f: Filters = ALL,
                    s: dict[str, Any] | None = None, hours: int = HORIZON_HOURS
                    ) -> tuple[pd.DataFrame, Capacity, int | None]:
    """Per hour of the next `hours`: `hour, hour_start, deadlines` (orders in the line whose
    deadline falls in it), `breaches` (of those, the ones the desk will not ship in time at its
    rate) and `held` (orders held by a problem whose deadline falls in it: they cannot ship,
    take no place in the line and are not in the packers needed); the capacity it assumed; the
    packers needed so that none in the line breaches (None: nothing to ship)."""
    s = _settings(con, s)
    waiting = waiting_deadlines(con, f, s)
    cap = capacity(con, as_of, f, s, waiting)
    held = held_mask(con, as_of, f, waiting)
    held_h = ((pd.to_datetime(waiting["deadline"][held]) - pd.Timestamp(as_of))
              .dt.total_seconds().to_numpy() / 3600.0)
    waiting = waiting[~held]
    left_h = ((pd.to_datetime(waiting["deadline"]) - pd.Timestamp(as_of))
              .dt.total_seconds().to_numpy() / 3600.0)
    k = np.arange(1, len(left_h) + 1, dtype=float)      # place in the line
    ships_h = k / cap.rate_per_hour if cap.rate_per_hour > 0 else np.full(len(k), np.inf)
    future = left_h > 0
    breach = future & (ships_h > left_h + 1e-9)
    slot = np.floor(left_h).astype(int) if len(left_h) else np.array([], dtype=int)
    grid = pd.DataFrame({"hour": np.arange(hours)})
    grid["hour_start"] = [as_of + timedelta(hours=int(h)) for h in grid["hour"]]
    in_horizon = future & (slot < hours)
    grid["deadlines"] = np.bincount(slot[in_horizon], minlength=hours)[:hours]
    grid["breaches"] = np.bincount(slot[in_horizon & breach], minlength=hours)[:hours]
    held_slot = np.floor(held_h).astype(int) if len(held_h) else np.array([], dtype=int)
    grid["held"] = np.bincount(held_slot[(held_h > 0) & (held_slot < hours)],
                               minlength=hours)[:hours]
    # what keeps coming in (the day's projection, then the usual rate) and the line it makes
    arriving = expected_intake(con, as_of, f, hours)
    grid["intake"] = arriving
    grid["backlog"], cleared = _project_backlog(cap.backlog - cap.held, arriving,
                                                cap.rate_per_hour)
    cap = replace(cap, hours_to_clear=cleared, intake_counted=True)
    # the orders arriving join the line behind those waiting (their deadline is later): with
    # them, the k-th still leaves at k / rate, so the packers needed count them too
    ship_h = float(s["ship_paid_hours"])
    arr_k = len(k) + np.cumsum(arriving)
    arr_left = np.arange(hours) + 0.5 + ship_h      # arriving mid-hour, due ship_paid later
    packers = None
    if future.any() or arriving.sum() > 0:
        need = [k[future] / left_h[future], arr_k[arriving > 0] / arr_left[arriving > 0]]
        need_rate = float(np.max(np.concatenate(need)))
        packers = max(1, math.ceil(need_rate / float(s["orders_per_packer_hour"]) - 1e-9))
    return grid, cap, packers


def _project_backlog(start: float, arriving: np.ndarray, rate: float
                     ) -> tuple[np.ndarray, float | None]:
    """The line at the end of each hour (orders arriving evenly within it, the desk clearing
    `rate` an hour, never below 0) and when it is first empty, in hours from now (None: not
    within these hours at this rate)."""
    left, out, cleared = float(start), [], None
    if left <= 0:
        cleared = 0.0
    for h, a in enumerate(arriving):
        if cleared is None and rate > a and left <= rate - a:
            cleared = h + left / (rate - a)
        left = max(0.0, left + a - rate)
        out.append(left)
    return np.array(out), cleared


def expected_intake(con: duckdb.DuckDBPyConnection, as_of: datetime, f: Filters,
                    hours: int) -> np.ndarray:
    """Orders expected to arrive in each of the next `hours` hours: the rest of today as the
    running promotion's day projection spreads it (its reference day's shape, else evenly),
    then the usual rate (the baseline day's orders ÷ 24); none when no promotion runs."""
    it = intake(con, as_of, f)
    if it is None or it.projection["orders"]["value"] is None:
        return np.zeros(hours)
    p = it.projection["orders"]
    ref = it.hourly[it.hourly["series"] == p["method"]]["orders"].to_numpy()
    if p["method"] == "flat" or ref.sum() <= 0:
        per_day_hour = np.full(24, p["value"] / 24)
    else:
        per_day_hour = p["value"] * ref / ref.sum()
    base = it.hourly[it.hourly["series"] == "baseline"]["orders"]
    usual = float(base.sum()) / 24 if len(base) else 0.0
    rate = np.concatenate([per_day_hour, np.full(hours + 48, usual)])  # by hour from 00:00
    start = (as_of - it.day_start).total_seconds() / 3600
    out = np.zeros(hours)
    for i in range(hours):   # each hour from now spans at most two of the day's hours
        a, b = start + i, start + i + 1
        h = int(math.floor(a))
        out[i] = rate[h] * (min(b, h + 1) - a) + (rate[h + 1] * (b - h - 1) if b > h + 1 else 0)
    return out


@shared
def stock_burn(con: duckdb.DuckDBPyConnection, as_of: datetime,
               s: dict[str, Any] | None = None) -> pd.DataFrame:
    """Per tracked SKU that the waiting orders or the current rate of sale take below zero:
    `sku, name, status, left_units, units_per_hour, cover_hours, runs_out_at, orders_per_hour`
    (the orders an hour that will be blocked once it runs out). `status` is `short` (the
    orders waiting to ship already need more than the stock: 0 h of cover) or `selling` (the
    rate of sale takes what is left to zero in `cover_hours`). An SKU at 0 that nothing waits
    for and nothing buys is sold out, not running out: never listed (`sold_out_skus`), nor is
    one that is not selling, nor an untracked one (DESIGN §6). Fewest hours of cover first,
    the short ones first among those at 0."""
    burn = _burn(con, as_of, s)
    keep = (burn["left_units"] < 0) | (burn["units_per_hour"] > 0)
    burn = burn[keep].copy()
    rate = burn["units_per_hour"]
    left = burn["left_units"].clip(lower=0)
    cover = np.where(burn["left_units"] < 0, 0.0, left / rate.where(rate > 0, 1))
    burn["status"] = np.where(burn["left_units"] < 0, "short", "selling")
    burn["cover_hours"] = cover
    burn["runs_out_at"] = [as_of + timedelta(hours=float(c)) for c in cover]
    cols = ["sku", "name", "status", "left_units", "units_per_hour", "cover_hours",
            "runs_out_at", "orders_per_hour"]
    burn["_rank"] = burn["status"] != "short"   # at 0 h, the SKUs orders already lack first
    return burn.sort_values(["cover_hours", "_rank", "sku"])[cols].reset_index(drop=True)


@shared
def sold_out_skus(con: duckdb.DuckDBPyConnection, as_of: datetime,
                  s: dict[str, Any] | None = None) -> int:
    """Tracked SKUs with nothing left once the waiting orders took theirs, that no waiting
    order lacks and nothing bought over the rate window: sold out, not running out."""
    burn = _burn(con, as_of, s)
    return int(((burn["left_units"] == 0) & (burn["units_per_hour"] <= 0)).sum())


def _burn(con: duckdb.DuckDBPyConnection, as_of: datetime,
          s: dict[str, Any] | None) -> pd.DataFrame:
    """forecast_sku_burn.sql with the rates per hour: every tracked SKU."""
    s = _settings(con, s)
    hours = float(s["forecast_rate_hours"])
    con.register("recent_lines", _recent_lines(con, as_of, hours))
    con.register("sku_titles", sku_titles(con))
    try:
        burn = con.execute(sql("forecast_sku_burn"), {"as_of": as_of, "hours": hours}).df()
    finally:
        for name in ("recent_lines", "sku_titles"):
            con.unregister(name)
    burn["units_per_hour"] = burn["recent_units"] / hours
    burn["orders_per_hour"] = burn["recent_orders"] / hours
    burn["name"] = burn["name"].astype(object).where(burn["name"].notna(), None)
    return burn


@shared
def running_out(con: duckdb.DuckDBPyConnection, as_of: datetime,
                s: dict[str, Any] | None = None) -> pd.DataFrame:
    """The rows of `stock_burn` that run out within `alert_runout_hours`: what the alert
    banner, the War room, the Stock page and `report --json` (`skus_running_out`) count."""
    s = _settings(con, s)
    burn = stock_burn(con, as_of, s)
    return burn[burn["cover_hours"] <= float(s["alert_runout_hours"])].reset_index(drop=True)


@shared
def _recent_lines(con: duckdb.DuckDBPyConnection, as_of: datetime, hours: float) -> pa.Table:
    """forecast_recent_lines.sql over at least the `hours` before `as_of`. After the newest
    order they are cut at it: every minute after the newest data reads the same lines,
    remembered once per data version."""
    newest = remembered(con, "forecast.newest_order", (), lambda: con.execute(
        "select max(created_at) from orders").fetchall()[0][0]) if keeps(con) else None
    to = as_of if newest is None or pd.Timestamp(as_of) < newest else newest
    params = {"from": to - timedelta(seconds=hours * 3600 + 1), "to": to}
    return remembered(con, "forecast.recent_lines", (params["from"], to), lambda: con.sql(
        sql("forecast_recent_lines"), params=params).to_arrow_table())


def period_start(con: duckdb.DuckDBPyConnection, name: str) -> datetime:
    """When the promotion period `name` starts."""
    return con.execute("select start_at from promotions where name = ?", [name]).fetchall()[0][0]


@shared
def gift_ledger(con: duckdb.DuckDBPyConnection, f: Filters, name: str, start: datetime,
                end: datetime) -> pd.DataFrame:
    """The gifts of a promotion period: `sku, units_given, orders, tracked, stock_left,
    orders_missing` (waiting orders whose gift runs past the stock, in order of payment),
    `unit_cost, gift_cost` (null where the stock export gives no unit cost)."""
    return con.execute(sql("forecast_gifts"), {
        "shops": list(f.shops), "platforms": list(f.platforms), "p_start": start, "p_end": end,
    }).df()


# ---------------------------------------------------------------------------------------------
# Intake against the plan


@dataclass(frozen=True)
class Intake:
    """The running promotion's day: its hours so far against the reference days."""

    period: str
    day_start: datetime
    as_of: datetime
    hourly: pd.DataFrame          # hour, series (today | baseline | last_year), orders, paid
    seen: dict[str, float]        # orders / paid (in `currency`) so far today
    projection: dict[str, dict[str, Any]]  # measure -> {value, method, reason, estimates}
    last_year: str | None         # the name of last year's promotion, when found
    currency: str = ""            # the currency of `paid` (the filter's, else the desk's)
    other_paid: dict[str, float] | None = None  # paid so far today in each other currency


@shared
def last_year_name(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The same promotion a year before: the name with its (last) year one less, if stored."""
    years = list(re.finditer(r"(19|20)\d{2}", name))
    if not years:
        return None
    m = years[-1]
    other = f"{name[:m.start()]}{int(m.group()) - 1}{name[m.end():]}"
    rows = con.execute("select name from promotions where name = ?", [other]).fetchall()
    return rows[0][0] if rows else None


def _hourly(con: duckdb.DuckDBPyConnection, f: Filters, day: datetime,
            until: datetime | None = None) -> pd.DataFrame:
    """Orders and paid amount (in `f`'s money currency only) per hour of the day from `day`."""
    return con.execute(sql("forecast_hourly"), {
        "day_start": day, "until": until or day + timedelta(days=1),
        "shops": list(f.shops), "platforms": list(f.platforms), **money_params(con, f),
    }).df()


def _paid_by_currency(con: duckdb.DuckDBPyConnection, f: Filters, start: datetime,
                      end: datetime) -> dict[str, float]:
    """Paid amount of the paid orders placed from `start` to `end`, per currency (never added
    across), the desk's currency first."""
    rows = con.execute(sql("forecast_paid_by_currency"), {
        "desk": desk_currency(con), "start": start, "end": end,
        "shops": list(f.shops), "platforms": list(f.platforms)}).fetchall()
    return {str(c): round(float(v), 2) for c, v in rows}


def _share_by(curve: pd.DataFrame, measure: str, elapsed: float) -> float:
    """What a day's curve had reached `elapsed` hours into it (the running hour pro rata)."""
    return float((curve[measure] * (elapsed - curve["hour"]).clip(0, 1)).sum())


@shared
def intake(con: duckdb.DuckDBPyConnection, as_of: datetime, f: Filters = ALL) -> Intake | None:
    """The running promotion's day so far against its reference days; None when no promotion
    is running at `as_of`."""
    rows = con.execute("select name, start_at, end_at from promotions where start_at <= ? "
                       "and end_at > ? order by start_at desc, name limit 1",
                       [as_of, as_of]).fetchall()
    if not rows:
        return None
    name, start, end = rows[0]
    day = datetime.combine(as_of.date(), datetime.min.time())
    refs = {"baseline": day - (end - start)}
    ly = last_year_name(con, name)
    if ly:
        ly_start = con.execute("select start_at from promotions where name = ?",
                               [ly]).fetchall()[0][0]
        refs["last_year"] = ly_start + (day - start)
    curves = {"today": _hourly(con, f, day, as_of)}
    curves.update({series: _hourly(con, f, ref) for series, ref in refs.items()})
    hourly = pd.concat([c.assign(series=k) for k, c in curves.items()], ignore_index=True)
    elapsed = (as_of - day).total_seconds() / 3600.0
    seen = {m: float(curves["today"][m].sum()) for m in ("orders", "paid")}
    projection = {}
    for measure in ("orders", "paid"):
        estimates: dict[str, float] = {}
        for series in refs:
            total = float(curves[series][measure].sum())
            by_now = _share_by(curves[series], measure, elapsed)
            if total > 0 and by_now > 0:
                estimates[series] = seen[measure] * total / by_now
        if elapsed > 0:
            estimates["flat"] = seen[measure] / elapsed * 24
        method = next((m for m in ("last_year", "baseline", "flat") if m in estimates), None)
        projection[measure] = {
            "value": estimates.get(method) if method else None,
            "method": method,
            "reason": _reason(method, ly is not None),
            "estimates": estimates,   # each method's figure: last_year, baseline, flat
        }
    currency = money_params(con, f)["currency"]
    others = {c: v for c, v in _paid_by_currency(con, f, day, as_of).items() if c != currency}
    return Intake(name, day, as_of, hourly, seen, projection, ly, currency, others)


def _reason(method: str | None, last_year_known: bool) -> str | None:
    """Why `method` is the one used: `last_year_known` (the same promotion a year before is
    stored), `no_last_year` (it is not: the baseline day), `last_year_empty` (it is, but its
    day had no orders by this hour), `no_reference` (no reference day had any: the flat rate)."""
    if method == "last_year":
        return "last_year_known"
    if method == "baseline":
        return "last_year_empty" if last_year_known else "no_last_year"
    return "no_reference" if method == "flat" else None


def intake_off(it: Intake, hours: int = 2) -> list[float]:
    """For each of the last `hours` complete hours of the day: actual orders ÷ expected − 1,
    where expected is the projected day's total times the reference shape's share of that hour
    (empty when there is no shape to compare with)."""
    method = it.projection["orders"]["method"]
    value = it.projection["orders"]["value"]
    if method not in ("last_year", "baseline") or not value:
        return []
    ref = it.hourly[it.hourly["series"] == method].set_index("hour")["orders"]
    today = it.hourly[it.hourly["series"] == "today"].set_index("hour")["orders"]
    done = int((it.as_of - it.day_start).total_seconds() // 3600)
    out = []
    for h in range(done - hours, done):
        if h < 0 or ref.sum() == 0:
            return []
        expected = value * ref.get(h, 0) / ref.sum()
        if expected <= 0:
            return []
        out.append(today.get(h, 0) / expected - 1)
    return out


# ---------------------------------------------------------------------------------------------
# Alerts and the report


@shared
def alerts(con: duckdb.DuckDBPyConnection, as_of: datetime, f: Filters = ALL,
           s: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The thresholds crossed now, each `{kind, ...numbers}`: `stock_runout` (SKUs running out
    within `alert_runout_hours`: `running_out`; `short` of them already short for the waiting
    orders; the first by its code and name as exported), `breaches` (more than `alert_breach_orders` orders will
    breach before the day ends), `intake_off` (intake more than `alert_intake_off_pct` % off
    the projection in each of the last two hours)."""
    s = _settings(con, s)
    out: list[dict[str, Any]] = []
    soon = running_out(con, as_of, s)
    if len(soon):
        first = soon.iloc[0]
        out.append({"kind": "stock_runout", "skus": len(soon),
                    "short": int((soon["status"] == "short").sum()),
                    "first": str(first["sku"]),
                    "first_name": None if first["name"] is None else str(first["name"]),
                    "hours": float(first["cover_hours"]),
                    "within": float(s["alert_runout_hours"])})
    grid, cap, _ = breach_forecast(con, as_of, f, s, hours=HORIZON_HOURS)
    day_end = datetime.combine(as_of.date(), datetime.min.time()) + timedelta(days=1)
    today = int(grid.loc[pd.to_datetime(grid["hour_start"]) < pd.Timestamp(day_end),
                         "breaches"].sum())
    if today > int(s["alert_breach_orders"]):
        out.append({"kind": "breaches", "orders": today, "limit": int(s["alert_breach_orders"])})
    it = intake(con, as_of, f)
    if it is not None:
        off = intake_off(it)
        limit = float(s["alert_intake_off_pct"]) / 100
        if len(off) == 2 and all(abs(x) > limit for x in off):
            out.append({"kind": "intake_off", "pct": round(off[-1] * 100),
                        "limit": float(s["alert_intake_off_pct"]), "period": it.period})
    return out


def forecast_section(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, Any]:
    """report --json: `forecast` (backlog, hours_to_clear, breaches by hour for the next 24 h,
    skus_running_out: the SKUs the alert banner counts, within `alert_runout_hours`, each
    with its name and status; skus_sold_out: at 0 with no demand, never alarmed)."""
    s = get_settings(con)
    grid, cap, packers = breach_forecast(con, as_of, ALL, s, hours=HORIZON_HOURS)
    grid = grid.head(24)   # by hour for the next 24 h; cleared within the 72 h projected
    out = running_out(con, as_of, s)
    return {"forecast": {
        "backlog": cap.backlog,
        "overdue_now": cap.overdue,
        "rate_per_hour": round(cap.rate_per_hour, 2),
        "rate_basis": cap.rate_basis,
        "hours_to_clear": None if cap.hours_to_clear is None else round(cap.hours_to_clear, 1),
        "backlog_by_hour": [round(float(x), 1) for x in grid["backlog"]],
        "intake_by_hour": [round(float(x), 1) for x in grid["intake"]],
        "held": {"orders": cap.held, "overdue_now": cap.held_overdue,
                 "deadlines_by_hour": [int(x) for x in grid["held"]]},
        "breaches_by_hour": [int(x) for x in grid["breaches"]],
        "packers_needed": packers,
        "skus_running_out": [
            {"sku": r.sku, "hours_left": round(float(r.cover_hours), 1),
             "runs_out_at": pd.Timestamp(r.runs_out_at).strftime("%Y-%m-%d %H:%M"),
             "name": r.name, "status": r.status}
            for r in out.itertuples()
        ],
        "skus_sold_out": sold_out_skus(con, as_of, s),
        "intake": _intake_report(con, as_of),
        "runout_within_hours": float(s["alert_runout_hours"]),
    }}


def _intake_report(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, Any] | None:
    """report --json `forecast.intake`: the running promotion's day so far and projected, the
    paid amount per currency (never added across), the method used and each method's figure
    (null when no promotion is running)."""
    it = intake(con, as_of, ALL)
    if it is None:
        return None
    orders = it.projection["orders"]
    paid = {it.currency: it.seen["paid"], **(it.other_paid or {})}
    projected, methods = {}, {}
    for currency in paid:
        one = it if currency == it.currency else intake(con, as_of, Filters(currency=currency))
        p = one.projection["paid"]
        projected[currency] = None if p["value"] is None else round(p["value"], 2)
        methods[currency] = {"method": p["method"],
                             "estimates": {m: round(v, 2) for m, v in p["estimates"].items()}}
    return {
        "period": it.period,
        "orders_so_far": int(it.seen["orders"]),
        "projected_orders": None if orders["value"] is None else round(orders["value"], 1),
        "method": orders["method"],
        "estimates": {m: round(v, 1) for m, v in orders["estimates"].items()},
        "paid_so_far": {c: round(v, 2) for c, v in paid.items()},
        "projected_paid": projected,
        "paid_methods": methods,
    }


__all__ = ["Capacity", "Intake", "alerts", "breach_forecast", "capacity", "default_period",
           "forecast_section", "gift_ledger", "period_start", "intake", "intake_off", "last_year_name",
           "running_out", "sold_out_skus", "stock_burn", "waiting_deadlines"]
