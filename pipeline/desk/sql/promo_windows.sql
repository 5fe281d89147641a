-- A promotion period and its baseline (the same length just before it): orders placed in each
-- window, the paid ones, their paid amount and units (line quantities as sold). Money counts
-- only the paid orders in $currency (an order without a currency takes $desk).
-- Parameters: $shops, $platforms, $p_start, $p_end (the period), $b_start, $b_end (the baseline:
-- the same elapsed hours of the window of the period's whole length before it),
-- $currency, $desk.

with windows as (
    select 'period' as series, $p_start::timestamp as w_start, $p_end::timestamp as w_end
    union all
    select 'baseline' as series, $b_start::timestamp as w_start, $b_end::timestamp as w_end
),

scoped as (
    select
        o.created_at,
        o.paid,
        o.is_paid,
        o.pieces,
        coalesce(o.currency, $desk) = $currency as in_currency
    from order_state as o
    where in_filters(o.created_at, o.shop, o.platform, null, null, $shops, $platforms)
      and o.created_at >= $b_start::timestamp and o.created_at < $p_end::timestamp
),

per_window as (
    select
        w.series,
        epoch(w.w_end - w.w_start) / 3600.0 as hours,
        count(o.created_at) as orders,
        count(o.created_at) filter (where o.is_paid) as paid_orders,
        count(o.created_at) filter (where o.is_paid and o.in_currency) as paid_orders_in_currency,
        coalesce(sum(o.paid) filter (where o.is_paid and o.in_currency), 0)::double
            as paid_amount,
        coalesce(sum(o.pieces) filter (where o.is_paid), 0)::bigint as units
    from windows as w
    left join scoped as o on o.created_at >= w.w_start and o.created_at < w.w_end
    group by all
),

final as (
    select
        series,
        orders::double as orders,
        paid_orders::double as paid_orders,
        round(paid_amount, 2) as paid_amount,
        units::double as units,
        case when paid_orders_in_currency > 0
            then round(paid_amount / paid_orders_in_currency, 2) end as aov,
        case when hours > 0 then orders / hours end as orders_per_hour,
        case when hours > 0 then paid_amount / hours end as paid_per_hour,
        case when hours > 0 then orders / hours * 24 end as orders_per_day,
        case when hours > 0 then paid_amount / hours * 24 end as paid_per_day
    from per_window
)

select * from final
