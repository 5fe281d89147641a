-- Per person and shop over the registered relation `team_fulfil` (rows of team_fulfil.sql):
-- orders processed and the median hours from payment to processed; orders shipped and the
-- median hours from payment to shipped.

with per_person as (
    select
        author,
        shop,
        count(*) as processed,
        round(median(hours_to_processed), 1) as hours_to_processed,
        count(*) filter (where shipped_at is not null) as shipped,
        round(median(hours_to_shipped), 1) as hours_to_shipped
    from team_fulfil
    group by all
),

final as (
    select * from per_person
)

select * from final order by author, shop
