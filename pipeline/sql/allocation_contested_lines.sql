-- The rows of allocation_lines for the SKUs the orders waiting to ship need more of than is
-- available (summed over warehouses; an SKU absent from the stock has none), in the same order.
-- Only these SKUs can leave an order uncovered (DESIGN §6): an SKU whose whole demand fits in
-- its stock covers every order that needs it, whatever the orders before it took.

with needs as (
    select * from waiting_needs() where sku is not null
),

contested as (
    select n.sku
    from needs as n
    left join available_by_sku() as a using (sku)
    group by n.sku
    having sum(n.quantity) > coalesce(any_value(a.available), 0)
),

final as (
    select n.*
    from needs as n
    semi join contested as c using (sku)
)

select * from final
order by paid_at nulls last, created_at nulls last, order_id, platform, shop, sku
