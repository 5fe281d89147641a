-- The orders processed in the week [$week_start, $week_end) in the shops and platforms given:
-- processed by the author of the order's first process or courier action still in effect, with
-- the hours from payment to that action and from payment to shipping (as exported). Orders
-- processed only by a tracking number in an export have no such action and are not counted.

with firsts as (
    select platform, shop, order_id, min(event_id) as event_id
    from effective_events
    where action in ('process', 'courier')
    group by all
),

processed as (
    select e.platform, e.shop, e.order_id, e.event_id, e.author, e.role,
           e.acted_at as processed_at
    from effective_events as e
    semi join firsts as f on f.event_id = e.event_id
    where e.acted_at >= $week_start and e.acted_at < $week_end
      and (len($shops::varchar[]) = 0 or list_contains($shops::varchar[], e.shop))
      and (len($platforms::varchar[]) = 0 or list_contains($platforms::varchar[], e.platform))
),

final as (
    select
        p.*,
        o.paid_at,
        o.shipped_at,
        date_diff('second', o.paid_at, p.processed_at) / 3600.0 as hours_to_processed,
        date_diff('second', o.paid_at, o.shipped_at) / 3600.0 as hours_to_shipped
    from processed as p
    join orders as o
        on o.platform = p.platform and o.shop = p.shop and o.order_id = p.order_id
)

select * from final order by processed_at, event_id
