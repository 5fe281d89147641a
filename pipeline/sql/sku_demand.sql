-- Units of each SKU (bundles exploded, gifts included) that the orders waiting to ship need.

with waiting as (
    select platform, shop, order_id
    from order_state
    where waiting_to_ship
),

lines as (
    select e.sku, e.quantity, e.platform, e.shop, e.order_id
    from exploded_lines() as e
    join waiting as w using (platform, shop, order_id)
    where e.sku is not null and e.quantity > 0
),

final as (
    select sku, sum(quantity)::bigint as demand, count(distinct (platform, shop, order_id)) as orders
    from lines
    group by sku
)

select * from final order by sku
