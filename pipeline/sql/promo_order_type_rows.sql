-- The order types of DESIGN §7, one row per order, read from order_type_facts (see
-- promo_order_types.sql for the rules, read there from the orders and lines themselves).
-- Parameters: $date_from, $date_to, $shops, $platforms (global filters), and an optional window
-- $win_start, $win_end (orders created in [win_start, win_end); null = no window).

with scoped as (
    select *
    from order_type_facts
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
      and ($win_start::timestamp is null or created_at >= $win_start::timestamp)
      and ($win_end::timestamp is null or created_at < $win_end::timestamp)
),

in_period as (
    select distinct o.platform, o.shop, o.order_id
    from scoped as o
    join promotions as p on o.created_at >= p.start_at and o.created_at < p.end_at
),

final as (
    select
        o.platform,
        o.shop,
        o.order_id,
        o.promo_facts or ip.order_id is not null as promotion,
        o.bundle_marked or o.bundle_line as bundle,
        o.combo,
        o.gift
    from scoped as o
    left join in_period as ip using (platform, shop, order_id)
)

select * from final order by platform, shop, order_id
