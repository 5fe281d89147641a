-- Demand per component SKU (bundles exploded, gifts included): from the orders waiting to ship,
-- and from a promotion period's run-rate (units of paid orders placed in it, per day), against
-- what is available. Parameters: $shops, $platforms, $p_start, $p_end.

with scoped as (
    select o.platform, o.shop, o.order_id, o.created_at, s.is_paid, s.waiting_to_ship
    from filtered_orders(null, null, $shops, $platforms) as o
    join order_state as s using (platform, shop, order_id)
),

lines as (
    select e.sku, e.quantity, e.from_bundle, o.created_at, o.is_paid, o.waiting_to_ship
    from exploded_lines() as e
    join scoped as o using (platform, shop, order_id)
    where e.sku is not null and e.quantity > 0
),

per_sku as (
    select
        sku,
        bool_or(from_bundle) as in_bundles,
        coalesce(sum(quantity) filter (where waiting_to_ship), 0)::bigint as open_demand,
        coalesce(sum(quantity) filter (
            where is_paid
              and created_at >= $p_start::timestamp
              and created_at < $p_end::timestamp
        ), 0)::bigint as period_units
    from lines
    group by sku
),

available as (
    select sku, max(name) as name, greatest(sum(coalesce(available, 0)), 0) as available
    from stock
    group by sku
),

stock_loaded as (
    select count(*) > 0 as loaded from stock
),

period_days as (
    select epoch($p_end::timestamp - $p_start::timestamp) / 86400.0 as days
),

final as (
    select
        p.sku,
        a.name,
        p.in_bundles,
        p.open_demand,
        p.period_units,
        p.period_units / d.days as period_per_day,
        case when l.loaded then coalesce(a.available, 0) end as available,
        case when l.loaded and p.period_units > 0
            then greatest(coalesce(a.available, 0) - p.open_demand, 0) / (p.period_units / d.days)
        end as cover_days_at_period_rate
    from per_sku as p
    cross join period_days as d
    cross join stock_loaded as l
    left join available as a using (sku)
    where p.open_demand > 0 or p.period_units > 0
)

select * from final order by period_units desc, open_demand desc, sku
