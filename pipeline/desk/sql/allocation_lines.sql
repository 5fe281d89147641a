-- The lines the orders waiting to ship need (waiting_needs() in schema.sql), in the order they
-- take stock (DESIGN §6): by payment (COD: confirmation, else creation), then created_at, then
-- order_id.

with final as (
    select * from waiting_needs()
)

select * from final
order by paid_at nulls last, created_at nulls last, order_id, platform, shop, sku
