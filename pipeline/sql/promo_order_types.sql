-- The order types of DESIGN §7, one row per order (an order may have several).
-- promotion: a discount code or amount in the export, a line on promotion, lines listed at more
--            than the order charges for goods (e.g. a Taobao item report at 239.00 against an
--            order report's 201.12), or placed inside a promotion period; bundle: a line's SKU is in the bundles table or marked as a set;
-- combo: two or more different SKUs, gift lines not counted; gift: a line priced 0 or marked.
-- Parameters: $date_from, $date_to, $shops, $platforms (global filters), and an optional window
-- $win_start, $win_end (orders created in [win_start, win_end); null = no window).

with scoped_orders as (
    select
        o.platform, o.shop, o.order_id, o.created_at, o.promo_code, o.discount,
        o.order_total - coalesce(o.shipping_fee, 0) as goods_charged
    from filtered_orders($date_from, $date_to, $shops, $platforms) as o
    where ($win_start::timestamp is null or o.created_at >= $win_start::timestamp)
      and ($win_end::timestamp is null or o.created_at < $win_end::timestamp)
),

bundle_skus as (
    select distinct bundle_sku from bundles
),

lines as (
    select
        l.platform,
        l.shop,
        l.order_id,
        coalesce(nullif(trim(l.sku), ''), l.title) as item,
        coalesce(l.is_promo, false) as is_promo,
        l.unit_price * l.quantity as list_value,
        coalesce(l.is_bundle_marked, false) or b.bundle_sku is not null as is_bundle,
        coalesce(l.is_gift, false) or coalesce(l.unit_price = 0, false) as is_gift
    from order_lines as l
    left join bundle_skus as b on b.bundle_sku = l.sku
    where exists (
        select 1 from scoped_orders as o
        where o.platform = l.platform and o.shop = l.shop and o.order_id = l.order_id
    )
),

line_facts as (
    select
        platform,
        shop,
        order_id,
        bool_or(is_promo) as has_promo_line,
        sum(list_value) as list_value,
        bool_or(is_bundle) as has_bundle,
        count(distinct item) filter (where not is_gift) as n_items,
        bool_or(is_gift) as has_gift
    from lines
    group by all
),

in_period as (
    select distinct o.platform, o.shop, o.order_id
    from scoped_orders as o
    join promotions as p on o.created_at >= p.start_at and o.created_at < p.end_at
),

final as (
    select
        o.platform,
        o.shop,
        o.order_id,
        coalesce(nullif(trim(o.promo_code), '') is not null, false)
            or coalesce(o.discount > 0, false)
            or coalesce(lf.has_promo_line, false)
            or coalesce(lf.list_value - o.goods_charged > 0.005, false)
            or ip.order_id is not null as promotion,
        coalesce(lf.has_bundle, false) as bundle,
        coalesce(lf.n_items >= 2, false) as combo,
        coalesce(lf.has_gift, false) as gift
    from scoped_orders as o
    left join line_facts as lf using (platform, shop, order_id)
    left join in_period as ip using (platform, shop, order_id)
)

select * from final order by platform, shop, order_id
