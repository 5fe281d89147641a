-- The cases of one order (DESIGN §11), for the order's detail: the oldest request first.
-- Reads `cases`. Parameters: $platform, $shop, $order_id.

with final as (
    select
        case_id, line_id, sku, title, case_type, phase, status_norm, status_text,
        amount_asked::double as amount_asked, amount_refunded::double as amount_refunded,
        requested_at, deadline, reason, buyer_text, return_courier, return_tracking,
        goods_status, arbitration, responsibility, refunded_at, closed_at
    from cases
    where platform = $platform and shop = $shop and order_id = $order_id
)

select * from final order by requested_at nulls last, case_id
