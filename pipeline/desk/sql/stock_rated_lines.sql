-- The lines (bundles exploded, gifts included) of the paid orders paid from $paid_from up to,
-- not including, $paid_to, or placed from $promo_start up to, not including, $promo_end: what
-- the rates of stock_status.sql are counted over.
-- The orders are found in order_state (their times are kept with their state) and their lines
-- taken before bundles are exploded: only those lines are exploded, not every line.
-- Parameters: $paid_from, $paid_to, $promo_start, $promo_end (null when there is no promotion).

with rated_orders as (
    select s.platform, s.shop, s.order_id, s.created_at, s.paid_at
    from order_state as s
    where s.is_paid
      and (
          (s.paid_at >= $paid_from::timestamp and s.paid_at < $paid_to::timestamp)
          or (s.created_at >= $promo_start::timestamp and s.created_at < $promo_end::timestamp)
      )
),

rated_order_lines as (
    select l.*
    from order_lines as l
    semi join rated_orders as o using (platform, shop, order_id)
),

final as (
    select e.sku, e.quantity, o.created_at, o.paid_at
    from explode_bundles('rated_order_lines') as e
    join rated_orders as o using (platform, shop, order_id)
    where e.sku is not null and e.quantity > 0
)

select * from final
