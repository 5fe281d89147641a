-- KPIs of one day against the day before: orders created, paid, shipped, refunds.
-- With $until (a time of day) both days count only what happened before that time: today so
-- far against yesterday at the same time.
-- Money (paid and refund amounts, and the paid orders they are averaged over) counts only the
-- orders in $currency (an order without a currency takes $desk): currencies are never added.
-- The share shipped within 72 h of payment is given only for a day whose paid orders have all
-- had their 72 hours by $as_of (null $as_of: every day); otherwise it is null.
-- Shipping is judged only in shops whose exports carry a shipping fact (DESIGN §4): the share is
-- over their paid orders alone; `ships_judged` says whether any shop in scope has them (when
-- none does, `shipped` and `shipped_72h` cannot be known, and are not shown as 0).
-- Reads the registered relation `export_facts` (pipeline.desk.problems.export_facts).
-- Parameters: $day, $until, $as_of, $shops, $platforms, $currency, $desk.

with scoped as (
    -- order_state: the refunded amount as far as the exports tell it (states.sql)
    select
        o.created_at,
        o.paid_at,
        o.shipped_at,
        o.paid,
        o.refunded,
        coalesce(o.currency, $desk) = $currency as in_currency,
        coalesce(j.ships_known, false) as ships_known
    from order_state as o
    left join export_facts as j using (platform, shop)
    where in_filters(o.created_at, o.shop, o.platform, null, null, $shops, $platforms)
      and (o.created_at::date in ($day::date, $day::date - 1)
       or o.paid_at::date in ($day::date, $day::date - 1)
       or o.shipped_at::date in ($day::date, $day::date - 1))
),

days as (
    select day, day + coalesce($until::time, time '23:59:59.999999') as until_at
    from (select unnest([$day::date, $day::date - 1]) as day)
),

per_day as (
    select
        d.day,
        count(*) filter (where o.created_at::date = d.day and o.created_at <= d.until_at) as orders,
        count(*) filter (where o.paid_at::date = d.day and o.paid_at <= d.until_at) as paid_orders,
        count(*) filter (
            where o.paid_at::date = d.day and o.paid_at <= d.until_at and o.in_currency
        ) as paid_orders_in_currency,
        coalesce(sum(o.paid) filter (
            where o.paid_at::date = d.day and o.paid_at <= d.until_at and o.in_currency), 0)
            as paid_amount,
        count(*) filter (
            where o.shipped_at::date = d.day and o.shipped_at <= d.until_at) as shipped,
        coalesce(sum(o.refunded) filter (
            where o.paid_at::date = d.day and o.paid_at <= d.until_at and o.in_currency), 0)
            as refund_amount,
        count(*) filter (
            where o.paid_at::date = d.day
              and o.paid_at <= d.until_at
              and o.shipped_at <= o.paid_at + interval 72 hour
              and ($until::time is null or o.shipped_at <= d.until_at)
        ) as shipped_72h,
        count(*) filter (
            where o.paid_at::date = d.day and o.paid_at <= d.until_at and o.ships_known
        ) as paid_orders_judged
    from days as d
    left join scoped as o on true
    group by d.day
),

judged as (
    select coalesce(bool_or(ships_known), false) as ships_judged
    from export_facts
    where (len($shops::varchar[]) = 0 or list_contains($shops::varchar[], shop))
      and (len($platforms::varchar[]) = 0 or list_contains($platforms::varchar[], platform))
),

final as (
    select
        day,
        orders,
        paid_orders,
        paid_amount::double as paid_amount,
        case when paid_orders_in_currency > 0
            then paid_amount::double / paid_orders_in_currency end as aov,
        shipped,
        refund_amount::double as refund_amount,
        case when paid_amount > 0 then refund_amount::double / paid_amount::double end as refund_rate,
        case
            when paid_orders_judged > 0
             and ($as_of::timestamp is null or day + interval 4 day <= $as_of::timestamp)
                then shipped_72h / paid_orders_judged
        end as shipped_72h,
        j.ships_judged
    from per_day
    cross join judged as j
)

select * from final order by day desc
