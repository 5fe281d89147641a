-- What a parcel at the packing bench holds, item by item (pipeline/desk/packing.py): each
-- line of the parcel with its pieces in it, a bundle split into its components as the pick
-- list does (the `bundles` table, one level, quantities multiplied; `per_set` pieces of a
-- component in one set), gifts marked; a line refunded in full since is left out (it leaves
-- with its money). An item's name is the line's title, a component's the stock's name.
-- Reads the registered relation `pack_parcel` (pos, platform, shop, order_id, line_id,
-- quantity) and the tables `order_lines`, `bundles`, `stock`.

with parcel as (
    select pos, platform, shop, order_id, line_id, quantity
    from pack_parcel
),

lines as (
    select
        p.pos,
        p.platform,
        p.shop,
        p.order_id,
        p.line_id,
        coalesce(nullif(trim(l.sku), ''), nullif(trim(l.title), ''), '?') as line_sku,
        nullif(trim(l.title), '') as title,
        p.quantity as sets,
        gift_line(l.is_gift, l.unit_price) as is_gift
    from parcel as p
    join order_lines as l using (platform, shop, order_id, line_id)
    where l.refund_norm is distinct from 'success'
      and p.quantity > 0
),

items as (
    select l.*, b.component_sku, b.quantity as per_set
    from lines as l
    left join bundles as b on b.bundle_sku = l.line_sku
),

names as (
    select sku, min(nullif(trim(name), '')) as name
    from stock
    group by sku
),

final as (
    select
        i.platform,
        i.shop,
        i.order_id,
        i.line_id,
        coalesce(i.component_sku, i.line_sku) as sku,
        case when i.component_sku is null then coalesce(i.title, n.name) else n.name end
            as title,
        (i.sets * coalesce(i.per_set, 1))::bigint as needed,
        case when i.component_sku is not null then i.line_sku end as bundle_sku,
        case when i.component_sku is not null then i.title end as bundle_title,
        i.per_set::bigint as per_set,
        i.is_gift,
        i.pos
    from items as i
    left join names as n on n.sku = coalesce(i.component_sku, i.line_sku)
)

select * exclude (pos) from final order by pos, bundle_sku nulls first, sku
