-- The best-selling SKUs of a promotion period by units in paid orders placed in it, gift lines
-- left out: as sold ($exploded = false, a bundle is its own SKU) or with bundles exploded to
-- their components ($exploded = true).
-- Reads `period_lines` (promo_paid_lines.sql) and `sku_titles` (sku_titles.sql).
-- Parameters: $exploded, $top.

with sold_lines as (
    select l.platform, l.shop, l.order_id, l.line_id, l.sku, coalesce(l.quantity, 0) as units
    from period_lines as l
    where not gift_line(l.is_gift, l.unit_price)
),

as_sold as (
    select sku, units, platform, shop, order_id
    from sold_lines
    where not $exploded
),

as_components as (
    select e.sku, e.quantity as units, e.platform, e.shop, e.order_id
    from explode_bundles('period_lines') as e
    join sold_lines as l using (platform, shop, order_id, line_id)
    where $exploded
),

names as (
    select sku, max(name) as name from stock group by sku
    union all
    select sku, title as name from sku_titles
    where sku not in (select sku from stock)
),

ranked as (
    select sku, sum(units)::bigint as units, count(distinct (platform, shop, order_id)) as orders
    from (select * from as_sold union all select * from as_components)
    where sku is not null
    group by sku
),

final as (
    select r.sku, n.name, r.units, r.orders
    from ranked as r
    left join names as n using (sku)
    order by r.units desc, r.sku
    limit $top
)

select * from final
