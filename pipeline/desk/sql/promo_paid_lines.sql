-- The lines of the paid orders placed in a promotion period, as the period's boards read them
-- (top SKUs, top bundles, gifts): worked out once per data version, period and shops.
-- Parameters: $shops, $platforms, $p_start, $p_end.

with scoped as (
    select * from paid_orders_in($shops, $platforms, $p_start, $p_end)
),

final as (
    select
        l.platform, l.shop, l.order_id, l.line_id, l.sku, l.title, l.quantity, l.unit_price,
        l.is_gift, l.is_bundle_marked
    from order_lines as l
    join scoped using (platform, shop, order_id)
)

select * from final
