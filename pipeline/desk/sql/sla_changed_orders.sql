-- The orders no longer open that were paid, closed or shipped after a moment of their shop,
-- with their state: the orders the clock rules (sla_clock_rules.sql) read as they were before
-- they changed. Reads the registered relation `shop_since` (platform, shop, since); a shop
-- not in it takes $since.
-- Parameters: $since.

with since as (
    select platform, shop, since
    from shop_since
),

final as (
    select
        o.platform, o.shop, o.order_id, o.created_at, o.paid_at, o.closed_at, o.ship_by,
        o.shipped_at, o.is_cod, o.state, o.is_paid, o.confirmed, o.confirmed_at,
        o.waiting_to_ship, o.reminded_at
    from order_state as o   -- the order's times are kept with its state
    left join since as k using (platform, shop)
    where (
          o.paid_at > coalesce(k.since, $since::timestamp)
          or o.closed_at > coalesce(k.since, $since::timestamp)
          or o.shipped_at > coalesce(k.since, $since::timestamp)
      )
      and not exists (
          select 1 from open_orders as x
          where x.platform = o.platform and x.shop = o.shop and x.order_id = o.order_id
      )
)

select * from final
