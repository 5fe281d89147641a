-- How many of each bundle the stock can build, and the component that limits it: per tracked
-- component floor(units the orders take from ÷ quantity per bundle), the smallest wins (ties: by
-- SKU). An untracked component never limits; a bundle whose components are all untracked has
-- no count (`buildable` and `limiting_component` null). Also the bundle's units in orders
-- waiting to ship. With no stock imported, nothing is listed.

with per_component as (
    select
        *,
        row_number() over (
            partition by bundle_sku order by can_build nulls last, component_sku
        ) as rank
    from bundle_components()
),

final as (
    select
        bundle_sku,
        can_build as buildable,
        case when tracked then component_sku end as limiting_component,
        allocatable as limiting_allocatable,
        case when tracked then quantity end as limiting_quantity,
        bundle_demand
    from per_component
    where rank = 1 and exists (select 1 from stock)
)

select * from final order by buildable nulls last, bundle_sku
