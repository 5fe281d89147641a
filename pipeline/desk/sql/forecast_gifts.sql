-- The gifts of a promotion period (gift lines of its paid orders: priced 0 or marked 赠品,
-- bundles exploded): units given, stock left once the waiting orders took theirs, and the
-- waiting orders that will miss the gift (in order of payment, the orders whose claim on the
-- gift runs past the stock), and the cost of the gifts given where the stock export gives a
-- unit cost (the dearest warehouse's).
-- Parameters: $shops, $platforms, $p_start, $p_end.

with gift_lines as (
    -- priced 0 or marked 赠品, as the Promotions page counts them (gift_line)
    select l.*
    from order_lines as l
    semi join paid_orders_in($shops, $platforms, $p_start, $p_end) as p
        using (platform, shop, order_id)
    where gift_line(l.is_gift, l.unit_price)
),

given as (
    select l.sku, sum(l.quantity)::bigint as units_given,
           count(distinct (l.platform, l.shop, l.order_id)) as orders
    from explode_bundles('gift_lines') as l
    where l.sku is not null
    group by l.sku
),

waiting_gift as (
    select
        w.platform, w.shop, w.order_id, w.sku, w.quantity,
        sum(w.quantity) over (
            partition by w.sku order by w.paid_at, w.created_at, w.platform, w.shop, w.order_id
            rows unbounded preceding
        ) as running
    from waiting_needs() as w
    semi join given as g on g.sku = w.sku
),

misses as (
    select wg.sku, count(*) as orders_missing
    from waiting_gift as wg
    join available_by_sku() as a using (sku)
    where wg.running > a.allocatable
    group by wg.sku
),

final as (
    select
        g.sku,
        g.units_given,
        g.orders,
        a.allocatable is not null as tracked,
        a.allocatable - coalesce(
            (select sum(quantity) from waiting_needs() as w where w.sku = g.sku), 0
        ) as stock_left,
        coalesce(m.orders_missing, 0) as orders_missing,
        c.unit_cost,
        g.units_given * c.unit_cost as gift_cost
    from given as g
    left join available_by_sku() as a using (sku)
    left join misses as m using (sku)
    left join (
        select sku, max(unit_cost) as unit_cost from stock where unit_cost is not null group by sku
    ) as c using (sku)
)

select * from final order by orders_missing desc, units_given desc, sku
