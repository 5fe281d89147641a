-- The moment's part of the work queue (queue_orders.sql) and its batches
-- (queue_batch_members.sql): how long each order has left and whether it is due, timed as of
-- its shop's moment. Everything else in their rows depends only on the data, the filters and
-- which shops are stale, and is kept between moments (pipeline.desk.queue).
-- Reads the registered relations `untimed` (rows of either, in order) and `shop_moments`
-- (platform, shop, as_of, stale).
-- Parameters: $as_of, $due_soon_hours.

with moments as (
    select platform, shop, as_of
    from shop_moments
),

timed as (
    select
        u.*,
        coalesce(m.as_of, $as_of::timestamp) as moment
    from untimed as u
    left join moments as m using (platform, shop)
),

final as (
    select * exclude (moment) replace (
        round(epoch(deadline - moment) / 3600, 1) as hours_left,
        case
            when deadline < moment then 'overdue'
            when deadline <= moment + to_seconds(round($due_soon_hours * 3600)::bigint)
                then 'due_soon'
            else 'ok'
        end as due,
        moment as data_as_of
    )
    from timed
)

select * from final order by rank
