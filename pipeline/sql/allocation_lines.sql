-- The lines the orders waiting to ship need, bundles exploded, gifts included, in the order
-- they take stock (DESIGN §6): by payment (COD: confirmation, else creation), then created_at,
-- then order_id. One row per order and component SKU; orders without lines have one row with
-- a null SKU so that they are still listed.

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

final as (
    select
        w.platform,
        w.shop,
        w.order_id,
        w.paid_at,
        w.created_at,
        n.sku,
        coalesce(n.quantity, 0)::bigint as quantity
    from waiting as w
    left join needs as n using (platform, shop, order_id)
)

select * from final
order by paid_at nulls last, created_at nulls last, order_id, platform, shop, sku
