-- The barcodes of the SKUs at the packing bench (pipeline/desk/packing.py): the stock
-- export's barcode column (条码, 条形码, 69码, Barcode: `stock.barcode`), any warehouse; a
-- barcode scanned is read as its SKU.
-- Reads the registered relation `pack_skus` (sku) and the table `stock`.

with skus as (
    select distinct sku from pack_skus
),

final as (
    select distinct trim(s.barcode) as barcode, s.sku
    from stock as s
    semi join skus as k on k.sku = s.sku
    where nullif(trim(s.barcode), '') is not null
)

select * from final order by barcode, sku
