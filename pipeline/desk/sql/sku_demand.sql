-- Units of each SKU (bundles exploded, gifts included) that the orders waiting to ship need.

with lines as (
    select sku, quantity, platform, shop, order_id
    from waiting_exploded_lines()
    where sku is not null and quantity > 0
),

final as (
    select sku, sum(quantity)::bigint as demand, count(distinct (platform, shop, order_id)) as orders
    from lines
    group by sku
)

select * from final order by sku
