-- The pick list of a set of orders (a batch): every SKU to take from the shelves, bundles split
-- into their components (explode_bundles), gift lines included (marked, or priced 0), lines
-- refunded in full left out, with the SKU's name and the warehouses holding it (those with
-- stock available first).
-- Reads the registered relation `print_keys` (pos, platform, shop, order_id).

with keys as (
    select distinct platform, shop, order_id from print_keys
),

exploded as (
    select e.*
    from explode_bundles('order_lines') as e
    semi join keys as k
        on k.platform = e.platform and k.shop = e.shop and k.order_id = e.order_id
),

lines as (
    select
        e.platform,
        e.shop,
        e.order_id,
        coalesce(nullif(trim(e.sku), ''), nullif(trim(l.title), ''), '?') as sku,
        case when e.from_bundle then null else l.title end as title,
        e.quantity,
        gift_line(l.is_gift, l.unit_price) as is_gift,
        case when e.from_bundle then e.line_sku end as bundle_sku
    from exploded as e
    join order_lines as l
        on l.platform = e.platform and l.shop = e.shop and l.order_id = e.order_id
        and l.line_id = e.line_id
    where l.refund_norm is distinct from 'success'      -- refunded in full: not packed
),

stock_names as (
    select
        sku,
        min(nullif(trim(name), '')) as name,
        string_agg(distinct nullif(trim(warehouse), ''), ', ' order by nullif(trim(warehouse), ''))
            filter (where coalesce(available, 0) > 0) as stocked_in,
        string_agg(distinct nullif(trim(warehouse), ''), ', ' order by nullif(trim(warehouse), ''))
            as listed_in
    from stock
    group by sku
),

picked as (
    select
        sku,
        min(title) as title,
        sum(quantity)::bigint as quantity,
        coalesce(sum(quantity) filter (where is_gift), 0)::bigint as gift_quantity,
        string_agg(distinct bundle_sku, ', ' order by bundle_sku) as from_bundles,
        count(distinct (platform, shop, order_id))::bigint as orders
    from lines
    group by sku
),

final as (
    select
        p.sku,
        coalesce(n.name, p.title) as name,
        coalesce(n.stocked_in, n.listed_in) as warehouse,
        p.quantity,
        p.gift_quantity,
        p.from_bundles,
        p.orders
    from picked as p
    left join stock_names as n using (sku)
)

select * from final order by warehouse nulls last, sku
