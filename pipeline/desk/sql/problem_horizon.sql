-- The latest moment the problem marks read (pipeline.desk.problems): the newest creation of an open
-- order and the newest action. Marks as of any later moment are the marks as of this one.

with moments as (
    select max(created_at) as latest_at from open_orders
    union all
    select max(acted_at) from effective_events
),

final as (
    select max(latest_at) as horizon
    from moments
)

select * from final
