-- The orders a code scanned at the packing bench names (pipeline/desk/packing.py): by their
-- id, else by a tracking number — the desk's (a `courier` action), or as exported. A split
-- order's parcels have tracking numbers of their own: packing.py looks those up in the
-- parcels (parcel_splits.sql).
-- Reads the tables `orders`, `order_state`.
-- Parameters: $order_id (the code, a parcel's `#N` taken off), $code (the code as scanned).

with by_id as (
    select platform, shop, order_id, 'order_id' as found_by
    from orders
    where order_id = $order_id
),

by_tracking as (
    select platform, shop, order_id, 'tracking_no' as found_by
    from order_state
    where upper(trim(tracking_no)) = upper(trim($code))
    union
    select platform, shop, order_id, 'tracking_no' as found_by
    from orders
    where upper(trim(tracking_no)) = upper(trim($code))
),

final as (
    select * from by_id
    union all
    select * from by_tracking
    where not exists (select 1 from by_id)
)

select * from final order by platform, shop, order_id
