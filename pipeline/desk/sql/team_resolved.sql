-- Every problem resolved in the week [$week_start, $week_end) (resolve actions still in effect)
-- on orders of the shops and platforms given, with when the problem started: a `manual` flag at
-- the latest flag still in effect on the order before the resolve; a mark the desk derives
-- (it has no start event) at the order's payment, else its creation.

with resolves as (
    select *
    from effective_events
    where action = 'resolve'
      and acted_at >= $week_start and acted_at < $week_end
      and (len($shops::varchar[]) = 0 or list_contains($shops::varchar[], shop))
      and (len($platforms::varchar[]) = 0 or list_contains($platforms::varchar[], platform))
),

flags as (
    select platform, shop, order_id, event_id as flag_event, acted_at as flagged_at
    from effective_events
    where action = 'flag'
),

flag_starts as (
    select r.event_id, max(f.flagged_at) as flagged_at
    from resolves as r
    join flags as f
        on f.platform = r.platform and f.shop = r.shop and f.order_id = r.order_id
        and f.flag_event < r.event_id
    where r.kind = 'manual'
    group by all
),

started as (
    select
        r.event_id,
        r.acted_at as resolved_at,
        r.author,
        r.role,
        r.kind,
        r.text,
        r.platform,
        r.shop,
        r.order_id,
        coalesce(s.flagged_at, o.paid_at, o.created_at) as started_at,
        case
            when s.flagged_at is not null then 'flag'
            when o.paid_at is not null then 'paid'
            else 'created'
        end as start_source
    from resolves as r
    left join flag_starts as s using (event_id)
    left join orders as o
        on o.platform = r.platform and o.shop = r.shop and o.order_id = r.order_id
),

final as (
    select *, date_diff('second', started_at, resolved_at) / 3600.0 as hours
    from started
)

select * from final order by resolved_at, event_id
