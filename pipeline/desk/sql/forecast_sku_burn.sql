-- Per tracked SKU (bundles exploded, gifts included): what is left once the orders waiting to
-- ship have taken theirs, and the units and orders placed in the last $hours hours before
-- $as_of (orders not closed), the rate the burn-down projects; its name as the stock export
-- writes it (else a title it was sold under).
-- Reads the registered relations `recent_lines` (forecast_recent_lines.sql: the lines of at
-- least the orders placed in those hours) and `sku_titles` (sku_titles.sql: a title each SKU
-- was sold under, worked out once per facts version).
-- Parameters: $as_of, $hours.

with stock_left as (
    select a.sku, a.allocatable - coalesce(w.need, 0) as left_units
    from available_by_sku() as a
    left join (
        select sku, sum(quantity) as need
        from waiting_needs()
        where sku is not null
        group by sku
    ) as w using (sku)
),

recent_units as (
    select sku, sum(quantity) as units, count(distinct (platform, shop, order_id)) as orders
    from recent_lines
    where created_at > $as_of::timestamp - to_seconds(round($hours * 3600)::bigint)
      and created_at <= $as_of
    group by sku
),

names as (
    select sku, coalesce(s.name, l.title) as name
    from (select sku, max(name) as name from stock group by sku) as s
    full outer join (select sku, title from sku_titles) as l using (sku)
),

final as (
    select
        s.sku,
        n.name,
        s.left_units::bigint as left_units,
        coalesce(r.units, 0)::bigint as recent_units,
        coalesce(r.orders, 0)::bigint as recent_orders
    from stock_left as s
    left join recent_units as r using (sku)
    left join names as n using (sku)
)

select * from final order by sku
