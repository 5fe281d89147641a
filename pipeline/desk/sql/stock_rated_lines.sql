-- The lines (bundles exploded, gifts included) of the paid orders paid from $paid_from up to,
-- not including, $paid_to, or placed from $promo_start up to, not including, $promo_end: what
-- the rates of stock_status.sql are counted over.
-- Parameters: $paid_from, $paid_to, $promo_start, $promo_end (null when there is no promotion).

with rated_orders as (
    select o.platform, o.shop, o.order_id, o.created_at, o.paid_at
    from orders as o
    where (o.paid_at >= $paid_from::timestamp and o.paid_at < $paid_to::timestamp)
       or (o.created_at >= $promo_start::timestamp and o.created_at < $promo_end::timestamp)
),

paid_orders as (
    select r.*
    from rated_orders as r
    semi join order_state as s
        on s.platform = r.platform and s.shop = r.shop and s.order_id = r.order_id and s.is_paid
),

final as (
    select e.sku, e.quantity, o.created_at, o.paid_at
    from exploded_lines() as e
    join paid_orders as o using (platform, shop, order_id)
    where e.sku is not null and e.quantity > 0
)

select * from final
