-- Any order by what a person has at hand (the sidebar search): the whole order id or its last
-- digits (4 or more characters), the buyer's nick, the receiver's phone (its last 4 digits, or
-- whole), a tracking number (as imported, or set by the desk's courier action). Across every
-- shop and platform; the global filters do not apply.
-- Each hit carries what tells it from the others: shop, state, buyer, the receiver's city.
-- One row per order, the best match first: id, tracking number, id ending, phone, nick
-- (whole), nick (part); then the newest order first.
-- Parameters: $q (the text, trimmed), $q_upper, $ending ('%' || q, LIKE wildcards in q escaped
-- with '\'), $part ('%' || q || '%', escaped), $id_end (q long enough to be an id's ending),
-- $phone_end (q is 4 to 15 digits), $nick (q long enough to be part of a nick), $limit.

with by_id as (
    select platform, shop, order_id, created_at, buyer, 'order_id' as matched, 0 as score
    from orders
    where order_id = $q
),

by_tracking as (
    -- the effective number (the desk's courier action, else the import), and the imported one
    select o.platform, o.shop, o.order_id, o.created_at, o.buyer, 'tracking_no' as matched,
           1 as score
    from order_state as s
    join orders as o using (platform, shop, order_id)
    where s.tracking_no = $q or s.tracking_no = $q_upper
    union all
    select platform, shop, order_id, created_at, buyer, 'tracking_no', 1
    from orders
    where tracking_no = $q or tracking_no = $q_upper
),

by_id_end as (
    select platform, shop, order_id, created_at, buyer, 'order_id_end' as matched, 2 as score
    from orders
    where $id_end and order_id like $ending escape '\'
),

by_phone as (
    -- the last digits survive a masked (139****4321) or spaced (+1 415 555 0199) number
    select platform, shop, order_id, created_at, buyer, 'phone' as matched, 3 as score
    from orders
    where $phone_end and phone like $ending escape '\'
),

by_buyer as (
    select
        platform, shop, order_id, created_at, buyer, 'buyer' as matched,
        case when lower(trim(buyer)) = lower($q) then 4 else 5 end as score
    from orders
    where $nick and buyer ilike $part escape '\'
),

hits as (
    select * from by_id
    union all select * from by_tracking
    union all select * from by_id_end
    union all select * from by_phone
    union all select * from by_buyer
),

best as (
    select
        platform, shop, order_id, created_at, buyer,
        arg_min(matched, score) as matched,
        min(score) as score
    from hits
    group by all
),

final as (
    select
        b.platform,
        b.shop,
        b.order_id,
        s.state,
        b.created_at,
        b.buyer,
        o.city,
        s.courier,
        s.tracking_no,
        b.matched
    from best as b
    left join order_state as s using (platform, shop, order_id)
    left join orders as o using (platform, shop, order_id)
    order by b.score, b.created_at desc nulls last, b.platform, b.shop, b.order_id
    limit $limit
)

select * from final
