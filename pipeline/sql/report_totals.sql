-- Store-wide totals for `report --json`: counts over all orders; amounts, rounded to cents, over
-- the orders in $currency (an order without a currency takes $desk).
-- Parameters: $currency, $desk.

with order_totals as (
    select
        count(*) as orders,
        coalesce(sum(o.order_total) filter (where in_currency), 0) as order_total,
        coalesce(sum(case when s.is_paid then o.paid else 0 end) filter (where in_currency), 0)
            as paid,
        coalesce(sum(o.refunded) filter (where in_currency), 0) as refunded,
        count(*) filter (where s.partial_refund) as partial_refunds
    from (
        select *, coalesce(currency, $desk) = $currency as in_currency from orders
    ) as o
    join order_state as s using (platform, shop, order_id)
),

line_totals as (
    select count(*) as order_lines from order_lines
),

final as (
    select
        t.orders,
        l.order_lines,
        round(t.order_total, 2)::double as order_total,
        round(t.paid, 2)::double as paid,
        round(t.refunded, 2)::double as refunded,
        t.partial_refunds
    from order_totals as t
    cross join line_totals as l
)

select * from final
