-- The seller's flags of the orders named in the registered relation `info_keys`, where the
-- store's orders carry the column `seller_flag` (run only then). Empty flags left out.
-- Reads orders.

with final as (
    select o.platform, o.shop, o.order_id, 'flag' as source, trim(o.seller_flag) as text
    from orders as o
    semi join (select distinct platform, shop, order_id from info_keys) as k
        using (platform, shop, order_id)
    where nullif(trim(o.seller_flag), '') is not null
)

select * from final
