-- The bundle lines of the orders waiting to ship (a line's SKU is listed in the bundles table).

with final as (
    select platform, shop, order_id, sku
    from waiting_lines
    where sku in (select bundle_sku from bundles)
)

select * from final order by platform, shop, order_id, sku
