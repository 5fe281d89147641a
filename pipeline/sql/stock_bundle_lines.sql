-- The bundle lines of the orders waiting to ship (a line's SKU is listed in the bundles table).

with waiting as (
    select platform, shop, order_id
    from order_state
    where waiting_to_ship
),

final as (
    select l.platform, l.shop, l.order_id, l.sku
    from order_lines as l
    join waiting using (platform, shop, order_id)
    where l.sku in (select bundle_sku from bundles)
)

select * from final order by platform, shop, order_id, sku
