-- Whether each open order is confirmed (order_state.confirmed): what the clock rules
-- (sla_clock_rules.sql) read of the open orders beyond the open_orders table.

with final as (
    select o.platform, o.shop, o.order_id, s.confirmed
    from open_orders as o
    join order_state as s using (platform, shop, order_id)
)

select * from final
