-- The component SKUs sold inside a bundle by any order in the shops and platforms: what the
-- components' demand marks `in_bundles` (stock_component_demand.sql). Reads no event.
-- Parameters: $shops, $platforms.

with final as (
    select distinct b.component_sku as sku
    from order_lines as l
    join bundles as b on b.bundle_sku = l.sku
    semi join filtered_orders(null, null, $shops, $platforms) as o
        using (platform, shop, order_id)
    where coalesce(l.quantity, 0) * b.quantity > 0
)

select * from final
