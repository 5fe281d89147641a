-- The order types of DESIGN §7, one row per order (an order may have several).
-- promotion: a discount code or amount in the export, a line on promotion, lines listed at more
--            than the order charges for goods (e.g. a Taobao item report at 239.00 against an
--            order report's 201.12), or placed inside a promotion period; bundle: a line's SKU
--            is in the bundles table or marked as a set; combo: two or more different SKUs,
--            gift lines not counted; gift: a line priced 0 or marked.
-- The facts of each order come from order_type_facts; bundles and periods are read live.
-- Parameters: $date_from, $date_to, $shops, $platforms (global filters), and an optional window
-- $win_start, $win_end (orders created in [win_start, win_end); null = no window).

with scoped as (
    select *
    from order_type_facts
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
      and ($win_start::timestamp is null or created_at >= $win_start::timestamp)
      and ($win_end::timestamp is null or created_at < $win_end::timestamp)
),

bundle_orders as (
    select distinct l.platform, l.shop, l.order_id
    from order_lines as l
    where l.sku in (select bundle_sku from bundles)
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
        o.bundle_marked or b.order_id is not null as bundle,
        o.combo,
        o.gift
    from scoped as o
    left join bundle_orders as b using (platform, shop, order_id)
    left join in_period as ip using (platform, shop, order_id)
)

select * from final order by platform, shop, order_id
