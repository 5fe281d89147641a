-- One packing slip per order: who it goes to (the receiver's name and phone as exported, masked
-- ones masked; the address parts, which pipeline.outputs.printing joins without repeating the region),
-- the courier, the buyer's message and the seller note as the desk has it now; in the order of
-- `print_keys.pos`. `shop_name`: the shop's display name (DESIGN §13), the key where none.
-- Reads the registered relation `print_keys` (pos, platform, shop, order_id).

with keys as (
    select platform, shop, order_id, min(pos) as pos from print_keys group by all
),

final as (
    select
        k.pos,
        o.platform,
        o.shop,
        coalesce(nullif(trim(sh.display_name), ''), o.shop) as shop_name,
        o.order_id,
        o.created_at,
        o.paid_at,
        o.buyer,
        o.receiver,
        nullif(trim(o.phone), '') as phone,
        o.province,
        o.city,
        o.district,
        o.address,
        nullif(trim(o.buyer_message), '') as buyer_message,
        nullif(trim(s.seller_note), '') as seller_note,
        s.courier,
        s.tracking_no
    from keys as k
    join orders as o using (platform, shop, order_id)
    left join order_state as s using (platform, shop, order_id)
    left join shops as sh using (platform, shop)
)

select * from final order by pos
