-- The problem marks read from facts and events (DESIGN §6): buyer_message, refund_before_ship,
-- merge_candidate, manual; one row per order and mark, with when it started and, for a
-- reviewed buyer message, who reviewed it. out_of_stock and address are added in Python.
-- Parameters: $as_of, $date_from, $date_to, $shops, $platforms.

with open_orders as (
    select o.*, s.state, s.is_paid, s.confirmed_at
    from orders as o
    join order_state as s using (platform, shop, order_id)
    where s.state not in ('shipped', 'completed', 'refunded', 'closed')
      and o.shipped_at is null
      and coalesce(o.status_norm not in ('shipped', 'completed'), true)
      and coalesce(o.created_at <= $as_of, true)
),

in_filters as (
    select o.*
    from open_orders as o
    semi join filtered_orders($date_from, $date_to, $shops, $platforms) as f
        using (platform, shop, order_id)
),

events_by_then as (
    select *
    from effective_events
    where acted_at <= $as_of
),

last_review as (
    select platform, shop, order_id,
        arg_max(text, event_id) as reviewed_text,
        arg_max(acted_at, event_id) as reviewed_at,
        arg_max(author, event_id) as reviewed_by
    from events_by_then
    where action = 'review'
    group by all
),

buyer_message as (
    select
        o.platform, o.shop, o.order_id,
        'buyer_message' as problem,
        trim(o.buyer_message) as reason,
        o.created_at as since,
        case when r.reviewed_text = trim(o.buyer_message) then r.reviewed_at end as resolved_at,
        case when r.reviewed_text = trim(o.buyer_message) then r.reviewed_by end as resolved_by
    from in_filters as o
    left join last_review as r using (platform, shop, order_id)
    where nullif(trim(o.buyer_message), '') is not null
),

line_refunds as (
    select platform, shop, order_id,
        max(case refund_norm when 'returned' then 3 when 'agreed' then 2 when 'requested' then 1 end)
            as stage
    from order_lines
    where refund_norm in ('requested', 'agreed', 'returned')
    group by all
),

refund_before_ship as (
    select
        o.platform, o.shop, o.order_id,
        'refund_before_ship' as problem,
        case lr.stage when 3 then 'returned' when 2 then 'agreed' when 1 then 'requested'
            else 'cancelled' end as reason,
        coalesce(o.closed_at, o.paid_at, o.created_at) as since,
        null::timestamp as resolved_at,
        null::varchar as resolved_by
    from in_filters as o
    left join line_refunds as lr using (platform, shop, order_id)
    where o.state = 'refunding'
),

merge_keys as (
    select
        platform, shop, order_id, created_at,
        lower(trim(buyer)) as buyer_key,
        regexp_replace(lower(concat_ws(' ', province, city, district, address)), '\s+', '', 'g')
            as address_key
    from open_orders
    where state <> 'refunding'
      and nullif(trim(buyer), '') is not null
),

merge_groups as (
    select
        *,
        count(*) over w as n_orders,
        max(created_at) over w as group_since,
        list(order_id order by order_id) over w as group_ids
    from merge_keys
    where address_key <> ''
    window w as (partition by platform, shop, buyer_key, address_key)
),

merge_candidate as (
    select
        g.platform, g.shop, g.order_id,
        'merge_candidate' as problem,
        array_to_string(list_filter(g.group_ids, lambda x: x <> g.order_id), ', ') as reason,
        g.group_since as since,
        null::timestamp as resolved_at,
        null::varchar as resolved_by
    from merge_groups as g
    semi join in_filters as f using (platform, shop, order_id)
    where g.n_orders >= 2
),

last_flag as (
    select platform, shop, order_id,
        arg_max(text, event_id) as reason,
        arg_max(acted_at, event_id) as since
    from events_by_then
    where action = 'flag'
    group by all
),

manual as (
    select
        f.platform, f.shop, f.order_id,
        'manual' as problem,
        f.reason,
        f.since,
        null::timestamp as resolved_at,
        null::varchar as resolved_by
    from last_flag as f
    semi join in_filters as o using (platform, shop, order_id)
),

final as (
    select * from buyer_message
    union all select * from refund_before_ship
    union all select * from merge_candidate
    union all select * from manual
)

select * from final
