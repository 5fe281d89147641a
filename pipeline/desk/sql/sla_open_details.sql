-- What the overdue list shows about every open order (the columns of sla_order_details.sql):
-- open_orders carries the order's state, courier, message and times, order_state its tracking
-- number and total; orders is not read. Only the state rows of open states are joined (an open
-- order's state is never shipped, completed, refunded or closed: schema.sql open_orders_of), a
-- filter the scan applies before the join.

with open_states as (
    select platform, shop, order_id, tracking_no, order_total
    from order_state
    where state not in ('shipped', 'completed', 'refunded', 'closed')
),

final as (
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
    join open_states as s using (platform, shop, order_id)
)

select * from final
