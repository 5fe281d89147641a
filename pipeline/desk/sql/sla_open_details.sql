-- What the overdue list shows about every open order (the columns of sla_order_details.sql):
-- open_orders carries the order's state, courier, message and times, order_state its tracking
-- number and total; orders is not read.

with final as (
    select
        o.platform,
        o.shop,
        o.order_id,
        o.state,
        o.courier,
        s.tracking_no,
        nullif(trim(o.buyer_message), '') as buyer_message,
        o.created_at,
        o.paid_at,
        o.ship_by,
        s.order_total
    from open_orders as o
    join order_state as s using (platform, shop, order_id)
)

select * from final
