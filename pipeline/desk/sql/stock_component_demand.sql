-- Demand per component SKU (bundles exploded, gifts included): from the orders waiting to ship,
-- and from a promotion period's run-rate (units of paid orders placed in it, per day), against
-- the stock the waiting orders take from (`allocatable`: available_by_sku(); null for an
-- untracked SKU, and no days of cover). Reads `period_lines` (promo_paid_lines.sql) and
-- `bundled_components` (stock_bundled_components.sql).
-- Parameters: $shops, $platforms, $p_start, $p_end.

with waiting as (
    select e.sku, e.quantity
    from waiting_exploded_lines() as e
    where in_filters(null::timestamp, e.shop, e.platform, null, null, $shops, $platforms)
      and e.sku is not null and e.quantity > 0
),

-- the lines of the paid orders placed in the period (`period_lines`, promo_paid_lines.sql)
period_units as (
    select e.sku, e.quantity
    from explode_bundles('period_lines') as e
    where e.sku is not null and e.quantity > 0
),

-- components sold inside a bundle by any order in the filters (stock_bundled_components.sql)
bundled as (
    select sku from bundled_components
),

per_sku as (
    select
        sku,
        coalesce(sum(quantity) filter (where is_open), 0)::bigint as open_demand,
        coalesce(sum(quantity) filter (where not is_open), 0)::bigint as period_units
    from (
        select *, true as is_open from waiting
        union all
        select *, false as is_open from period_units
    )
    group by sku
),

names as (
    select sku, max(name) as name from stock group by sku
),

allocatable as (
    select sku, allocatable from available_by_sku()
),

period_days as (
    select epoch($p_end::timestamp - $p_start::timestamp) / 86400.0 as days
),

final as (
    select
        p.sku,
        nm.name,
        p.sku in (select sku from bundled) as in_bundles,
        p.open_demand,
        p.period_units,
        p.period_units / d.days as period_per_day,
        a.allocatable,
        case when a.allocatable is not null and p.period_units > 0
            then greatest(a.allocatable - p.open_demand, 0) / (p.period_units / d.days)
        end as cover_days_at_period_rate
    from per_sku as p
    cross join period_days as d
    left join names as nm using (sku)
    left join allocatable as a using (sku)
    where p.open_demand > 0 or p.period_units > 0
)

select * from final order by period_units desc, open_demand desc, sku
