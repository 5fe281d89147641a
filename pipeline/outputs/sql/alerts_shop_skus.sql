-- The SKUs a shop sells: those on its order lines and the components of its bundles (DESIGN
-- §7), for the daily report's stock to reorder (pipeline/outputs/daily_report.py).
-- Reads order_lines, bundles.
-- Parameters: $platform, $shop.

with shop_lines as (
    select distinct sku
    from order_lines
    where platform = $platform
      and shop = $shop
      and sku is not null
),

components as (
    select distinct b.component_sku as sku
    from bundles as b
    inner join shop_lines as l on l.sku = b.bundle_sku
),

final as (
    select sku from shop_lines
    union
    select sku from components
)

select * from final
order by sku
