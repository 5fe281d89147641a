-- Each bundle's components against the available stock: how many bundles each component alone
-- could build, and the bundle's units in orders waiting to ship.

with components as (
    select bundle_sku, component_sku, quantity
    from bundles
    where quantity > 0
),

available as (
    select sku, greatest(sum(coalesce(available, 0)), 0) as available
    from stock
    group by sku
),

waiting as (
    select sku, sum(coalesce(quantity, 0))::bigint as bundle_demand
    from waiting_lines
    group by sku
),

final as (
    select
        c.bundle_sku,
        c.component_sku,
        c.quantity,
        coalesce(a.available, 0) as available,
        floor(coalesce(a.available, 0) / c.quantity)::bigint as can_build,
        coalesce(w.bundle_demand, 0) as bundle_demand
    from components as c
    left join available as a on a.sku = c.component_sku
    left join waiting as w on w.sku = c.bundle_sku
)

select * from final order by bundle_sku, component_sku
