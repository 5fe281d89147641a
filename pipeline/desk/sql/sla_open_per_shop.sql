-- Per shop: the open orders (not shipped, not closed or refunded) inside the filters created by
-- $as_of: the orders the address rule would judge (DESIGN §4, §6), counted apart in a shop
-- whose exports carry no street address.
-- Parameters: $as_of, $date_from, $date_to, $shops, $platforms.

with final as (
    select platform, shop, count(*) as orders
    from open_orders
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
      and created_at <= $as_of
    group by all
)

select * from final
