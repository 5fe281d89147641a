-- Open orders (not shipped, not closed or refunded) inside the filters, created by $as_of:
-- the orders problem marks apply to (DESIGN §6), with what the address rules read.
-- Parameters: $as_of, $date_from, $date_to, $shops, $platforms.

with final as (
    select
        platform,
        shop,
        order_id,
        created_at,
        ready_at,
        province,
        city,
        district,
        address
    from open_orders
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
      and coalesce(created_at <= $as_of, true)
)

select * from final
