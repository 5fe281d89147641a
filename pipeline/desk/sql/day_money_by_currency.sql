-- The day's paid and refund amounts per currency (as day_kpis counts them for one currency).
-- With $until (a time of day) only what happened before that time.
-- Parameters: $day, $until, $shops, $platforms, $desk.

with scoped as (
    -- order_state: the refunded amount as far as the exports tell it (states.sql)
    select coalesce(o.currency, $desk) as currency, o.paid, o.refunded
    from order_state as o
    where in_filters(o.created_at, o.shop, o.platform, null, null, $shops, $platforms)
      and o.paid_at::date = $day::date
      and o.paid_at <= $day::date + coalesce($until::time, time '23:59:59.999999')
),

final as (
    select
        currency,
        count(*) as paid_orders,
        round(coalesce(sum(paid), 0), 2)::double as paid_amount,
        round(coalesce(sum(refunded), 0), 2)::double as refund_amount
    from scoped
    group by currency
)

select * from final order by paid_amount desc, currency
