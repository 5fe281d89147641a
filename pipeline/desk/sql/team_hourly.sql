-- Actions per person per hour of the day (0-23) over the week's events (`team_week`).

with per_hour as (
    select author, hour, count(*) as actions
    from team_week
    group by all
),

final as (
    select * from per_hour
)

select * from final order by hour, author
