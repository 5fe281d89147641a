-- Gifts of a promotion period (lines priced 0 or marked 赠品 in paid orders placed in it) with
-- their stock: the units the orders waiting to ship take from (all warehouses; DESIGN §6, null
-- for an untracked gift), their open demand (bundles exploded), and what is left after it.
-- Reads `period_lines` (promo_paid_lines.sql); no parameters.

with gift_lines as (
    select l.platform, l.shop, l.order_id, l.sku, l.title, coalesce(l.quantity, 0) as units
    from period_lines as l
    where gift_line(l.is_gift, l.unit_price)
),

gifts as (
    select
        coalesce(sku, title) as sku,
        max(title) as name,
        sum(units)::bigint as units,
        count(distinct (platform, shop, order_id)) as orders
    from gift_lines
    group by all
),

on_hand as (
    select sku, allocatable from available_by_sku()
),

open_demand as (
    select sku, sum(quantity)::bigint as open_demand
    from waiting_exploded_lines()
    group by sku
),

final as (
    select
        g.sku,
        g.name,
        g.units,
        g.orders,
        a.allocatable,
        coalesce(d.open_demand, 0) as open_demand,
        a.allocatable - coalesce(d.open_demand, 0) as left_after_open
    from gifts as g
    left join on_hand as a using (sku)
    left join open_demand as d using (sku)
    order by g.units desc, g.sku
)

select * from final
