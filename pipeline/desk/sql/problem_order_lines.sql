-- One order's lines, for the order detail. Parameters: $platform, $shop, $order_id.

with final as (
    select line_id, sku, title, quantity, unit_price, paid, refund_norm,
        gift_line(is_gift, unit_price) as is_gift    -- priced 0 or marked 赠品
    from order_lines
    where platform = $platform and shop = $shop and order_id = $order_id
)

select * from final order by line_id
