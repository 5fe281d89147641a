-- One order's facts and derived state, for the order detail. Parameters: $platform, $shop, $order_id.

with final as (
    select
        o.* replace (s.refunded as refunded),   -- the refunded amount the desk counts
        s.state,
        s.partial_refund,
        s.partial_ship,
        s.confirmed_at,
        s.processed_at,
        s.reminded_at,
        s.reviewed_message,
        s.flag_reason,
        s.courier as desk_courier,
        s.tracking_no as desk_tracking_no,
        s.seller_note as desk_seller_note
    from orders as o
    join order_state as s using (platform, shop, order_id)
    where o.platform = $platform and o.shop = $shop and o.order_id = $order_id
)

select * from final
