-- The work queue (DESIGN §5): orders waiting to ship, in the order the desk works them.
-- Orders a message rule puts first (DESIGN §12: 加急, urgent…) before the others, then the
-- earliest deadline first (the platform's promised ship-by, or payment + $ship_hours when
-- earlier), then first paid first, then simple orders (one line, one piece) before complex
-- ones; ties keep the same SKU set and the same (proposed) courier together.
-- Reads the registered relation `queue_marks` (platform, shop, order_id, problem, reason,
-- since): the open problem marks; an order with one is held out of batches.
-- Reads the registered relation `shop_moments` (platform, shop, as_of, stale): a stale shop's
-- orders are timed as of its data moment and come after every fresh shop's (pipeline/desk/freshness.py).
-- Reads the registered relation `queue_couriers` (platform, shop, order_id, courier, rule_id,
-- rule_kind, why): each order's proposed courier and the rule that chose it
-- (courier_proposals.sql).
-- Reads the registered relation `queue_first` (platform, shop, order_id): the orders a `first`
-- message rule matched (pipeline/desk/info.py first_orders).
-- Reads the view `effective_events`: an order checked and packed at the bench (a `packed`
-- action in effect, pipeline/desk/packing.py) is `packed`; a split order when each of its
-- parcels is (`#N …` texts after its split). Packing changes neither its place nor its
-- deadline: it waits to ship like any processed order.
-- Parameters: $as_of, $ship_hours, $date_from, $date_to, $shops, $platforms.

with moments as (
    select platform, shop, as_of, stale
    from shop_moments
),

waiting as (
    select
        o.platform,
        o.shop,
        o.order_id,
        o.ship_by,
        o.state,
        o.processed,
        o.courier,
        o.n_lines as lines,
        o.pieces,
        o.ready_at,
        coalesce(m.as_of, $as_of::timestamp) as as_of,
        coalesce(m.stale, false) as stale
    from open_orders as o
    left join moments as m using (platform, shop)
    where o.waiting_to_ship
      and o.created_at <= $as_of
      and in_filters(o.created_at, o.shop, o.platform, $date_from, $date_to, $shops, $platforms)
),

sku_sets as (
    select
        l.platform,
        l.shop,
        l.order_id,
        string_agg(distinct coalesce(nullif(trim(l.sku), ''), l.title, '?'), ' + '
                   order by coalesce(nullif(trim(l.sku), ''), l.title, '?')) as sku_set
    from waiting_lines as l
    join waiting as w using (platform, shop, order_id)
    group by all
),

held as (
    select
        platform,
        shop,
        order_id,
        string_agg(problem, ', ' order by problem) as problems,
        string_agg(nullif(trim(reason), ''), '; ' order by problem) as reason,
        min(since) as held_since
    from queue_marks
    group by all
),

couriers as (
    select platform, shop, order_id, courier, rule_id, rule_kind, why
    from queue_couriers
),

pack_events as (
    select e.platform, e.shop, e.order_id, e.event_id, e.text, e.author, e.acted_at
    from effective_events as e
    semi join waiting as w using (platform, shop, order_id)
    where e.action = 'packed' and e.case_id is null
),

splits as (
    select
        e.platform, e.shop, e.order_id,
        max(e.event_id) as split_event,
        case when json_valid(arg_max(e.text, e.event_id))
            then json_array_length(arg_max(e.text, e.event_id)) end as n_parcels
    from effective_events as e
    semi join pack_events as p using (platform, shop, order_id)
    where e.action = 'split' and e.case_id is null
    group by all
),

pack_parcels as (
    select
        p.*,
        s.n_parcels,
        case when p.event_id > s.split_event
            then try_cast(regexp_extract(p.text, '^#([0-9]+)', 1) as bigint) end as parcel_no
    from pack_events as p
    left join splits as s using (platform, shop, order_id)
),

packs as (
    select
        platform, shop, order_id,
        case
            when max(n_parcels) > 0 then count(distinct parcel_no) >= max(n_parcels)
            else true
        end as packed,
        max(acted_at) as packed_at,
        arg_max(author, event_id) as packed_by
    from pack_parcels
    group by all
),

timed as (
    select
        w.*,
        k.sku_set,
        least(w.ready_at + to_seconds(round($ship_hours * 3600)::bigint), w.ship_by) as deadline,
        w.lines <= 1 and w.pieces <= 1 as simple,
        h.problems,
        h.reason,
        h.held_since,
        h.order_id is not null as held,
        c.courier as proposed_courier,
        c.rule_id as courier_rule,
        c.rule_kind as courier_rule_kind,
        c.why as courier_why,
        u.order_id is not null as urgent,
        coalesce(pk.packed, false) as packed,
        case when pk.packed then pk.packed_at end as packed_at,
        case when pk.packed then pk.packed_by end as packed_by
    from waiting as w
    left join sku_sets as k using (platform, shop, order_id)
    left join held as h using (platform, shop, order_id)
    left join couriers as c using (platform, shop, order_id)
    left join (select distinct platform, shop, order_id from queue_first) as u
        using (platform, shop, order_id)
    left join packs as pk using (platform, shop, order_id)
),

final as (
    select
        row_number() over (
            order by stale, urgent desc, deadline nulls last, ready_at nulls last, simple desc,
                     sku_set nulls last, proposed_courier nulls last, platform, shop, order_id
        ) as rank,
        platform,
        shop,
        order_id,
        state,
        processed,
        held,
        problems,
        reason,
        ready_at as paid_at,
        ship_by,
        deadline,
        null::double as hours_left,       -- the moment's part: queue_timing.sql
        null::varchar as due,
        stale,
        null::timestamp as data_as_of,
        sku_set,
        courier,
        lines,
        pieces,
        simple,
        proposed_courier,
        courier_rule,
        courier_rule_kind,
        courier_why,
        urgent,
        packed,
        packed_at,
        packed_by
    from timed
)

select * from final order by rank
