-- Orders and paid amount per hour of a promotion period, laid over the same hours of its
-- baseline: hour offset from each window's start, zeros included. The paid amount counts only
-- the orders in $currency (an order without a currency takes $desk).
-- Parameters: $shops, $platforms, $p_start, $p_end (the period), $b_start, $b_end (the baseline:
-- the same elapsed hours of the window of the period's whole length before it),
-- $currency, $desk.

with windows as (
    select 'period' as series, $p_start::timestamp as w_start, $p_end::timestamp as w_end
    union all
    select 'baseline' as series, $b_start::timestamp as w_start, $b_end::timestamp as w_end
),

grid as (
    select w.series, w.w_start, h.hour
    from windows as w
    cross join range(0, ceil(epoch($p_end::timestamp - $p_start::timestamp) / 3600)::bigint) as h (hour)
),

scoped as (
    select
        o.created_at,
        case when o.is_paid and coalesce(o.currency, $desk) = $currency then o.paid else 0 end
            as paid
    from order_state as o
    where in_filters(o.created_at, o.shop, o.platform, null, null, $shops, $platforms)
      and o.created_at >= $b_start::timestamp and o.created_at < $p_end::timestamp
),

placed as (
    select
        w.series,
        floor(epoch(o.created_at - w.w_start) / 3600)::bigint as hour,
        o.paid
    from scoped as o
    join windows as w on o.created_at >= w.w_start and o.created_at < w.w_end
),

per_hour as (
    select series, hour, count(*) as orders, sum(paid) as paid
    from placed
    group by all
),

final as (
    select
        g.hour,
        g.series,
        g.w_start + g.hour * interval 1 hour as hour_start,
        coalesce(p.orders, 0) as orders,
        coalesce(p.paid, 0)::double as paid
    from grid as g
    left join per_hour as p using (series, hour)
)

select * from final order by series desc, hour
