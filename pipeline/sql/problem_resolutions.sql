-- The latest `resolve` event in effect per order and problem type, as of $as_of.

with resolves as (
    select platform, shop, order_id, coalesce(kind, 'manual') as problem, event_id, acted_at, author
    from effective_events
    where action = 'resolve'
      and acted_at <= $as_of
),

final as (
    select
        platform, shop, order_id, problem,
        arg_max(acted_at, event_id) as resolved_at,
        arg_max(author, event_id) as resolved_by
    from resolves
    group by all
)

select * from final
