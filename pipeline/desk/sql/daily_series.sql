-- Orders created and amount paid per day, as a tidy long frame (day, measure, value). The paid
-- amount counts only the orders in $currency (an order without a currency takes $desk).
-- Parameters: $date_from, $date_to, $shops, $platforms, $currency, $desk.

with scoped as (
    select * from filtered_orders($date_from, $date_to, $shops, $platforms)
),

created as (
    select created_at::date as day, count(*)::double as value
    from scoped
    group by all
),

paid as (
    select paid_at::date as day, sum(paid)::double as value
    from scoped
    where paid_at is not null and coalesce(currency, $desk) = $currency
    group by all
),

final as (
    select day, 'orders' as measure, value from created
    union all
    select day, 'paid_amount' as measure, value from paid
)

select * from final order by measure, day
