-- The latest moment the problem marks read (pipeline.desk.problems): the newest creation of an open
-- order, the newest action and the newest change found after the desk acted (info_changes).
-- Marks as of any later moment are the marks as of this one.

with moments as (
    select max(created_at) as latest_at from open_orders
    union all
    select max(acted_at) from effective_events
    union all
    select max(detected_at) from info_changes
),

final as (
    select max(latest_at) as horizon
    from moments
)

select * from final
