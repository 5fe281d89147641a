-- What a code scanned at the packing bench is in the stock (pipeline/desk/packing.py): the
-- SKUs whose code or barcode it is (case aside), with their names; a wrong item is named to
-- the packer by it.
-- Reads the table `stock`.
-- Parameters: $code.

with found as (
    select sku, nullif(trim(name), '') as name
    from stock
    where upper(trim(sku)) = upper(trim($code))
       or upper(trim(barcode)) = upper(trim($code))
),

final as (
    select sku, min(name) as name
    from found
    group by sku
)

select * from final order by sku
