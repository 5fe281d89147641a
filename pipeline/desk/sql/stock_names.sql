-- A display name per SKU: the stock export's name, else a title the SKU was sold under.

with stock_names as (
    select sku, max(name) as name from stock group by sku
),

line_titles as (
    select sku, max(title) as title from order_lines where sku is not null group by sku
),

final as (
    select sku, coalesce(s.name, l.title) as name
    from stock_names as s
    full outer join line_titles as l using (sku)
)

select * from final
