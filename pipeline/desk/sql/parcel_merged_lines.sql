-- The lines of the merged parcels (DESIGN §12): each order of a parcel with its lines still to
-- pack (a line refunded in full leaves with its money), and the order's courier and tracking
-- number as the desk has them (a merged parcel's are one: pipeline/desk/actions.py records a
-- courier on every order of it).
-- Reads the registered relation `parcel_members` (parcel_merges.sql: platform, shop, parcel_id,
-- order_id, member_no) and the tables `order_lines`, `order_state`.

with members as (
    select platform, shop, parcel_id, order_id, member_no from parcel_members
),

final as (
    select
        m.parcel_id,
        m.platform,
        m.shop,
        m.order_id,
        l.line_id,
        l.quantity::bigint as quantity,
        s.courier,
        s.tracking_no,
        m.member_no
    from members as m
    join order_lines as l using (platform, shop, order_id)
    left join order_state as s using (platform, shop, order_id)
    where l.refund_norm is distinct from 'success'
)

select * from final
order by platform, shop, parcel_id, member_no, try_cast(line_id as integer) nulls last, line_id
