-- The one definition of an order's state (DESIGN §3), from imported facts and the desk's events.
-- A case export is the authority on the refunds of the orders it has cases on (DESIGN §11): for
-- such an order, a refund is open while a refund case (refund_only, return_refund) is open, and
-- the refunded amount is that of its refunded cases (refunded, else asked), full when it reaches
-- what was paid; the order file's own refund figures (退款金额, the lines' refund statuses) are
-- then left aside, never added to the cases'. Its status word still says what it says.
-- A split order (DESIGN §12, pipeline/desk/parcels.py: a `split` event, its parcels as JSON) is
-- shipped when every parcel has its tracking number (a `courier` event after the split whose
-- text is `#N COURIER TRACKING_NO`), at the time the last one was recorded, or when its export
-- says it is shipped in full (a partial shipment of the platform's is not all its parcels);
-- its courier and tracking number are its parcels', joined. A merged parcel needs nothing
-- here: each of its orders has its own courier event.
-- Parameters: $all (refresh every order, else only the keys in state_scope), $confirmed_tag.

with scoped_orders as (
    select * from orders_in_scope($all)
),

line_facts as (
    select
        l.platform,
        l.shop,
        l.order_id,
        count(*) as n_lines_all,
        -- what is still to pack: a line refunded in full (退款成功) leaves with its money
        count(*) filter (where l.refund_norm is distinct from 'success') as n_lines,
        coalesce(sum(l.quantity) filter (where l.refund_norm is distinct from 'success'), 0)
            as pieces,
        bool_or(l.refund_norm in ('requested', 'agreed', 'returned')) as refund_open,
        count(*) filter (where l.refund_norm = 'success') as n_refund_success,
        sum(l.refund_amount) filter (where l.refund_norm = 'success') as lines_refunded
    from order_lines as l
    where exists (
        select 1 from scoped_orders as o
        where o.platform = l.platform and o.shop = l.shop and o.order_id = l.order_id
    )
    group by all
),

case_facts as (
    select
        c.platform,
        c.shop,
        c.order_id,
        bool_or(
            coalesce(c.case_type, 'refund_only') in ('refund_only', 'return_refund')  -- an unknown type: a refund
            and c.status_norm in ('awaiting_seller', 'arbitration', 'awaiting_return', 'returned',
                                  'refunding')
        ) as refund_open,
        sum(coalesce(c.amount_refunded, c.amount_asked)) filter (where c.status_norm = 'refunded')
            as refunded
    from cases as c
    semi join scoped_orders as o using (platform, shop, order_id)
    group by all
),

event_facts as (
    select
        e.platform,
        e.shop,
        e.order_id,
        min(e.acted_at) filter (where e.action = 'confirm') as confirmed_at,
        min(e.acted_at) filter (where e.action in ('process', 'courier')) as processed_at,
        arg_max(e.text, e.event_id) filter (
            where e.action = 'courier' and not coalesce(starts_with(e.text, '#'), false)
        ) as courier_text,
        arg_max(e.text, e.event_id) filter (where e.action = 'note') as seller_note,
        max(e.acted_at) filter (where e.action = 'remind') as reminded_at,
        arg_max(e.text, e.event_id) filter (where e.action = 'review') as reviewed_message,
        max(e.acted_at) filter (where e.action = 'resolve' and e.kind = 'out_of_stock') as oos_handled_at,
        max(e.acted_at) filter (where e.action = 'resolve' and e.kind = 'address') as address_fixed_at,
        max(e.event_id) filter (where e.action = 'flag') as last_flag_id,
        max(e.event_id) filter (where e.action = 'resolve' and e.kind = 'manual') as last_unflag_id,
        arg_max(e.text, e.event_id) filter (where e.action = 'flag') as flag_reason,
        arg_max(e.acted_at, e.event_id) filter (where e.action = 'flag') as flagged_at,
        arg_max(e.author, e.event_id) filter (where e.action = 'flag') as flagged_by
    from effective_events as e
    where exists (
        select 1 from scoped_orders as o
        where o.platform = e.platform and o.shop = e.shop and o.order_id = e.order_id
    )
    group by all
),

-- the events of split orders: the split in effect and the couriers of its parcels
split_events as (
    select e.platform, e.shop, e.order_id, e.event_id, e.action, e.text, e.acted_at
    from effective_events as e
    where (e.action = 'split' or (e.action = 'courier' and starts_with(e.text, '#')))
      and e.case_id is null
      and exists (
          select 1 from scoped_orders as o
          where o.platform = e.platform and o.shop = e.shop and o.order_id = e.order_id
      )
),

splits as (
    select
        platform, shop, order_id,
        max(event_id) as split_event,
        case when json_valid(arg_max(text, event_id))
            then json_array_length(arg_max(text, event_id)) end as n_parcels
    from split_events
    where action = 'split'
    group by all
),

parcel_couriers as (
    select
        c.platform, c.shop, c.order_id,
        try_cast(regexp_extract(c.text, '^#([0-9]+)', 1) as bigint) as parcel_no,
        arg_max(trim(regexp_replace(c.text, '^#[0-9]+', '')), c.event_id) as rest,
        arg_max(c.acted_at, c.event_id) as acted_at
    from split_events as c
    join splits as s using (platform, shop, order_id)
    where c.action = 'courier'
      and c.event_id > s.split_event
      and try_cast(regexp_extract(c.text, '^#([0-9]+)', 1) as bigint) between 1 and s.n_parcels
    group by all
),

parcel_tracks as (
    select
        platform, shop, order_id, parcel_no, acted_at,
        nullif(split_part(rest, ' ', 1), '') as courier,
        nullif(trim(substr(rest, length(split_part(rest, ' ', 1)) + 1)), '') as tracking_no
    from parcel_couriers
),

split_facts as (
    select
        s.platform, s.shop, s.order_id, s.n_parcels,
        count(t.tracking_no) as tracked,
        string_agg(distinct t.courier, ', ' order by t.courier) as couriers,
        string_agg(t.tracking_no, ', ' order by t.parcel_no) as tracking_nos,
        max(t.acted_at) filter (where t.tracking_no is not null) as last_tracked_at
    from splits as s
    left join parcel_tracks as t using (platform, shop, order_id)
    where s.n_parcels > 0
    group by all
),

last_events as (
    select e.platform, e.shop, e.order_id, max(e.event_id) as last_event_id
    from events as e
    semi join scoped_orders as o using (platform, shop, order_id)
    group by all
),

facts as (
    select
        o.platform,
        o.shop,
        o.order_id,
        o.status_norm,
        coalesce(o.is_paid, o.paid_at is not null) as is_paid,
        coalesce(o.is_cod, false) as is_cod,
        -- a split order's parcels all out is a whole shipment
        coalesce(o.partial_shipped, false) and sf.order_id is null as partial_shipped,
        coalesce(lf.n_lines, 0) as n_lines,
        coalesce(lf.pieces, o.item_count, 0) as pieces,
        case
            when cf.order_id is not null then coalesce(cf.refund_open, false)
            else coalesce(lf.refund_open, false) or coalesce(o.refund_open, false)
        end as refund_open,
        -- A file that writes the paid amount net of refunds (orders.paid_net) keeps in `paid`
        -- what the buyer kept: refunded in full only when that is 0 (DESIGN §3). Refunded
        -- cases reach what was paid (as paid, net files: what was kept and what the file
        -- says was refunded), else the order's total.
        coalesce(
            r.refunded > 0
            and case
                when cf.order_id is not null then r.refunded >= coalesce(
                    case when coalesce(o.paid_net, false)
                        then o.paid + coalesce(o.refunded, 0) else o.paid end,
                    o.order_total)
                when coalesce(o.paid_net, false) then coalesce(o.paid, 0) <= 0
                else r.refunded >= o.order_total
                    or (coalesce(o.is_paid, o.paid_at is not null) and o.paid - r.refunded <= 0)
            end,
            false
        ) as refund_reaches_total,
        coalesce(cf.order_id is null and lf.n_lines_all > 0
                 and lf.n_refund_success = lf.n_lines_all, false) as all_lines_refunded,
        cf.order_id is null
            and (coalesce(lf.n_refund_success, 0) > 0 or coalesce(o.refund_partial, false))
            as part_refunded,
        coalesce(r.refunded, 0) > 0 as any_refund,
        coalesce(o.status_norm = 'completed', false) or o.completed_at is not null as is_completed,
        -- a partial shipment is shipped (DESIGN §3), with or without a shipping time; a split
        -- order when every parcel has its tracking number, or its export says shipped in full
        case
            when sf.order_id is not null then
                sf.tracked >= sf.n_parcels
                or ((coalesce(o.status_norm in ('shipped', 'completed'), false)
                     or o.shipped_at is not null)
                    and not coalesce(o.partial_shipped, false))
            else coalesce(o.status_norm in ('shipped', 'completed'), false)
                or o.shipped_at is not null
                or coalesce(o.partial_shipped, false)
        end as is_shipped,
        coalesce(o.status_norm in ('closed', 'cancelled'), false) as is_cancelled,
        coalesce(o.status_norm = 'cod_confirmed', false)
            or list_contains(
                list_transform(string_split(coalesce(o.tags, ''), ','), lambda t: lower(trim(t))),
                lower(trim($confirmed_tag))
            )
            or ef.confirmed_at is not null as confirmed,
        coalesce(o.status_norm = 'processed', false)
            or nullif(trim(o.tracking_no), '') is not null
            or ef.processed_at is not null as processed,
        ef.confirmed_at,
        ef.processed_at,
        coalesce(sf.couriers, nullif(trim(split_part(ef.courier_text, ' ', 1)), ''), o.courier)
            as courier,
        coalesce(
            sf.tracking_nos,
            nullif(trim(substr(ef.courier_text, length(split_part(ef.courier_text, ' ', 1)) + 1)), ''),
            o.tracking_no
        ) as tracking_no,
        coalesce(ef.seller_note, o.seller_note) as seller_note,
        ef.reminded_at,
        ef.reviewed_message,
        ef.oos_handled_at,
        ef.address_fixed_at,
        ef.last_flag_id is not null
            and (ef.last_unflag_id is null or ef.last_unflag_id < ef.last_flag_id) as flag_open,
        ef.flag_reason,
        ef.flagged_at,
        ef.flagged_by,
        le.last_event_id,
        o.created_at,
        o.currency,
        o.order_total,
        o.paid,
        r.refunded,
        coalesce(o.paid_net, false) as paid_net,
        o.paid_at,
        coalesce(o.shipped_at, case when sf.tracked >= sf.n_parcels then sf.last_tracked_at end)
            as shipped_at,
        o.closed_at,
        o.ship_by
    from scoped_orders as o
    left join line_facts as lf using (platform, shop, order_id)
    left join case_facts as cf using (platform, shop, order_id)
    -- the refund the exports state: its cases' (an order with cases), else the order's own
    -- figure (退款金额, Refunded Amount), else its lines' successful refunds (an item
    -- report's 退款金额)
    cross join lateral (
        select case
            when cf.order_id is not null then coalesce(cf.refunded, 0)
            when coalesce(o.refunded, 0) <= 0 and lf.lines_refunded > 0 then lf.lines_refunded
            else o.refunded
        end as refunded
    ) as r
    left join event_facts as ef using (platform, shop, order_id)
    left join last_events as le using (platform, shop, order_id)
    left join split_facts as sf using (platform, shop, order_id)
),

classified as (
    select
        *,
        coalesce(status_norm = 'refunded', false)
            or all_lines_refunded
            or refund_reaches_total
            or (coalesce(status_norm = 'closed', false) and is_paid) as full_refund
    from facts
),

final as (
    select
        platform,
        shop,
        order_id,
        case
            when refund_open or (coalesce(status_norm = 'cancelled', false) and is_paid and not full_refund)
                then 'refunding'
            when full_refund then 'refunded'
            when is_cancelled and not is_paid then 'closed'
            when is_completed then 'completed'
            when is_shipped then 'shipped'
            when is_paid and processed then 'paid_processed'
            when is_paid then 'paid_unprocessed'
            when confirmed and is_cod and processed then 'paid_processed'
            when confirmed then 'confirmed_unpaid'
            else 'unconfirmed_unpaid'
        end as state,
        not full_refund and (any_refund or part_refunded) as partial_refund,
        is_shipped and partial_shipped as partial_ship,
        not refund_open
            and not full_refund
            and not is_cancelled
            and not is_shipped
            and (is_paid or (confirmed and is_cod)) as waiting_to_ship,
        is_paid,
        confirmed,
        processed,
        confirmed_at,
        processed_at,
        courier,
        tracking_no,
        seller_note,
        reminded_at,
        reviewed_message,
        oos_handled_at,
        address_fixed_at,
        case when flag_open then flag_reason end as flag_reason,
        case when flag_open then flagged_at end as flagged_at,
        case when flag_open then flagged_by end as flagged_by,
        last_event_id,
        n_lines,
        pieces,
        created_at,
        currency,
        order_total,
        paid,
        -- The refunded amount as far as the exports tell it (the refund stated, above); else,
        -- refunded in full, what was paid (a 拼多多 '…，退款成功', a cancelled paid order).
        case
            when coalesce(refunded, 0) <= 0 and full_refund and is_paid and not paid_net
                and paid > 0 then paid
            else refunded
        end as refunded,
        paid_at,
        shipped_at,
        closed_at,
        ship_by,
        is_cod
    from classified
)

select * from final
