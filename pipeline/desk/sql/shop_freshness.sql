-- The moment each shop's data describes. An export describes the moment of its newest time
-- (created, paid, shipped, completed, closed) over every order it carried, whatever the shop;
-- a shop's data moment is that of the newest export that carried its orders. A shop whose
-- moment lies more than $stale_hours before $as_of is stale.
-- Parameters: $as_of, $stale_hours.

with shop_exports as (
    select
        platform,
        shop,
        import_id,
        greatest(max(created_at), max(paid_at), max(shipped_at), max(completed_at),
                 max(closed_at)) as latest_at
    from orders
    group by all
),

export_moments as (
    select import_id, max(latest_at) as export_moment
    from shop_exports
    group by import_id
),

shop_moments as (
    select s.platform, s.shop, max(e.export_moment) as data_moment
    from shop_exports as s
    join export_moments as e using (import_id)
    group by all
),

final as (
    select
        platform,
        shop,
        data_moment,
        coalesce(
            data_moment < $as_of::timestamp - to_seconds(round($stale_hours * 3600)::bigint),
            false
        ) as stale
    from shop_moments
)

select * from final order by platform, shop
