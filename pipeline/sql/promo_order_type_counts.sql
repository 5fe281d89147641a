-- Orders of each type of DESIGN §7 (an order may have several; the rules are in
-- promo_order_types.sql) and the orders in scope. The facts of each order come from
-- order_type_facts; bundles and periods are read live.
-- Parameters: $date_from, $date_to, $shops, $platforms (global filters), and an optional window
-- $win_start, $win_end (orders created in [win_start, win_end); null = no window).

with scoped as (
    select *
    from order_type_facts
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
      and ($win_start::timestamp is null or created_at >= $win_start::timestamp)
      and ($win_end::timestamp is null or created_at < $win_end::timestamp)
),

bundle_orders as (
    select distinct l.platform, l.shop, l.order_id
    from order_lines as l
    where l.sku in (select bundle_sku from bundles)
),

periods as (
    select start_at, end_at from promotions
),

final as (
    select
        count(*) filter (
            where promo_facts
               or exists (
                   select 1 from periods as p
                   where o.created_at >= p.start_at and o.created_at < p.end_at
               )
        ) as promotion,
        count(*) filter (where o.bundle_marked or b.order_id is not null) as bundle,
        count(*) filter (where combo) as combo,
        count(*) filter (where gift) as gift,
        count(*) as orders
    from scoped as o
    left join bundle_orders as b using (platform, shop, order_id)
)

select * from final
