"""The shops an agency runs (DESIGN §13): named, never guessed, never merged.

Orders and events keep a shop's key (`shop`, as the file or the import named it; '' for the
platform's one unnamed shop). The `shops` table gives each (platform, key) a display name, its
time zone and currency, and when an import last named it by choice (the Import page proposes
that shop again for the platform). A manager renames a shop; the key never changes, so its
orders keep their history, and every rename is kept in `shop_renames`.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline.base.canonical import NAME_CAP
from pipeline.base.roles import require
from pipeline.db.settings import get_settings, local_now
from pipeline.db.store import Store

# The shops with what a person sees of them: the display name (the key where none was given),
# and the currency of most of the shop's orders where none was set.
SHOPS_SQL = """
with counted as (
    select platform, shop, currency, count(*) as n
    from orders
    group by all
),
usual as (
    select platform, shop, arg_max(currency, n) as currency, sum(n) as orders
    from counted
    group by all
),
final as (
    select
        s.platform,
        s.shop,
        coalesce(nullif(trim(s.display_name), ''), s.shop) as name,
        s.display_name is not null and trim(s.display_name) <> '' as renamed,
        coalesce(s.time_zone, $timezone) as time_zone,
        coalesce(s.currency, u.currency) as currency,
        cast(coalesce(u.orders, 0) as bigint) as orders,
        s.chosen_at,
        s.renamed_at,
        s.renamed_by
    from shops as s
    left join usual as u using (platform, shop)
)
select * from final
order by platform, shop
"""


def shop_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every shop: platform, shop (the key), name (display name, else the key), renamed,
    time_zone, currency, orders, chosen_at, renamed_at, renamed_by."""
    return con.execute(SHOPS_SQL, {"timezone": get_settings(con)["timezone"]}).df()


def shop_names(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """(platform, shop key) -> the name shown (the key where no display name was given)."""
    return {(p, s): n for p, s, n in con.execute(
        "select platform, shop, coalesce(nullif(trim(display_name), ''), shop) from shops"
    ).fetchall()}


def named(frame: pd.DataFrame, names: dict[tuple[str, str], str], shop: str = "shop",
          platform: str = "platform") -> pd.Series:
    """The display name of each row's shop (`names`: shop_names), for a file a person reads;
    the key where the shop is not listed. The frame's keys are left as they are."""
    if frame.empty:
        return frame[shop].astype(object)
    shown = [names.get((p, s), s) if isinstance(s, str) else s
             for p, s in zip(frame[platform], frame[shop], strict=True)]
    return pd.Series(shown, index=frame.index, dtype=object)


def import_shops(con: duckdb.DuckDBPyConnection, import_id: int | None,
                 shop: str) -> list[str]:
    """The platforms whose orders or lines import `import_id` wrote under the shop `shop`."""
    if import_id is None:
        return []
    return [p for (p,) in con.execute(
        "select distinct platform from (select platform, shop, import_id from orders "
        "union all select platform, shop, import_id from order_lines) "
        "where import_id = ? and shop = ? order by 1", [import_id, shop]).fetchall()]


def last_chosen(con: duckdb.DuckDBPyConnection, platform: str) -> str | None:
    """The shop key an import of `platform` last named by choice, or None."""
    rows = con.execute(
        "select shop from shops where platform = ? and chosen_at is not null "
        "order by chosen_at desc limit 1", [platform]).fetchall()
    return rows[0][0] if rows else None


def clean_name(name: str | None) -> str:
    """A shop name as given (page, command line, folder): trimmed, capped; '' for none."""
    return " ".join((name or "").split())[:NAME_CAP]


def register(cur: duckdb.DuckDBPyConnection, import_id: int, chosen: str | None = None) -> None:
    """Inside an import's transaction: the shops of the orders and lines it wrote listed (time
    zone: the desk's; currency: their orders'), and `chosen` (the shop the import was given)
    marked as the one last chosen for the platforms it wrote orders of."""
    written = """
        select platform, shop, currency from orders where import_id = $import_id
        union all
        select platform, shop, null from order_lines where import_id = $import_id
        union all
        select platform, shop, null from cases where import_id = $import_id
        """
    cur.execute(
        f"""
        insert into shops (platform, shop, time_zone, currency)
        select platform, shop, $timezone, any_value(currency)
        from ({written})
        group by all
        on conflict do nothing
        """,  # noqa: S608 - fixed text
        {"import_id": import_id, "timezone": get_settings(cur)["timezone"]},
    )
    if chosen:
        cur.execute(
            f"""
            update shops set chosen_at = $now
            where shop = $chosen
              and platform in (select platform from ({written}) where shop = $chosen)
            """,  # noqa: S608 - fixed text
            {"import_id": import_id, "chosen": chosen, "now": local_now(cur)},
        )


class ShopError(ValueError):
    """A rename that cannot be done (unknown shop, a name another shop of the platform shows)."""


def rename_shop(store: Store, platform: str, shop: str, name: str, by: str,
                role: str | None = None) -> None:
    """Give the shop (platform, key) the display name `name` ('' : its key again); recorded
    with who and when. A manager's (role action `settings`); the key in orders is never changed."""
    require(role, "settings")
    new = clean_name(name) or None

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        rows = cur.execute("select display_name from shops where platform = ? and shop = ?",
                           [platform, shop]).fetchall()
        if not rows:
            raise ShopError(f"no shop {shop!r} on {platform}")
        if new is not None:
            taken = cur.execute(
                "select shop from shops where platform = ? and shop <> ? "
                "and coalesce(nullif(trim(display_name), ''), shop) = ?",
                [platform, shop, new]).fetchall()
            if taken:
                raise ShopError(f"another {platform} shop is shown as {new!r}")
        now = local_now(cur)
        cur.execute("update shops set display_name = ?, renamed_at = ?, renamed_by = ? "
                    "where platform = ? and shop = ?", [new, now, by, platform, shop])
        cur.execute("insert into shop_renames values (?, ?, ?, ?, ?, ?)",
                    [platform, shop, rows[0][0], new, now, by])

    store.run_write(work)
