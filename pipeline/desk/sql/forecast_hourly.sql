-- Orders placed and paid amount (paid orders in $currency; an order without a currency takes
-- $desk: money of two currencies is never added) per hour of one day from $day_start, placed
-- before $until, zeros included: the curve the war room lays over its reference days.
-- Parameters: $day_start, $until, $shops, $platforms, $currency, $desk.

with grid as (
    select h.hour from range(0, 24) as h (hour)
),

scoped as (
    select
        floor(epoch(o.created_at - $day_start::timestamp) / 3600)::bigint as hour,
        case when o.is_paid and coalesce(o.currency, $desk) = $currency
            then coalesce(o.paid, 0) else 0 end as paid
    from order_state as o
    where in_filters(o.created_at, o.shop, o.platform, null, null, $shops, $platforms)
      and o.created_at >= $day_start::timestamp
      and o.created_at < $day_start::timestamp + interval 1 day
      and o.created_at < $until::timestamp
),

per_hour as (
    select hour, count(*) as orders, sum(paid)::double as paid
    from scoped
    group by hour
),

final as (
    select g.hour, coalesce(p.orders, 0)::double as orders, coalesce(p.paid, 0)::double as paid
    from grid as g
    left join per_hour as p using (hour)
)

select * from final order by hour
