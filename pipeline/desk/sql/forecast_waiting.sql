-- The orders waiting to ship as of now with their `ship_paid` deadline (DESIGN §4: ready +
-- $ship_hours, or the promised ship-by when earlier), earliest deadline first: the order the
-- desk works them in (DESIGN §5). Only in shops whose exports carry a shipping fact: elsewhere
-- nothing says whether an order has shipped (DESIGN §4), and the order is left out.
-- Reads the registered relation `export_facts` (pipeline.desk.problems.export_facts).
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
    semi join (select platform, shop from export_facts where ships_known) as j
        using (platform, shop)
    where waiting_to_ship
      and in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
),

final as (
    select * from waiting
)

select * from final order by deadline, ready_at, platform, shop, order_id
