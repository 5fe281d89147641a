-- Orders of each type of DESIGN §7 (an order may have several; rules: order_types_in() in
-- schema.sql) and the orders in scope.
-- Parameters: $date_from, $date_to, $shops, $platforms (global filters), and an optional window
-- $win_start, $win_end (orders created in [win_start, win_end); null = no window).

with typed as (
    select *
    from order_types_in($date_from, $date_to, $shops, $platforms, $win_start, $win_end)
),

final as (
    select
        count(*) filter (where promotion) as promotion,
        count(*) filter (where bundle) as bundle,
        count(*) filter (where combo) as combo,
        count(*) filter (where gift) as gift,
        count(*) as orders
    from typed
)

select * from final
