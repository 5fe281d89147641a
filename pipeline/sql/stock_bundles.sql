-- How many of each bundle the available stock can build, and the component that limits it:
-- per component floor(available ÷ quantity per bundle), the smallest wins (ties: by SKU).
-- Also the bundle's units in orders waiting to ship. With no stock imported, nothing is listed.

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

per_component as (
    select
        c.bundle_sku,
        c.component_sku,
        c.quantity,
        coalesce(a.available, 0) as available,
        floor(coalesce(a.available, 0) / c.quantity)::bigint as can_build,
        row_number() over (
            partition by c.bundle_sku
            order by floor(coalesce(a.available, 0) / c.quantity), c.component_sku
        ) as rank
    from components as c
    left join available as a on a.sku = c.component_sku
),

waiting as (
    select sku, sum(coalesce(quantity, 0))::bigint as bundle_demand
    from waiting_lines
    group by sku
),

final as (
    select
        p.bundle_sku,
        p.can_build as buildable,
        p.component_sku as limiting_component,
        p.available as limiting_available,
        p.quantity as limiting_quantity,
        coalesce(w.bundle_demand, 0) as bundle_demand
    from per_component as p
    left join waiting as w on w.sku = p.bundle_sku
    where p.rank = 1 and exists (select 1 from stock)
)

select * from final order by buildable, bundle_sku
