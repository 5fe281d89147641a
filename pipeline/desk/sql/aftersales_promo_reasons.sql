-- A promotion's reasons against its baseline's (DESIGN §11, §7): the cases on the orders placed
-- in the period [$p_start, $p_end) and in its baseline [$b_start, $b_end) per reason ('' where
-- the export gave none), and each as a rate of the orders placed in that window. A case whose
-- order the store does not hold counts by its request time. Shops and platforms filter; the
-- windows set the dates. Most cases in the period first.
-- Reads `cases` and `orders`.
-- Parameters: $shops, $platforms, $p_start, $p_end, $b_start, $b_end.

with scoped_cases as (
    select
        coalesce(nullif(trim(c.reason), ''), '') as reason,
        coalesce(o.created_at, c.requested_at) as placed_at
    from cases as c
    left join orders as o using (platform, shop, order_id)
    where in_filters(null, c.shop, c.platform, null, null, $shops, $platforms)
),

windows as (
    select
        reason,
        case
            when placed_at >= $p_start::timestamp and placed_at < $p_end::timestamp then 'period'
            when placed_at >= $b_start::timestamp and placed_at < $b_end::timestamp
                then 'baseline'
        end as side
    from scoped_cases
),

placed as (
    select
        count(*) filter (where created_at >= $p_start::timestamp
                         and created_at < $p_end::timestamp) as period_orders,
        count(*) filter (where created_at >= $b_start::timestamp
                         and created_at < $b_end::timestamp) as baseline_orders
    from orders
    where in_filters(null, shop, platform, null, null, $shops, $platforms)
),

per_reason as (
    select
        reason,
        count(*) filter (where side = 'period') as cases,
        count(*) filter (where side = 'baseline') as baseline_cases
    from windows
    where side is not null
    group by reason
),

final as (
    select
        r.reason,
        r.cases::bigint as cases,
        r.baseline_cases::bigint as baseline_cases,
        case when p.period_orders > 0 then r.cases / p.period_orders end as rate,
        case when p.baseline_orders > 0 then r.baseline_cases / p.baseline_orders end
            as baseline_rate
    from per_reason as r
    cross join placed as p
)

select * from final order by cases desc, baseline_cases desc, reason
