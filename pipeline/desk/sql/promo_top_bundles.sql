-- The best-selling bundles of a promotion period: lines whose SKU is in the bundles table or
-- that the export marks as a set, by units in paid orders placed in the period.
-- Reads `period_lines` (promo_paid_lines.sql). Parameters: $top.

with components as (
    select bundle_sku as sku, components from bundle_recipes()
),

bundle_lines as (
    select l.platform, l.shop, l.order_id, l.sku, l.title, coalesce(l.quantity, 0) as units
    from period_lines as l
    where coalesce(l.is_bundle_marked, false) or l.sku in (select sku from components)
),

ranked as (
    select
        coalesce(sku, title) as sku,
        max(title) as name,
        sum(units)::bigint as units,
        count(distinct (platform, shop, order_id)) as orders
    from bundle_lines
    group by all
),

final as (
    select r.sku, r.name, r.units, r.orders, c.components
    from ranked as r
    left join components as c using (sku)
    order by r.units desc, r.sku
    limit $top
)

select * from final
