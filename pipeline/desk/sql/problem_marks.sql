-- Every problem mark (DESIGN §6) on the open orders inside the filters, resolved or not: one
-- row per order and mark, with when it started (`since`), when the order's clock starts for the
-- time rules (`starts_at`) and who resolved it (a review of the current buyer message, or the
-- latest `resolve` event of the mark's type at or after `since`). Sorted by type (in the order
-- of the list below), then since, then the order.
-- Reads four registered relations computed in Python: `stock_short` (platform, shop, order_id,
-- reason: the orders the stock allocation does not cover), `vague_verdicts` (province, city,
-- district, address, reason: the vague addresses), `export_facts` (pipeline.desk.problems.export_facts:
-- an address is judged only in a shop whose exports carry street addresses, DESIGN §4) and
-- `info_holds` (platform, shop, order_id, reason: the orders a message and note rule holds,
-- pipeline/desk/info.py); and `cases` (the open refund cases of DESIGN §11, for when a refund
-- was asked) and `info_changes` (what a newer export changed after the desk acted, DESIGN §12).
-- Parameters: $as_of, $date_from, $date_to, $shops, $platforms.

with open_now as (
    select *
    from open_orders
    where coalesce(created_at <= $as_of, true)
),

in_scope as (
    select *
    from open_now
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
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
        arg_max(author, event_id) as reviewed_by,
        max(event_id) as review_event
    from events_by_then
    where action = 'review'
    group by all
),

holds as (
    select platform, shop, order_id, any_value(reason) as reason
    from info_holds
    group by all
),

-- a buyer message not reviewed (or changed since), or a seller note or flag that a rule holds
-- (DESIGN §12) with no review yet: the one mark of what the desk must read before packing
buyer_message as (
    select
        o.platform, o.shop, o.order_id,
        'buyer_message' as problem,
        coalesce(nullif(trim(o.buyer_message), ''), h.reason) as reason,
        o.created_at as since,
        case when (nullif(trim(o.buyer_message), '') is null
                   or r.reviewed_text = trim(o.buyer_message))
                  and (h.order_id is null or r.reviewed_at is not null)
            then r.reviewed_at end as resolved_at,
        case when (nullif(trim(o.buyer_message), '') is null
                   or r.reviewed_text = trim(o.buyer_message))
                  and (h.order_id is null or r.reviewed_at is not null)
            then r.reviewed_by end as resolved_by
    from in_scope as o
    left join last_review as r using (platform, shop, order_id)
    left join holds as h using (platform, shop, order_id)
    where nullif(trim(o.buyer_message), '') is not null
       or h.order_id is not null
),

-- the desk acted on the order (processed, printed, reviewed, set its courier: DESIGN §12)
acted as (
    select platform, shop, order_id, min(event_id) as first_acted
    from events_by_then
    where action in ('process', 'courier', 'print', 'review')
    group by all
),

-- what a newer export changed after the desk acted and no review has seen since
info_changed as (
    select
        c.platform, c.shop, c.order_id,
        'info_changed' as problem,
        array_to_string(list_sort(list_distinct(list('changed_' || c.field))), '; ') as reason,
        min(c.detected_at) as since,
        null::timestamp as resolved_at,
        null::varchar as resolved_by
    from info_changes as c
    semi join in_scope as o using (platform, shop, order_id)
    join acted as a using (platform, shop, order_id)
    left join last_review as r using (platform, shop, order_id)
    where c.detected_at <= $as_of
      and a.first_acted <= c.events_before
      and coalesce(r.review_event <= c.events_before, true)
    group by all
),

open_refund_cases as (
    select platform, shop, order_id, min(requested_at) as requested_at
    from cases
    where coalesce(case_type, 'refund_only') in ('refund_only', 'return_refund')
      and status_norm in ('awaiting_seller', 'arbitration', 'awaiting_return', 'returned',
                          'refunding')
    group by all
),

