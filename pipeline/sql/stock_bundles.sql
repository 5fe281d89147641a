-- How many of each bundle the available stock can build, and the component that limits it:
-- per component floor(available ÷ quantity per bundle), the smallest wins (ties: by SKU).
-- Also the bundle's units in orders waiting to ship. With no stock imported, nothing is listed.

with per_component as (
    select
        *,
        row_number() over (
            partition by bundle_sku order by can_build, component_sku
        ) as rank
    from bundle_components()
),

final as (
    select
        bundle_sku,
        can_build as buildable,
        component_sku as limiting_component,
        available as limiting_available,
        quantity as limiting_quantity,
        bundle_demand
    from per_component
    where rank = 1 and exists (select 1 from stock)
)

select * from final order by buildable, bundle_sku
