-- The texts the message and note rules read (DESIGN §12), of the open orders inside the
-- filters: the buyer's message as exported, the seller's note (the desk's own `note` where it
-- wrote one, else the exported one) and the seller's flag as exported (旗帜 / 商家备注等级).
-- One row per order and text; empty texts left out.
-- Reads open_orders, order_state, orders. Parameters: $date_from, $date_to, $shops, $platforms.

with open_in_scope as (
    select platform, shop, order_id, buyer_message
    from open_orders
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
),

notes as (
    select s.platform, s.shop, s.order_id, s.seller_note
    from order_state as s
    semi join open_in_scope as o using (platform, shop, order_id)
    where s.state not in ('shipped', 'completed', 'refunded', 'closed')   -- open_orders' own
),

flags as (
    select o.platform, o.shop, o.order_id, o.seller_flag
    from orders as o
    semi join open_in_scope as k using (platform, shop, order_id)
),

texts as (
    select platform, shop, order_id, 'buyer_message' as source, trim(buyer_message) as text
    from open_in_scope
    union all
    select platform, shop, order_id, 'seller_note', trim(seller_note)
    from notes
    union all
    select platform, shop, order_id, 'flag', trim(seller_flag)
    from flags
),

final as (
    select platform, shop, order_id, source, text
    from texts
    where nullif(text, '') is not null
)

select * from final
