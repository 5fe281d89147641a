-- What a promotion period's paid orders paid, per currency (an order without a currency takes
-- $desk), largest first.
-- Parameters: $shops, $platforms, $p_start, $p_end, $desk.

with sold as (
    select * from paid_orders_in($shops, $platforms, $p_start, $p_end)
),

scoped as (
    select coalesce(o.currency, $desk) as currency, o.paid
    from sold as k
    join orders as o using (platform, shop, order_id)
),

final as (
    select
        currency,
        count(*) as paid_orders,
        round(coalesce(sum(paid), 0), 2)::double as paid_amount
    from scoped
    group by currency
)

select * from final order by paid_amount desc, currency
