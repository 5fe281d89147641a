-- Units available per SKU, summed over warehouses; a negative total counts as none.

with stock_rows as (
    select sku, coalesce(available, 0) as available
    from stock
),

final as (
    select sku, greatest(sum(available), 0)::bigint as available
    from stock_rows
    group by sku
)

select * from final
