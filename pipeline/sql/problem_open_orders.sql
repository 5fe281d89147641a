-- Open orders (not shipped, not closed or refunded) inside the filters, created by $as_of:
-- the orders problem marks apply to (DESIGN §6), with what the address rules read.
-- Parameters: $as_of, $date_from, $date_to, $shops, $platforms.

with scoped as (
    select o.*
    from filtered_orders($date_from, $date_to, $shops, $platforms) as o
    where coalesce(o.created_at <= $as_of, true)
),

final as (
    select
        o.platform,
        o.shop,
        o.order_id,
        o.created_at,
        case
            when s.is_paid then coalesce(o.paid_at, o.created_at)
            else coalesce(s.confirmed_at, o.created_at)
        end as ready_at,
        o.province,
        o.city,
        o.district,
        o.address
    from scoped as o
    join order_state as s using (platform, shop, order_id)
    where s.state not in ('shipped', 'completed', 'refunded', 'closed')
      and o.shipped_at is null
      and coalesce(o.status_norm not in ('shipped', 'completed'), true)
)

select * from final
