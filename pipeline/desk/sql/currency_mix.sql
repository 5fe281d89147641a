-- Orders and money per currency (DESIGN §2): an order without a currency takes $desk.
-- Amounts as report --json counts them (paid: only orders with a payment), rounded to cents.
-- Parameters: $date_from, $date_to, $shops, $platforms, $desk.

with scoped as (
    select coalesce(currency, $desk) as currency, order_total, paid, refunded, is_paid
    from order_state
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
),

per_currency as (
    select
        currency,
        count(*) as orders,
        coalesce(sum(order_total), 0) as order_total,
        coalesce(sum(case when is_paid then paid else 0 end), 0) as paid,
        coalesce(sum(refunded), 0) as refunded
    from scoped
    group by currency
),

final as (
    select
        currency,
        orders,
        round(order_total, 2)::double as order_total,
        round(paid, 2)::double as paid,
        round(refunded, 2)::double as refunded
    from per_currency
)

select * from final order by currency = $desk desc, orders desc, currency
