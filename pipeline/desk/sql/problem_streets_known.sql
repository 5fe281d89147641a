-- Whether one shop's imported order files carry a street address (DESIGN §4): one of its
-- orders with an address that is neither masked nor a bare region name, like the 7-column Tmall
-- report's `上海` or `江苏省`. One order is enough: the scan stops at the first. Reads `orders`
-- alone: the same for every moment and every action.
-- Parameters: $platform, $shop, $region_only (a regular expression of an address that names a
-- region only).

with found as (
    select 1
    from orders
    where platform = $platform
      and shop = $shop
      and nullif(trim(address), '') is not null
      and not regexp_full_match(trim(address), $region_only)
      and not regexp_matches(address, '密文|\*\*')
    limit 1
),

final as (
    select count(*) > 0 as streets_known from found
)

select * from final