-- a refund asked on an order not shipped (its lines, the order file, or an open refund case of
-- an after-sales export, DESIGN §11), or a paid order cancelled: stop the parcel. Since the
-- oldest open case's request, else the cancellation, payment or creation.
refund_before_ship as (
    select
        o.platform, o.shop, o.order_id,
        'refund_before_ship' as problem,
        case o.refund_stage when 3 then 'returned' when 2 then 'agreed' when 1 then 'requested'
            else 'cancelled' end as reason,
        coalesce(c.requested_at, o.closed_at, o.paid_at, o.created_at) as since,
        null::timestamp as resolved_at,
        null::varchar as resolved_by
    from in_scope as o
    left join open_refund_cases as c using (platform, shop, order_id)
    where o.state = 'refunding'
),

-- the orders already in a merged parcel (a `merge` in effect names its first order and the
-- others, pipeline/desk/sql/parcel_merges.sql): the desk has decided, they are no candidates
merged as (
    select distinct platform, shop,
        unnest(list_prepend(order_id, regexp_split_to_array(trim(text), '\s+'))) as order_id
    from events_by_then
    where action = 'merge'
      and case_id is null
      and nullif(trim(text), '') is not null
),

merge_keys as (
    select
        platform, shop, order_id, created_at,
        buyer_key,
        address_key
    from open_now
    anti join merged using (platform, shop, order_id)
    where state <> 'refunding'
      and nullif(buyer_key, '') is not null
),

merge_groups as (
    select
        platform, shop, buyer_key, address_key,
        count(*) as n_orders,
        max(created_at) as group_since,
        list(order_id order by order_id) as group_ids
    from merge_keys
    where address_key <> ''
    group by all
    having count(*) >= 2
),

merge_candidate as (
    select
        k.platform, k.shop, k.order_id,
        'merge_candidate' as problem,
        array_to_string(list_filter(g.group_ids, lambda x: x <> k.order_id), ', ') as reason,
        g.group_since as since,
        null::timestamp as resolved_at,
        null::varchar as resolved_by
    from merge_keys as k
    join merge_groups as g using (platform, shop, buyer_key, address_key)
    semi join in_scope as f using (platform, shop, order_id)
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
    semi join in_scope as o using (platform, shop, order_id)
),

out_of_stock as (
    select
        o.platform, o.shop, o.order_id,
        'out_of_stock' as problem,
        s.reason,
        o.ready_at as since,
        null::timestamp as resolved_at,
        null::varchar as resolved_by
    from in_scope as o
    join stock_short as s using (platform, shop, order_id)
),

address as (
    select
        o.platform, o.shop, o.order_id,
        'address' as problem,
        v.reason,
        o.created_at as since,
        null::timestamp as resolved_at,
        null::varchar as resolved_by
    from in_scope as o
    join vague_verdicts as v
        on o.province is not distinct from v.province
        and o.city is not distinct from v.city
        and o.district is not distinct from v.district
        and o.address is not distinct from v.address
    semi join (select platform, shop from export_facts where streets_known) as j
        using (platform, shop)
),

all_marks as (
    select *, 1 as type_rank from out_of_stock
    union all select *, 2 from address
    union all select *, 3 from buyer_message
    union all select *, 4 from refund_before_ship
    union all select *, 5 from merge_candidate
    union all select *, 6 from manual
    union all select *, 7 from info_changed
),

resolves as (
    select
        platform, shop, order_id,
        coalesce(kind, 'manual') as problem,
        arg_max(acted_at, event_id) as resolved_at,
        arg_max(author, event_id) as resolved_by
    from events_by_then
    where action = 'resolve'
    group by all
),

final as (
    select
        m.platform,
        m.shop,
        m.order_id,
        m.problem,
        m.reason,
        m.since,
        o.ready_at as starts_at,
        case when r.resolved_at >= m.since then r.resolved_at else m.resolved_at end
            as resolved_at,
        case when r.resolved_at >= m.since then r.resolved_by else m.resolved_by end
            as resolved_by,
        m.type_rank
    from all_marks as m
    join in_scope as o using (platform, shop, order_id)
    left join resolves as r using (platform, shop, order_id, problem)
)

select * exclude (type_rank)
from final
order by type_rank, since nulls last, platform, shop, order_id
