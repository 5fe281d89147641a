-- The lines (bundles exploded, gifts included) of the orders placed after $from up to $to
-- (included) and not closed, with their creation: what the burn-down rates of
-- forecast_sku_burn.sql are counted over.
-- Parameters: $from, $to.

with recent as (
    select platform, shop, order_id, created_at
    from order_state
    where created_at > $from::timestamp
      and created_at <= $to::timestamp
      and state <> 'closed'
),

recent_lines as (
    select l.*
    from order_lines as l
    semi join recent as r using (platform, shop, order_id)
),

final as (
    select l.platform, l.shop, l.order_id, r.created_at, l.sku, l.quantity
    from explode_bundles('recent_lines') as l
    join recent as r using (platform, shop, order_id)
    where l.sku is not null and l.quantity > 0
)

select * from final
