-- What merging reads about each order named (DESIGN §6 merge_candidate, §12): whether it is in
-- the store, its state, whether it is processed, and — for an open order (not shipped, closed
-- or refunded) — the buyer and address it is grouped by (a masked or missing one is empty).
-- Reads the registered relation `parcel_keys` (platform, shop, order_id) and the tables
-- `orders`, `order_state`, `open_orders`.

with keys as (
    select platform, shop, order_id from parcel_keys
),

final as (
    select
        k.platform,
        k.shop,
        k.order_id,
        o.order_id is not null as found,
        s.state,
        coalesce(s.processed, false) as processed,
        coalesce(s.waiting_to_ship, false) as waiting_to_ship,
        p.order_id is not null as is_open,
        coalesce(p.buyer_key, '') as buyer_key,
        coalesce(p.address_key, '') as address_key
    from keys as k
    left join orders as o using (platform, shop, order_id)
    left join order_state as s using (platform, shop, order_id)
    left join open_orders as p using (platform, shop, order_id)
)

select * from final
