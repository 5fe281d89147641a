"""The desk's editable parameters (time rules, time zone, batches, currency), kept in the store."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

DEFAULTS: dict[str, Any] = {
    "timezone": "Asia/Shanghai",     # the shop's time zone; all stored times are local to it
    "chase_unpaid_hours": 48,        # chase unpaid orders within 2 days of creation
    "ship_paid_hours": 72,           # ship paid orders within 3 days of payment
    "due_soon_hours": 4,             # warning window before a deadline
    "confirmed_tag": "Confirmed",    # the Shopify tag that means phone-confirmed
    "batch_size": 50,                # the largest proposed batch in the work queue
    # after-sales (DESIGN §11): the desk's deadlines where an export gives none
    "aftersales_answer_hours": 48,   # answer a refund or after-sales request within 2 days
    "aftersales_receive_hours": 72,  # confirm a returned parcel within 3 days
    # the war room (pipeline/desk/forecast.py)
    "forecast_rate_hours": 3,        # the desk's rates are measured over this many hours
    "orders_per_packer_hour": 40,    # what one packer ships in an hour
    "alert_runout_hours": 12,        # alert when an SKU runs out within this many hours
    "alert_breach_orders": 20,       # alert when more orders than this will breach today
    "alert_intake_off_pct": 30,      # alert when intake is this far off the projection, 2 h
    "currency": None,                # the desk's ISO code; None: the currency of most orders
    "session_idle_minutes": 480,     # a signed-in session ends after this long without a click
    "inbox_dir": "data/inbox",       # exports dropped here are imported by themselves
}

# An ISO 4217 code as the desk stores it: three capital letters.
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def valid_currency(code: Any) -> bool:
    """True for a three-letter ISO code in capitals (e.g. CNY, USD)."""
    return isinstance(code, str) and CURRENCY_CODE.fullmatch(code) is not None


# Settings that are a number of hours, above zero.
POSITIVE_HOURS = ("aftersales_answer_hours", "aftersales_receive_hours")


def valid_hours(value: Any) -> bool:
    """True for a number of hours above zero (not a flag)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def get_settings(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """All settings: the stored value where one was saved, else the default."""
    stored = dict(con.execute("select key, value from settings").fetchall())
    return {k: json.loads(stored[k]) if k in stored else v for k, v in DEFAULTS.items()}


def local_now(con: duckdb.DuckDBPyConnection) -> datetime:
    """The current moment as a naive time in the desk's time zone (how all times are stored)."""
    return now_in(get_settings(con))


def now_in(settings: dict[str, Any]) -> datetime:
    """`local_now` from settings already read."""
    return datetime.now(ZoneInfo(settings["timezone"])).replace(tzinfo=None)


def save_setting(cur: duckdb.DuckDBPyConnection, key: str, value: Any, by: str,
                 role: str | None = None) -> None:
    """Store one setting; call inside `Store.write()`. `role`: a manager's (None: the CLI)."""
    from pipeline.base.roles import require

    require(role, "settings")
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    if key == "currency" and value is not None and not valid_currency(value):
        raise ValueError(f"a currency is a three-letter ISO code (CNY, USD), not {value!r}")
    if key in POSITIVE_HOURS and not valid_hours(value):
        raise ValueError(f"{key} is a number of hours above zero, not {value!r}")
    cur.execute(
        "insert or replace into settings (key, value, updated_at, updated_by) values (?, ?, ?, ?)",
        [key, json.dumps(value), local_now(cur), by],
    )


def reset_settings(cur: duckdb.DuckDBPyConnection, role: str | None = None) -> None:
    """Back to the defaults; call inside `Store.write()`. `role`: a manager's (None: the CLI)."""
    from pipeline.base.roles import require

    require(role, "settings")
    cur.execute("delete from settings")
