-- How long the desk takes to answer (DESIGN §11): per case inside the filters (dates on the
-- request time) the hours from the request to the desk's first agree or reject still in effect;
-- the median over all those cases (`week` null) and per week of the request (`week`: its
-- Monday). Cases the desk never answered are not counted.
-- Reads `cases` and `effective_events`.
-- Parameters: $date_from, $date_to, $shops, $platforms.

with scoped_cases as (
    select platform, shop, case_id, requested_at
    from cases
    where in_filters(requested_at, shop, platform, $date_from, $date_to, $shops, $platforms)
      and requested_at is not null
),

answers as (
    select platform, shop, case_id, min(acted_at) as answered_at
    from effective_events
    where case_id is not null and action in ('agree', 'reject')
    group by all
),

timed as (
    select
        cast(date_trunc('week', c.requested_at) as date) as week,
        epoch(a.answered_at - c.requested_at) / 3600.0 as hours
    from scoped_cases as c
    join answers as a using (platform, shop, case_id)
    where a.answered_at >= c.requested_at
),

final as (
    select
        week,
        count(*)::bigint as answered,
        median(hours)::double as median_hours
    from timed
    group by grouping sets ((week), ())
)

select * from final order by week nulls first
