-- Units available per SKU, summed over warehouses; a negative total counts as none.

with final as (
    select * from available_by_sku()
)

select * from final
