-- Per tracked SKU the units the orders waiting to ship take from and the figure used
-- (available_by_sku() in schema.sql); an SKU absent from the stock is untracked and not listed.

with final as (
    select sku, allocatable, basis from available_by_sku()
)

select * from final order by sku
