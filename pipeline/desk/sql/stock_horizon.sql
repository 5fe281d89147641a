-- The newest payment and the newest creation of any order: the moments after which the
-- rates of stock_status.sql and forecast_sku_burn.sql read no other orders.

with final as (
    select max(paid_at) as paid_horizon, max(created_at) as created_horizon
    from orders
)

select * from final
