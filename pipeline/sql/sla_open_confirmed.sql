-- Whether each open order is confirmed (order_state.confirmed, kept in open_orders): what the
-- clock rules (sla_clock_rules.sql) read as `open_confirmed`.

with final as (
    select platform, shop, order_id, confirmed
    from open_orders
)

select * from final
