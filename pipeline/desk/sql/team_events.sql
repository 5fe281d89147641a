-- The desk's events of one week [$week_start, $week_end) on orders of the shops and platforms
-- given (empty lists: all), each with its day and hour and whether a later undo took it back.

with week_events as (
    select *
    from events
    where acted_at >= $week_start and acted_at < $week_end
      and (len($shops::varchar[]) = 0 or list_contains($shops::varchar[], shop))
      and (len($platforms::varchar[]) = 0 or list_contains($platforms::varchar[], platform))
),

undos as (
    select target_event as event_id, min(event_id) as undone_by
    from events
    where action = 'undo'
    group by all
),

final as (
    select
        w.event_id,
        w.acted_at,
        w.acted_at::date as day,
        hour(w.acted_at) as hour,
        w.author,
        w.role,
        w.action,
        w.kind,
        w.text,
        w.target_event,
        w.platform,
        w.shop,
        w.order_id,
        u.undone_by is not null as undone
    from week_events as w
    left join undos as u using (event_id)
)

select * from final order by event_id
