-- Actions per person per day over the week's events (the registered relation `team_week`,
-- rows of team_events.sql); undos count as actions of whoever undid.

with per_day as (
    select author, day, count(*) as actions, count(distinct (platform, shop, order_id)) as orders
    from team_week
    group by all
),

final as (
    select * from per_day
)

select * from final order by day, author
