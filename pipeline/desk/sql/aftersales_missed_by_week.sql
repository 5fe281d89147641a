-- Money lost to slowness per week (DESIGN §11): the missed cases inside the filters (dates on
-- the request time) — refunded at or after the platform's own deadline — per week of their
-- refund (`week`: its Monday), and their amount (refunded, else asked) in $currency (a case
-- counts in its order's currency, else in $desk). Every week from the first to the last is
-- listed, weeks without a missed case at zero.
-- Reads `cases` and `order_state` (the order's currency).
-- Parameters: $date_from, $date_to, $shops, $platforms, $currency, $desk.

with scoped_cases as (
    select *
    from cases
    where in_filters(requested_at, shop, platform, $date_from, $date_to, $shops, $platforms)
),

missed as (
    select
        cast(date_trunc('week', c.refunded_at) as date) as week,
        coalesce(c.amount_refunded, c.amount_asked) as amount,
        coalesce(s.currency, $desk) as currency
    from scoped_cases as c
    left join order_state as s using (platform, shop, order_id)
    where c.status_norm = 'refunded' and c.refunded_at >= c.deadline
),

weeks as (
    select cast(unnest(generate_series(min(week), max(week), interval 7 day)) as date) as week
    from missed
),

final as (
    select
        w.week,
        count(m.week)::bigint as cases,
        round(coalesce(sum(m.amount) filter (where m.currency = $currency), 0), 2)::double
            as amount
    from weeks as w
    left join missed as m using (week)
    group by w.week
)

select * from final order by week
