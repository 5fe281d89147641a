-- The rows of allocation_lines for the tracked SKUs the orders waiting to ship need more of than
-- the stock they take from (available_by_sku(), summed over warehouses), in the same order.
-- Only these SKUs can leave an order uncovered (DESIGN §6): an SKU whose whole demand fits in
-- its stock covers every order that needs it, whatever the orders before it took; an untracked
-- SKU (absent from the stock) never does.

with needs as (
    select * from waiting_needs() where sku is not null
),

contested as (
    select n.sku
    from needs as n
    join available_by_sku() as a using (sku)
    group by n.sku
    having sum(n.quantity) > any_value(a.allocatable)
),

final as (
    select n.*
    from needs as n
    semi join contested as c using (sku)
)

select * from final
order by paid_at nulls last, created_at nulls last, order_id, platform, shop, sku
