-- The distinct addresses of the open orders inside the filters, created by $as_of: what the
-- address rules (pipeline.desk.address) judge.
-- Parameters: $as_of, $date_from, $date_to, $shops, $platforms.

with final as (
    select distinct
        province,
        city,
        district,
        address
    from open_orders
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
      and coalesce(created_at <= $as_of, true)
)

select * from final
