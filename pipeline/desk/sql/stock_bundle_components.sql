-- Each bundle's components against the available stock: how many bundles each component alone
-- could build, and the bundle's units in orders waiting to ship (bundle_components() in
-- schema.sql).

with final as (
    select * from bundle_components()
)

select * from final order by bundle_sku, component_sku
