-- The items of each packing slip as sold, a bundle with its components, gifts marked (a line
-- marked as a gift or priced 0); a line refunded in full is not in the parcel.
-- `shop_name`: the shop's display name (DESIGN §13), the key where none.
-- Reads the registered relation `print_keys` (pos, platform, shop, order_id).

with keys as (
    select platform, shop, order_id, min(pos) as pos from print_keys group by all
),

components as (
    select bundle_sku, components from bundle_recipes()
),

final as (
    select
        k.pos,
        l.platform,
        l.shop,
        coalesce(nullif(trim(sh.display_name), ''), l.shop) as shop_name,
        l.order_id,
        l.line_id,
        l.sku,
        l.title,
        l.quantity,
        gift_line(l.is_gift, l.unit_price) as is_gift,
        c.components
    from keys as k
    join order_lines as l using (platform, shop, order_id)
    left join components as c on c.bundle_sku = l.sku
    left join shops as sh on sh.platform = l.platform and sh.shop = l.shop
    where l.refund_norm is distinct from 'success'      -- refunded in full: not in the parcel
)

select * from final order by pos, try_cast(line_id as integer) nulls last, line_id
