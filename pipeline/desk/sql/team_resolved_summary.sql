-- Problems resolved per person and problem type, with the median and mean hours from the
-- problem's start to its resolve, over the registered relation `team_resolved`
-- (rows of team_resolved.sql).

with per_person as (
    select
        author,
        kind,
        count(*) as resolved,
        round(median(hours), 1) as hours_median,
        round(avg(hours), 1) as hours_mean
    from team_resolved
    group by all
),

final as (
    select * from per_person
)

select * from final order by author, kind
