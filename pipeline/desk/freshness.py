"""How fresh each shop's data is: the moment its exports describe, and whether it is stale.

An export describes the moment of its newest time (created, paid, shipped, completed, closed)
over all the orders it carried; a shop's *data moment* is that of the newest export that
carried its orders (a quiet shop exported with busy ones is as fresh as the file). A shop is *stale* when that moment lies more
than `STALE_HOURS` before the moment asked about. The time rules and the work queue evaluate a
stale shop as of its data moment (what was overdue when its data was taken) and list its orders
after those of the fresh shops: old data never tops the list only because it is old.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from pipeline.db.cache import remembered
from pipeline.db.queries import sql
from pipeline.db.shops import shop_names

STALE_HOURS = 24.0
MOMENT_COLUMNS = ["platform", "shop", "as_of", "stale"]


def shop_freshness(con: duckdb.DuckDBPyConnection, as_of: datetime) -> pd.DataFrame:
    """Per shop: platform, shop, data_moment, stale (the moment is over a day before `as_of`)."""
    out = data_moments(con)
    limit = pd.Timestamp(as_of) - timedelta(seconds=round(STALE_HOURS * 3600))
    out["stale"] = (out["data_moment"] < limit).fillna(False).astype(bool)
    return out


def data_moments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per shop: platform, shop, data_moment (what its newest export describes). It depends
    only on the data: computed once per data version."""
    return remembered(con, "freshness.data_moments", (), lambda: con.execute(
        sql("shop_freshness"), {"as_of": None, "stale_hours": STALE_HOURS}
    ).df()[["platform", "shop", "data_moment"]], facts=True).copy()


def shop_moments(con: duckdb.DuckDBPyConnection, as_of: datetime,
                 freshness: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per shop the moment its orders are evaluated at: `as_of`, or its data moment when stale.

    Columns: platform, shop, as_of, stale.
    """
    fr = shop_freshness(con, as_of) if freshness is None else freshness
    moment = pd.Series(pd.Timestamp(as_of), index=fr.index, dtype="datetime64[us]")
    moment = moment.where(~fr["stale"], pd.to_datetime(fr["data_moment"]).astype("datetime64[us]"))
    return pd.DataFrame({"platform": fr["platform"].astype(str), "shop": fr["shop"].astype(str),
                         "as_of": moment, "stale": fr["stale"].astype(bool)})


def stale_shops(con: duckdb.DuckDBPyConnection, as_of: datetime) -> pd.DataFrame:
    """The stale shops only: platform, shop, data_moment."""
    fr = shop_freshness(con, as_of)
    return fr.loc[fr["stale"], ["platform", "shop", "data_moment"]].reset_index(drop=True)


def freshness_section(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, Any]:
    """report --json: `stale_shops`, a list of {shop (the key), platform, data_as_of, name (the
    shop's display name, DESIGN §13)} (empty when fresh)."""
    names = shop_names(con)
    return {"stale_shops": [
        {"shop": r.shop, "platform": r.platform, "name": names.get((r.platform, r.shop), r.shop),
         "data_as_of": pd.Timestamp(r.data_moment).strftime("%Y-%m-%d %H:%M:%S")}
        for r in stale_shops(con, as_of).itertuples()
    ]}
