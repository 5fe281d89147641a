-- Per SKU that cases name, the orders placed inside the filters with a line of it: what a
-- SKU's cases are a rate of (DESIGN §11). Lines as sold (a bundle is its own SKU).
-- Reads `order_lines`, `orders` (through filtered_orders) and `cases` (which SKUs).
-- Parameters: $date_from, $date_to, $shops, $platforms.

with case_skus as (
    select distinct trim(sku) as sku
    from cases
    where nullif(trim(sku), '') is not null
),

scoped_orders as (
    select platform, shop, order_id
    from filtered_orders($date_from, $date_to, $shops, $platforms)
),

final as (
    select trim(l.sku) as sku, count(distinct (l.platform, l.shop, l.order_id))::bigint as orders
    from order_lines as l
    semi join scoped_orders as o using (platform, shop, order_id)
    where trim(l.sku) in (select sku from case_skus)
    group by trim(l.sku)
)

select * from final
