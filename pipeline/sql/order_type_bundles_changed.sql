-- True when the bundle SKUs differ from those order_type_facts was computed with.

with now_ as (
    select distinct bundle_sku from bundles
),

then_ as (
    select bundle_sku from order_type_bundles
),

final as (
    select exists (
        (select bundle_sku from now_ except select bundle_sku from then_)
        union all
        (select bundle_sku from then_ except select bundle_sku from now_)
    ) as changed
)

select * from final
