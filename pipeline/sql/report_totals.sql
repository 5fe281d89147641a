-- Store-wide totals for `report --json`: counts and amounts over all orders, rounded to cents.

with order_totals as (
    select
        count(*) as orders,
        coalesce(sum(o.order_total), 0) as order_total,
        coalesce(sum(case when s.is_paid then o.paid else 0 end), 0) as paid,
        coalesce(sum(o.refunded), 0) as refunded,
        count(*) filter (where s.partial_refund) as partial_refunds
    from orders as o
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
