-- What the overdue list shows about each order of the registered frame `sla_keys`
-- (platform, shop, order_id).

with keys as (
    select platform, shop, order_id
    from sla_keys
),

final as (
    select
        k.platform,
        k.shop,
        k.order_id,
        s.state,
        s.courier,
        s.tracking_no,
        nullif(trim(o.buyer_message), '') as buyer_message,
        o.created_at,
        o.paid_at,
        o.ship_by,
        o.order_total
    from keys as k
    join orders as o using (platform, shop, order_id)
    join order_state as s using (platform, shop, order_id)
)

select * from final
