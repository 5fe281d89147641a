-- The order types of DESIGN §7, one row per order (rules: order_types_in() in schema.sql).
-- Parameters: $date_from, $date_to, $shops, $platforms (global filters), and an optional window
-- $win_start, $win_end (orders created in [win_start, win_end); null = no window).

with final as (
    select *
    from order_types_in($date_from, $date_to, $shops, $platforms, $win_start, $win_end)
)

select * from final order by platform, shop, order_id
