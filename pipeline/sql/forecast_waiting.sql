-- The orders waiting to ship as of now with their `ship_paid` deadline (DESIGN §4: ready +
-- $ship_hours, or the promised ship-by when earlier), earliest deadline first: the order the
-- desk works them in (DESIGN §5).
-- Parameters: $ship_hours, $date_from, $date_to, $shops, $platforms.

with waiting as (
    select
        platform,
        shop,
        order_id,
        ready_at,
        least(
            ready_at + to_seconds(round($ship_hours * 3600)::bigint),
            coalesce(ship_by, ready_at + to_seconds(round($ship_hours * 3600)::bigint))
        ) as deadline
    from open_orders
    where waiting_to_ship
      and in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
),

final as (
    select * from waiting
)

select * from final order by deadline, ready_at, platform, shop, order_id
