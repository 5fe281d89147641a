-- Orders per state (every state, zeros included) with the partial marks.
-- Parameters: $date_from, $date_to, $shops, $platforms, $states (the codes in display order).

with scoped as (
    select *
    from order_state
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
),

codes as (
    select unnest($states::varchar[]) as state, generate_subscripts($states::varchar[], 1) as pos
),

counted as (
    select
        state,
        count(*) as orders,
        count(*) filter (where partial_refund) as partial_refund,
        count(*) filter (where partial_ship) as partial_ship
    from scoped
    group by state
),

final as (
    select
        c.state,
        coalesce(n.orders, 0) as orders,
        coalesce(n.partial_refund, 0) as partial_refund,
        coalesce(n.partial_ship, 0) as partial_ship
    from codes as c
    left join counted as n using (state)
    order by c.pos
)

select * from final
