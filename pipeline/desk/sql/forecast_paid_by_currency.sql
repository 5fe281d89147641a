-- What the paid orders placed from $start up to $end paid, per currency (an order without a
-- currency takes $desk; money of two currencies is never added), the desk's currency first.
-- Parameters: $start, $end, $desk, $shops, $platforms.

with scoped as (
    select coalesce(currency, $desk) as currency, coalesce(paid, 0) as paid
    from order_state
    where is_paid
      and created_at >= $start::timestamp
      and created_at < $end::timestamp
      and in_filters(created_at, shop, platform, null, null, $shops, $platforms)
),

final as (
    select currency, sum(paid)::double as paid
    from scoped
    group by currency
)

select * from final order by currency <> $desk, paid desc, currency
