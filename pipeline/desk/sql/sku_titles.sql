-- A title each SKU was sold under (the largest, as text), over every order line.

with final as (
    select sku, max(title) as title
    from order_lines
    where sku is not null
    group by sku
)

select * from final
