-- The desk's batch actions of a period: one row per action taken on many orders at once
-- (events sharing a batch_id; their undo batches left out), the work queue's batch it processed
-- where it did (queue_batch), and whether it can still be taken back as one step.
-- status: undone (every event of it taken back); later_action (an action after it is in effect
-- on one of its orders: undo that first); moved_on (a processing or courier batch with an order
-- no longer waiting to ship: shipped, refunded or closed since); in_effect (it can be undone).
-- Reads the tables `events`, the view `effective_events` and the table `order_state`.
-- Parameters: $from, $to (acted in [from, to)).

with batch_events as (
    select event_id, batch_id, queue_batch, platform, shop, order_id, action, author, acted_at
    from events
    where batch_id is not null
      and action <> 'undo'
      and acted_at >= $from
      and acted_at < $to
),

undone as (
    select distinct target_event as event_id
    from events
    where action = 'undo'
),

later as (
    select b.event_id
    from batch_events as b
    semi join effective_events as e
        on e.platform = b.platform and e.shop = b.shop and e.order_id = b.order_id
       and e.event_id > b.event_id
),

flagged as (
    select
        b.*,
        u.event_id is not null as is_undone,
        l.event_id is not null as has_later,
        b.action in ('process', 'courier') and not coalesce(s.waiting_to_ship, false)
            as moved_on
    from batch_events as b
    left join undone as u using (event_id)
    left join later as l using (event_id)
    left join order_state as s using (platform, shop, order_id)
),

final as (
    select
        batch_id as batch,
        any_value(queue_batch) as queue_batch,
        any_value(action) as action,
        min(acted_at) as acted_at,
        any_value(author) as author,
        count(*)::bigint as orders,
        case
            when bool_and(is_undone) then 'undone'
            when bool_or(has_later and not is_undone) then 'later_action'
            when bool_or(moved_on and not is_undone) then 'moved_on'
            else 'in_effect'
        end as status
    from flagged
    group by batch_id
)

select * from final order by batch desc
