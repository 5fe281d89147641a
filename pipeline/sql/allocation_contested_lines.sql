-- The rows of allocation_lines for the SKUs the orders waiting to ship need more of than is
-- available (summed over warehouses; an SKU absent from the stock has none), in the same order.
-- Only these SKUs can leave an order uncovered (DESIGN §6): an SKU whose whole demand fits in
-- its stock covers every order that needs it, whatever the orders before it took.

with waiting as (
    select platform, shop, order_id, ready_at as paid_at, created_at
    from open_orders
    where waiting_to_ship
),

needs as (
    select platform, shop, order_id, sku, sum(quantity) as quantity
    from waiting_exploded_lines()
    where sku is not null and quantity > 0
    group by all
),

available as (
    select sku, greatest(sum(coalesce(available, 0)), 0)::bigint as available
    from stock
    group by sku
),

demand as (
    select sku, sum(quantity) as demand
    from needs
    semi join waiting using (platform, shop, order_id)
    group by sku
),

contested as (
    select d.sku
    from demand as d
    left join available as a using (sku)
    where d.demand > coalesce(a.available, 0)
),

final as (
    select
        w.platform,
        w.shop,
        w.order_id,
        w.paid_at,
        w.created_at,
        n.sku,
        n.quantity::bigint as quantity
    from waiting as w
    join needs as n using (platform, shop, order_id)
    semi join contested as c using (sku)
)

select * from final
order by paid_at nulls last, created_at nulls last, order_id, platform, shop, sku
