-- The texts the message and note rules read (DESIGN §12) of the orders named in the registered
-- relation `info_keys` (platform, shop, order_id), whatever their state: the buyer's message
-- as exported, the seller's note (the desk's own where it wrote one) and the seller's flag as
-- exported. Empty texts left out.
-- Reads orders, order_state.

with keys as (
    select distinct platform, shop, order_id
    from info_keys
),

texts as (
    select o.platform, o.shop, o.order_id, 'buyer_message' as source,
        trim(o.buyer_message) as text
    from orders as o
    semi join keys as k using (platform, shop, order_id)
    union all
    select s.platform, s.shop, s.order_id, 'seller_note', trim(s.seller_note)
    from order_state as s
    semi join keys as k using (platform, shop, order_id)
    union all
    select o.platform, o.shop, o.order_id, 'flag', trim(o.seller_flag)
    from orders as o
    semi join keys as k using (platform, shop, order_id)
),

final as (
    select platform, shop, order_id, source, text
    from texts
    where nullif(text, '') is not null
)

select * from final
