-- The seller's flags (旗帜 / 标记 / 商家备注等级) of the open orders inside the filters, where
-- the store's orders carry the column `seller_flag` (run only then). Empty flags left out.
-- Reads orders, open_orders. Parameters: $date_from, $date_to, $shops, $platforms.

with open_in_scope as (
    select platform, shop, order_id
    from open_orders
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
),

final as (
    select o.platform, o.shop, o.order_id, 'flag' as source, trim(o.seller_flag) as text
    from orders as o
    semi join open_in_scope as k using (platform, shop, order_id)
    where nullif(trim(o.seller_flag), '') is not null
)

select * from final
