-- Proposed batches (DESIGN §5), as a packing desk works them. A wave is one courier: the
-- order's proposed courier (DESIGN §12: the one set, else the courier rules'; orders without
-- one are a wave of their own). Inside a wave, single-item orders (one line, one piece) are
-- grouped by their SKU, the other orders by their SKU set (gift lines included), each group
-- cut every $max_size orders in queue order. A group of fewer than $min_group orders is too
-- small to pick on its own: the small groups of one wave are merged, singles with singles and
-- the others with the others, into mixed batches, also cut every $max_size orders in queue
-- order. Held (problem) and already processed orders stay out; a stale shop's orders (queued
-- after every fresh shop's) are never batched with fresh ones.
-- Reads the registered relation `queued` (the rows of queue_orders.sql).
-- kind: single (one SKU, one piece an order), set (one SKU set), mixed_single (single-item
-- orders of several SKUs), mixed (orders of several SKU sets).
-- A batch id is the first 6 hex digits of md5(kind | SKU set | proposed courier [| stale]),
-- then a part number. An id once recorded by processing (events.queue_batch) names those
-- orders for good: the parts of a group take, in order, the numbers no recorded id of that
-- prefix holds (with 3fa2c1-1 processed, the group's parts are 3fa2c1-2, 3fa2c1-3, ...).
-- Reads the table `events` (the recorded batch ids).
-- Reads the registered relation `merge_followers` (platform, shop, order_id, parcel_id): the
-- orders merged into another's parcel (DESIGN §12, pipeline/desk/parcels.py): each goes in the
-- batch of its parcel's first order, whatever its own SKU set.
-- Parameters: $max_size, $min_group.

with queue as (
    select * from queued
),

eligible as (
    select *
    from queue
    anti join merge_followers using (platform, shop, order_id)
    where not held and not processed
),

followers as (
    select q.*, m.parcel_id
    from queue as q
    join merge_followers as m using (platform, shop, order_id)
    where not q.held and not q.processed
),

grouped as (
    select
        *,
        count(*) over (partition by stale, proposed_courier, simple, sku_set) as group_orders
    from eligible
),

kinded as (
    select
        *,
        case
            when group_orders >= $min_group and simple then 'single'
            when group_orders >= $min_group then 'set'
            when simple then 'mixed_single'
            else 'mixed'
        end as kind
    from grouped
),

keyed as (
    select
        *,
        case when kind in ('single', 'set') then coalesce(sku_set, '') else '*' end as group_key
    from kinded
),

numbered as (
    select
        *,
        row_number() over (partition by stale, proposed_courier, kind, group_key order by rank) - 1
            as position
    from keyed
),

parted as (
    select
        *,
        substr(md5(kind || '|' || group_key || '|' || coalesce(proposed_courier, '')
                   || case when stale then '|stale' else '' end), 1, 6) as prefix,
        position // $max_size as part_index
    from numbered
),

recorded as (
    select distinct
        split_part(queue_batch, '-', 1) as prefix,
        try_cast(split_part(queue_batch, '-', 2) as bigint) as part
    from events
    where queue_batch is not null
),

parts as (
    select prefix, max(part_index) + 1 as parts
    from parted
    group by prefix
),

needed as (
    select p.prefix, p.parts + coalesce(r.taken, 0) as candidates
    from parts as p
    left join (select prefix, count(*) as taken from recorded group by prefix) as r
        using (prefix)
),

free_parts as (
    select prefix, part, row_number() over (partition by prefix order by part) - 1 as part_index
    from (select prefix, unnest(range(1, candidates + 1)) as part from needed)
    anti join recorded using (prefix, part)
),

final as (
    select
        p.prefix || '-' || f.part as batch_id,
        kind,
        rank,
        platform,
        shop,
        order_id,
        state,
        paid_at,
        ship_by,
        deadline,
        hours_left,
        due,
        stale,
        data_as_of,
        sku_set,
        courier,
        lines,
        pieces,
        proposed_courier,
        courier_rule,
        courier_rule_kind,
        courier_why
    from parted as p
    join free_parts as f using (prefix, part_index)
),

with_followers as (
    select * from final
    union all
    select
        h.batch_id,
        h.kind,
        q.rank,
        q.platform,
        q.shop,
        q.order_id,
        q.state,
        q.paid_at,
        q.ship_by,
        q.deadline,
        q.hours_left,
        q.due,
        q.stale,
        q.data_as_of,
        q.sku_set,
        q.courier,
        q.lines,
        q.pieces,
        q.proposed_courier,
        q.courier_rule,
        q.courier_rule_kind,
        q.courier_why
    from followers as q
    join final as h on h.platform = q.platform and h.shop = q.shop and h.order_id = q.parcel_id
)

select * from with_followers order by rank
