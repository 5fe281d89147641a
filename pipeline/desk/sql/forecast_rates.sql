-- How fast the desk worked over the last $hours hours before $as_of: orders processed (a
-- `process` or `courier` action still in effect, one per order) and orders shipped.
-- Parameters: $as_of, $hours, $date_from, $date_to, $shops, $platforms.

with since as (
    select $as_of::timestamp - to_seconds(round($hours * 3600)::bigint) as t0
),

processed as (
    select count(distinct (e.platform, e.shop, e.order_id)) as n
    from effective_events as e
    join orders as o using (platform, shop, order_id)
    where e.action in ('process', 'courier')
      and e.acted_at > (select t0 from since)
      and e.acted_at <= $as_of
      and in_filters(o.created_at, o.shop, o.platform, $date_from, $date_to, $shops, $platforms)
),

shipped as (
    select count(*) as n
    from orders as o
    where o.shipped_at > (select t0 from since)
      and o.shipped_at <= $as_of
      and in_filters(o.created_at, o.shop, o.platform, $date_from, $date_to, $shops, $platforms)
),

final as (
    select
        (select n from processed) as processed,
        (select n from shipped) as shipped
)

select * from final
